import type { LinkState, PbxCallEvent, PbxFeatureEvent } from './pbx-port';

/**
 * The OIG event model (cc.xsd: standardEventMsg and its parts). Field names are the contract's,
 * so the SOAP layer encodes these objects as they are; times are milliseconds since the epoch
 * from the gateway's clock (seed: "The time applied is from the Mitel OIG server").
 */
export type AttributeType = 'STRING' | 'INTEGER' | 'LONG_INTEGER' | 'BOOLEAN';

export interface AttributeValue {
  readonly attributeName: string;
  readonly attributeValue: string;
  readonly attributeType: AttributeType;
}

export interface DeviceEntry {
  readonly deviceName: string;
  readonly deviceAttribute: readonly AttributeValue[];
}

export interface PartyMember {
  readonly callId: number;
  readonly numberPrivacy: boolean;
  readonly namePrivacy: boolean;
  readonly memberNum?: string;
  readonly memberName?: string;
  readonly deviceType?: string;
}

export interface CallEventMsg {
  readonly localCallId: number;
  readonly callEventTime: number;
  readonly objectId: string;
  readonly type: string;
  readonly cause: string;
  readonly callState: string;
  readonly callEventAttribute: readonly AttributeValue[];
  readonly featuresAllowed: readonly string[];
  readonly device: readonly DeviceEntry[];
  readonly party: readonly PartyMember[];
  readonly accountCode?: string;
}

export interface FeatureEventMsg {
  readonly time: number;
  readonly objectId: string;
  readonly eventType: string;
  readonly featureEventAttribute: readonly AttributeValue[];
}

export interface SystemEventMsg {
  readonly icpId: string;
  readonly time: number;
  readonly eventType: 'ICP_COMMUNICATION_EVENT' | 'OIG_SHUTDOWN' | 'HA_ACTIVITY_SWITCH';
  readonly connectionState: LinkState;
}

export type StandardEvent =
  | { readonly eventType: 'CALL_EVENT'; readonly callEvent: CallEventMsg }
  | { readonly eventType: 'FEATURE_EVENT'; readonly featureEvent: FeatureEventMsg }
  | { readonly eventType: 'SYSTEM_EVENT'; readonly systemEvent: SystemEventMsg }
  /** Not an event of the PBX: the gateway telling the application it lost events. */
  | { readonly eventType: 'UNKNOWN'; readonly errorDescription: string };

const text = (attributeName: string, attributeValue: string): AttributeValue => ({ attributeName, attributeValue, attributeType: 'STRING' });

function deviceEntry(device: PbxCallEvent['devices'][number]): DeviceEntry {
  const attributes: AttributeValue[] = [text('NUMBER', device.number)];
  if (device.name) attributes.push(text('NAME', device.name));
  if (device.deviceType) attributes.push(text('DEVICE_TYPE', device.deviceType));
  if (device.line !== undefined && device.line !== null) {
    attributes.push({ attributeName: 'LINE_APPEARANCE', attributeValue: String(device.line), attributeType: 'INTEGER' });
  }
  return { deviceName: device.role, deviceAttribute: attributes };
}

/** A controller's call event as the application sees it on the monitored object. */
export function callEventFromPbx(event: PbxCallEvent, objectId: string, icpId: string, time: number): StandardEvent {
  const attributes: AttributeValue[] = [];
  if (event.globalCallId) attributes.push(text('CURRENT_GLOBAL_CALL_ID', event.globalCallId));
  if (event.dialedDigits) attributes.push(text('DIALED_DIGITS', event.dialedDigits));
  attributes.push({ attributeName: 'ICP_ID', attributeValue: icpId, attributeType: 'LONG_INTEGER' });
  const callEvent: CallEventMsg = {
    localCallId: event.callId,
    callEventTime: time,
    objectId,
    type: event.type,
    cause: event.cause,
    callState: event.state,
    callEventAttribute: attributes,
    featuresAllowed: event.featuresAllowed ?? [],
    device: event.devices.map(deviceEntry),
    party: event.parties.map((p) => ({
      callId: p.callId,
      numberPrivacy: false,
      namePrivacy: false,
      memberNum: p.number,
      ...(p.name ? { memberName: p.name } : {}),
      ...(p.deviceType ? { deviceType: p.deviceType } : {}),
    })),
    ...(event.accountCode ? { accountCode: event.accountCode } : {}),
  };
  return { eventType: 'CALL_EVENT', callEvent };
}

export function featureEventFromPbx(event: PbxFeatureEvent, objectId: string, icpId: string, time: number): StandardEvent {
  const attributes = Object.entries(event.attributes).map(([name, value]) => text(name, value));
  attributes.push({ attributeName: 'ICP_ID', attributeValue: icpId, attributeType: 'LONG_INTEGER' });
  return { eventType: 'FEATURE_EVENT', featureEvent: { time, objectId, eventType: event.type, featureEventAttribute: attributes } };
}

/** A call event the gateway itself generates (MONITOR_SET, OUT_OF_SERVICE on a lost link). */
export function gatewayCallEvent(
  fields: { objectId: string; type: string; cause: string; state: string; dn: string; icpId: string },
  time: number,
): StandardEvent {
  return {
    eventType: 'CALL_EVENT',
    callEvent: {
      localCallId: 0,
      callEventTime: time,
      objectId: fields.objectId,
      type: fields.type,
      cause: fields.cause,
      callState: fields.state,
      callEventAttribute: [{ attributeName: 'ICP_ID', attributeValue: fields.icpId, attributeType: 'LONG_INTEGER' }],
      featuresAllowed: [],
      device: [{ deviceName: 'USING_DEVICE', deviceAttribute: [text('NUMBER', fields.dn)] }],
      party: [],
    },
  };
}

export function systemEvent(icpId: string, connectionState: LinkState, time: number, eventType: SystemEventMsg['eventType'] = 'ICP_COMMUNICATION_EVENT'): StandardEvent {
  return { eventType: 'SYSTEM_EVENT', systemEvent: { icpId, time, eventType, connectionState } };
}
