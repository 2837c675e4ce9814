import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcSession, describeEvent, type Answer } from '../support/cc-client';
import { ICP1, ICP2, startCcEnv, type CcEnv } from '../support/cc-env';
import { LAB } from '../support/gateway';

/**
 * Controller link faults (developer guide: "MiVoice Business and Mitel OIG Connection
 * Failures", "MiVoice Business connection recovery"): the system event with the controller's
 * icpId, OUT_OF_SERVICE for the monitored devices it served, CONNECTED, monitors restored and
 * MONITOR_SET; resilient devices continue on their secondary controller.
 */
let env: CcEnv;
let icp1: string;
let icp2: string;

beforeAll(async () => {
  env = await startCcEnv();
  const probe = await CcSession.open(env.url);
  icp1 = await probe.icpId(ICP1);
  icp2 = await probe.icpId(ICP2);
  await probe.logout();
});

afterAll(async () => {
  await env?.close();
});

async function monitored(session: CcSession, icp: string, dn: string): Promise<string> {
  const id = await session.monitor(icp, dn);
  await session.until((e) => describeEvent(e) === `${id} MONITOR_SET/MONITOR_SET/IDLE`);
  return id;
}

const lines = (events: Answer[]): string[] => events.map(describeEvent);

describe('controller link faults', () => {
  it('a dropped link: CONNECTION_FAILURE and OUT_OF_SERVICE, then CONNECTED, the monitor restored and MONITOR_SET', async () => {
    const app = await CcSession.open(env.url);
    const phone = await monitored(app, icp1, '1003');

    env.lab.dropLinks('ICP-1');
    const down = await app.events(2);
    expect(lines(down)).toEqual([`SYSTEM ${icp1} CONNECTION_FAILURE`, `${phone} OUT_OF_SERVICE/CONTROLLER_COMMS_FAILED/OUT_OF_SERVICE`]);

    const up = await app.events(2, 10_000);
    expect(lines(up)).toEqual([`SYSTEM ${icp1} CONNECTED`, `${phone} MONITOR_SET/MONITOR_SET/IDLE`]);

    // The restored monitor reports calls again.
    env.lab.dial('1004', '1003');
    const ringing = await app.until((e) => e.callEvent?.type === 'CALL_DELIVERED');
    expect(describeEvent(ringing.at(-1) as Answer)).toBe(`${phone} CALL_DELIVERED/NEW_CALL/RECEIVED`);
    env.lab.hangUp('1004');
    await app.until((e) => e.callEvent?.callState === 'IDLE');
    await app.logout();
  });

  it('a controller restart: the same, once the controller is back; its calls are gone', async () => {
    const app = await CcSession.open(env.url);
    const phone = await monitored(app, icp1, '1005');
    env.lab.dial('1005', '1006');
    await app.until((e) => e.callEvent?.callState === 'DELIVERED');

    const restarted = env.lab.restart('ICP-1', 1_000);
    const down = await app.until((e) => e.callEvent?.type === 'OUT_OF_SERVICE');
    expect(lines(down)).toContain(`SYSTEM ${icp1} CONNECTION_FAILURE`);
    await restarted;
    const up = await app.until((e) => e.callEvent?.type === 'MONITOR_SET', 10_000);
    expect(lines(up).slice(-2)).toEqual([`SYSTEM ${icp1} CONNECTED`, `${phone} MONITOR_SET/MONITOR_SET/IDLE`]);

    const status = await app.ok('getCallStatus', { sessionId: app.sessionId, objectId: phone });
    expect(status.callEvent).toBeUndefined();
    expect(env.lab.calls().filter((c) => c.calling === '1005')).toEqual([]);
    await app.logout();
  });

  it('a resilient phone continues on its secondary controller while the primary is down, and returns to it', async () => {
    const app = await CcSession.open(env.url);
    const phone = await monitored(app, icp2, '2001');
    const caller = await monitored(app, icp1, '1002');
    const config = await app.ok('getDeviceConfigurationEx', { request: { attributes: { sessionId: app.sessionId, icpId: icp2 }, primeDn: '2001' } });
    expect(config).toMatchObject({ isResilient: 'true', primaryIcpId: icp2, secondaryIcpId: icp1, primaryIcpAddress: ICP2, secondaryIcpAddress: ICP1 });

    const restarted = env.lab.restart('ICP-2', 3_000);
    // The failure and the secondary's IN_SERVICE come over different links; only the outcome
    // is fixed: the controller's failure is reported and the phone is in service again.
    const failover: Answer[] = [];
    const seen = () => lines(failover);
    while (!(seen().includes(`SYSTEM ${icp2} CONNECTION_FAILURE`) && seen().includes(`${phone} IN_SERVICE/DEVICE_IN_SERVICE/IDLE`))) {
      failover.push(...(await app.until(() => true)));
    }
    // Whatever the order, the last word on the phone is that it is in service.
    expect(seen().filter((l) => l.startsWith(`${phone} `) && /SERVICE/.test(l)).at(-1)).toBe(`${phone} IN_SERVICE/DEVICE_IN_SERVICE/IDLE`);

    const resilient = await app.ok('getResilientStatus', { sessionId: app.sessionId, objectId: phone });
    expect(resilient).toMatchObject({ isResilient: 'true', primaryIcpId: icp2, secondaryIcpId: icp1, activeIcpId: icp1, secondaryConnectionState: 'CONNECTED' });
    expect(resilient.primaryConnectionState).not.toBe('CONNECTED');

    // Calls still reach the phone, through the secondary controller.
    await app.ok('makeCall', { sessionId: app.sessionId, objectId: caller, number: '2001' });
    const ringing = await app.until((e) => e.callEvent?.attributes.objectId === phone && e.callEvent.callState === 'RECEIVED');
    const callId = ringing.at(-1)?.callEvent.attributes.localCallId;
    await app.ok('answerCall', { sessionId: app.sessionId, objectId: phone, localCallId: callId });
    await app.until((e) => e.callEvent?.attributes.objectId === phone && e.callEvent.callState === 'ESTABLISHED');
    await app.ok('clearCall', { sessionId: app.sessionId, objectId: phone, localCallId: callId });
    await app.until((e) => e.callEvent?.attributes.objectId === caller && e.callEvent.callState === 'IDLE');

    // The primary comes back: its link and monitor are restored, and the phone returns to it.
    await restarted;
    const back = await app.until((e) => e.callEvent?.type === 'IN_SERVICE' && e.callEvent.attributes.objectId === phone, 10_000);
    expect(lines(back)).toContain(`SYSTEM ${icp2} CONNECTED`);
    expect(lines(back)).toContain(`${phone} MONITOR_SET/MONITOR_SET/IDLE`);
    const after = await app.ok('getResilientStatus', { sessionId: app.sessionId, objectId: phone });
    expect(after).toMatchObject({ activeIcpId: icp2, primaryConnectionState: 'CONNECTED' });
    await app.logout();
  });

  it('a controller that stops answering is found dead by the heartbeat and reconnected', async () => {
    const app = await CcSession.open(env.url);
    const phone = await monitored(app, icp1, '1008');
    env.lab.stopAnswering('ICP-1');
    const down = await app.events(2, 10_000);
    expect(lines(down)).toEqual([`SYSTEM ${icp1} CONNECTION_FAILURE`, `${phone} OUT_OF_SERVICE/CONTROLLER_COMMS_FAILED/OUT_OF_SERVICE`]);
    env.lab.resume('ICP-1');
    const up = await app.until((e) => e.callEvent?.type === 'MONITOR_SET', 10_000);
    expect(lines(up).slice(-2)).toEqual([`SYSTEM ${icp1} CONNECTED`, `${phone} MONITOR_SET/MONITOR_SET/IDLE`]);
    await app.logout();
  });

  it("the administrator sees each controller's link state and version, and what each session holds", async () => {
    const app = await CcSession.open(env.url);
    await monitored(app, icp1, '1009');
    const login = await request(`${env.url}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: LAB.adminPassword }) });
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    await login.body.text();
    const get = async (path: string) => (await (await request(`${env.url}/api/admin${path}`, { headers: { cookie } })).body.json()) as any[];

    const elements = await get('/network-elements');
    expect(elements.filter((e) => [ICP1, ICP2].includes(e.address)).map((e) => [e.icpId, e.address, e.connectionState, e.version])).toEqual([
      [icp1, ICP1, 'CONNECTED', '10.1.0.12'],
      [icp2, ICP2, 'CONNECTED', '10.1.0.12'],
    ]);
    const sessions = await get('/sessions');
    expect(sessions.find((s) => s.sessionId === app.sessionId)).toMatchObject({ monitors: 1, events: { queued: 0, lost: 0, eventHandlerUrl: null } });
    await app.logout();
  });

  it('a secondary controller first reached after the monitor was set gets the monitor when it comes up', async () => {
    const fresh = await startCcEnv({ pbx: { connectWaitMs: 300 } });
    try {
      const down = fresh.lab.restart('ICP-1', 2_500);
      const app = await CcSession.open(fresh.url);
      const primary = await app.icpId(ICP2);
      const phone = await app.monitor(primary, '2002'); // secondary ICP-1 is down: set on ICP-2 only
      await app.until((e) => describeEvent(e) === `${phone} MONITOR_SET/MONITOR_SET/IDLE`);
      expect(fresh.gw.gateway.callControl.monitors.counts()).toEqual({ pbxMonitors: 1, subscriptions: 1 });
      await down;
      await app.until((e) => describeEvent(e) === `${phone} MONITOR_SET/SECONDARY_MONITOR_SET/IDLE`, 10_000);
      // Now the failover of the primary reaches the application through the secondary.
      const restarted = fresh.lab.restart('ICP-2', 1_000);
      await app.until((e) => e.callEvent?.type === 'IN_SERVICE' && e.callEvent.attributes.objectId === phone, 10_000);
      await restarted;
      await app.logout();
    } finally {
      await fresh.close();
    }
  });
});
