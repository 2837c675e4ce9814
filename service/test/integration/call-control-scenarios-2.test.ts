import { LAB_AMC_ACCOUNT, startLabAmc, type LabAmc } from '@openoig/lab/amc';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CcSession, describeEvent, type Answer } from '../support/cc-client';
import { ICP1, startCcEnv, type CcEnv } from '../support/cc-env';
import { startEventHandlerEndpoint, type EventHandlerEndpoint } from '../support/cc-event-handler';
import { lines, releaseWatches, resetLab, watch } from '../support/cc-scenario';

/**
 * End-to-end scenarios of what the gateway adds around the calls (developer guide "Call Control
 * Service Key Concepts", service/README.md "Standard Call Control"): shared monitors, monitors
 * released with their session, pushed events, numbered events, queue overflow, Class of Service.
 */
const CALL_CONTROL = { eventQueueLimit: 1_000, pushAttempts: 3, pushTimeoutMs: 5_000 };

/** Sessions a scenario opens besides the shared one, logged out after it. */
const opened: CcSession[] = [];
async function openSession(env: CcEnv): Promise<CcSession> {
  const session = await CcSession.open(env.url);
  opened.push(session);
  return session;
}

async function cleanUp(env: CcEnv, ...sessions: CcSession[]): Promise<void> {
  await releaseWatches();
  for (const session of opened.splice(0)) await session.logout().catch(() => undefined);
  resetLab(env.lab);
  for (const session of sessions) await session.drain(200);
}

const pbxMonitors = (env: CcEnv) => env.gw.gateway.callControl.monitors.counts();

describe('monitors, sessions and event delivery', () => {
  let env: CcEnv;
  let app: CcSession;
  let icp1: string;

  beforeAll(async () => {
    env = await startCcEnv();
    app = await CcSession.open(env.url);
    icp1 = await app.icpId(ICP1);
  });
  afterAll(async () => {
    await env?.close();
  });
  afterEach(async () => {
    await cleanUp(env, app);
  });

  it('two sessions monitoring the same phone share one PBX monitor, each gets every event, and one stopping leaves the other watching', async () => {
    const other = await openSession(env);
    const [a] = await watch(app, [icp1, '1000']);
    const [same] = await watch(other, [icp1, '1000']);
    expect(same).toBe(a);
    expect(pbxMonitors(env)).toEqual({ pbxMonitors: 1, subscriptions: 2 });

    env.lab.dial('1000', '1001');
    const ringing = [`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`];
    expect(lines(await app.events(2))).toEqual(ringing);
    expect(lines(await other.events(2))).toEqual(ringing);

    await app.ok('stopMonitor', { sessionId: app.sessionId, objectId: a });
    expect(pbxMonitors(env)).toEqual({ pbxMonitors: 1, subscriptions: 1 });
    env.lab.hangUp('1000');
    expect(lines(await other.events(1))).toEqual([`${a} CALL_CLEAR/CLEARED/IDLE`]);
    expect(await app.drain()).toEqual([]);

    await other.ok('stopMonitor', { sessionId: other.sessionId, objectId: a });
    expect(pbxMonitors(env)).toEqual({ pbxMonitors: 0, subscriptions: 0 });
  });

  it('getNumberedEvent: numbers go up by one per event, and the same acknowledgement gets the same event again', async () => {
    const session = await openSession(env);
    const numbered = (eventNumber: number): Promise<Answer> => session.call('getNumberedEvent', { sessionId: session.sessionId, timeout: 3_000, eventNumber });
    const a = await session.monitor(icp1, '1000');
    const b = await session.monitor(icp1, '1001');
    await session.ok('makeCall', { sessionId: session.sessionId, objectId: a, number: '1001' });

    const first = await numbered(0);
    expect(first).toMatchObject({ result: 'true', eventNumber: '1', advanced: 'false' });
    expect(await numbered(0)).toEqual(first);

    const read: Answer[] = [first];
    for (let ack = 1; read.length < 5; ack++) read.push(await numbered(ack));
    expect(read.map((e) => `${e.eventNumber} ${describeEvent(e)}`)).toEqual([
      `1 ${a} MONITOR_SET/MONITOR_SET/IDLE`,
      `2 ${b} MONITOR_SET/MONITOR_SET/IDLE`,
      `3 ${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`,
      `4 ${b} CALL_DELIVERED/NEW_CALL/RECEIVED`,
      `5 ${a} CALL_DELIVERED/NEW_CALL/DELIVERED`,
    ]);
    expect(await numbered(4)).toEqual(read[4]);
    const none = await session.call('getNumberedEvent', { sessionId: session.sessionId, timeout: 0, eventNumber: 5 });
    expect(none).toMatchObject({ result: 'false', errorDescription: 'Timeout no event message available.' });
  });

  describe('pushed to a registered event handler', () => {
    let handler: EventHandlerEndpoint;
    beforeAll(async () => {
      handler = await startEventHandlerEndpoint();
    });
    afterAll(async () => {
      await handler?.close();
    });
    afterEach(() => {
      handler.requests.length = 0;
    });

    it('every event of a call arrives in order as handleEvent, and polling is refused while registered', async () => {
      const session = await openSession(env);
      await session.ok('registerEventHandler', { sessionId: session.sessionId, eventHandlerURL: handler.url });
      const polled = await session.call('getEvent', { sessionId: session.sessionId, timeout: 100 });
      expect(polled).toMatchObject({ result: 'false', errorDescription: expect.stringContaining(`pushed to its event handler ${handler.url}`) });

      const a = await session.monitor(icp1, '1000');
      const b = await session.monitor(icp1, '1001');
      await session.ok('makeCall', { sessionId: session.sessionId, objectId: a, number: '1001' });
      const ringing = await handler.received(5);
      await session.ok('answerCall', { sessionId: session.sessionId, objectId: b, localCallId: ringing[3]?.localCallId });
      await handler.received(7);
      await session.ok('clearCall', { sessionId: session.sessionId, objectId: a, localCallId: ringing[3]?.localCallId });
      await handler.received(9);

      expect(handler.accepted()).toEqual([
        `${a} MONITOR_SET/MONITOR_SET/IDLE`,
        `${b} MONITOR_SET/MONITOR_SET/IDLE`,
        `${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`,
        `${b} CALL_DELIVERED/NEW_CALL/RECEIVED`,
        `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`,
        `${b} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`,
        `${a} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`,
        `${a} CALL_CLEAR/CLEARED/IDLE`,
        `${b} CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE`,
      ]);
      expect(new Set(handler.requests.map((r) => r.soapAction))).toEqual(new Set(['"urn:handleEvent"']));

      // An empty URL goes back to polling.
      await session.ok('registerEventHandler', { sessionId: session.sessionId, eventHandlerURL: '' });
      expect(await session.call('getEvent', { sessionId: session.sessionId, timeout: 0 })).toMatchObject({
        result: 'false',
        errorDescription: 'Timeout no event message available.',
      });
    });

    it('an event the handler refuses on every attempt is given up, and a notice saying so comes before the next one', async () => {
      const session = await openSession(env);
      await session.ok('registerEventHandler', { sessionId: session.sessionId, eventHandlerURL: handler.url });
      handler.failNext(3);
      const a = await session.monitor(icp1, '1000');
      await handler.received(3);
      const b = await session.monitor(icp1, '1001');
      await handler.received(5);

      expect(handler.requests.map((r) => `${r.status} ${r.line}`)).toEqual([
        `500 ${a} MONITOR_SET/MONITOR_SET/IDLE`,
        `500 ${a} MONITOR_SET/MONITOR_SET/IDLE`,
        `500 ${a} MONITOR_SET/MONITOR_SET/IDLE`,
        `200 UNKNOWN 1 event(s) could not be delivered to ${handler.url} after 3 attempt(s) each and were discarded`,
        `200 ${b} MONITOR_SET/MONITOR_SET/IDLE`,
      ]);
      expect(env.gw.gateway.events.stats(session.sessionId)).toMatchObject({ pushFailed: 1 });
    });
  });

  it('a device whose Class of Service forbids monitoring or call control is refused, naming the option', async () => {
    const noMonitor = await app.phoneId(icp1, '1006');
    const refused = await app.call('monitorObject', { sessionId: app.sessionId, objectId: noMonitor });
    expect(refused.result).toBe('false');
    expect(refused.errorDescription).toContain('Device 1006: its Class of Service does not have "HCI/CTI/TAPI Monitor Allowed" set to Yes');
    expect(pbxMonitors(env).pbxMonitors).toBe(0);

    const [noControl] = await watch(app, [icp1, '1007']);
    const denied = await app.call('makeCall', { sessionId: app.sessionId, objectId: noControl, number: '1001' });
    expect(denied.result).toBe('false');
    expect(denied.errorDescription).toContain('Device 1007: its Class of Service does not have "HCI/CTI/TAPI Call Control Allowed" set to Yes');
    expect(await app.drain()).toEqual([]);
  });
});

describe('a gateway whose sessions expire after 1 s, licensed for 2 Standard users (4 monitors)', () => {
  let env: CcEnv;
  let amc: LabAmc;

  beforeAll(async () => {
    amc = await startLabAmc();
    amc.addArid(LAB_AMC_ACCOUNT, { arid: 'ARID-TEST-0002', parts: [{ partNumber: '54005785', quantity: 1 }, { partNumber: '54005792', quantity: 2 }] });
    env = await startCcEnv({ config: { sessions: { timeoutMs: 1_000, max: 1_500 }, callControl: CALL_CONTROL }, gateway: { amc, arid: 'ARID-TEST-0002' } });
  });
  afterAll(async () => {
    await env?.close();
    await amc?.stop();
  });

  it('a session that expires without keep-alive releases its monitors and licences; a live session keeps its own', async () => {
    const live = await CcSession.open(env.url);
    const waiting = await CcSession.open(env.url);
    const expiring = await CcSession.open(env.url);
    const kept = new Set([live, waiting, expiring]);
    const keepAlive = setInterval(() => {
      for (const s of kept) s.keepAlive().catch(() => undefined);
    }, 200);
    try {
      const icp1 = await live.icpId(ICP1);
      const [a, b] = await watch(live, [icp1, '1000'], [icp1, '1001']);
      await watch(expiring, [icp1, '1000'], [icp1, '1002']);
      expect(pbxMonitors(env)).toEqual({ pbxMonitors: 3, subscriptions: 4 });
      const phone1003 = await waiting.phoneId(icp1, '1003');
      const exhausted = await waiting.call('monitorObject', { sessionId: waiting.sessionId, objectId: phone1003 });
      expect(exhausted).toMatchObject({ result: 'false', errorDescription: expect.stringMatching(/^No Standard call control monitor is free: all 4 monitors/) });

      // From now on no keep-alive for `expiring`: 1000 stays watched by `live`, 1002's PBX monitor stops.
      kept.delete(expiring);
      await vi.waitFor(() => expect(pbxMonitors(env)).toEqual({ pbxMonitors: 2, subscriptions: 2 }), { timeout: 5_000, interval: 50 });
      expect(await expiring.call('stopMonitor', { sessionId: expiring.sessionId, objectId: a })).toMatchObject({
        result: 'false',
        errorDescription: expect.stringContaining('does not exist or has ended'),
      });
      await watch(waiting, [icp1, '1003']);

      env.lab.dial('1000', '1001');
      expect(lines(await live.events(3))).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${b} CALL_DELIVERED/NEW_CALL/RECEIVED`, `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`]);

      await live.logout();
      await waiting.logout();
      await vi.waitFor(() => expect(pbxMonitors(env)).toEqual({ pbxMonitors: 0, subscriptions: 0 }), { timeout: 5_000, interval: 50 });
    } finally {
      clearInterval(keepAlive);
      await releaseWatches();
      resetLab(env.lab);
      await live.logout().catch(() => undefined);
      await waiting.logout().catch(() => undefined);
    }
  });
});

describe('a gateway whose session event queues hold 10 events', () => {
  let env: CcEnv;

  beforeAll(async () => {
    env = await startCcEnv({ config: { callControl: { ...CALL_CONTROL, eventQueueLimit: 10 } } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('events beyond the limit are discarded: getNumberedEvent shows the gap and one UNKNOWN notice says how many', async () => {
    const session = await CcSession.open(env.url);
    try {
      const icp1 = await session.icpId(ICP1);
      const a = await session.monitor(icp1, '1000');
      await session.monitor(icp1, '1001');
      // Two MONITOR_SETs and three calls of five events each: 17 events, 10 kept.
      for (let i = 0; i < 3; i++) {
        env.lab.dial('1000', '1001');
        env.lab.hangUp('1000');
      }
      await vi.waitFor(() => expect(env.gw.gateway.events.stats(session.sessionId)).toMatchObject({ queued: 10, lost: 7 }), { timeout: 5_000, interval: 20 });

      const read: Answer[] = [];
      for (let ack = 0; read.length < 11; ack = Number(read[read.length - 1]?.eventNumber)) {
        read.push(await session.call('getNumberedEvent', { sessionId: session.sessionId, timeout: 3_000, eventNumber: ack }));
      }
      expect(read.map((e) => Number(e.eventNumber))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(read[10]).toMatchObject({
        result: 'true',
        eventType: 'UNKNOWN',
        errorDescription: expect.stringMatching(/^Event queue overflow: 7 event\(s\) \(numbers 11 to 17\) were discarded/),
      });

      env.lab.dial('1000', '1001');
      const next = await session.call('getNumberedEvent', { sessionId: session.sessionId, timeout: 3_000, eventNumber: 11 });
      expect(`${next.eventNumber} ${describeEvent(next)}`).toBe(`18 ${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`);
    } finally {
      resetLab(env.lab);
      await session.logout();
    }
  });
});
