import { XS, attr, complexType, enumType, many, opt } from '../schema';
import {
  accountCodeType,
  attributeType,
  callState,
  connectionState,
  deviceAttributeNames,
  deviceName,
  deviceType,
  eventCauseType,
  featureEventType,
  featuresAllowed,
  systemEventType,
} from './cc-enums';

/**
 * The named types of the advanced call-control namespace (served as advanced.xsd): the
 * richer events of Advanced sessions and the results of the object description and status
 * queries. They use cc's enumerations only, never cc's complex types, so this module can be
 * loaded before cc-types (which needs acdAgentGroupPresence and the advanced event types).
 */
export const ADVANCED_NS = 'http://mitel.com/oig/cc/advanced';

const s = XS.string;

export const bridgeCoachType = enumType(ADVANCED_NS, 'bridgeCoachType', ['COACH_ALL', 'COACH_WHISPER']);
export const huntGroupType = enumType(ADVANCED_NS, 'huntGroupType', [
  'HuntGroupVoice', 'HuntGroupRad', 'HuntGroupPhantom', 'HuntGroupVoiceMail', 'HuntGroupHCIReroute',
]);
export const peerType = enumType(ADVANCED_NS, 'peerType', ['PEER_UNKNOWN', 'PEER_SIP', 'PEER_IP']);
export const ringType = enumType(ADVANCED_NS, 'ringType', ['RING_ALL', 'RING_CASCADE']);
export const peerTrunkType = enumType(ADVANCED_NS, 'peerTrunkType', [
  'PEER_UNKNOWN', 'PEER_PUBLIC_TRUNK', 'PEER_PRIVATE_TRUNK', 'PEER_BOTH_TRUNK',
]);
export const huntGroupMode = enumType(ADVANCED_NS, 'huntGroupMode', ['HuntGroupModeLinear', 'HuntGroupModeCyclic', 'HuntGroupModeAuto']);
export const advEventType = enumType(ADVANCED_NS, 'advEventType', ['UNKNOWN', 'CALL_EVENT', 'FEATURE_EVENT', 'ACD_EVENT', 'SYSTEM_EVENT']);
export const advCallEventAttributeNames = enumType(ADVANCED_NS, 'advCallEventAttributeNames', [
  'DIALED_DIGITS', 'CURRENT_GLOBAL_CALL_ID', 'PRIMARY_GLOBAL_CALLID', 'SECONDARY_GLOBAL_CALLID', 'WORK_TIMER_ACTIVE',
  'DISTRIBUTION_RING_GRP_RINGALL', 'DISTRIBUTION_RING_GRP_CASCADE', 'DISTRIBUTION_HUNT_GRP_CIRCULAR',
  'DISTRIBUTION_HUNT_GRP_LINEAR', 'DISTRIBUTION_PERSONAL_RING_GRP', 'DISTRIBUTION_RING_GRP_TERMINAL',
  'DISTRIBUTION_RING_GRP_CIRCULAR_CASCADE', 'DISTRIBUTION_RING_GRP_CIRCULAR', 'QUEUE_POSITION', 'PIN_SECURITY_SERVICE', 'ICP_ID',
  'GROUP_MEMBER_ANSWERED', 'TRUNK_CALL_ID',
]);
export const acdAgentType = enumType(ADVANCED_NS, 'acdAgentType', ['TRADITIONAL', 'HOTDESK_ACD_EXPRESS', 'HOTDESK_ACD2']);
export const advCallEventType = enumType(ADVANCED_NS, 'advCallEventType', [
  'UNKNOWN', 'ACCOUNT_CODE_SET', 'ACD2_PATH', 'ACD2_GROUP', 'GROUP', 'ACD_AGENT_FEATURE', 'ACTIVATE_FEATURE', 'CALL_CLEAR',
  'CALL_CONFERENCED', 'CALL_DELIVERED', 'CALL_DIVERTED', 'CALL_ESTABLISHED', 'CALL_FAILED', 'CALL_HELD', 'CALL_ORIGINATED',
  'CALL_QUEUED', 'CALL_RECEIVED', 'CALL_RETRIEVED', 'CALL_TRANSFERRED', 'CMD_RESPONSE', 'CONFERENCE_HELD', 'CONFERENCE_FEATURE',
  'DEVICE_DROPPED', 'EXTENSION_IN_USE', 'FORWARD_FEATURE', 'IN_SERVICE', 'MONITOR_SET', 'OUT_OF_SERVICE', 'REMOTE_PARTY_UPDATE',
  'RESILIENT_DEVICE', 'ROUTING_DEVICE', 'TRUNK_DIGITS_OUTPULSED', 'WORK_TIMER_EXPIRED', 'USERID_FEATURE',
  'GROUP_PRESENCE_FEATURE', 'ACD_EXPRESS_GROUP_EVENT', 'INFORMATION_UPDATE', 'MONITOR_FAILED_EVENT', 'PRG_MONITOR_SET_EVENT',
  'PRG_MONITOR_FAILED_EVENT',
]);
export const advFeatureEventAttributeNames = enumType(ADVANCED_NS, 'advFeatureEventAttributeNames', [
  'CALL_STATE', 'DEVICE_NUMBER', 'USER_DN', 'GROUP_DN', 'FORWARD_DN', 'AGENT_DN', 'AGENT_ID', 'REGISTRATION_DN', 'USER_TYPE',
  'FEATURE_EVENT_STATE', 'ICP_ID', 'ACD_AGENT_MAKE_BUSY_CODE', 'INVOKER_DN', 'INVOKER_LINE_NUM', 'BRIDGE_PARTY_DN',
  'BRIDGE_PARTY_LINE_NUM', 'BRIDGE_STATUS', 'BRIDGE_COACH_MODE', 'BRIDGE_NUMBER_REQUESTORS', 'BRIDGE_REQUESTOR_DN',
]);

// Events.
export const advCallEventAttributeValue = complexType(ADVANCED_NS, 'advCallEventAttributeValue', [
  opt('attributeName', advCallEventAttributeNames),
  opt('attributeValue', s),
  opt('attributeType', attributeType),
]);
export const advDeviceAttributeValue = complexType(ADVANCED_NS, 'advDeviceAttributeValue', [
  opt('attributeName', deviceAttributeNames),
  opt('attributeValue', s),
  opt('attributeType', attributeType),
]);
export const advDevice = complexType(ADVANCED_NS, 'advDevice', [
  opt('deviceName', deviceName),
  many('deviceAttribute', advDeviceAttributeValue),
]);
export const advPartyMember = complexType(
  ADVANCED_NS,
  'advPartyMember',
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
export const advCallEventMsg = complexType(
  ADVANCED_NS,
  'advCallEventMsg',
  [
    opt('type', advCallEventType),
    opt('cause', eventCauseType),
    opt('callState', callState),
    many('callEventAttribute', advCallEventAttributeValue),
    many('featuresAllowed', featuresAllowed),
    many('device', advDevice),
    many('party', advPartyMember),
    opt('accountCode', s),
    opt('accountCodeType', accountCodeType),
  ],
  [attr('localCallId', XS.long, true), attr('callEventTime', XS.long, true), attr('objectId', XS.long, true)],
);
export const advFeatureEventAttributeValue = complexType(ADVANCED_NS, 'advFeatureEventAttributeValue', [
  opt('attributeName', advFeatureEventAttributeNames),
  opt('attributeValue', s),
  opt('attributeType', attributeType),
]);
export const advFeatureEventMsg = complexType(
  ADVANCED_NS,
  'advFeatureEventMsg',
  [opt('eventType', featureEventType), many('featureEventAttribute', advFeatureEventAttributeValue)],
  [attr('objectId', XS.long, true), attr('time', XS.long, true)],
);
export const advSystemEventMsg = complexType(
  ADVANCED_NS,
  'advSystemEventMsg',
  [opt('eventType', systemEventType), opt('connectionState', connectionState)],
  [attr('icpId', XS.long, true), attr('time', XS.long, true)],
);
export const advEventMsg = complexType(
  ADVANCED_NS,
  'advEventMsg',
  [
    opt('errorDescription', s),
    opt('eventType', advEventType),
    opt('callEvent', advCallEventMsg),
    opt('featureEvent', advFeatureEventMsg),
    opt('systemEvent', advSystemEventMsg),
  ],
  [attr('result', XS.boolean, true)],
);
export const advCallStatusResult = complexType(
  ADVANCED_NS,
  'advCallStatusResult',
  [opt('errorDescription', s), opt('callEvent', advCallEventMsg)],
  [attr('result', XS.boolean, true)],
);

// Descriptions and states of trunks, peers, ACD and groups.
export const sipPeerDescriptionResult = complexType(
  ADVANCED_NS,
  'sipPeerDescriptionResult',
  [
    opt('errorDescription', s),
    opt('peerType', peerType),
    opt('peerTrunkType', peerTrunkType),
    opt('primaryIcpAddress', s),
    opt('secondaryIcpAddress', s),
  ],
  [
    attr('result', XS.boolean, true),
    attr('isResilient', XS.boolean, true),
    attr('primaryIcpId', XS.long, true),
    attr('secondaryIcpId', XS.long, true),
  ],
);
export const sipPeerStatusResult = complexType(
  ADVANCED_NS,
  'sipPeerStatusResult',
  [
    opt('errorDescription', s),
    opt('globalCallId', s),
    opt('callState', callState),
  ],
  [attr('result', XS.boolean, true), attr('localCallId', XS.long, true)],
);
export const tdmTrunkStatusResult = complexType(
  ADVANCED_NS,
  'tdmTrunkStatusResult',
  [opt('errorDescription', s)],
  [attr('result', XS.boolean, true), attr('inService', XS.boolean, true)],
);
export const acdPathDescriptionResult = complexType(
  ADVANCED_NS,
  'acdPathDescriptionResult',
  [
    opt('errorDescription', s),
    opt('pathName', s),
    opt('firstRad', s),
    opt('secondRad', s),
    opt('thirdRad', s),
    opt('fourthRad', s),
    opt('interflowDn', s),
    opt('pathUnavailableDn', s),
    opt('primaryIcpAddress', s),
    opt('secondaryIcpAddress', s),
  ],
  [
    attr('result', XS.boolean, true),
    attr('numGroups', XS.int, true),
    attr('interflowEnabled', XS.boolean, true),
    attr('isResilient', XS.boolean, true),
    attr('primaryIcpId', XS.long, true),
    attr('secondaryIcpId', XS.long, true),
  ],
);
export const acdGroupDescriptionResult = complexType(
  ADVANCED_NS,
  'acdGroupDescriptionResult',
  [
    opt('errorDescription', s),
    opt('groupNumber', s),
    opt('groupName', s),
    opt('primaryIcpAddress', s),
    opt('secondaryIcpAddress', s),
  ],
  [
    attr('result', XS.boolean, true),
    attr('numberOfMembers', XS.int, true),
    attr('usesSkills', XS.int, true),
    attr('isResilient', XS.boolean, true),
    attr('primaryIcpId', XS.long, true),
    attr('secondaryIcpId', XS.long, true),
  ],
);
export const acdAgentDescriptionResult = complexType(
  ADVANCED_NS,
  'acdAgentDescriptionResult',
  [
    opt('errorDescription', s),
    opt('agentId', s),
    opt('agentName', s),
    opt('agentDn', s),
    opt('primaryIcpAddress', s),
    opt('secondaryIcpAddress', s),
    opt('agentType', acdAgentType),
  ],
  [
    attr('result', XS.boolean, true),
    attr('agentSkill', XS.int, true),
    attr('isResilient', XS.boolean, true),
    attr('primaryIcpId', XS.long, true),
    attr('secondaryIcpId', XS.long, true),
  ],
);
export const acdAgentGroupPresence = complexType(
  ADVANCED_NS,
  'acdAgentGroupPresence',
  [opt('groupDn', s)],
  [attr('present', XS.boolean, true)],
);
export const acdStatusResult = complexType(
  ADVANCED_NS,
  'acdStatusResult',
  [opt('errorDescription', s)],
  [
    attr('result', XS.boolean, true),
    attr('numOfMembers', XS.int, true),
    attr('membersLoggedIn', XS.int, true),
    attr('membersBusy', XS.int, true),
    attr('callsWaiting', XS.int, true),
    attr('membersInDND', XS.int, true),
    attr('membersIdle', XS.int, true),
    attr('membersLoggedInPresent', XS.int, true),
  ],
);
export const huntGroupDescriptionResult = complexType(
  ADVANCED_NS,
  'huntGroupDescriptionResult',
  [
    opt('errorDescription', s),
    opt('groupNumber', s),
    opt('groupName', s),
    opt('firstRad', s),
    opt('secondRad', s),
    opt('nightRad', s),
    opt('huntMode', huntGroupMode),
    opt('huntType', huntGroupType),
    opt('primaryIcpAddress', s),
    opt('secondaryIcpAddress', s),
  ],
  [
    attr('result', XS.boolean, true),
    attr('numberOfMembers', XS.int, true),
    attr('isResilient', XS.boolean, true),
    attr('primaryIcpId', XS.long, true),
    attr('secondaryIcpId', XS.long, true),
  ],
);
export const ringGroupDescriptionResult = complexType(
  ADVANCED_NS,
  'ringGroupDescriptionResult',
  [
    opt('errorDescription', s),
    opt('groupNumber', s),
    opt('groupName', s),
    opt('overflowPoint', s),
    opt('ringType', ringType),
    opt('primaryIcpAddress', s),
    opt('secondaryIcpAddress', s),
  ],
  [
    attr('result', XS.boolean, true),
    attr('numberOfMembers', XS.int, true),
    attr('isResilient', XS.boolean, true),
    attr('primaryIcpId', XS.long, true),
    attr('secondaryIcpId', XS.long, true),
  ],
);
export const advCoachCallRequest = complexType(
  ADVANCED_NS,
  'advCoachCallRequest',
  [opt('coachType', bridgeCoachType)],
  [attr('sessionId', XS.long, true), attr('objectId', XS.long, true), attr('callId', XS.long, true)],
);
