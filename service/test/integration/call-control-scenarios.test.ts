import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asArray, CcSession, rolesOf, type Answer } from '../support/cc-client';
import { ICP1, ICP2, startCcEnv, type CcEnv } from '../support/cc-env';
import { byObject, callAttribute, callIdOf, featureAttributes, lines, releaseWatches, resetLab, watch, watchFeatures } from '../support/cc-scenario';

/**
 * End-to-end call scenarios: an application (reference-WSDL client) monitors lab phones and
 * sees the full event sequence of each (developer guide "Call Control Service Key Concepts";
 * the sequences are docs/pbx-link-protocol.md "Event sequences", which the lab's own tests
 * hold to its call engine). The application acts through SOAP operations; people act at the
 * phones through the lab.
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
  // Every scenario starts from idle phones without features, no monitors and an empty event queue.
  await releaseWatches();
  resetLab(env.lab);
  await app.drain(200);
});

/** A StandardCCService operation of this session that must succeed. */
const ok = (operation: string, args: Record<string, unknown>): Promise<Answer> => app.ok(operation, { sessionId: app.sessionId, ...args });
/** One that may be refused: the answer as it is. */
const tryOp = (operation: string, args: Record<string, unknown>): Promise<Answer> => app.call(operation, { sessionId: app.sessionId, ...args });

const featuresAllowed = (event: Answer | undefined): string[] => asArray(event?.callEvent?.featuresAllowed as string | string[]);

/** a calls bDn and b answers (application actions); returns the call's ids after checking the five events. */
async function establish(a: string, b: string, bDn: string): Promise<{ callId: string; globalCallId: string | undefined }> {
  await ok('makeCall', { objectId: a, number: bDn });
  const ringing = await app.events(3);
  expect(lines(ringing)).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${b} CALL_DELIVERED/NEW_CALL/RECEIVED`, `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`]);
  const callId = callIdOf(ringing[1]);
  await ok('answerCall', { objectId: b, localCallId: callId });
  expect(lines(await app.events(2))).toEqual([`${b} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`, `${a} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`]);
  return { callId, globalCallId: callAttribute(ringing[0], 'CURRENT_GLOBAL_CALL_ID') };
}

/** a, in call `first` with b, consults cDn and c answers; returns the consultation call's id after checking the seven events. */
async function consultAndAnswer(a: string, b: string, c: string, first: string, cDn: string): Promise<string> {
  await ok('consultationCall', { objectId: a, localCallId: first, number: cDn });
  const consult = await app.events(5);
  expect(lines(consult)).toEqual([
    `${a} CALL_HELD/CONS_HOLD/HELD`,
    `${b} CALL_HELD/CONS_HOLD/ESTABLISHED`,
    `${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`,
    `${c} CALL_DELIVERED/NEW_CALL/RECEIVED`,
    `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`,
  ]);
  const second = callIdOf(consult[2]);
  expect(second).not.toBe(first);
  expect(featuresAllowed(consult[4])).toEqual(expect.arrayContaining(['CANCEL_CONSULTATION_CALL', 'TRANSFER_CALL']));
  await ok('answerCall', { objectId: c, localCallId: second });
  expect(lines(await app.events(2))).toEqual([`${c} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`, `${a} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`]);
  return second;
}

describe('call scenarios through StandardCCService', () => {
  it('A calls B, B answers, A clears: every event on both phones, with roles and call ids', async () => {
    const [a, b] = await watch(app, [icp1, '1000'], [icp1, '1001']);
    await ok('makeCall', { objectId: a, number: '1001' });
    const ringing = await app.events(3);
    expect(lines(ringing)).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${b} CALL_DELIVERED/NEW_CALL/RECEIVED`, `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`]);
    expect(rolesOf(ringing[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001']);
    const callId = callIdOf(ringing[1]);

    await ok('answerCall', { objectId: b, localCallId: callId });
    const answered = await app.events(2);
    expect(lines(answered)).toEqual([`${b} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`, `${a} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`]);
    expect(rolesOf(answered[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'CONNECTED_DEVICE=1001']);

    await ok('clearCall', { objectId: a, localCallId: callId });
    const cleared = await app.events(2);
    expect(lines(cleared)).toEqual([`${a} CALL_CLEAR/CLEARED/IDLE`, `${b} CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE`]);
    expect(rolesOf(cleared[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'DROPPED_DEVICE=1000']);
    expect(callAttribute(cleared[0], 'CURRENT_GLOBAL_CALL_ID')).toBe(callAttribute(ringing[0], 'CURRENT_GLOBAL_CALL_ID'));
    expect(Number(cleared[0]?.callEvent.attributes.callEventTime)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('B answers at the phone and hangs up there: the application sees the same events as when it acts', async () => {
    const [a, b] = await watch(app, [icp1, '1000'], [icp1, '1001']);
    await ok('makeCall', { objectId: a, number: '1001' });
    expect(lines(await app.events(3))).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${b} CALL_DELIVERED/NEW_CALL/RECEIVED`, `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`]);

    env.lab.answer('1001');
    const answered = await app.events(2);
    expect(lines(answered)).toEqual([`${b} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`, `${a} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`]);
    expect(rolesOf(answered[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'CONNECTED_DEVICE=1001']);

    env.lab.hangUp('1001');
    const cleared = await app.events(2);
    expect(lines(cleared)).toEqual([`${b} CALL_CLEAR/CLEARED/IDLE`, `${a} CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE`]);
    expect(rolesOf(cleared[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'DROPPED_DEVICE=1001']);
  });

  it('a call across controllers: 1000 on ICP-1 calls 2005 on ICP-2', async () => {
    const [a, b] = await watch(app, [icp1, '1000'], [icp2, '2005']);
    await ok('makeCall', { objectId: a, number: '2005' });
    expect(byObject(await app.events(3))).toEqual({
      [a as string]: ['CALL_ORIGINATED/NEW_CALL/ORIGINATED', 'CALL_DELIVERED/NEW_CALL/DELIVERED'],
      [b as string]: ['CALL_DELIVERED/NEW_CALL/RECEIVED'],
    });
  });

  it('B busy: makeCall answers result=false with the busy reason; A sees its call originate and fail', async () => {
    env.lab.dial('1001', '1002'); // a person at 1001 is on the phone
    const [a] = await watch(app, [icp1, '1000'], [icp1, '1001']);
    const answer = await tryOp('makeCall', { objectId: a, number: '1001' });
    expect(answer.result).toBe('false');
    expect(answer.errorDescription).toMatch(/1001.*DESTINATION_BUSY/);

    const events = await app.events(2);
    expect(lines(events)).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${a} CALL_FAILED/DESTINATION_BUSY/FAILED`]);
    expect(rolesOf(events[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001']);
    expect(callIdOf(events[1])).toBe(callIdOf(events[0]));
    expect(featuresAllowed(events[1])).toEqual(['CAMPON_CALL', 'SET_CALL_ME_BACK', 'SEND_CALLBACK_MESSAGE', 'CLEAR_CALL']);
    // The busy phone is not disturbed.
    expect(lines(await app.drain())).toEqual([]);
  });

  it('B in do not disturb, set by the application: a feature event, then a call to B fails with DESTINATION_DO_NOT_DISTURB', async () => {
    const [a, b] = await watch(app, [icp1, '1000'], [icp1, '1001']);
    await watchFeatures(app, b as string);
    await ok('setDeviceDND', { objectId: b, dndState: true });
    const on = await app.events(1);
    expect(lines(on)).toEqual([`${b} FEATURE DO_NOT_DISTURB`]);
    expect(featureAttributes(on[0])).toEqual(['FEATURE_EVENT_STATE=true', 'DEVICE_NUMBER=1001']);
    expect((await ok('getDeviceFeatures', { objectId: b })).DND).toBe('true');

    const answer = await tryOp('makeCall', { objectId: a, number: '1001' });
    expect(answer.result).toBe('false');
    expect(answer.errorDescription).toMatch(/DESTINATION_DO_NOT_DISTURB/);
    expect(lines(await app.events(2))).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${a} CALL_FAILED/DESTINATION_DO_NOT_DISTURB/FAILED`]);

    await ok('setDeviceDND', { objectId: b, dndState: false });
    const off = await app.events(1);
    expect(lines(off)).toEqual([`${b} FEATURE DO_NOT_DISTURB`]);
    expect(featureAttributes(off[0])).toEqual(['FEATURE_EVENT_STATE=false', 'DEVICE_NUMBER=1001']);
  });

  it('hold and retrieve: both phones see the call held and retrieved, with the holding device', async () => {
    const [a, b] = await watch(app, [icp1, '1000'], [icp1, '1001']);
    const { callId } = await establish(a as string, b as string, '1001');

    await ok('holdCall', { objectId: a, localCallId: callId });
    const held = await app.events(2);
    expect(lines(held)).toEqual([`${a} CALL_HELD/HARD_HOLD/HELD`, `${b} CALL_HELD/HARD_HOLD/ESTABLISHED`]);
    expect(rolesOf(held[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'HOLDING_DEVICE=1000']);
    expect(featuresAllowed(held[0])).toEqual(expect.arrayContaining(['RETRIEVE_CALL']));

    await ok('retrieveCall', { objectId: a, localCallId: callId });
    const retrieved = await app.events(2);
    expect(lines(retrieved)).toEqual([`${a} CALL_RETRIEVED/RETRIEVE/ESTABLISHED`, `${b} CALL_RETRIEVED/RETRIEVE/ESTABLISHED`]);
    expect(rolesOf(retrieved[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'HOLDING_DEVICE=1000']);
  });

  it('consultation, C answers, transfer: B and C are connected and keep their call ids and the call its global id', async () => {
    const [a, b, c] = await watch(app, [icp1, '1000'], [icp1, '1001'], [icp1, '1002']);
    const { callId: first, globalCallId } = await establish(a as string, b as string, '1001');

    const second = await consultAndAnswer(a as string, b as string, c as string, first, '1002');

    await ok('transferCall', { objectId: a, localCallId: second });
    const transferred = await app.events(4);
    expect(lines(transferred)).toEqual([
      `${a} CALL_TRANSFERRED/SUPERVISED_TRANSFER/IDLE`,
      `${a} CALL_TRANSFERRED/SUPERVISED_TRANSFER/IDLE`,
      `${b} CALL_TRANSFERRED/SUPERVISED_TRANSFER/ESTABLISHED`,
      `${c} CALL_TRANSFERRED/SUPERVISED_TRANSFER/ESTABLISHED`,
    ]);
    const transferRoles = ['TRANSFER_CONTROLLER_DEVICE=1000', 'TRANSFERRED_DEVICE=1001', 'NEW_DESTINATION_DEVICE=1002'];
    expect(rolesOf(transferred[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1002', ...transferRoles]);
    for (const event of transferred.slice(1)) expect(rolesOf(event)).toEqual(['CALLING_DEVICE=1001', 'CALLED_DEVICE=1002', ...transferRoles]);
    expect(transferred.map(callIdOf)).toEqual([second, first, first, second]);
    expect(transferred.slice(1).map((e) => callAttribute(e, 'CURRENT_GLOBAL_CALL_ID'))).toEqual([globalCallId, globalCallId, globalCallId]);
  });

  it('three-way conference, then split: the controller talks privately with the member added last', async () => {
    const [a, b, c] = await watch(app, [icp1, '1000'], [icp1, '1001'], [icp1, '1002']);
    const { callId: first } = await establish(a as string, b as string, '1001');
    const second = await consultAndAnswer(a as string, b as string, c as string, first, '1002');

    await ok('conferenceCall', { objectId: a, localCallId: second });
    const conferenced = await app.events(4);
    expect(lines(conferenced)).toEqual([
      `${a} CALL_CONFERENCED/CONFERENCED/IDLE`,
      `${a} CALL_CONFERENCED/CONFERENCED/ESTABLISHED`,
      `${b} CALL_CONFERENCED/CONFERENCED/ESTABLISHED`,
      `${c} CALL_CONFERENCED/CONFERENCED/ESTABLISHED`,
    ]);
    expect(conferenced.map(callIdOf)).toEqual([second, first, first, second]);
    expect(rolesOf(conferenced[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1002', 'CONTROLLER_DEVICE=1000']);
    for (const event of conferenced.slice(1)) expect(rolesOf(event)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'CONTROLLER_DEVICE=1000']);
    expect(featuresAllowed(conferenced[1])).toEqual(expect.arrayContaining(['SPLIT_CONFERENCE_CALL']));
    expect(asArray(conferenced[1]?.callEvent.party).map((p: any) => p.memberNum)).toEqual(expect.arrayContaining(['1001', '1002']));

    await ok('splitConferenceCall', { objectId: a, localCallId: first });
    const split = await app.events(4);
    expect(lines(split)).toEqual([
      `${a} CALL_HELD/CONFERENCE_SPLIT/HELD`,
      `${b} CALL_HELD/CONFERENCE_SPLIT/ESTABLISHED`,
      `${a} CALL_ESTABLISHED/CONFERENCE_SPLIT/ESTABLISHED`,
      `${c} CALL_ESTABLISHED/CONFERENCE_SPLIT/ESTABLISHED`,
    ]);
    expect(split.map(callIdOf)).toEqual([first, first, second, second]);
    expect(rolesOf(split[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'SPLITTING_DEVICE=1000']);
    expect(rolesOf(split[3] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1002', 'SPLITTING_DEVICE=1000']);
  });

  it('redirect while ringing: the call leaves B and rings C, the caller is told of the new destination', async () => {
    const [a, b, c] = await watch(app, [icp1, '1000'], [icp1, '1001'], [icp1, '1002']);
    await ok('makeCall', { objectId: a, number: '1001' });
    const ringing = await app.events(3);
    const callId = callIdOf(ringing[1]);

    await ok('redirectCall', { objectId: b, localCallId: callId, redirectDn: '1002' });
    const redirected = await app.events(3);
    expect(lines(redirected)).toEqual([`${b} CALL_DIVERTED/REDIRECTED_FROM/IDLE`, `${c} CALL_DELIVERED/REDIRECTED_TO/RECEIVED`, `${a} CALL_DIVERTED/REDIRECTED_TO/DELIVERED`]);
    expect(rolesOf(redirected[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'ORIGINAL_DESTINATION_DEVICE=1001', 'NEW_DESTINATION_DEVICE=1002']);
    expect(rolesOf(redirected[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1002', 'ORIGINAL_DESTINATION_DEVICE=1001']);
    expect(rolesOf(redirected[2] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1002', 'ORIGINAL_DESTINATION_DEVICE=1001']);
    expect(redirected.map(callIdOf)).toEqual([callId, callId, callId]);
  });

  it('pickup: a third phone picks up the call ringing at B', async () => {
    const [a, b, c] = await watch(app, [icp1, '1000'], [icp1, '1001'], [icp1, '1002']);
    await ok('makeCall', { objectId: a, number: '1001' });
    const callId = callIdOf((await app.events(3))[1]);

    await ok('pickupCall', { objectId: c, ringDn: '1001' });
    const picked = await app.events(3);
    expect(lines(picked)).toEqual([`${b} CALL_DIVERTED/DIVERTED_PICKUP_AWAY/IDLE`, `${c} CALL_ESTABLISHED/PICKUP/ESTABLISHED`, `${a} CALL_ESTABLISHED/PICKUP/ESTABLISHED`]);
    expect(rolesOf(picked[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'PICKUP_DEVICE=1002']);
    expect(rolesOf(picked[2] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'PICKUP_DEVICE=1002', 'CONNECTED_DEVICE=1002']);
    expect(picked.map(callIdOf)).toEqual([callId, callId, callId]);
  });

  it('hot desking: a wrong PIN is refused, the user logs in at 1005, a call to 3000 rings there, then the user logs out', async () => {
    const [a, phone, user] = await watch(app, [icp1, '1000'], [icp1, '1005'], [icp1, '3000']);
    await watchFeatures(app, phone as string, user as string);

    expect((await ok('verifyHotDeskUserPin', { objectId: phone, hotDeskUserDn: '3000', pin: '1234' })).result).toBe('true');
    const wrongPin = await tryOp('verifyHotDeskUserPin', { objectId: phone, hotDeskUserDn: '3000', pin: '9999' });
    expect(wrongPin).toMatchObject({ result: 'false', errorDescription: expect.stringMatching(/PIN/) });
    const refused = await tryOp('loginHotDeskUser', { request: { attributes: { sessionId: app.sessionId, objectId: phone }, pin: '9999', hotDeskUserDn: '3000' } });
    expect(refused).toMatchObject({ result: 'false', errorDescription: expect.stringMatching(/wrong PIN.*3000/) });

    await app.ok('loginHotDeskUser', { request: { attributes: { sessionId: app.sessionId, objectId: phone }, pin: '1234', hotDeskUserDn: '3000' } });
    const login = await app.events(2);
    expect(lines(login)).toEqual([`${user} FEATURE HOT_DESK_USER`, `${phone} FEATURE HOT_DESK_USER`]);
    for (const event of login) expect(featureAttributes(event)).toEqual(['FEATURE_EVENT_STATE=true', 'USER_DN=3000', 'DEVICE_NUMBER=1005']);
    expect((await ok('getHotDeskUserDn', { hotDeskDeviceObjectId: phone })).userDn).toBe('3000');
    expect((await ok('getHotDeskUserLoginDevice', { hotDeskUserObjectId: user })).hotDeskDeviceDn).toBe('1005');

    await ok('makeCall', { objectId: a, number: '3000' });
    const ringing = await app.events(4);
    expect(lines(ringing)).toEqual([
      `${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`,
      `${user} CALL_DELIVERED/NEW_CALL/RECEIVED`,
      `${phone} CALL_DELIVERED/NEW_CALL/RECEIVED`,
      `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`,
    ]);
    expect(rolesOf(ringing[2] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=3000']);
    const callId = callIdOf(ringing[2]);

    await ok('answerCall', { objectId: phone, localCallId: callId });
    const answered = await app.events(3);
    expect(lines(answered)).toEqual([`${user} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`, `${phone} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`, `${a} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`]);
    expect(rolesOf(answered[2] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=3000', 'CONNECTED_DEVICE=3000']);

    env.lab.hangUp('1005');
    expect(lines(await app.events(3))).toEqual([`${user} CALL_CLEAR/CLEARED/IDLE`, `${phone} CALL_CLEAR/CLEARED/IDLE`, `${a} CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE`]);

    await ok('logoutHotDeskUser', { objectId: phone });
    const logout = await app.events(2);
    expect(lines(logout)).toEqual([`${user} FEATURE HOT_DESK_USER`, `${phone} FEATURE HOT_DESK_USER`]);
    for (const event of logout) expect(featureAttributes(event)).toEqual(['FEATURE_EVENT_STATE=false', 'USER_DN=3000', 'DEVICE_NUMBER=1005']);
    expect(await tryOp('getHotDeskUserDn', { hotDeskDeviceObjectId: phone })).toMatchObject({ result: 'false', errorDescription: 'No hot desk user is logged in at 1005' });

    // A logged-out user cannot be reached.
    expect(await tryOp('makeCall', { objectId: a, number: '3000' })).toMatchObject({ result: 'false', errorDescription: expect.stringMatching(/NO_SUCH_NUMBER/) });
    expect(lines(await app.events(2))).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${a} CALL_FAILED/DESTINATION_NOT_OBTAINABLE/FAILED`]);
  });

  it('call forwarding always: set by the application, shown by getDeviceFeatures, and a call to B is diverted to C', async () => {
    const [a, b, c] = await watch(app, [icp1, '1000'], [icp1, '1001'], [icp1, '1002']);
    await watchFeatures(app, b as string);
    const setCfAlways = (cfOn: boolean, dn: string) => app.ok('setCFAlways', { request: { attributes: { sessionId: app.sessionId, objectId: b, cfOn }, dn } });

    await setCfAlways(true, '1002');
    const on = await app.events(1);
    expect(lines(on)).toEqual([`${b} FEATURE CF_ALWAYS`]);
    expect(featureAttributes(on[0])).toEqual(['FEATURE_EVENT_STATE=true', 'DEVICE_NUMBER=1001', 'FORWARD_DN=1002']);
    const features = await ok('getDeviceFeatures', { objectId: b });
    expect(features.CFAlways).toEqual({ attributes: { fwdOn: 'true' }, dn: '1002' });
    expect(features.CFBusyInt).toMatchObject({ attributes: { fwdOn: 'false' } });

    await ok('makeCall', { objectId: a, number: '1001' });
    const diverted = await app.events(4);
    expect(lines(diverted)).toEqual([
      `${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`,
      `${b} CALL_DIVERTED/DIVERTED_ALWAYS_FROM/IDLE`,
      `${c} CALL_DELIVERED/DIVERTED_ALWAYS_TO/RECEIVED`,
      `${a} CALL_DELIVERED/DIVERTED_ALWAYS_TO/DELIVERED`,
    ]);
    expect(rolesOf(diverted[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001']);
    expect(rolesOf(diverted[1] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1001', 'ORIGINAL_DESTINATION_DEVICE=1001', 'NEW_DESTINATION_DEVICE=1002']);
    expect(rolesOf(diverted[2] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1002', 'ORIGINAL_DESTINATION_DEVICE=1001']);
    expect(rolesOf(diverted[3] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=1002', 'ORIGINAL_DESTINATION_DEVICE=1001']);

    await setCfAlways(false, '');
    expect(lines(await app.events(1))).toEqual([`${b} FEATURE CF_ALWAYS`]);
    expect((await ok('getDeviceFeatures', { objectId: b })).CFAlways).toMatchObject({ attributes: { fwdOn: 'false' } });
  });

  it('an outside call through prefix 9: digits out on the trunk, the far end answers, digits and an account code, the far end hangs up', async () => {
    const [a] = await watch(app, [icp1, '1000']);
    await ok('makeCall', { objectId: a, number: '95550100' });
    const dialled = await app.events(3);
    expect(lines(dialled)).toEqual([`${a} CALL_ORIGINATED/NEW_CALL/ORIGINATED`, `${a} TRUNK_DIGITS_OUTPULSED/TRUNK_DIGITS_OUTPULSED/ORIGINATED`, `${a} CALL_DELIVERED/NEW_CALL/DELIVERED`]);
    expect(rolesOf(dialled[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=5550100']);
    const called = asArray<any>(dialled[2]?.callEvent.device).find((d) => d.deviceName === 'CALLED_DEVICE');
    expect(asArray<any>(called.deviceAttribute).find((x) => x.attributeName === 'DEVICE_TYPE')?.attributeValue).toBe('EXTERNAL_DEVICE_TYPE');
    expect(callAttribute(dialled[0], 'DIALED_DIGITS')).toBe('95550100');
    const callId = callIdOf(dialled[0]);

    // The lab's outside number answers by itself after 1 s.
    const answered = await app.events(1);
    expect(lines(answered)).toEqual([`${a} CALL_ESTABLISHED/ANSWERED/ESTABLISHED`]);
    expect(rolesOf(answered[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=5550100', 'CONNECTED_DEVICE=5550100']);
    expect(featuresAllowed(answered[0])).toEqual(expect.arrayContaining(['OUT_PULSE_DIGITS']));

    await ok('outPulseDigits', { objectId: a, localCallId: callId, digits: '42#' });
    expect(lines(await app.events(1))).toEqual([`${a} TRUNK_DIGITS_OUTPULSED/TRUNK_DIGITS_OUTPULSED/ESTABLISHED`]);
    await ok('setAccountCode', { objectId: a, localCallId: callId, accCode: '7788' });
    const coded = await app.events(1);
    expect(lines(coded)).toEqual([`${a} ACCOUNT_CODE_SET/ACCOUNT_CODE_SET/ESTABLISHED`]);
    expect(coded[0]?.callEvent.accountCode).toBe('7788');

    env.lab.externalHangUp('5550100');
    const cleared = await app.events(1);
    expect(lines(cleared)).toEqual([`${a} CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE`]);
    expect(rolesOf(cleared[0] as Answer)).toEqual(['CALLING_DEVICE=1000', 'CALLED_DEVICE=5550100', 'DROPPED_DEVICE=5550100']);
  });
});
