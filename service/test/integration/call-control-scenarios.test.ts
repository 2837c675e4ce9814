import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CcSession, describeEvent, rolesOf, type Answer } from '../support/cc-client';
import { ICP1, ICP2, startCcEnv, type CcEnv } from '../support/cc-env';

/**
 * End-to-end call scenarios: an application (reference-WSDL client) monitors lab phones and
 * sees the full event sequence of each (developer guide "Call Control Service Key Concepts";
 * the sequences are docs/pbx-link-protocol.md "Event sequences", which the lab's own tests
 * hold to its call engine).
 */
let env: CcEnv;
let app: CcSession;
let icp1: string;
let icp2: string;

beforeAll(async () => {
  env = await startCcEnv();
  app = await CcSession.open(env.url);
  icp1 = await app.icpId(ICP1);
  icp2 = await app.icpId(ICP2);
});

afterAll(async () => {
  await env?.close();
});

afterEach(async () => {
  // Every scenario starts from idle phones and an empty event queue.
  for (const call of env.lab.calls()) {
    for (const leg of call.legs) {
      if (leg.dn === null) continue;
      try {
        env.lab.hangUp(leg.dn, leg.callId);
      } catch {
        // already gone
      }
    }
  }
  await app.drain(200);
});

/** Monitors the phones and returns their object ids, after reading each MONITOR_SET. */
async function watch(session: CcSession, ...phones: Array<[string, string]>): Promise<string[]> {
  const ids: string[] = [];
  for (const [icp, dn] of phones) {
    const id = await session.monitor(icp, dn);
    const [set] = await session.events(1);
    expect(describeEvent(set as Answer)).toBe(`${id} MONITOR_SET/MONITOR_SET/IDLE`);
    ids.push(id);
  }
  return ids;
}

const lines = (events: Answer[]): string[] => events.map(describeEvent);

/** Each object's events in order: events of different controllers arrive over different links, so only per-device order is defined. */
const byObject = (events: Answer[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const line of lines(events)) {
    const [id, ...rest] = line.split(' ');
    (out[id as string] ??= []).push(rest.join(' '));
  }
  return out;
};

describe('call scenarios through StandardCCService', () => {
  it('A calls B, B answers, A clears: every event on both phones, with roles and call ids', async () => {
    const [a, b] = await watch(app, [icp1, '1000'], [icp1, '1001']);
    await app.ok('makeCall', { sessionId: app.sessionId, objectId: a, number: '1001' });
    const ringing = await app.events(3);
    expect(lines(ringing)).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${b} CALL_DELIVERED/NEW_CALL/RECEIVED`, `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`]);
    expect(rolesOf(ringing[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001']);
    const callId = ringing[1]?.callEvent.attributes.localCallId as string;

    await app.ok('answerCall', { sessionId: app.sessionId, objectId: b, localCallId: callId });
    expect(lines(await app.events(2))).toEqual([`${b} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`, `${a} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`]);

    await app.ok('clearCall', { sessionId: app.sessionId, objectId: a, localCallId: callId });
    const cleared = await app.events(2);
    expect(lines(cleared)).toEqual([`${a} CALL_CLEAR/CLEARED/IDLE`, `${b} CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE`]);
    const gcid = (e: Answer) => (Array.isArray(e.callEvent.callEventAttribute) ? e.callEvent.callEventAttribute : [e.callEvent.callEventAttribute]).find((x: any) => x.attributeName === 'CURRENT_GLOBAL_CALL_ID')?.attributeValue;
    expect(gcid(cleared[0] as Answer)).toBe(gcid(ringing[0] as Answer));
    expect(Number(cleared[0]?.callEvent.attributes.callEventTime)).toBeGreaterThan(Date.now() - 60_000);
    await app.ok('stopMonitor', { sessionId: app.sessionId, objectId: a });
    await app.ok('stopMonitor', { sessionId: app.sessionId, objectId: b });
  });

  it('a call across controllers: 1000 on ICP-1 calls 2005 on ICP-2', async () => {
    const [a, b] = await watch(app, [icp1, '1000'], [icp2, '2005']);
    await app.ok('makeCall', { sessionId: app.sessionId, objectId: a, number: '2005' });
    expect(byObject(await app.events(3))).toEqual({
      [a as string]: ['CALL_ORIGINATED/NEW_CALL/ORIGINATED', 'CALL_DELIVERED/NEW_CALL/DELIVERED'],
      [b as string]: ['CALL_DELIVERED/NEW_CALL/RECEIVED'],
    });
    await app.ok('stopMonitor', { sessionId: app.sessionId, objectId: a });
    await app.ok('stopMonitor', { sessionId: app.sessionId, objectId: b });
  });
});
