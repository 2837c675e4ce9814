import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REFERENCE_CC_WSDL, CcSession, asArray, describeEvent, flatten, rolesOf, type Answer, type SoapClient } from '../support/cc-client';
import { ICP1, ICP2, startCcEnv, type CcEnv } from '../support/cc-env';
import { LAB } from '../support/gateway';

/**
 * Contract: a soap client from the reference StandardCCService.wsdl exercises every standard
 * operation against the running gateway + lab MiVB (service/README.md "Standard Call Control";
 * the lab's events are docs/pbx-link-protocol.md "Event sequences", default lab cluster).
 *
 * Every portType operation whose name does not start with `adv` (61) must have been answered
 * result="true" at least once by the end of the file (the last test checks it). Each operation's
 * answer is checked for its content; call operations by one event each produces (the full
 * sequences are call-control-scenarios.test.ts's and the lab's own tests').
 */

// ---------------------------------------------------------------- the operations of the reference

const STANDARD_OPERATIONS: readonly string[] = (() => {
  const wsdl = readFileSync(REFERENCE_CC_WSDL, 'utf8');
  const portType = /<wsdl:portType[^>]*>([\s\S]*?)<\/wsdl:portType>/.exec(wsdl)?.[1] ?? '';
  const names = [...portType.matchAll(/<wsdl:operation name="([^"]+)"/g)].map((m) => m[1] as string);
  return [...new Set(names)].filter((name) => !name.startsWith('adv')).sort();
})();

/**
 * Operations whose success needs something the lab cannot give, with the reason (none now:
 * every standard operation succeeds against the lab). Each listed one would still be called,
 * and its test would assert the refusal names that reason.
 */
const CANNOT_SUCCEED: Readonly<Record<string, string>> = {};

/** Every answer of every operation, by name: how many, how many result="true". */
const tally = new Map<string, { calls: number; ok: number }>();
function record(operation: string, answer: Answer): void {
  const entry = tally.get(operation) ?? { calls: 0, ok: 0 };
  entry.calls += 1;
  if (answer.result === 'true') entry.ok += 1;
  tally.set(operation, entry);
}

const originalCall = CcSession.prototype.call;
CcSession.prototype.call = async function recordedCall(this: CcSession, operation: string, args: Record<string, unknown> = {}): Promise<Answer> {
  const answer = await originalCall.call(this, operation, args);
  record(operation, answer);
  return answer;
};

// ---------------------------------------------------------------- environment

let env: CcEnv;
let app: CcSession;
let icp1: string;
let icp2: string;

beforeAll(async () => {
  // Sessions outlive the file's longest test (the default 10 s timeout wants keep-alives).
  env = await startCcEnv({ config: { sessions: { timeoutMs: 300_000 } } });
  const first = await CcSession.open(env.url);
  icp1 = await first.icpId(ICP1);
  icp2 = await first.icpId(ICP2);
  await first.logout();
});

afterAll(async () => {
  CcSession.prototype.call = originalCall;
  await env?.close();
});

beforeEach(async () => {
  // Each test has its own session: its own event queue (numbered from 1) and monitors.
  app = await CcSession.open(env.url);
});

afterEach(async () => {
  try {
    await hangUpEverything();
  } finally {
    await app.logout();
  }
});

/** Every call in the lab is hung up (a matured call-me-back may start one more: a few rounds). */
async function hangUpEverything(): Promise<void> {
  for (let round = 0; round < 5 && env.lab.calls().length > 0; round++) {
    for (const call of env.lab.calls()) {
      for (const leg of call.legs) {
        if (leg.dn === null) continue;
        try {
          env.lab.hangUp(leg.dn, leg.callId);
        } catch {
          // gone with an earlier leg
        }
      }
    }
  }
  expect(env.lab.calls()).toEqual([]);
}

// ---------------------------------------------------------------- helpers

const sid = (): string => app.sessionId;

/** getPhoneNumberId + monitorObject (asked through the device's primary), reading the MONITOR_SET it causes. */
async function watch(icpId: string, dn: string): Promise<string> {
  const objectId = await app.phoneId(icpId, dn);
  expect(await app.ok('monitorObject', { sessionId: sid(), objectId })).toMatchObject({ objectId, icpId });
  await expectEvent(objectId, 'MONITOR_SET/MONITOR_SET/IDLE');
  return objectId;
}

/** Reads events until `<objectId> <what>` arrives (what: `TYPE/CAUSE/STATE` or `FEATURE TYPE`). */
async function expectEvent(objectId: string, what: string): Promise<Answer> {
  const read = await app.until((e) => describeEvent(e) === `${objectId} ${what}`);
  return read[read.length - 1] as Answer;
}

const callIdOf = (event: Answer): string => event.callEvent.attributes.localCallId as string;

function attributesOf(list: unknown): Record<string, string> {
  return Object.fromEntries(asArray(list as Answer[]).map((a) => [a.attributeName as string, a.attributeValue as string]));
}

const featureAttributes = (event: Answer): Record<string, string> => attributesOf(event.featureEvent.featureEventAttribute);
const callAttributes = (event: Answer): Record<string, string> => attributesOf(event.callEvent.callEventAttribute);

/** Lab setup: `from` calls `to` and `to` answers; resolves when `from`'s monitor says so. */
async function established(fromId: string, from: string, to: string): Promise<string> {
  const { callId } = env.lab.dial(from, to);
  env.lab.answer(to);
  await expectEvent(fromId, 'CALL_ESTABLISHED/ANSWERED/ESTABLISHED');
  return String(callId);
}

/** A reference-WSDL client at the other service path. */
async function clientAt(path: string): Promise<SoapClient> {
  const client = (await soap.createClientAsync(REFERENCE_CC_WSDL)) as SoapClient;
  client.setEndpoint(`${env.url}${path}`);
  return client;
}

// ---------------------------------------------------------------- object ids and configuration

describe('object ids and configuration', () => {
  it('getIcpId names each controller by address; getIcpConfig reports the lab numbering plan', async () => {
    const one = await app.ok('getIcpId', { request: { attributes: { sessionId: sid() }, icpIpAddress: ICP1 } });
    expect(one).toMatchObject({ icpId: icp1, connectionState: 'CONNECTED', icpVersion: '10.1.0.12' });
    const two = await app.ok('getIcpId', { request: { attributes: { sessionId: sid() }, icpIpAddress: ICP2 } });
    expect(two).toMatchObject({ icpId: icp2, connectionState: 'CONNECTED' });
    expect(icp1).not.toBe(icp2);

    // The default lab cluster's plan: outside prefix 9, country 1, area 613, 4-digit extensions.
    const plan = env.lab.fixture().numbering ?? {};
    expect(plan).toMatchObject({ outsidePrefix: '9', localCountryCode: '1', localAreaCodes: ['613'], maxExtLength: 4 });
    const numbering = {
      maxExtLength: String(plan.maxExtLength),
      trunkPrefix: plan.trunkPrefix,
      longDistancePrefix: plan.longDistancePrefix,
      internationalPrefix: plan.internationalPrefix,
      localAreaCodes: plan.localAreaCodes?.join(','),
      outsidePrefix: plan.outsidePrefix,
      localCountryCode: plan.localCountryCode,
      neType: 'MI_VB',
    };
    expect(await app.ok('getIcpConfig', { sessionId: sid(), icpId: icp1 })).toMatchObject({ ...numbering, ipAddr: ICP1 });
    expect(await app.ok('getIcpConfig', { sessionId: sid(), icpId: icp2 })).toMatchObject({ ...numbering, ipAddr: ICP2 });
  });

  it('both service paths answer: /axis2/services/StandardCCService and /mitel/oig/cc/StandardCCService', async () => {
    for (const path of ['/axis2/services/StandardCCService', '/mitel/oig/cc/StandardCCService']) {
      const client = await clientAt(path);
      const [res] = await client.getIcpIdAsync({ request: { attributes: { sessionId: sid() }, icpIpAddress: ICP1 } });
      const answer = flatten(res.return);
      record('getIcpId', answer);
      expect(answer, path).toMatchObject({ result: 'true', icpId: icp1, connectionState: 'CONNECTED' });
      const [config] = await client.getIcpConfigAsync({ sessionId: sid(), icpId: icp2 });
      const configAnswer = flatten(config.return);
      record('getIcpConfig', configAnswer);
      expect(configAnswer, path).toMatchObject({ result: 'true', ipAddr: ICP2, outsidePrefix: '9' });
    }
  });

  it('getPhoneNumberId: one object id per DN, whichever controller it is asked through', async () => {
    const phone = await app.ok('getPhoneNumberId', { request: { attributes: { sessionId: sid(), icpId: icp1 }, primeDn: '1000' } });
    expect(Number(phone.objectId)).toBeGreaterThanOrEqual(1_000_001);
    expect(await app.phoneId(icp1, '1000')).toBe(phone.objectId);
    // 2000 is configured on ICP-2 (primary) and ICP-1 (secondary).
    const resilient = await app.phoneId(icp2, '2000');
    expect(await app.phoneId(icp1, '2000')).toBe(resilient);
    expect(resilient).not.toBe(phone.objectId);
    // Hot desk users and ring groups are objects too.
    expect(Number(await app.phoneId(icp1, '3000'))).toBeGreaterThanOrEqual(1_000_001);
    expect(Number(await app.phoneId(icp1, '4000'))).toBeGreaterThanOrEqual(1_000_001);
    // A DN the controller does not have is refused with the reason.
    const unknown = await app.call('getPhoneNumberId', { request: { attributes: { sessionId: sid(), icpId: icp1 }, primeDn: '2005' } });
    expect(unknown).toMatchObject({ result: 'false', objectId: '0' });
    expect(unknown.errorDescription).toMatch(/NO_SUCH_DEVICE/);
  });

  it('getDeviceConfiguration(Ex): lines with their object ids; a resilient phone shows both controllers', async () => {
    const plain = await app.ok('getDeviceConfiguration', { request: { attributes: { sessionId: sid(), icpId: icp1 }, primeDn: '1000' } });
    const plainId = await app.phoneId(icp1, '1000');
    expect(plain).toMatchObject({ isResilient: 'false', primaryIcp: ICP1 });
    expect(plain.secondaryIcp).toBeUndefined();
    expect(asArray(plain.line)).toEqual([{ attributes: { objectId: plainId, buttonNumber: '1' }, extNumber: '1000' }]);

    const ex = await app.ok('getDeviceConfigurationEx', { request: { attributes: { sessionId: sid(), icpId: icp2 }, primeDn: '2000' } });
    expect(ex).toMatchObject({
      isResilient: 'true',
      primaryIcpId: icp2,
      secondaryIcpId: icp1,
      primaryIcpAddress: ICP2,
      secondaryIcpAddress: ICP1,
    });
    expect(asArray(ex.line)).toEqual([{ attributes: { objectId: await app.phoneId(icp2, '2000'), buttonNumber: '1' }, extNumber: '2000' }]);

    const plainEx = await app.ok('getDeviceConfigurationEx', { request: { attributes: { sessionId: sid(), icpId: icp1 }, primeDn: '1000' } });
    expect(plainEx).toMatchObject({ isResilient: 'false', primaryIcpId: icp1, secondaryIcpId: '0', primaryIcpAddress: ICP1 });

    const resilient = await app.ok('getDeviceConfiguration', { request: { attributes: { sessionId: sid(), icpId: icp2 }, primeDn: '2001' } });
    expect(resilient).toMatchObject({ isResilient: 'true', primaryIcp: ICP2, secondaryIcp: ICP1 });

    // The multi-line phone 1009: prime line, Sales line 1500 on button 2, Support line 1501 on 3.
    const multi = await app.ok('getDeviceConfigurationEx', { request: { attributes: { sessionId: sid(), icpId: icp1 }, primeDn: '1009' } });
    const lines = asArray(multi.line).map((l: Answer) => [l.attributes.buttonNumber, l.extNumber]);
    expect(lines).toEqual([
      ['1', '1009'],
      ['2', '1500'],
      ['3', '1501'],
    ]);
  });

  it('getLineAppearanceId: a button of the multi-line phone; the same line on another phone is another object', async () => {
    const support = await app.ok('getLineAppearanceId', { request: { attributes: { sessionId: sid(), icpId: icp1, buttonNum: 3 }, primeDn: '1009' } });
    const config = await app.ok('getDeviceConfiguration', { request: { attributes: { sessionId: sid(), icpId: icp1 }, primeDn: '1009' } });
    const button3 = asArray(config.line).find((l: Answer) => l.attributes.buttonNumber === '3');
    expect(support.objectId).toBe(button3.attributes.objectId);
    const sales = await app.ok('getLineAppearanceId', { request: { attributes: { sessionId: sid(), icpId: icp1, buttonNum: 2 }, primeDn: '1009' } });
    expect(sales.objectId).not.toBe(support.objectId);
    // 1501 is also button 2 of 1008: one object per phone's button.
    const onOther = await app.ok('getLineAppearanceId', { request: { attributes: { sessionId: sid(), icpId: icp1, buttonNum: 2 }, primeDn: '1008' } });
    expect(new Set([support.objectId, sales.objectId, onOther.objectId]).size).toBe(3);

    const none = await app.call('getLineAppearanceId', { request: { attributes: { sessionId: sid(), icpId: icp1, buttonNum: 5 }, primeDn: '1009' } });
    expect(none).toMatchObject({ result: 'false', objectId: '0' });
    expect(none.errorDescription).toMatch(/no line appearance on button 5/);

    // A line appearance object is monitored like a phone: a call to 1501 reaches it.
    const objectId = support.objectId as string;
    await app.ok('monitorObject', { sessionId: sid(), objectId });
    await expectEvent(objectId, 'MONITOR_SET/MONITOR_SET/IDLE');
    env.lab.dial('1000', '1501');
    const ringing = await expectEvent(objectId, 'CALL_DELIVERED/NEW_CALL/RECEIVED');
    expect(rolesOf(ringing)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1501']);
  });

  it('getDeviceMembers: the members of a personal ring group, and the line appearances of a multi-line phone', async () => {
    const prg = await app.ok('getDeviceMembers', { request: { attributes: { sessionId: sid(), icpId: icp1 }, primeDn: '4000' } });
    const members = asArray(prg.member).map((m: Answer) => ({ dn: m.primeDn, objectId: m.attributes.objectId, button: m.attributes.buttonNum }));
    expect(members).toEqual([
      { dn: '1000', objectId: await app.phoneId(icp1, '1000'), button: '0' },
      { dn: '1001', objectId: await app.phoneId(icp1, '1001'), button: '0' },
      { dn: '1002', objectId: await app.phoneId(icp1, '1002'), button: '0' },
    ]);
    const backOffice = await app.ok('getDeviceMembers', { request: { attributes: { sessionId: sid(), icpId: icp2 }, primeDn: '4001' } });
    expect(asArray(backOffice.member).map((m: Answer) => m.primeDn)).toEqual(['2005', '2006']);

    const phone = await app.ok('getDeviceMembers', { request: { attributes: { sessionId: sid(), icpId: icp1 }, primeDn: '1009' } });
    const support = await app.ok('getLineAppearanceId', { request: { attributes: { sessionId: sid(), icpId: icp1, buttonNum: 3 }, primeDn: '1009' } });
    expect(asArray(phone.member).map((m: Answer) => [m.primeDn, m.attributes.buttonNum])).toEqual([
      ['1500', '2'],
      ['1501', '3'],
    ]);
    expect(asArray(phone.member)[1].attributes.objectId).toBe(support.objectId);
  });

  it('getDialableNumber and getIncomingPhoneNumber follow the lab numbering plan (prefix 9, country 1, area 613)', async () => {
    const dialable = async (e164Str: string) => (await app.ok('getDialableNumber', { sessionId: sid(), icpId: icp1, e164Str })).dialableNumber;
    expect(await dialable('+16135550100')).toBe('96135550100');
    expect(await dialable('+14165550100')).toBe('914165550100');
    expect(await dialable('+442071234567')).toBe('9011442071234567');

    const incoming = async (digitStr: string, incomingCall: boolean) =>
      asArray((await app.ok('getIncomingPhoneNumber', { sessionId: sid(), icpId: icp2, digitStr, incomingCall })).incomingNumber);
    expect(await incoming('5550123', true)).toEqual(['+16135550123']);
    expect(await incoming('6135550123', true)).toEqual(['+16135550123']);
    expect(await incoming('914165550100', false)).toEqual(['+14165550100']);
    expect(await incoming('1001', true)).toEqual(['1001']);
  });

  it('getResilientStatus: primary, secondary and active controller, link states and the call state', async () => {
    const resilient = await app.phoneId(icp2, '2000');
    const idle = await app.ok('getResilientStatus', { sessionId: sid(), objectId: resilient });
    expect(idle).toMatchObject({
      isResilient: 'true',
      primaryIcpId: icp2,
      secondaryIcpId: icp1,
      activeIcpId: icp2,
      primaryIcpAddress: ICP2,
      primaryConnectionState: 'CONNECTED',
      secondaryIcpAddress: ICP1,
      secondaryConnectionState: 'CONNECTED',
      callStatePrimary: 'IDLE',
    });

    env.lab.dial('1000', '2000');
    const ringing = await app.ok('getResilientStatus', { sessionId: sid(), objectId: resilient });
    expect(ringing.callStatePrimary).toBe('RECEIVED');

    const plain = await app.ok('getResilientStatus', { sessionId: sid(), objectId: await app.phoneId(icp1, '1000') });
    expect(plain).toMatchObject({ isResilient: 'false', primaryIcpId: icp1, secondaryIcpId: '0', activeIcpId: icp1, callStatePrimary: 'DELIVERED' });
    expect(plain.secondaryIcpAddress).toBeUndefined();
  });
});

// ---------------------------------------------------------------- monitors

describe('monitors', () => {
  it('monitorObject reports MONITOR_SET and the call events; stopMonitor ends both events and control', async () => {
    const a = await app.phoneId(icp1, '1000');
    const started = await app.ok('monitorObject', { sessionId: sid(), objectId: a });
    expect(started).toMatchObject({ objectId: a, icpId: icp1 });
    const set = await expectEvent(a, 'MONITOR_SET/MONITOR_SET/IDLE');
    expect(rolesOf(set)).toEqual(['USING_DEVICE=1000']);
    const b = await watch(icp1, '1001');

    // A resilient phone monitored through its primary.
    const r = await app.phoneId(icp2, '2001');
    expect(await app.ok('monitorObject', { sessionId: sid(), objectId: r })).toMatchObject({ objectId: r, icpId: icp2 });
    const rSet = await expectEvent(r, 'MONITOR_SET/MONITOR_SET/IDLE');
    expect(callAttributes(rSet).ICP_ID).toBe(icp2);

    expect(await app.ok('stopMonitor', { sessionId: sid(), objectId: a })).toMatchObject({ result: 'true' });
    // Control needs the monitor.
    const refused = await app.call('makeCall', { sessionId: sid(), objectId: a, number: '1001' });
    expect(refused.result).toBe('false');
    expect(refused.errorDescription).toMatch(/not monitored by this session/);
    // 1000 dials 1001: 1000's CALL_ORIGINATED is emitted before 1001's CALL_DELIVERED on the same
    // link, so had 1000's monitor survived, its event would come first.
    env.lab.dial('1000', '1001');
    const read = await app.until((e) => describeEvent(e) === `${b} CALL_DELIVERED/NEW_CALL/RECEIVED`);
    expect(read.map(describeEvent).filter((line) => line.startsWith(`${a} `))).toEqual([]);

    const again = await app.call('stopMonitor', { sessionId: sid(), objectId: a });
    expect(again.result).toBe('false');
    expect(again.errorDescription).toMatch(/not monitored/);
    await app.ok('stopMonitor', { sessionId: sid(), objectId: b });
    await app.ok('stopMonitor', { sessionId: sid(), objectId: r });
  });

  it('monitorFeatures reports feature events; stopFeatureMonitor ends them', async () => {
    const b = await app.phoneId(icp1, '1001');
    const c = await app.phoneId(icp1, '1002');
    expect(await app.ok('monitorFeatures', { sessionId: sid(), objectId: b })).toMatchObject({ objectId: b, icpId: icp1 });
    await app.ok('monitorFeatures', { sessionId: sid(), objectId: c });
    try {
      env.lab.setDnd('1001', true);
      const dnd = await expectEvent(b, 'FEATURE DO_NOT_DISTURB');
      expect(featureAttributes(dnd)).toMatchObject({ FEATURE_EVENT_STATE: 'true', DEVICE_NUMBER: '1001', ICP_ID: icp1 });

      expect(await app.ok('stopFeatureMonitor', { sessionId: sid(), objectId: b })).toMatchObject({ result: 'true' });
      // 1001's change first, then 1002's (same link): only 1002's may arrive.
      env.lab.setDnd('1001', false);
      env.lab.setDnd('1002', true);
      const read = await app.until((e) => describeEvent(e) === `${c} FEATURE DO_NOT_DISTURB`);
      expect(read.map(describeEvent)).toEqual([`${c} FEATURE DO_NOT_DISTURB`]);
    } finally {
      env.lab.setDnd('1001', false);
      env.lab.setDnd('1002', false);
    }
    await app.ok('stopFeatureMonitor', { sessionId: sid(), objectId: c });
    const again = await app.call('stopFeatureMonitor', { sessionId: sid(), objectId: c });
    expect(again.result).toBe('false');
  });

  it('monitorPRGPresence reports JOIN/LEAVE_GROUP of the controller\'s ring groups; setPRGPresence changes who rings', async () => {
    const started = await app.ok('monitorPRGPresence', { sessionId: sid(), icpId: icp1 });
    expect(started).toMatchObject({ objectId: icp1, icpId: icp1 });
    const member = await watch(icp1, '1002');
    await app.ok('monitorFeatures', { sessionId: sid(), objectId: member });
    try {
      expect(await app.ok('setPRGPresence', { sessionId: sid(), objectId: member, presenceValue: false, PRGDn: '4000' })).toMatchObject({ result: 'true' });
      const left = await expectEvent(icp1, 'FEATURE LEAVE_GROUP');
      expect(featureAttributes(left)).toMatchObject({ FEATURE_EVENT_STATE: 'false', DEVICE_NUMBER: '1002', GROUP_DN: '4000' });
      await expectEvent(member, 'FEATURE LEAVE_GROUP');

      // The group rings its present members only.
      env.lab.dial('1003', '4000');
      const ringing = env.lab.calls()[0]?.legs.filter((l) => l.state === 'RECEIVED').map((l) => l.dn);
      expect(ringing).toEqual(['1000', '1001']);
      await hangUpEverything();

      await app.ok('setPRGPresence', { sessionId: sid(), objectId: member, presenceValue: true, PRGDn: '4000' });
      const joined = await expectEvent(icp1, 'FEATURE JOIN_GROUP');
      expect(featureAttributes(joined)).toMatchObject({ FEATURE_EVENT_STATE: 'true', DEVICE_NUMBER: '1002', GROUP_DN: '4000' });
      await expectEvent(member, 'FEATURE JOIN_GROUP');

      expect(await app.ok('stopPRGPresenceMonitor', { sessionId: sid(), icpId: icp1 })).toMatchObject({ result: 'true' });
      // The group's copy is emitted before the member's: after the stop only the member's arrives.
      env.lab.prgPresence('1002', '4000', false);
      const read = await app.until((e) => describeEvent(e) === `${member} FEATURE LEAVE_GROUP`);
      expect(read.map(describeEvent).filter((line) => line.startsWith(`${icp1} `))).toEqual([]);
    } finally {
      env.lab.prgPresence('1002', '4000', true);
    }
    const notMonitoring = await app.call('stopPRGPresenceMonitor', { sessionId: sid(), icpId: icp1 });
    expect(notMonitoring.result).toBe('false');
  });
});

// ---------------------------------------------------------------- calls

describe('calls', () => {
  it('makeCall, answerCall, clearCall', async () => {
    const a = await watch(icp1, '1000');
    const b = await watch(icp1, '1001');
    expect(await app.ok('makeCall', { sessionId: sid(), objectId: a, number: '1001' })).toMatchObject({ result: 'true' });
    await expectEvent(a, 'CALL_ORIGINATED/NEW_CALL/ORIGINATED');
    const ringing = await expectEvent(b, 'CALL_DELIVERED/NEW_CALL/RECEIVED');
    expect(rolesOf(ringing)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001']);
    const callId = callIdOf(ringing);

    await app.ok('answerCall', { sessionId: sid(), objectId: b, localCallId: callId });
    const answered = await expectEvent(b, 'CALL_ESTABLISHED/ANSWERED/ESTABLISHED');
    expect(rolesOf(answered)).toContain('CONNECTED_DEVICE=1001');

    await app.ok('clearCall', { sessionId: sid(), objectId: a, localCallId: callId });
    const cleared = await expectEvent(a, 'CALL_CLEAR/CLEARED/IDLE');
    expect(rolesOf(cleared)).toContain('DROPPED_DEVICE=1000');
    await expectEvent(b, 'CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE');
    expect(env.lab.calls()).toEqual([]);
  });

  it('holdCall, retrieveCall, and newCall making a held call current', async () => {
    const a = await watch(icp1, '1000');
    const first = await established(a, '1000', '1001');

    await app.ok('holdCall', { sessionId: sid(), objectId: a, localCallId: first });
    expect(rolesOf(await expectEvent(a, 'CALL_HELD/HARD_HOLD/HELD'))).toContain('HOLDING_DEVICE=1000');
    await app.ok('retrieveCall', { sessionId: sid(), objectId: a, localCallId: first });
    await expectEvent(a, 'CALL_RETRIEVED/RETRIEVE/ESTABLISHED');

    // 1000 holds 1001 and calls 1002; newCall takes the held call back and holds the other.
    await app.ok('holdCall', { sessionId: sid(), objectId: a, localCallId: first });
    await expectEvent(a, 'CALL_HELD/HARD_HOLD/HELD');
    await app.ok('makeCall', { sessionId: sid(), objectId: a, number: '1002' });
    const second = callIdOf(await expectEvent(a, 'CALL_ORIGINATED/NEW_CALL/ORIGINATED'));
    env.lab.answer('1002');
    await expectEvent(a, 'CALL_ESTABLISHED/ANSWERED/ESTABLISHED');

    await app.ok('newCall', { sessionId: sid(), objectId: a, localCallId: first });
    const held = await expectEvent(a, 'CALL_HELD/HARD_HOLD/HELD');
    expect(callIdOf(held)).toBe(second);
    const current = await expectEvent(a, 'CALL_RETRIEVED/RETRIEVE/ESTABLISHED');
    expect(callIdOf(current)).toBe(first);
  });

  it('remoteRetrieveCall takes over a call held at another phone', async () => {
    const a = await watch(icp1, '1000');
    const c = await watch(icp1, '1002');
    await established(a, '1000', '1001');
    env.lab.hold('1000');
    await expectEvent(a, 'CALL_HELD/HARD_HOLD/HELD');

    await app.ok('remoteRetrieveCall', { sessionId: sid(), objectId: c, remoteDn: '1000' });
    await expectEvent(a, 'CALL_DIVERTED/DIVERTED_PICKUP_AWAY/IDLE');
    const retrieved = await expectEvent(c, 'CALL_RETRIEVED/RETRIEVE/ESTABLISHED');
    expect(rolesOf(retrieved)).toEqual(expect.arrayContaining(['HOLDING_DEVICE=1000', 'PICKUP_DEVICE=1002']));
  });

  it('consultationCall, alternateCall, tradeCall, cancelConsCall', async () => {
    const a = await watch(icp1, '1000');
    const c = await watch(icp1, '1002');
    const first = await established(a, '1000', '1001');

    await app.ok('consultationCall', { sessionId: sid(), objectId: a, localCallId: first, number: '1002' });
    expect(callIdOf(await expectEvent(a, 'CALL_HELD/CONS_HOLD/HELD'))).toBe(first);
    const consult = callIdOf(await expectEvent(a, 'CALL_ORIGINATED/NEW_CALL/ORIGINATED'));
    const ringing = await expectEvent(c, 'CALL_DELIVERED/NEW_CALL/RECEIVED');
    await app.ok('answerCall', { sessionId: sid(), objectId: c, localCallId: callIdOf(ringing) });
    const talking = await expectEvent(a, 'CALL_ESTABLISHED/ANSWERED/ESTABLISHED');
    expect(asArray(talking.callEvent.featuresAllowed)).toEqual(expect.arrayContaining(['ALTERNATE_CALL', 'TRADE_CALL', 'CANCEL_CONSULTATION_CALL']));

    await app.ok('alternateCall', { sessionId: sid(), objectId: a, localCallId: consult });
    expect(callIdOf(await expectEvent(a, 'CALL_HELD/ALTERNATE_CALL_INVOKED/HELD'))).toBe(consult);
    expect(callIdOf(await expectEvent(a, 'CALL_RETRIEVED/ALTERNATE_CALL_INVOKED/ESTABLISHED'))).toBe(first);

    await app.ok('tradeCall', { sessionId: sid(), objectId: a, localCallId: first });
    expect(callIdOf(await expectEvent(a, 'CALL_HELD/ALTERNATE_CALL_INVOKED/HELD'))).toBe(first);
    expect(callIdOf(await expectEvent(a, 'CALL_RETRIEVED/ALTERNATE_CALL_INVOKED/ESTABLISHED'))).toBe(consult);

    await app.ok('cancelConsCall', { sessionId: sid(), objectId: a, localCallId: consult });
    expect(callIdOf(await expectEvent(a, 'CALL_CLEAR/CLEARED/IDLE'))).toBe(consult);
    expect(callIdOf(await expectEvent(a, 'CALL_RETRIEVED/RETRIEVE/ESTABLISHED'))).toBe(first);
  });

  it('conferenceCall, then splitConferenceCall', async () => {
    const a = await watch(icp1, '1000');
    const first = await established(a, '1000', '1001');
    await app.ok('consultationCall', { sessionId: sid(), objectId: a, localCallId: first, number: '1002' });
    const consult = callIdOf(await expectEvent(a, 'CALL_ORIGINATED/NEW_CALL/ORIGINATED'));
    env.lab.answer('1002');
    await expectEvent(a, 'CALL_ESTABLISHED/ANSWERED/ESTABLISHED');

    await app.ok('conferenceCall', { sessionId: sid(), objectId: a, localCallId: consult });
    const conferenced = await expectEvent(a, 'CALL_CONFERENCED/CONFERENCED/ESTABLISHED');
    expect(callIdOf(conferenced)).toBe(first);
    expect(rolesOf(conferenced)).toContain('CONTROLLER_DEVICE=1000');
    expect(asArray(conferenced.callEvent.party).map((p: Answer) => p.memberNum).sort()).toEqual(['1001', '1002']);

    await app.ok('splitConferenceCall', { sessionId: sid(), objectId: a, localCallId: first });
    expect(callIdOf(await expectEvent(a, 'CALL_HELD/CONFERENCE_SPLIT/HELD'))).toBe(first);
    const privateCall = await expectEvent(a, 'CALL_ESTABLISHED/CONFERENCE_SPLIT/ESTABLISHED');
    expect(rolesOf(privateCall)).toContain('SPLITTING_DEVICE=1000');
  });

  it('transferCall while the consulted phone rings (unsupervised)', async () => {
    const a = await watch(icp1, '1000');
    const b = await watch(icp1, '1001');
    const first = await established(a, '1000', '1001');
    await app.ok('consultationCall', { sessionId: sid(), objectId: a, localCallId: first, number: '1002' });
    const consult = callIdOf(await expectEvent(a, 'CALL_DELIVERED/NEW_CALL/DELIVERED'));

    await app.ok('transferCall', { sessionId: sid(), objectId: a, localCallId: consult });
    const transferred = await expectEvent(b, 'CALL_TRANSFERRED/UNSUPERVISED_TRANSFER/DELIVERED');
    expect(rolesOf(transferred)).toEqual(expect.arrayContaining(['CALLING_DEVICE=1001', 'CALLED_DEVICE=1002', 'TRANSFER_CONTROLLER_DEVICE=1000']));
    expect(env.lab.calls().flatMap((call) => call.legs.map((l) => l.dn)).sort()).toEqual(['1001', '1002']);
  });

  it('redirectCall sends a ringing call elsewhere; pickupCall answers a call ringing at another phone', async () => {
    const b = await watch(icp1, '1001');
    const c = await watch(icp1, '1002');
    const d = await watch(icp1, '1003');
    env.lab.dial('1000', '1001');
    const ringing = await expectEvent(b, 'CALL_DELIVERED/NEW_CALL/RECEIVED');

    await app.ok('redirectCall', { sessionId: sid(), objectId: b, localCallId: callIdOf(ringing), redirectDn: '1002' });
    await expectEvent(b, 'CALL_DIVERTED/REDIRECTED_FROM/IDLE');
    const redirected = await expectEvent(c, 'CALL_DELIVERED/REDIRECTED_TO/RECEIVED');
    expect(rolesOf(redirected)).toEqual(expect.arrayContaining(['CALLED_DEVICE=1002', 'ORIGINAL_DESTINATION_DEVICE=1001']));

    await app.ok('pickupCall', { sessionId: sid(), objectId: d, ringDn: '1002' });
    await expectEvent(c, 'CALL_DIVERTED/DIVERTED_PICKUP_AWAY/IDLE');
    const picked = await expectEvent(d, 'CALL_ESTABLISHED/PICKUP/ESTABLISHED');
    expect(rolesOf(picked)).toEqual(expect.arrayContaining(['PICKUP_DEVICE=1003', 'CONNECTED_DEVICE=1003']));
  });

  it('camponCall queues a call to a busy phone; it rings when the phone is free', async () => {
    const a = await watch(icp1, '1000');
    env.lab.dial('1001', '1002');
    const busy = await app.call('makeCall', { sessionId: sid(), objectId: a, number: '1001' });
    expect(busy.result).toBe('false');
    expect(busy.errorDescription).toMatch(/DESTINATION_BUSY/);
    const failed = await expectEvent(a, 'CALL_FAILED/DESTINATION_BUSY/FAILED');
    expect(asArray(failed.callEvent.featuresAllowed)).toContain('CAMPON_CALL');

    await app.ok('camponCall', { sessionId: sid(), objectId: a, localCallId: callIdOf(failed) });
    await expectEvent(a, 'CALL_QUEUED/CALL_QUEUED/QUEUED');
    env.lab.hangUp('1001');
    expect(callIdOf(await expectEvent(a, 'CALL_DELIVERED/WAITING_CALL_RINGING/DELIVERED'))).toBe(callIdOf(failed));
  });

  it('setCallMeBack on a busy phone: the callback matures when the phone is free', async () => {
    const a = await watch(icp1, '1000');
    env.lab.dial('1001', '1002');
    await app.call('makeCall', { sessionId: sid(), objectId: a, number: '1001' });
    const failed = await expectEvent(a, 'CALL_FAILED/DESTINATION_BUSY/FAILED');
    expect(asArray(failed.callEvent.featuresAllowed)).toContain('SET_CALL_ME_BACK');

    await app.ok('setCallMeBack', { sessionId: sid(), objectId: a, localCallId: callIdOf(failed) });
    await expectEvent(a, 'CALL_CLEAR/CALLBACK_INVOKED/IDLE');
    env.lab.hangUp('1001');
    const matured = await expectEvent(a, 'CALL_DELIVERED/CALLBACK_MATURED/RECEIVED');
    expect(rolesOf(matured)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001']);
  });

  it('outside call through prefix 9 with an account code; outPulseDigits and setAccountCode', async () => {
    const a = await watch(icp1, '1000');
    await app.ok('makeCall', { sessionId: sid(), objectId: a, number: '95550100', accountCode: '1234' });
    const outpulsed = await expectEvent(a, 'TRUNK_DIGITS_OUTPULSED/TRUNK_DIGITS_OUTPULSED/ORIGINATED');
    expect(callAttributes(outpulsed).DIALED_DIGITS).toBe('5550100');
    const answered = await expectEvent(a, 'CALL_ESTABLISHED/ANSWERED/ESTABLISHED');
    expect(answered.callEvent.accountCode).toBe('1234');
    expect(rolesOf(answered)).toContain('CONNECTED_DEVICE=5550100');
    expect(asArray(answered.callEvent.featuresAllowed)).toContain('OUT_PULSE_DIGITS');
    const callId = callIdOf(answered);

    await app.ok('outPulseDigits', { sessionId: sid(), objectId: a, localCallId: callId, digits: '42#' });
    const digits = await expectEvent(a, 'TRUNK_DIGITS_OUTPULSED/TRUNK_DIGITS_OUTPULSED/ESTABLISHED');
    expect(callAttributes(digits).DIALED_DIGITS).toBe('42#');

    await app.ok('setAccountCode', { sessionId: sid(), objectId: a, localCallId: callId, accCode: '7788' });
    const coded = await expectEvent(a, 'ACCOUNT_CODE_SET/ACCOUNT_CODE_SET/ESTABLISHED');
    expect(coded.callEvent.accountCode).toBe('7788');

    await app.ok('clearCall', { sessionId: sid(), objectId: a, localCallId: callId });
    await expectEvent(a, 'CALL_CLEAR/CLEARED/IDLE');
  });
});

// ---------------------------------------------------------------- status

describe('status', () => {
  it('getCallStatus shows the call at the device with its state, parties and allowed features', async () => {
    const a = await watch(icp1, '1000');
    const b = await app.phoneId(icp1, '1001'); // a query: no monitor needed
    const idle = await app.ok('getCallStatus', { sessionId: sid(), objectId: a });
    expect(idle.callEvent).toBeUndefined();

    env.lab.dial('1000', '1001');
    const delivered = await expectEvent(a, 'CALL_DELIVERED/NEW_CALL/DELIVERED');
    const ringing = await app.ok('getCallStatus', { sessionId: sid(), objectId: b });
    expect(ringing.callEvent).toMatchObject({ attributes: { objectId: b, localCallId: callIdOf(delivered) }, callState: 'RECEIVED' });
    expect(asArray(ringing.callEvent.featuresAllowed)).toEqual(['ANSWER_CALL', 'REDIRECT_CALL']);

    env.lab.answer('1001');
    await expectEvent(a, 'CALL_ESTABLISHED/ANSWERED/ESTABLISHED');
    const talking = await app.ok('getCallStatus', { sessionId: sid(), objectId: a });
    expect(talking.callEvent).toMatchObject({ attributes: { objectId: a, localCallId: callIdOf(delivered) }, callState: 'ESTABLISHED' });
    expect(asArray(talking.callEvent.party).map((p: Answer) => p.memberNum)).toEqual(['1001']);
    expect(asArray(talking.callEvent.featuresAllowed)).toEqual(expect.arrayContaining(['CLEAR_CALL', 'HOLD_CALL', 'CONSULTATION_CALL']));
    expect(callAttributes(talking).ICP_ID).toBe(icp1);
  });
});

// ---------------------------------------------------------------- features

describe('features', () => {
  it('setDeviceDND and the five forwarding modes: feature events, and getDeviceFeatures reflects them', async () => {
    const b = await watch(icp1, '1001');
    await app.ok('monitorFeatures', { sessionId: sid(), objectId: b });
    const feature = async (type: string) => featureAttributes(await expectEvent(b, `FEATURE ${type}`));
    try {
      await app.ok('setDeviceDND', { sessionId: sid(), objectId: b, dndState: true });
      expect(await feature('DO_NOT_DISTURB')).toMatchObject({ FEATURE_EVENT_STATE: 'true', DEVICE_NUMBER: '1001' });

      const forwarding: Array<[string, string, string]> = [
        ['setCFAlways', 'CF_ALWAYS', '1002'],
        ['setCFBusyInternal', 'CF_BUSY_INTERNAL', '1003'],
        ['setCFBusyExternal', 'CF_BUSY_EXTERNAL', '95550100'],
        ['setCFNAInternal', 'CF_NO_ANSWER_INTERNAL', '1004'],
        ['setCFNAExternal', 'CF_NO_ANSWER_EXTERNAL', '1005'],
      ];
      for (const [operation, type, dn] of forwarding) {
        await app.ok(operation, { request: { attributes: { sessionId: sid(), objectId: b, cfOn: true }, dn } });
        expect(await feature(type), operation).toMatchObject({ FEATURE_EVENT_STATE: 'true', DEVICE_NUMBER: '1001', FORWARD_DN: dn });
      }

      const on = await app.ok('getDeviceFeatures', { sessionId: sid(), objectId: b });
      expect(on).toMatchObject({
        DND: 'true',
        autoAnswer: 'false',
        msgWaitingLamp: 'false',
        registrationDn: '1001',
        CFAlways: { attributes: { fwdOn: 'true' }, dn: '1002' },
        CFBusyInt: { attributes: { fwdOn: 'true' }, dn: '1003' },
        CFBusyExt: { attributes: { fwdOn: 'true' }, dn: '95550100' },
        CFNAInt: { attributes: { fwdOn: 'true' }, dn: '1004' },
        CFNAExt: { attributes: { fwdOn: 'true' }, dn: '1005' },
      });

      await app.ok('setDeviceDND', { sessionId: sid(), objectId: b, dndState: false });
      expect(await feature('DO_NOT_DISTURB')).toMatchObject({ FEATURE_EVENT_STATE: 'false' });
      for (const [operation, type] of forwarding) {
        await app.ok(operation, { request: { attributes: { sessionId: sid(), objectId: b, cfOn: false }, dn: '' } });
        expect(await feature(type), operation).toMatchObject({ FEATURE_EVENT_STATE: 'false', DEVICE_NUMBER: '1001' });
      }
      const off = await app.ok('getDeviceFeatures', { sessionId: sid(), objectId: b });
      expect(off).toMatchObject({ DND: 'false' });
      for (const key of ['CFAlways', 'CFBusyInt', 'CFBusyExt', 'CFNAInt', 'CFNAExt']) expect(off[key].attributes.fwdOn, key).toBe('false');
    } finally {
      env.lab.setDnd('1001', false);
      for (const mode of ['always', 'busyInternal', 'busyExternal', 'noAnswerInternal', 'noAnswerExternal'] as const) env.lab.setForward('1001', mode, false);
    }
  });

  it('sendCallMeBackMsgNoCall lights the message lamp; clearCallMeBackMsg puts it out (across controllers)', async () => {
    const a = await watch(icp2, '2005');
    const b = await watch(icp1, '1001');
    await app.ok('monitorFeatures', { sessionId: sid(), objectId: b });

    await app.ok('sendCallMeBackMsgNoCall', { sessionId: sid(), objId: a, dn: '1001' }); // 2005 on ICP-2 leaves it on 1001 on ICP-1
    const lit = await expectEvent(b, 'FEATURE MSG_WAITING_INDICATOR');
    expect(featureAttributes(lit)).toMatchObject({ FEATURE_EVENT_STATE: 'true', DEVICE_NUMBER: '1001' });
    expect((await app.ok('getDeviceFeatures', { sessionId: sid(), objectId: b })).msgWaitingLamp).toBe('true');

    // The lamp's phone acts: the request goes to its controller, which does not serve 2005.
    await app.ok('clearCallMeBackMsg', { sessionId: sid(), objIdOfDeviceWithMsg: b, deviceDn: '2005' });
    expect(featureAttributes(await expectEvent(b, 'FEATURE MSG_WAITING_INDICATOR'))).toMatchObject({ FEATURE_EVENT_STATE: 'false' });
    expect((await app.ok('getDeviceFeatures', { sessionId: sid(), objectId: b })).msgWaitingLamp).toBe('false');
  });

  it('sendCallMeBackMsgForCall leaves the message at the phone the call rings, or found busy', async () => {
    const a = await watch(icp1, '1000');
    const b = await app.phoneId(icp1, '1001');
    await app.ok('monitorFeatures', { sessionId: sid(), objectId: b });
    const lamp = async (state: 'true' | 'false') =>
      expect(featureAttributes(await expectEvent(b, 'FEATURE MSG_WAITING_INDICATOR'))).toMatchObject({ FEATURE_EVENT_STATE: state, DEVICE_NUMBER: '1001' });
    try {
      await app.ok('makeCall', { sessionId: sid(), objectId: a, number: '1001' });
      const delivered = await expectEvent(a, 'CALL_DELIVERED/NEW_CALL/DELIVERED');
      expect(asArray(delivered.callEvent.featuresAllowed)).toContain('SEND_CALLBACK_MESSAGE');
      await app.ok('sendCallMeBackMsgForCall', { sessionId: sid(), objId: a, localCallId: callIdOf(delivered) });
      await lamp('true');
      expect(env.lab.features('1001').messageWaiting).toBe(true);
      env.lab.callbackMessage('1000', '1001', false);
      await lamp('false');
      await hangUpEverything();

      // A busy phone: the failed call has no other party, only its CALLED_DEVICE.
      env.lab.dial('1001', '1002');
      await app.call('makeCall', { sessionId: sid(), objectId: a, number: '1001' });
      const failed = await expectEvent(a, 'CALL_FAILED/DESTINATION_BUSY/FAILED');
      expect(asArray(failed.callEvent.featuresAllowed)).toContain('SEND_CALLBACK_MESSAGE');
      await app.ok('sendCallMeBackMsgForCall', { sessionId: sid(), objId: a, localCallId: callIdOf(failed) });
      await lamp('true');
    } finally {
      env.lab.callbackMessage('1000', '1001', false);
    }
  });
});

// ---------------------------------------------------------------- hot desking

describe('hot desking', () => {
  it('verifyHotDeskUserPin, loginHotDeskUser, getHotDeskUserDn, getHotDeskUserLoginDevice, logoutHotDeskUser', async () => {
    const phone = await watch(icp1, '1005');
    await app.ok('monitorFeatures', { sessionId: sid(), objectId: phone });
    const user = await app.phoneId(icp1, '3000');
    try {
      expect(await app.ok('verifyHotDeskUserPin', { sessionId: sid(), objectId: user, hotDeskUserDn: '3000', pin: '1234' })).toMatchObject({ result: 'true' });
      const wrong = await app.call('verifyHotDeskUserPin', { sessionId: sid(), objectId: user, hotDeskUserDn: '3000', pin: '9999' });
      expect(wrong.result).toBe('false');
      expect(wrong.errorDescription).toMatch(/PIN does not match/);

      await app.ok('loginHotDeskUser', { request: { attributes: { sessionId: sid(), objectId: phone }, pin: '1234', hotDeskUserDn: '3000' } });
      const login = await expectEvent(phone, 'FEATURE HOT_DESK_USER');
      expect(featureAttributes(login)).toMatchObject({ FEATURE_EVENT_STATE: 'true', USER_DN: '3000', DEVICE_NUMBER: '1005' });

      expect(await app.ok('getHotDeskUserDn', { sessionId: sid(), hotDeskDeviceObjectId: phone })).toMatchObject({ userDn: '3000', hotDeskDeviceObjectId: phone });
      expect(await app.ok('getHotDeskUserLoginDevice', { sessionId: sid(), hotDeskUserObjectId: user })).toMatchObject({
        hotDeskDeviceDn: '1005',
        hotDeskUserObjectId: user,
      });
      expect((await app.ok('getDeviceFeatures', { sessionId: sid(), objectId: phone })).hotDeskUserLoggedInDn).toBe('3000');

      await app.ok('logoutHotDeskUser', { sessionId: sid(), objectId: phone });
      const logout = await expectEvent(phone, 'FEATURE HOT_DESK_USER');
      expect(featureAttributes(logout)).toMatchObject({ FEATURE_EVENT_STATE: 'false', USER_DN: '3000', DEVICE_NUMBER: '1005' });
      const nobody = await app.call('getHotDeskUserDn', { sessionId: sid(), hotDeskDeviceObjectId: phone });
      expect(nobody.result).toBe('false');
      expect(nobody.errorDescription).toMatch(/No hot desk user is logged in at 1005/);
    } finally {
      if (env.lab.device('3000').hotDesk.device) env.lab.hotDeskLogout('3000');
    }
  });

  it('external hot desking: loginExtHotDeskUser at the configured outside number, getHotDeskUserLoginDevice, logoutExtHotDeskUser', async () => {
    const user = await watch(icp1, '3001');
    await app.ok('monitorFeatures', { sessionId: sid(), objectId: user });
    try {
      // Logged in at an outside number through the lab (the person dials in from outside).
      env.lab.hotDeskLoginExternal('3001', '6135550123', '1234');
      expect(featureAttributes(await expectEvent(user, 'FEATURE HOT_DESK_USER'))).toMatchObject({ FEATURE_EVENT_STATE: 'true', DEVICE_NUMBER: '6135550123' });
      expect(await app.ok('getHotDeskUserLoginDevice', { sessionId: sid(), hotDeskUserObjectId: user })).toMatchObject({ hotDeskDeviceDn: '6135550123' });

      await app.ok('logoutExtHotDeskUser', { sessionId: sid(), objectId: user });
      const out = await expectEvent(user, 'FEATURE HOT_DESK_USER');
      expect(featureAttributes(out)).toMatchObject({ FEATURE_EVENT_STATE: 'false', USER_DN: '3001', DEVICE_NUMBER: '6135550123' });
      expect((await app.call('getHotDeskUserLoginDevice', { sessionId: sid(), hotDeskUserObjectId: user })).errorDescription).toMatch(/not logged in/);

      // The application's own login: at the outside number the MiVoice Business has for the user.
      const wrong = await app.call('loginExtHotDeskUser', { request: { attributes: { sessionId: sid(), objectId: user }, pin: '9999' } });
      expect(wrong.result).toBe('false');
      expect(wrong.errorDescription).toMatch(/wrong PIN/);
      await app.ok('loginExtHotDeskUser', { request: { attributes: { sessionId: sid(), objectId: user }, pin: '1234' } });
      expect(featureAttributes(await expectEvent(user, 'FEATURE HOT_DESK_USER'))).toMatchObject({ FEATURE_EVENT_STATE: 'true', USER_DN: '3001', DEVICE_NUMBER: '6135550101' });
      expect(await app.ok('getHotDeskUserLoginDevice', { sessionId: sid(), hotDeskUserObjectId: user })).toMatchObject({ hotDeskDeviceDn: '6135550101' });
    } finally {
      const hotDesk = env.lab.device('3001').hotDesk;
      if (hotDesk.externalNumber) env.lab.hotDeskLogoutExternal('3001');
    }
  });
});

// ---------------------------------------------------------------- events

describe('events', () => {
  it('getEvent returns and removes the oldest event, waits for one, and times out with the contract text', async () => {
    const a = await app.phoneId(icp1, '1000');
    await app.ok('monitorObject', { sessionId: sid(), objectId: a });
    const first = await app.ok('getEvent', { sessionId: sid(), timeout: 2_000 });
    expect(first).toMatchObject({ eventType: 'CALL_EVENT', callEvent: { attributes: { objectId: a }, type: 'MONITOR_SET' } });

    // Waiting: the event that happens meanwhile answers it.
    const waiting = app.call('getEvent', { sessionId: sid(), timeout: 10_000 });
    env.lab.dial('1000', '1001');
    expect(describeEvent(await waiting)).toBe(`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`);
    await expectEvent(a, 'CALL_DELIVERED/NEW_CALL/DELIVERED');

    const none = await app.call('getEvent', { sessionId: sid(), timeout: 200 });
    expect(none).toMatchObject({ result: 'false', errorDescription: 'Timeout no event message available.' });
  });

  it('getNumberedEvent numbers events from 1 and keeps each until it is acknowledged', async () => {
    const a = await app.phoneId(icp1, '1000');
    await app.ok('monitorObject', { sessionId: sid(), objectId: a });
    const one = await app.ok('getNumberedEvent', { sessionId: sid(), timeout: 2_000, eventNumber: 0 });
    expect(one).toMatchObject({ eventNumber: '1', advanced: 'false', eventType: 'CALL_EVENT', callEvent: { type: 'MONITOR_SET' } });
    // Not acknowledged: the same event again (a lost answer can be fetched again).
    expect(await app.ok('getNumberedEvent', { sessionId: sid(), timeout: 2_000, eventNumber: 0 })).toMatchObject({ eventNumber: '1' });

    env.lab.dial('1000', '1001');
    const two = await app.ok('getNumberedEvent', { sessionId: sid(), timeout: 2_000, eventNumber: 1 });
    expect(two).toMatchObject({ eventNumber: '2', callEvent: { type: 'CALL_ORIGINATED' } });
    const three = await app.ok('getNumberedEvent', { sessionId: sid(), timeout: 2_000, eventNumber: 2 });
    expect(three).toMatchObject({ eventNumber: '3', callEvent: { type: 'CALL_DELIVERED', callState: 'DELIVERED' } });
    const none = await app.call('getNumberedEvent', { sessionId: sid(), timeout: 0, eventNumber: 3 });
    expect(none).toMatchObject({ result: 'false', eventNumber: '0', errorDescription: 'Timeout no event message available.' });
  });

  it('cancelGetEvent ends a waiting getEvent; with none waiting it says so', async () => {
    const idle = await app.call('cancelGetEvent', { sessionId: sid() });
    expect(idle.result).toBe('false');
    expect(idle.errorDescription).toMatch(/No getEvent is waiting/);

    const started = Date.now();
    const waiting = app.call('getEvent', { sessionId: sid(), timeout: 20_000 });
    // The request has to reach the gateway first: ask until a waiting getEvent is there to cancel.
    let cancel = await app.call('cancelGetEvent', { sessionId: sid() });
    while (cancel.result !== 'true' && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      cancel = await app.call('cancelGetEvent', { sessionId: sid() });
    }
    expect(cancel.result).toBe('true');
    const answer = await waiting;
    expect(answer.result).toBe('false');
    expect(answer.errorDescription).toMatch(/cancelled by cancelGetEvent/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('registerEventHandler pushes events to the application (EventHandlerCCService.handleEvent); an empty URL polls again', async () => {
    const wsdlFile = REFERENCE_CC_WSDL.replace('/standard/StandardCCService.wsdl', '/stdEventHandler/EventHandlerCCService.wsdl');
    const pushed: Answer[] = [];
    const waiters: Array<() => void> = [];
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    soap.listen(server, {
      path: '/oig-events',
      xml: readFileSync(wsdlFile, 'utf8'),
      uri: wsdlFile,
      services: {
        EventHandlerCCService: {
          EventHandlerCCServicePort: {
            handleEvent: (args: Answer) => {
              pushed.push(flatten(args.event));
              for (const wake of waiters.splice(0)) wake();
              return { return: true };
            },
          },
        },
      },
    });
    const nextPush = async (count: number): Promise<Answer> => {
      while (pushed.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return pushed[count - 1] as Answer;
    };
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oig-events`;
      expect(await app.ok('registerEventHandler', { sessionId: sid(), eventHandlerURL: url })).toMatchObject({ result: 'true' });
      const a = await app.phoneId(icp1, '1000');
      await app.ok('monitorObject', { sessionId: sid(), objectId: a });
      expect(await nextPush(1)).toMatchObject({ result: 'true', eventType: 'CALL_EVENT', callEvent: { attributes: { objectId: a }, type: 'MONITOR_SET' } });
      env.lab.dial('1000', '1001');
      expect(await nextPush(2)).toMatchObject({ callEvent: { type: 'CALL_ORIGINATED', callState: 'ORIGINATED' } });

      const polling = await app.call('getEvent', { sessionId: sid(), timeout: 0 });
      expect(polling.result).toBe('false');
      expect(polling.errorDescription).toMatch(/pushed to its event handler/);

      await nextPush(3); // CALL_DELIVERED at 1000
      expect(await app.ok('registerEventHandler', { sessionId: sid(), eventHandlerURL: '' })).toMatchObject({ result: 'true' });
      env.lab.hangUp('1000');
      expect(describeEvent((await app.nextEvent()) as Answer)).toBe(`${a} CALL_CLEAR/CLEARED/IDLE`);
      expect(pushed).toHaveLength(3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('registerRestSession and getRestEvent: the events of every session registered under a REST session, without waiting', async () => {
    const query = new URLSearchParams({
      companyName: LAB.company,
      applicationName: LAB.standard.applicationName,
      applicationPassword: LAB.standard.applicationPassword,
      localPassword: LAB.localPassword,
      version: '4.0',
    });
    const res = await request(`${env.url}/mitel/oig/rest/resources/v1/sessions?${query}`);
    const restSessionId = ((await res.body.json()) as { sessionId: string }).sessionId;
    expect(restSessionId).toMatch(/^\d+$/);

    const other = await CcSession.open(env.url);
    try {
      expect(await app.ok('registerRestSession', { restSessionId, sessionId: sid() })).toMatchObject({ result: 'true' });
      await other.ok('registerRestSession', { restSessionId, sessionId: other.sessionId });
      const a = await app.phoneId(icp1, '1000');
      const b = await other.phoneId(icp1, '1001');
      await app.ok('monitorObject', { sessionId: sid(), objectId: a });
      await other.ok('monitorObject', { sessionId: other.sessionId, objectId: b });

      const got: Answer[] = [];
      for (let i = 0; i < 2; i++) got.push(await app.ok('getRestEvent', { restSessionId }));
      const bySession = Object.fromEntries(got.map((g) => [g.sessionId, g.eventMsg]));
      expect(bySession[sid()]).toMatchObject({ attributes: { result: 'true', eventNumber: '1' }, callEvent: { attributes: { objectId: a }, type: 'MONITOR_SET' } });
      expect(bySession[other.sessionId]).toMatchObject({ attributes: { eventNumber: '1' }, callEvent: { attributes: { objectId: b }, type: 'MONITOR_SET' } });

      const none = await app.call('getRestEvent', { restSessionId });
      expect(none.result).toBe('false');
      expect(none.errorDescription).toBe('Timeout no event message available.');
    } finally {
      await other.logout();
    }
  });
});


// ---------------------------------------------------------------- coverage

describe('coverage', () => {
  it('every standard operation of the reference WSDL was answered result="true" at least once', () => {
    expect(STANDARD_OPERATIONS).toHaveLength(61);
    const missing = STANDARD_OPERATIONS.filter((op) => (tally.get(op)?.ok ?? 0) === 0 && !(op in CANNOT_SUCCEED));
    expect(missing).toEqual([]);
    const notCalled = STANDARD_OPERATIONS.filter((op) => (tally.get(op)?.calls ?? 0) === 0);
    expect(notCalled).toEqual([]);
    for (const op of Object.keys(CANNOT_SUCCEED)) expect(STANDARD_OPERATIONS).toContain(op);
  });
});
