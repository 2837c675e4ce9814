import { XS, attr, complexType, many, opt } from '../schema';
import { acdAgentGroupPresence, advCallEventMsg, advEventType, advFeatureEventMsg, advSystemEventMsg } from './cc-advanced-types';
import {
  CC_NS,
  accountCodeType,
  attributeType,
  callEventAttributeNames,
  callEventType,
  callState,
  connectionState,
  deviceAttributeNames,
  deviceName,
  deviceType,
  eventCauseType,
  eventType,
  featureEventAttributeNames,
  featureEventType,
  featuresAllowed,
  systemEventType,
} from './cc-enums';

/**
 * The complex types of the call-control namespace (served as cc.xsd): events, the common
 * `result` and `objectIdResult` answers, and device and agent states. Its enumerations are in
 * cc-enums.ts (see there why).
 */
const s = XS.string;

// Events.
export const callEventAttributeValue = complexType(CC_NS, 'callEventAttributeValue', [
  opt('attributeName', callEventAttributeNames),
  opt('attributeValue', s),
  opt('attributeType', attributeType),
]);
export const deviceAttributeValue = complexType(CC_NS, 'deviceAttributeValue', [
  opt('attributeName', deviceAttributeNames),
  opt('attributeValue', s),
  opt('attributeType', attributeType),
]);
export const device = complexType(CC_NS, 'device', [opt('deviceName', deviceName), many('deviceAttribute', deviceAttributeValue)]);
export const partyMember = complexType(
  CC_NS,
  'partyMember',
  [
    opt('memberNum', s),
    opt('memberName', s),
    opt('deviceType', deviceType),
    opt('remoteMemberExt', s),
    opt('remoteMemberName', s),
    opt('memberNetworkExt', s),
    opt('peerId', s),
    opt('peerName', s),
  ],
  [attr('callId', XS.long, true), attr('numberPrivacy', XS.boolean, true), attr('namePrivacy', XS.boolean, true)],
);
export const callEventMsg = complexType(
  CC_NS,
  'callEventMsg',
  [
    opt('type', callEventType),
    opt('cause', eventCauseType),
    opt('callState', callState),
    many('callEventAttribute', callEventAttributeValue),
    many('featuresAllowed', featuresAllowed),
    many('device', device),
    many('party', partyMember),
    opt('accountCode', s),
    opt('accountCodeType', accountCodeType),
  ],
  [attr('localCallId', XS.long, true), attr('callEventTime', XS.long, true), attr('objectId', XS.long, true)],
);
export const featureEventAttributeValue = complexType(CC_NS, 'featureEventAttributeValue', [
  opt('attributeName', featureEventAttributeNames),
  opt('attributeValue', s),
  opt('attributeType', attributeType),
]);
export const featureEventMsg = complexType(
  CC_NS,
  'featureEventMsg',
  [opt('eventType', featureEventType), many('featureEventAttribute', featureEventAttributeValue)],
  [attr('time', XS.long, true), attr('objectId', XS.long, true)],
);
export const systemEventMsg = complexType(
  CC_NS,
  'systemEventMsg',
  [opt('eventType', systemEventType), opt('connectionState', connectionState)],
  [attr('icpId', XS.long, true), attr('time', XS.long, true)],
);
export const standardEventMsg = complexType(
  CC_NS,
  'standardEventMsg',
  [
    opt('errorDescription', s),
    opt('eventType', eventType),
    opt('callEvent', callEventMsg),
    opt('featureEvent', featureEventMsg),
    opt('systemEvent', systemEventMsg),
  ],
  [attr('result', XS.boolean, true)],
);
export const numberedEventMsg = complexType(
  CC_NS,
  'numberedEventMsg',
  [
    opt('errorDescription', s),
    opt('eventType', eventType),
    opt('callEvent', callEventMsg),
    opt('featureEvent', featureEventMsg),
    opt('systemEvent', systemEventMsg),
    opt('advCallEvent', advCallEventMsg),
    opt('advEventType', advEventType),
    opt('advFeatureEvent', advFeatureEventMsg),
    opt('advSystemEvent', advSystemEventMsg),
  ],
  [attr('result', XS.boolean, true), attr('eventNumber', XS.int, true), attr('advanced', XS.boolean, true)],
);
export const restEventMsg = complexType(
  CC_NS,
  'restEventMsg',
  [opt('eventMsg', numberedEventMsg), opt('errorDescription', s)],
  [attr('sessionId', XS.long, true), attr('result', XS.boolean, true)],
);
export const callStatusResult = complexType(
  CC_NS,
  'callStatusResult',
  [opt('errorDescription', s), opt('callEvent', callEventMsg)],
  [attr('result', XS.boolean, true)],
);

// Results.
export const result = complexType(CC_NS, 'result', [opt('errorDescription', s)], [attr('result', XS.boolean, true)]);
export const objectIdResult = complexType(
  CC_NS,
  'objectIdResult',
  [opt('errorDescription', s)],
  [attr('result', XS.boolean, true), attr('objectId', XS.long, true)],
);
export const icpIdResult = complexType(
  CC_NS,
  'icpIdResult',
  [
    opt('errorDescription', s),
    opt('connectionState', connectionState),
    opt('icpVersion', s),
  ],
  [attr('result', XS.boolean, true), attr('icpId', XS.long, true)],
);
export const forwardingInfo = complexType(CC_NS, 'forwardingInfo', [opt('dn', s)], [attr('fwdOn', XS.boolean, true)]);
export const deviceFeaturesResult = complexType(
  CC_NS,
  'deviceFeaturesResult',
  [
    opt('errorDescription', s),
    opt('hotDeskUserLoggedInDn', s),
    opt('registrationDn', s),
    opt('CFNAExt', forwardingInfo),
    opt('CFNAInt', forwardingInfo),
    opt('CFBusyExt', forwardingInfo),
    opt('CFBusyInt', forwardingInfo),
    opt('CFAlways', forwardingInfo),
  ],
  [
    attr('result', XS.boolean, true),
    attr('DND', XS.boolean, true),
    attr('autoAnswer', XS.boolean, true),
    attr('msgWaitingLamp', XS.boolean, true),
  ],
);
export const acdAgentStatusResult = complexType(
  CC_NS,
  'acdAgentStatusResult',
  [
    opt('errorDescription', s),
    opt('agentDn', s),
    opt('registrationDn', s),
    opt('CFNAExt', forwardingInfo),
    opt('CFNAInt', forwardingInfo),
    opt('CFBusyExt', forwardingInfo),
    opt('CFBusyInt', forwardingInfo),
    opt('CFAlways', forwardingInfo),
    many('agentGroupStatu', acdAgentGroupPresence),
  ],
  [
    attr('result', XS.boolean, true),
    attr('DND', XS.boolean, true),
    attr('autoAnswer', XS.boolean, true),
    attr('msgWaitingLamp', XS.boolean, true),
  ],
);
export const acdAgentStatusExResult = complexType(
  CC_NS,
  'acdAgentStatusExResult',
  [
    opt('errorDescription', s),
    opt('agentDn', s),
    opt('registrationDn', s),
    opt('CFNAExt', forwardingInfo),
    opt('CFNAInt', forwardingInfo),
    opt('CFBusyExt', forwardingInfo),
    opt('CFBusyInt', forwardingInfo),
    opt('CFAlways', forwardingInfo),
    many('agentGroupStatu', acdAgentGroupPresence),
  ],
  [
    attr('result', XS.boolean, true),
    attr('DND', XS.boolean, true),
    attr('makeBusyState', XS.boolean, true),
    attr('autoAnswer', XS.boolean, true),
    attr('msgWaitingLamp', XS.boolean, true),
  ],
);
