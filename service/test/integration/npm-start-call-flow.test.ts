import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcSession, describeEvent, type Answer } from '../support/cc-client';
import { LAB_RUNNER_START_BUDGET_MS, startLabRunner, type LabRunner } from '../support/lab-runner';

/**
 * Issue #4's "Done means", against what `npm start` runs (src/dev/run-with-lab.ts: the gateway,
 * the lab certificate server and the default lab MiVoice Business cluster, on their own ports
 * here): an application built from the reference WSDL logs in, finds phones, monitors them,
 * places, answers, transfers and clears calls, and sees every event.
 */
let lab: LabRunner | undefined;
let url: string;
let controlUrl: string;

beforeAll(async () => {
  lab = await startLabRunner();
  ({ url, controlUrl } = lab);
}, LAB_RUNNER_START_BUDGET_MS);

afterAll(async () => {
  await lab?.close();
});

/** A person at a lab phone, through the lab's HTTP control API. */
async function atPhone(dn: string, action: string, body: Record<string, unknown> = {}): Promise<void> {
  const res = await request(`${controlUrl}/phones/${dn}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${dn} ${action}: HTTP ${res.statusCode} ${text}`);
}

const perObject = (events: Answer[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const line of events.map(describeEvent)) {
    const [id, ...rest] = line.split(' ');
    (out[id as string] ??= []).push(rest.join(' '));
  }
  return out;
};

describe("an application against npm start's lab", () => {
  it('logs in, finds and monitors phones, places, answers, transfers and clears a call, seeing every event', async () => {
    const app = await CcSession.open(url);
    const icp = await app.icpId('127.1.0.1');
    const [a, b, c] = [await app.monitor(icp, '1000'), await app.monitor(icp, '1001'), await app.monitor(icp, '1002')];
    expect(perObject(await app.events(3))).toEqual({ [a]: ['MONITOR_SET/MONITOR_SET/IDLE'], [b]: ['MONITOR_SET/MONITOR_SET/IDLE'], [c]: ['MONITOR_SET/MONITOR_SET/IDLE'] });

    await app.ok('makeCall', { sessionId: app.sessionId, objectId: a, number: '1001' });
    const ringing = await app.events(3);
    const callAB = ringing[0]?.callEvent.attributes.localCallId as string;
    await app.ok('answerCall', { sessionId: app.sessionId, objectId: b, localCallId: callAB });
    const answered = await app.events(2);
    await app.ok('consultationCall', { sessionId: app.sessionId, objectId: a, localCallId: callAB, number: '1002' });
    const consulting = await app.events(5);
    await atPhone('1002', 'answer');
    const consulted = await app.events(2);
    const callAC = consulted[0]?.callEvent.attributes.localCallId as string;
    await app.ok('transferCall', { sessionId: app.sessionId, objectId: a, localCallId: callAC });
    const transferred = await app.events(4);
    await app.ok('clearCall', { sessionId: app.sessionId, objectId: b, localCallId: callAB });
    const cleared = await app.events(2);

    expect(perObject([...ringing, ...answered, ...consulting, ...consulted, ...transferred, ...cleared])).toEqual({
      [a]: [
        'CALL_ORIGINATED/NEW_CALL/ORIGINATED',
        'CALL_DELIVERED/NEW_CALL/DELIVERED',
        'CALL_ESTABLISHED/ANSWERED/ESTABLISHED',
        'CALL_HELD/CONS_HOLD/HELD',
        'CALL_ORIGINATED/NEW_CALL/ORIGINATED',
        'CALL_DELIVERED/NEW_CALL/DELIVERED',
        'CALL_ESTABLISHED/ANSWERED/ESTABLISHED',
        'CALL_TRANSFERRED/SUPERVISED_TRANSFER/IDLE',
        'CALL_TRANSFERRED/SUPERVISED_TRANSFER/IDLE',
      ],
      [b]: [
        'CALL_DELIVERED/NEW_CALL/RECEIVED',
        'CALL_ESTABLISHED/ANSWERED/ESTABLISHED',
        'CALL_HELD/CONS_HOLD/ESTABLISHED',
        'CALL_TRANSFERRED/SUPERVISED_TRANSFER/ESTABLISHED',
        'CALL_CLEAR/CLEARED/IDLE',
      ],
      [c]: ['CALL_DELIVERED/NEW_CALL/RECEIVED', 'CALL_ESTABLISHED/ANSWERED/ESTABLISHED', 'CALL_TRANSFERRED/SUPERVISED_TRANSFER/ESTABLISHED', 'CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE'],
    });
    expect(await app.drain()).toEqual([]);
    await app.logout();
  });
});
