import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ControllerInfo, PbxCallEvent, PbxFeatureEvent } from '../../../../src/domain/callcontrol/pbx-port';
import { parseMessage, ProtocolError, type CallEvent, type FeatureEvent } from '../../../../src/pbx/protocol/messages';

const callEvent = {
  class: 'call',
  type: 'CALL_DELIVERED',
  cause: 'NEW_CALL',
  state: 'DELIVERED',
  dn: '1000',
  callId: 4711,
  globalCallId: 'lab-cluster:4711:1764000000000',
  devices: [
    { role: 'CALLING_DEVICE', number: '1000', name: 'Phone 1000', deviceType: 'VOICE_SET_PRIME' },
    { role: 'CALLED_DEVICE', number: '1001', name: 'Phone 1001', deviceType: 'VOICE_SET_PRIME' },
  ],
  parties: [{ number: '1001', name: 'Phone 1001', deviceType: 'VOICE_SET_PRIME', callId: 4711 }],
  dialedDigits: '1001',
  accountCode: null,
  featuresAllowed: ['CLEAR_CALL', 'CONSULTATION_CALL'],
};

const featureEvent = { class: 'feature', type: 'DO_NOT_DISTURB', dn: '1001', attributes: { FEATURE_EVENT_STATE: 'true', DEVICE_NUMBER: '1001' } };

/** The examples of docs/pbx-link-protocol.md, and a few more valid shapes. */
const good: Record<string, Record<string, unknown>> = {
  hello: { type: 'hello', versions: [1], client: 'OpenOIG/0.1.0' },
  welcome: { type: 'welcome', version: 1, heartbeatMs: 5000, controller: { name: 'ICP-1', address: '127.1.0.1', version: '10.1.0.12', clusterId: 'lab-cluster' } },
  refused: { type: 'refused', code: 'UNSUPPORTED_VERSION', message: 'controller speaks versions [1]' },
  request: { type: 'request', id: 17, op: 'call.make', args: { dn: '1000', number: '1001' } },
  'response ok': { type: 'response', id: 17, ok: true, result: { callId: 4711 } },
  'response ok without result': { type: 'response', id: 17, ok: true },
  'response error': { type: 'response', id: 17, ok: false, error: { code: 'DESTINATION_BUSY', message: '1001 is busy' } },
  'call event': { type: 'event', seq: 42, monitorId: 3, event: callEvent },
  'device service event': {
    type: 'event',
    seq: 1,
    monitorId: 3,
    event: { class: 'call', type: 'OUT_OF_SERVICE', cause: 'DEVICE_OUT_OF_SERVICE', state: 'OUT_OF_SERVICE', dn: '1000', callId: 0, devices: [], parties: [] },
  },
  'feature event': { type: 'event', seq: 43, monitorId: 4, event: featureEvent },
  ping: { type: 'ping', n: 1 },
  pong: { type: 'pong', n: 1 },
  error: { type: 'error', code: 'PROTOCOL_ERROR', message: 'bad frame' },
  'bare error': { type: 'error' },
  'welcome with unknown fields': {
    type: 'welcome',
    version: 1,
    heartbeatMs: 5000,
    features: ['x'],
    controller: { name: 'ICP-1', address: '127.1.0.1', version: '10.1.0.12', clusterId: 'c', site: 'Ottawa' },
  },
  'call event with unknown fields': { type: 'event', seq: 1, monitorId: 1, extra: true, event: { ...callEvent, trunk: 'T1', devices: [{ role: 'CALLED_DEVICE', number: '1', line: 2, x: 1 }] } },
};

/** Each with the start of the expected complaint. */
const bad: Record<string, [Record<string, unknown>, RegExp]> = {
  'no type': [{ version: 1 }, /no string "type"/],
  'type not a string': [{ type: 7 }, /no string "type"/],
  'unknown type': [{ type: 'subscribe', dn: '1000' }, /unknown message type "subscribe"/],
  'inherited type name': [{ type: 'toString' }, /unknown message type/],
  'welcome without controller': [{ type: 'welcome', version: 1, heartbeatMs: 5000 }, /invalid welcome message: \/controller/],
  'welcome with a zero heartbeat': [{ type: 'welcome', version: 1, heartbeatMs: 0, controller: good.welcome!.controller }, /\/heartbeatMs/],
  'welcome with a string version': [{ type: 'welcome', version: '1', heartbeatMs: 5000, controller: good.welcome!.controller }, /\/version/],
  'refused without code': [{ type: 'refused', message: 'no' }, /\/code/],
  'response with id 0': [{ type: 'response', id: 0, ok: true, result: {} }, /\/id/],
  'response with fractional id': [{ type: 'response', id: 1.5, ok: true, result: {} }, /\/id/],
  'response ok without a boolean': [{ type: 'response', id: 1, ok: 'yes' }, /\/ok/],
  'response with array result': [{ type: 'response', id: 1, ok: true, result: [1] }, /\/result/],
  'failed response without error': [{ type: 'response', id: 3, ok: false }, /ok=false and no error/],
  'failed response with error lacking code': [{ type: 'response', id: 3, ok: false, error: { message: 'x' } }, /\/error\/code/],
  'request without args': [{ type: 'request', id: 1, op: 'system.info' }, /\/args/],
  'ping without n': [{ type: 'ping' }, /\/n/],
  'event with seq 0': [{ type: 'event', seq: 0, monitorId: 1, event: featureEvent }, /\/seq/],
  'event without payload': [{ type: 'event', seq: 1, monitorId: 1 }, /\/event/],
  'event of unknown class': [{ type: 'event', seq: 1, monitorId: 1, event: { class: 'prg', dn: '1' } }, /unknown event class "prg"/],
  'call event without dn': [{ type: 'event', seq: 1, monitorId: 1, event: { ...callEvent, dn: undefined } }, /\/event\/dn/],
  'call event with string callId': [{ type: 'event', seq: 1, monitorId: 1, event: { ...callEvent, callId: '4711' } }, /\/event\/callId/],
  'call event with a party lacking callId': [{ type: 'event', seq: 1, monitorId: 1, event: { ...callEvent, parties: [{ number: '1001' }] } }, /\/event\/parties\/0\/callId/],
  'feature event with a numeric attribute': [{ type: 'event', seq: 1, monitorId: 1, event: { ...featureEvent, attributes: { FEATURE_EVENT_STATE: true } } }, /\/event\/attributes/],
};

describe('parseMessage', () => {
  for (const [name, message] of Object.entries(good)) {
    it(`accepts ${name}`, () => {
      expect(parseMessage(structuredClone(message))).toEqual(message);
    });
  }

  for (const [name, [message, complaint]] of Object.entries(bad)) {
    it(`refuses ${name}`, () => {
      expect(() => parseMessage(message)).toThrow(ProtocolError);
      expect(() => parseMessage(message)).toThrow(complaint);
    });
  }
});

describe('wire types', () => {
  it('event payloads are the port’s event types, and the welcome carries a ControllerInfo', () => {
    expectTypeOf<CallEvent>().toExtend<PbxCallEvent>();
    expectTypeOf<FeatureEvent>().toExtend<PbxFeatureEvent>();
    expectTypeOf<Extract<ReturnType<typeof parseMessage>, { type: 'welcome' }>['controller']>().toExtend<ControllerInfo>();
  });
});
