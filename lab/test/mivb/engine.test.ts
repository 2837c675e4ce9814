import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/mivb/clock';
import { buildDirectory } from '../../src/mivb/directory';
import { CallEngine } from '../../src/mivb/engine';
import { describeEvent, type CallEvent, type Emission, type LabEvent } from '../../src/mivb/events';
import { DEFAULT_MIVB_FIXTURE, type MivbFixture } from '../../src/mivb/fixture';
import { generatedPart, renderEventSequences, runScenario, SCENARIOS } from '../../src/mivb/scenarios';

const DOC = readFileSync(fileURLToPath(new URL('../../../docs/pbx-link-protocol.md', import.meta.url)), 'utf8');
const CC_XSD = fileURLToPath(new URL('../../../../shared/reference/oig-wsdl-4.0/standard/cc.xsd', import.meta.url));

/** The scenario blocks of the document's generated part, by title. */
function documentedBlocks(): Map<string, string> {
  const part = generatedPart(DOC) ?? '';
  return new Map(
    part
      .split(/^### /m)
      .slice(1)
      .map((block) => [block.slice(0, block.indexOf('\n')), `### ${block.trim()}`]),
  );
}

/** Event lines of a rendered block, per receiving device, in order. */
function perDevice(block: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of block.split('\n')) {
    const m = /^ {2}(\d+)(?: @\S+(?: \(down: lost\))?)? +(.*)$/.exec(line);
    if (m) (out[m[1] as string] ??= []).push(m[2] as string);
  }
  return out;
}

function setup(fixture: MivbFixture = DEFAULT_MIVB_FIXTURE) {
  const clock = new ManualClock();
  const emitted: Emission[] = [];
  const engine = new CallEngine(buildDirectory(fixture), clock, (e) => emitted.push(e));
  /** Events since the last take(), per receiving device, as the document writes them. */
  const take = (): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const e of emitted.splice(0)) {
      const id = e.event.class === 'call' && e.event.callId ? `c${e.event.callId} ` : '';
      (out[e.dn] ??= []).push(`${id}${describeEvent(e.event)}`);
    }
    return out;
  };
  const last = (dn: string): CallEvent => [...emitted].reverse().find((e) => e.dn === dn && e.event.class === 'call')?.event as CallEvent;
  return { clock, engine, take, last, emitted };
}

describe('call engine: the documented event sequences', () => {
  const documented = documentedBlocks();
  const rendered = new Map(
    renderEventSequences()
      .split(/^### /m)
      .slice(1)
      .map((block) => [block.slice(0, block.indexOf('\n')), `### ${block.trim()}`]),
  );

  it('the document lists every scenario of the catalogue, no more', () => {
    expect([...documented.keys()]).toEqual(SCENARIOS.map((s) => s.title));
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.id}: each device receives the documented events, in order`, () => {
      const mine = rendered.get(scenario.title) as string;
      const theirs = documented.get(scenario.title) ?? '';
      expect(perDevice(mine)).toEqual(perDevice(theirs));
      expect(mine).toBe(theirs);
    });
  }
});

describe('call engine', () => {
  it('A calls B: full sequences per device, no event for anyone else', () => {
    const { engine, take } = setup();
    const { callId } = engine.makeCall('1000', '1001');
    engine.answer('1001', callId);
    engine.clear('1000', callId);
    expect(take()).toEqual({
      '1000': [
        'c1 CALL_ORIGINATED/NEW_CALL/ORIGINATED 1000→1001',
        'c1 CALL_DELIVERED/NEW_CALL/DELIVERED 1000→1001',
        'c1 CALL_ESTABLISHED/ANSWERED/ESTABLISHED 1000→1001 CONNECTED=1001',
        'c1 CALL_CLEAR/CLEARED/IDLE 1000→1001 DROPPED=1000',
      ],
      '1001': [
        'c1 CALL_DELIVERED/NEW_CALL/RECEIVED 1000→1001',
        'c1 CALL_ESTABLISHED/ANSWERED/ESTABLISHED 1000→1001 CONNECTED=1001',
        'c1 CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE 1000→1001 DROPPED=1000',
      ],
    });
    expect(engine.callSnapshots()).toEqual([]);
  });

  it('a supervised transfer keeps each remaining device its callId and the held call its globalCallId', () => {
    const { engine, emitted } = setup();
    const first = engine.makeCall('1000', '1001').callId;
    engine.answer('1001', first);
    const global = (emitted.at(-1)?.event as CallEvent).globalCallId;
    const consult = engine.consult('1000', '1002', first).callId;
    engine.answer('1002', consult);
    emitted.length = 0;
    engine.transfer('1000', first);
    const after = emitted.map((e) => e.event as CallEvent);
    expect(after.map((e) => [e.dn, e.callId, e.state])).toEqual([
      ['1000', consult, 'IDLE'],
      ['1000', first, 'IDLE'],
      ['1001', first, 'ESTABLISHED'],
      ['1002', consult, 'ESTABLISHED'],
    ]);
    expect(new Set(after.slice(1).map((e) => e.globalCallId))).toEqual(new Set([global]));
    expect(after[2]?.parties).toEqual([{ number: '1002', name: 'Phone 1002', deviceType: 'VOICE_SET_PRIME', callId: consult }]);
    expect(engine.callSnapshots()).toHaveLength(1);
  });

  it('emits only values of the OIG enums in cc.xsd', () => {
    const xsd = readFileSync(CC_XSD, 'utf8');
    const enumOf = (name: string): Set<string> => {
      const body = new RegExp(`<xs:simpleType name="${name}">([\\s\\S]*?)</xs:simpleType>`).exec(xsd)?.[1] ?? '';
      return new Set([...body.matchAll(/value="([^"]*)"/g)].map((m) => m[1] as string));
    };
    const allowed = {
      type: enumOf('callEventType'),
      cause: enumOf('eventCauseType'),
      state: enumOf('callState'),
      role: enumOf('deviceName'),
      feature: enumOf('featuresAllowed'),
      deviceType: enumOf('deviceType'),
      featureType: enumOf('featureEventType'),
      attribute: enumOf('featureEventAttributeNames'),
    };
    expect(allowed.type.size).toBeGreaterThan(30);
    const all: LabEvent[] = SCENARIOS.flatMap((s) => runScenario(s).flatMap((step) => step.events.map((e) => e.event)));
    // And forwarding modes the scenarios do not use.
    const engine = new CallEngine(buildDirectory(DEFAULT_MIVB_FIXTURE), new ManualClock(), (e) => all.push(e.event));
    for (const mode of ['busyExternal', 'noAnswerExternal'] as const) engine.setForward('1001', mode, true, '1002');
    const bad: string[] = [];
    const check = (kind: keyof typeof allowed, value: string): void => {
      if (!allowed[kind].has(value)) bad.push(`${kind} ${value}`);
    };
    for (const e of all) {
      if (e.class === 'feature') {
        check('featureType', e.type);
        for (const k of Object.keys(e.attributes)) check('attribute', k);
        continue;
      }
      check('type', e.type);
      check('cause', e.cause);
      check('state', e.state);
      for (const f of e.featuresAllowed) check('feature', f);
      for (const d of e.devices) {
        check('role', d.role);
        check('deviceType', d.deviceType);
      }
      for (const p of e.parties) check('deviceType', p.deviceType);
    }
    expect(bad).toEqual([]);
  });
  it('refuses what a phone could not do, with the protocol error codes', () => {
    const { engine } = setup();
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return undefined;
    };
    expect(code(() => engine.makeCall('1999', '1000'))).toBe('NO_SUCH_DEVICE');
    expect(code(() => engine.makeCall('1000', 'abc'))).toBe('BAD_REQUEST');
    expect(code(() => engine.makeCall('4000', '1000'))).toBe('INVALID_STATE');
    expect(code(() => engine.makeCall('3000', '1000'))).toBe('NOT_LOGGED_IN');
    const { callId } = engine.makeCall('1000', '1001');
    expect(code(() => engine.makeCall('1000', '1002'))).toBe('INVALID_STATE');
    expect(code(() => engine.hold('1000', callId))).toBe('INVALID_STATE');
    expect(code(() => engine.answer('1001', callId + 1))).toBe('NO_SUCH_CALL');
    expect(code(() => engine.transfer('1000', callId))).toBe('INVALID_STATE');
    expect(code(() => engine.redirect('1001', '1000', callId))).toBe('DESTINATION_BUSY');
    expect(code(() => engine.redirect('1001', '1888', callId))).toBe('NO_SUCH_NUMBER');
    expect(code(() => engine.digits('1000', '12', callId))).toBe('INVALID_STATE');
    expect(code(() => engine.pickup('1002', '1003'))).toBe('INVALID_STATE');
    expect(code(() => engine.campOn('1000', callId))).toBe('INVALID_STATE');
    expect(code(() => engine.hotDeskLogin('1005', '3000', '0000'))).toBe('BAD_PIN');
    engine.hotDeskLogin('1005', '3000', '1234');
    expect(code(() => engine.hotDeskLogin('1006', '3000', '1234'))).toBe('ALREADY_LOGGED_IN');
    expect(code(() => engine.hotDeskLogin('1005', '3001', '1234'))).toBe('ALREADY_LOGGED_IN');
    expect(code(() => engine.hotDeskLogout('3002'))).toBe('NOT_LOGGED_IN');
    expect(code(() => engine.prgPresence('1005', '4000', false))).toBe('INVALID_STATE');
    expect(engine.verifyPin('3001', '1234')).toBe(true);
  });

  it('a consultation to a busy phone fails; cancelling it takes the held call back', () => {
    const { engine, take } = setup();
    const busy = engine.makeCall('1003', '1004').callId;
    const first = engine.makeCall('1000', '1001').callId;
    engine.answer('1001', first);
    take();
    const consult = engine.consult('1000', '1003', first);
    expect(consult.failure).toBe('DESTINATION_BUSY');
    engine.cancelConsultation('1000', consult.callId);
    expect(take()).toEqual({
      '1000': [
        'c2 CALL_HELD/CONS_HOLD/HELD 1000→1001 HOLDING=1000',
        'c3 CALL_ORIGINATED/NEW_CALL/ORIGINATED 1000→1003',
        'c3 CALL_FAILED/DESTINATION_BUSY/FAILED 1000→1003',
        'c3 CALL_CLEAR/CLEARED/IDLE 1000→1003 DROPPED=1000',
        'c2 CALL_RETRIEVED/RETRIEVE/ESTABLISHED 1000→1001 HOLDING=1000',
      ],
      '1001': ['c2 CALL_HELD/CONS_HOLD/ESTABLISHED 1000→1001 HOLDING=1000', 'c2 CALL_RETRIEVED/RETRIEVE/ESTABLISHED 1000→1001 HOLDING=1000'],
    });
    expect(engine.callSnapshots().map((c) => c.callId)).toEqual([busy, first]);
  });

  it('a failed call clears itself after failedCallClearMs', () => {
    const { engine, clock, take } = setup();
    engine.makeCall('1001', '1002');
    const { callId, failure } = engine.makeCall('1000', '1001');
    expect(failure).toBe('DESTINATION_BUSY');
    take();
    clock.advance(9999);
    expect(take()).toEqual({});
    clock.advance(1);
    expect(take()).toEqual({ '1000': [`c${callId} CALL_CLEAR/CLEARED/IDLE 1000→1001 DROPPED=1000`] });
  });

  it('a ring group whose members are busy, absent or in DND is busy', () => {
    const { engine } = setup();
    engine.makeCall('1000', '1005');
    engine.prgPresence('1001', '4000', false);
    engine.setDnd('1002', true);
    expect(engine.makeCall('1003', '4000').failure).toBe('DESTINATION_BUSY');
    engine.prgPresence('1001', '4000', true);
    const { callId, failure } = engine.makeCall('1004', '4000');
    expect(failure).toBeUndefined();
    expect(engine.callSnapshots().find((c) => c.callId === callId)?.legs.map((l) => [l.number, l.state])).toEqual([
      ['1004', 'DELIVERED'],
      ['1001', 'RECEIVED'],
    ]);
  });

  it('forwarding on busy and on no answer tell internal from outside callers', () => {
    const { engine, clock, take } = setup();
    engine.makeCall('1001', '1003');
    engine.setForward('1001', 'busyInternal', true, '1002');
    engine.setForward('1005', 'noAnswerExternal', true, '95550100');
    take();
    // An outside caller meets 1001 busy: busyExternal is off.
    expect(engine.externalCall('6135550123', '1001').failure).toBe('DESTINATION_BUSY');
    // 1000 calling 1005 rings on: noAnswerInternal is off.
    engine.makeCall('1000', '1005');
    clock.advance(20_000);
    expect(take()['1005']).toEqual(['c3 CALL_DELIVERED/NEW_CALL/RECEIVED 1000→1005']);
    // An outside caller to 1004... and to 1005 once it is free: forwarded to the outside after 15 s.
    engine.clear('1000');
    const inbound = engine.externalCall('6135550123', '1005').callId;
    clock.advance(15_000);
    expect(take()['1005']).toEqual([
      'c3 CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE 1000→1005 DROPPED=1000',
      `c${inbound} CALL_DELIVERED/NEW_CALL/RECEIVED 6135550123→1005`,
      `c${inbound} CALL_DIVERTED/DIVERTED_NO_ANSWER_FROM/IDLE 6135550123→1005 ORIGINAL_DESTINATION=1005 NEW_DESTINATION=5550100`,
    ]);
    expect(engine.callSnapshots().find((c) => c.callId === inbound)?.legs.map((l) => [l.number, l.state])).toEqual([
      ['6135550123', 'DELIVERED'],
      ['5550100', 'RECEIVED'],
    ]);
  });

  it('no-answer forwarding to a busy phone leaves the call ringing', () => {
    const { engine, clock } = setup();
    engine.makeCall('1002', '1003');
    engine.setForward('1001', 'noAnswerInternal', true, '1002');
    const { callId } = engine.makeCall('1000', '1001');
    clock.advance(60_000);
    expect(engine.callSnapshots().find((c) => c.callId === callId)?.legs.map((l) => [l.number, l.state])).toEqual([
      ['1000', 'DELIVERED'],
      ['1001', 'RECEIVED'],
    ]);
  });

  it('external hot desking without a number logs in at the user\'s configured outside number', () => {
    const engine = new CallEngine(buildDirectory(DEFAULT_MIVB_FIXTURE), new ManualClock(), () => undefined);
    expect(() => engine.hotDeskLoginExternal('3002', '0000')).toThrow(/wrong PIN/);
    engine.hotDeskLoginExternal('3002', '1234');
    expect(engine.device('3002').hotDesk).toEqual({ externalNumber: '6135550102', configuredExternalNumber: '6135550102' });
    engine.hotDeskLogout('3002', true);
  });

  it('calls to a logged-out hot desk user are not obtainable; an outside login rings the outside number', () => {
    const { engine, take } = setup();
    expect(engine.makeCall('1000', '3001').failure).toBe('DESTINATION_NOT_OBTAINABLE');
    engine.clear('1000');
    engine.hotDeskLoginExternal('3001', '1234', '6135550177');
    take();
    const { callId } = engine.makeCall('1000', '3001');
    engine.externalAnswer('6135550177');
    expect(take()['3001']).toEqual([`c${callId} CALL_DELIVERED/NEW_CALL/RECEIVED 1000→3001`, `c${callId} CALL_ESTABLISHED/ANSWERED/ESTABLISHED 1000→3001 CONNECTED=3001`]);
    expect(engine.device('3001').hotDesk).toEqual({ externalNumber: '6135550177', configuredExternalNumber: '6135550101' });
    expect(() => engine.hotDeskLogout('3001')).toThrow(/has calls/);
    engine.externalHangUp('6135550177');
    engine.hotDeskLogout('3001', true);
    expect(engine.device('3001').hotDesk).toEqual({ configuredExternalNumber: '6135550101' });
  });

  it('a phone with a hot desk user acts for the user; its features are the user\'s', () => {
    const { engine, take } = setup();
    engine.hotDeskLogin('1005', '3000', '1234');
    engine.setDnd('1005', true);
    expect(engine.featureStatus('3000')).toMatchObject({ dnd: true, registrationDn: '1005' });
    expect(engine.featureStatus('1005')).toMatchObject({ dnd: true, hotDeskUser: '3000' });
    take();
    const { callId } = engine.makeCall('1005', '1000');
    const events = take();
    expect(events['3000']?.[0]).toBe(`c${callId} CALL_ORIGINATED/NEW_CALL/ORIGINATED 3000→1000`);
    expect(events['1005']).toEqual(events['3000']);
  });

  it('a line appearance on two phones rings both and is answered from either; the line is busy then', () => {
    const { engine, last } = setup();
    const { callId } = engine.makeCall('1000', '1501');
    engine.answer('1008');
    expect(last('1501').devices.find((d) => d.role === 'CONNECTED_DEVICE')).toMatchObject({ number: '1501', line: 2 });
    expect(engine.makeCall('1001', '1501').failure).toBe('DESTINATION_BUSY');
    // The phone's prime line is a DN of its own.
    expect(engine.makeCall('1002', '1009').failure).toBeUndefined();
    engine.clear('1501', callId);
    expect(engine.device('1501').calls).toBe(0);
  });

  it('a controller without secondary takes its devices out of service with it', () => {
    const { engine, take } = setup();
    const { callId } = engine.makeCall('1000', '2007');
    take();
    engine.controllerDown('ICP-2');
    expect(engine.device('2007')).toMatchObject({ inService: false, activeController: null });
    expect(engine.device('2001')).toMatchObject({ inService: true, activeController: '127.1.0.1' });
    expect(take()['1000']).toEqual([`c${callId} CALL_CLEAR/DEVICE_OUT_OF_SERVICE/IDLE 1000→2007 DROPPED=2007`]);
    expect(engine.makeCall('1000', '2007').failure).toBe('DESTINATION_NOT_OBTAINABLE');
    expect(() => engine.makeCall('2007', '1000')).toThrow(/out of service/);
  });

  it('a resilient device returns to its primary only once idle', () => {
    const { engine, clock } = setup();
    engine.controllerDown('ICP-2');
    engine.makeCall('2001', '1000');
    engine.controllerUp('ICP-2');
    clock.advance(5000);
    expect(engine.activeController('2001')).toBe('ICP-1');
    expect(engine.activeController('2002')).toBe('ICP-2');
    engine.clear('2001');
    clock.advance(1000);
    expect(engine.activeController('2001')).toBe('ICP-2');
  });

  it('call.status reports each call at the device in its current state', () => {
    const { engine } = setup();
    const { callId } = engine.makeCall('1000', '1001');
    engine.answer('1001', callId);
    engine.hold('1000', callId);
    expect(engine.callStatus('1000').map((e) => [e.callId, e.type, e.state, e.featuresAllowed])).toEqual([
      [callId, 'CALL_HELD', 'HELD', ['CONSULTATION_CALL', 'CLEAR_CALL', 'RETRIEVE_CALL']],
    ]);
    expect(engine.callStatus('1002')).toEqual([]);
  });

  it('directory edits take effect; a removed device loses its calls', () => {
    const { engine, take } = setup();
    const fixture = { ...DEFAULT_MIVB_FIXTURE, phones: [...DEFAULT_MIVB_FIXTURE.phones, { dn: '1010', controller: 'ICP-1' }] };
    engine.setDirectory(buildDirectory(fixture));
    const { callId } = engine.makeCall('1010', '1000');
    take();
    engine.setDirectory(buildDirectory(DEFAULT_MIVB_FIXTURE));
    expect(take()).toEqual({
      '1010': [`c${callId} CALL_CLEAR/CLEARED/IDLE 1010→1000 DROPPED=1010`],
      '1000': [`c${callId} CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE 1010→1000 DROPPED=1010`],
    });
    expect(() => engine.device('1010')).toThrow(/no device 1010/);
  });
  it('reset puts the cluster back to its fixture state, with the events people would cause', () => {
    const { engine, take } = setup();
    engine.makeCall('1001', '1002');
    const busy = engine.makeCall('1000', '1001').callId;
    engine.callMeBack('1000', busy);
    engine.makeCall('1003', '1002');
    engine.campOn('1003');
    engine.setDnd('1004', true);
    engine.setForward('1005', 'always', true, '1006');
    engine.callbackMessage('1000', '1008', true);
    engine.prgPresence('1002', '4000', false);
    engine.hotDeskLogin('1009', '3000', '1234');
    take();
    engine.reset();
    expect(take()).toEqual({
      '1001': ['c1 CALL_CLEAR/CLEARED/IDLE 1001→1002 DROPPED=1001'],
      '1002': ['c1 CALL_CLEAR/OTHER_DEVICE_CLEARED/IDLE 1001→1002 DROPPED=1001', 'JOIN_GROUP {FEATURE_EVENT_STATE=true DEVICE_NUMBER=1002 GROUP_DN=4000}'],
      '1003': ['c3 CALL_CLEAR/CLEARED/IDLE 1003→1002 DROPPED=1003'],
      '3000': ['HOT_DESK_USER {FEATURE_EVENT_STATE=false USER_DN=3000 DEVICE_NUMBER=1009}'],
      '1009': ['HOT_DESK_USER {FEATURE_EVENT_STATE=false USER_DN=3000 DEVICE_NUMBER=1009}'],
      '1004': ['DO_NOT_DISTURB {FEATURE_EVENT_STATE=false DEVICE_NUMBER=1004}'],
      '1005': ['CF_ALWAYS {FEATURE_EVENT_STATE=false DEVICE_NUMBER=1005 FORWARD_DN=1006}'],
      '1008': ['MSG_WAITING_INDICATOR {FEATURE_EVENT_STATE=false DEVICE_NUMBER=1008}'],
      '4000': ['JOIN_GROUP {FEATURE_EVENT_STATE=true DEVICE_NUMBER=1002 GROUP_DN=4000}'],
    });
    expect(engine.callSnapshots()).toEqual([]);
    expect(engine.featureStatus('1005').forwarding.always.on).toBe(false);
    // No call-me-back matures and nothing camps on any more.
    const { callId } = engine.makeCall('1001', '1002');
    engine.clear('1001', callId);
    expect(engine.callSnapshots()).toEqual([]);
  });
});
