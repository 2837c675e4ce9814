import { XS, el, opt, wrapper, type ElementField } from '../schema';
import * as adv from './cc-advanced-types';
import { CC_NS } from './cc-enums';
import * as std from './cc-standard-types';
import * as cc from './cc-types';
import { operation, type OperationDef, type ServiceDef } from './types';

/**
 * StandardCCService of OIG 4.0: call control, monitors and events, device features and hot
 * desking, plus the `adv…` operations only Advanced sessions may call. Names, namespaces,
 * order and occurrence follow the published contract: unlike SessionService, most request
 * children are required, and only some operations (later additions to the contract) declare
 * `return` optional. Named types come from three namespaces, imported here as cc (cc.xsd),
 * adv (advanced.xsd) and std (standard.xsd).
 */
const TNS = 'http://mitel.com/oig/cc/standard/StandardCCService';

const s = XS.string;
const sessionId = el('sessionId', XS.long);
const objectId = el('objectId', XS.long);
const icpId = el('icpId', XS.long);
const localCallId = el('localCallId', XS.long);

/**
 * An operation `<name>` → `<nameResponse><return/></nameResponse>`. The licence level follows
 * the name, as in the contract: `adv…` operations are Advanced, all others Standard. The name
 * stays a literal type so handler maps can be checked against the catalogue.
 */
function op<const N extends string>(name: N, request: readonly ElementField[], ret: ElementField, doc: string): OperationDef & { readonly name: N } {
  const level = name.startsWith('adv') ? 'advanced' : 'standard';
  return { ...operation(TNS, name, level, wrapper(TNS, name, request), wrapper(TNS, `${name}Response`, [ret]), doc), name };
}

const operations = [
  // Objects, controllers and configuration.
  op('getPhoneNumberId', [el('request', std.getPhoneNumberIdRequest)], el('return', cc.objectIdResult),
    'Object id of a device (extension, group, trunk…) from its prime directory number on a controller.'),
  op('getLineAppearanceId', [el('request', std.getLineAppearanceIdRequest)], el('return', cc.objectIdResult),
    'Object id of a line appearance: a directory number on a given button of a multi-line set.'),
  op('getIcpId', [el('request', std.getIcpIdRequest)], el('return', cc.icpIdResult),
    'Id of a controller (ICP) from its IP address, with its connection state and software version.'),
  op('getIcpConfig', [sessionId, icpId], opt('return', std.icpConfigResult),
    'Dialling plan of a controller: extension length, trunk, long-distance and international prefixes, country code, type.'),
  op('getDeviceConfiguration', [el('request', std.getDeviceConfigurationRequest)], el('return', std.deviceConfigResult),
    'Lines (object id, button, extension) of a device and the controllers it is programmed on.'),
  op('getDeviceConfigurationEx', [opt('request', std.getDeviceConfigurationRequest)], opt('return', std.deviceConfigExResult),
    'Like getDeviceConfiguration, also giving the primary and secondary controller ids of a resilient device.'),
  op('getDeviceMembers', [opt('request', std.getDeviceMembersRequest)], opt('return', std.deviceMembersResult),
    'Members (button, object id, prime number) of a group or multi-line device.'),
  op('getDialableNumber', [sessionId, icpId, opt('e164Str', s)], opt('return', std.dialNumberResult),
    'Converts an E.164 number into the digits to dial from this controller.'),
  op('getIncomingPhoneNumber', [sessionId, icpId, opt('digitStr', s), el('incomingCall', XS.boolean)], opt('return', std.incomingPhoneNumberResult),
    'Candidate E.164 forms of the digits a controller presented for an incoming or outgoing call.'),
  op('getResilientStatus', [sessionId, objectId], opt('return', std.resilientStatusResult),
    'Primary and secondary controllers of a resilient device, which one is active and their call states.'),
  op('getDeviceFeatures', [sessionId, objectId], el('return', cc.deviceFeaturesResult),
    'Do-not-disturb, auto-answer, message lamp, call-forward settings and hot-desk user of a device.'),
  op('getCallStatus', [sessionId, objectId], el('return', cc.callStatusResult),
    'The current state of the calls on a monitored device, as a call event.'),

  // Monitors and events.
  op('monitorObject', [sessionId, objectId], el('return', std.monitorResult),
    'Starts call monitoring of a device: its call events are queued for the session.'),
  op('stopMonitor', [sessionId, objectId], el('return', cc.result), 'Stops the call monitor of a device.'),
  op('monitorFeatures', [sessionId, objectId], el('return', std.monitorResult),
    'Starts feature monitoring of a device (do-not-disturb, forwarding, message lamp, …).'),
  op('stopFeatureMonitor', [sessionId, objectId], el('return', cc.result), 'Stops the feature monitor of a device.'),
  op('monitorPRGPresence', [sessionId, icpId], el('return', std.monitorResult),
    'Starts monitoring of personal ring group presence changes on a controller.'),
  op('stopPRGPresenceMonitor', [sessionId, icpId], el('return', cc.result),
    'Stops the personal ring group presence monitor of a controller.'),
  op('registerEventHandler', [sessionId, el('eventHandlerURL', s)], el('return', cc.result),
    "Stores the URL of the application's EventHandlerCCService, where events are pushed instead of polled."),
  op('getEvent', [sessionId, el('timeout', XS.int)], el('return', cc.standardEventMsg),
    "Waits up to timeout for the session's next event and returns it."),
  op('getNumberedEvent', [sessionId, el('timeout', XS.int), el('eventNumber', XS.int)], opt('return', cc.numberedEventMsg),
    'Like getEvent, with a sequence number so a lost answer can be asked for again; carries advanced events too.'),
  op('cancelGetEvent', [sessionId], opt('return', cc.result), 'Ends a getEvent or getNumberedEvent still waiting on the session.'),
  op('registerRestSession', [el('restSessionId', XS.long), sessionId], opt('return', cc.result),
    "Links a REST session to this SOAP session so it receives the session's events."),
  op('getRestEvent', [el('restSessionId', XS.long)], opt('return', cc.restEventMsg),
    'Next numbered event for a REST session registered with registerRestSession.'),

  // Call control.
  op('makeCall', [sessionId, objectId, el('number', s), opt('accountCode', s)], el('return', cc.result),
    'Calls a number from a device, with an optional account code.'),
  op('answerCall', [sessionId, objectId, localCallId], el('return', cc.result), 'Answers a ringing call at a device.'),
  op('clearCall', [sessionId, objectId, localCallId], el('return', cc.result), 'Hangs up a call at a device.'),
  op('holdCall', [sessionId, objectId, localCallId], el('return', cc.result), 'Puts a call on hold at a device.'),
  op('retrieveCall', [sessionId, objectId, localCallId], el('return', cc.result), 'Takes back a held call at a device.'),
  op('remoteRetrieveCall', [sessionId, objectId, opt('remoteDn', s)], opt('return', cc.result),
    'Takes back at a device a call held at another directory number.'),
  op('consultationCall', [sessionId, objectId, localCallId, el('number', s)], el('return', cc.result),
    'Holds the current call and calls a number for consultation.'),
  op('cancelConsCall', [sessionId, objectId, localCallId], el('return', cc.result),
    'Ends a consultation call and returns to the held call.'),
  op('transferCall', [sessionId, objectId, localCallId], el('return', cc.result),
    'Transfers the held call to the party of the consultation call.'),
  op('conferenceCall', [sessionId, objectId, localCallId], el('return', cc.result),
    'Joins the held call and the consultation call into a conference.'),
  op('splitConferenceCall', [sessionId, objectId, localCallId], el('return', cc.result),
    'Splits a three-party conference back into a held and an active call.'),
  op('alternateCall', [sessionId, objectId, localCallId], el('return', cc.result), 'Alternates between the active call and a held call.'),
  op('tradeCall', [sessionId, objectId, localCallId], el('return', cc.result),
    'Swaps between the held call and the consultation call (trade).'),
  op('newCall', [sessionId, objectId, localCallId], el('return', cc.result),
    'Starts a new call from a device that is already on a call (the New Call feature).'),
  op('camponCall', [sessionId, objectId, localCallId], el('return', cc.result), 'Camps on to a busy destination until it becomes free.'),
  op('pickupCall', [sessionId, objectId, el('ringDn', s)], el('return', cc.result),
    'Picks up at a device a call ringing at another directory number.'),
  op('redirectCall', [sessionId, objectId, localCallId, el('redirectDn', s)], el('return', cc.result),
    'Sends a ringing call to another directory number.'),
  op('outPulseDigits', [sessionId, objectId, localCallId, el('digits', s)], el('return', cc.result),
    'Sends DTMF digits on an established call.'),
  op('setAccountCode', [sessionId, objectId, localCallId, el('accCode', s)], el('return', cc.result),
    'Attaches an account code to a call.'),

  // Call me back messages.
  op('setCallMeBack', [sessionId, objectId, localCallId], el('return', cc.result),
    'Leaves a call-me-back request on the busy or unanswered party of a call.'),
  op('sendCallMeBackMsgForCall', [sessionId, el('objId', XS.long), localCallId], el('return', cc.result),
    'Sends a call-me-back message to the other party of a call.'),
  op('sendCallMeBackMsgNoCall', [sessionId, el('objId', XS.long), el('dn', s)], el('return', cc.result),
    'Sends a call-me-back message to a directory number without a call.'),
  op('clearCallMeBackMsg', [sessionId, el('objIdOfDeviceWithMsg', XS.long), el('deviceDn', s)], el('return', cc.result),
    'Clears a call-me-back message left on a device by a directory number.'),

  // Device features.
  op('setDeviceDND', [sessionId, objectId, el('dndState', XS.boolean)], el('return', cc.result),
    'Turns do-not-disturb on or off for a device.'),
  op('setPRGPresence', [sessionId, objectId, el('presenceValue', XS.boolean), el('PRGDn', s), opt('invokerDn', s)], el('return', cc.result),
    'Makes a device present or absent in a personal ring group.'),
  op('setCFNAExternal', [el('request', std.setCFRequest)], el('return', cc.result), 'Sets call forward on no answer for external calls.'),
  op('setCFNAInternal', [el('request', std.setCFRequest)], el('return', cc.result), 'Sets call forward on no answer for internal calls.'),
  op('setCFBusyExternal', [el('request', std.setCFRequest)], el('return', cc.result), 'Sets call forward on busy for external calls.'),
  op('setCFBusyInternal', [el('request', std.setCFRequest)], el('return', cc.result), 'Sets call forward on busy for internal calls.'),
  op('setCFAlways', [el('request', std.setCFRequest)], el('return', cc.result), 'Sets call forward always.'),

  // Hot desking.
  op('loginHotDeskUser', [el('request', std.loginHotDeskUserRequest)], el('return', cc.result),
    "Logs a hot-desk user in at a device with the user's number and PIN."),
  op('loginExtHotDeskUser', [el('request', std.loginExtHotDeskUserRequest)], el('return', cc.result),
    'Logs an external hot-desk user in with a PIN.'),
  op('logoutHotDeskUser', [sessionId, objectId], el('return', cc.result), 'Logs the hot-desk user out of a device.'),
  op('logoutExtHotDeskUser', [sessionId, objectId], el('return', cc.result), 'Logs an external hot-desk user out.'),
  op('getHotDeskUserLoginDevice', [sessionId, el('hotDeskUserObjectId', XS.long)], el('return', std.hotDeskUserLoginDeviceResult),
    'The device a hot-desk user is logged in at.'),
  op('getHotDeskUserDn', [sessionId, el('hotDeskDeviceObjectId', XS.long)], el('return', std.hotDeskUserLoginResult),
    'The hot-desk user logged in at a device.'),
  op('verifyHotDeskUserPin', [sessionId, objectId, el('hotDeskUserDn', s), el('pin', s)], el('return', cc.result),
    "Checks a hot-desk user's PIN without logging in."),

  // Advanced: object ids, descriptions and states.
  op('advGetTdmTrunkId', [sessionId, icpId, el('trunkNum', XS.int)], el('return', cc.objectIdResult),
    'Object id of a TDM trunk from its trunk number on a controller.'),
  op('advGetTdmTrunkStatus', [sessionId, objectId], opt('return', adv.tdmTrunkStatusResult), 'Whether a TDM trunk is in service.'),
  op('advGetSipPeerId', [sessionId, icpId, el('sipPeerName', s)], el('return', cc.objectIdResult),
    'Object id of a SIP peer from its name on a controller.'),
  op('advGetSipPeerDescription', [sessionId, objectId], el('return', adv.sipPeerDescriptionResult),
    'Type, trunk type and controllers of a SIP peer.'),
  op('advGetSipPeerStatus', [sessionId, objectId, localCallId, opt('globalCallId', s)], opt('return', adv.sipPeerStatusResult),
    'Global call id and call state of a call on a SIP peer.'),
  op('advGetACD2PathId', [sessionId, icpId, el('pathDn', s)], el('return', cc.objectIdResult),
    'Object id of an ACD path from its directory number.'),
  op('advGetACD2PathDescription', [sessionId, objectId], el('return', adv.acdPathDescriptionResult),
    'Name, RADs, interflow and controllers of an ACD path.'),
  op('advGetACD2GroupId', [sessionId, icpId, el('acd2GroupDn', s)], el('return', cc.objectIdResult),
    'Object id of an ACD agent group from its directory number.'),
  op('advGetACD2GroupDescription', [sessionId, objectId], el('return', adv.acdGroupDescriptionResult),
    'Number, name, size and controllers of an ACD agent group.'),
  op('advGetACDAgentId', [sessionId, icpId, el('agentDn', s)], el('return', cc.objectIdResult),
    "Object id of an ACD agent from the agent's directory number."),
  op('advGetACDAgentDescription', [sessionId, objectId], el('return', adv.acdAgentDescriptionResult),
    'Id, name, number, type, skill and controllers of an ACD agent.'),
  op('advGetACDXGroupId', [sessionId, icpId, el('acdXGroupDn', s)], el('return', cc.objectIdResult),
    'Object id of an ACD Express group from its directory number.'),
  op('advGetACDXGroupDescription', [sessionId, objectId], el('return', adv.acdGroupDescriptionResult),
    'Number, name, size and controllers of an ACD Express group.'),
  op('advGetRingGroupId', [sessionId, icpId, el('ringGroupDn', s)], el('return', cc.objectIdResult),
    'Object id of a ring group from its directory number.'),
  op('advGetRingGroupDescription', [sessionId, objectId], el('return', adv.ringGroupDescriptionResult),
    'Number, name, ring type, overflow point and controllers of a ring group.'),
  op('advGetHuntGroupId', [sessionId, icpId, el('huntGroupDn', s)], el('return', cc.objectIdResult),
    'Object id of a hunt group from its directory number.'),
  op('advGetHuntGroupDescription', [sessionId, objectId], el('return', adv.huntGroupDescriptionResult),
    'Number, name, RADs, hunt mode and type and controllers of a hunt group.'),
  op('advGetACDGroupStatus', [sessionId, objectId], el('return', adv.acdStatusResult),
    'Member counts of an ACD group: logged in, busy, idle, in do-not-disturb, and calls waiting.'),
  op('advGetACDAgentStatus', [sessionId, objectId], opt('return', cc.acdAgentStatusResult),
    "Features of an ACD agent's device and the agent's presence in each group."),
  op('advGetACDAgentStatusEx', [sessionId, objectId], opt('return', cc.acdAgentStatusExResult),
    "Like advGetACDAgentStatus, also giving the agent's make-busy state."),
  op('advGetCallStatus', [sessionId, objectId], el('return', adv.advCallStatusResult),
    'The current state of the calls on a monitored device, as an advanced call event.'),

  // Advanced: system-wide monitors and events.
  op('advMonitorAllTrunkFeatures', [sessionId, icpId], el('return', std.monitorResult),
    'Starts feature monitoring of every trunk of a controller.'),
  op('advStopMonitorAllTrunkFeatures', [sessionId, icpId], el('return', cc.result),
    'Stops the monitor started by advMonitorAllTrunkFeatures.'),
  op('advMonitorACD2AgentFeatures', [sessionId, icpId], el('return', std.monitorResult),
    'Starts feature monitoring of every ACD agent of a controller.'),
  op('advStopMonitorACD2AgentFeatures', [sessionId, icpId], el('return', cc.result),
    'Stops the monitor started by advMonitorACD2AgentFeatures.'),
  op('advMonitorACDExpress', [sessionId, icpId], el('return', std.monitorResult),
    'Starts monitoring of the ACD Express groups and agents of a controller.'),
  op('advStopMonitorACDExpressObjects', [sessionId, icpId], el('return', cc.result), 'Stops the monitor started by advMonitorACDExpress.'),
  op('advMonitorConferences', [sessionId, icpId], el('return', std.monitorResult), 'Starts monitoring of the conferences of a controller.'),
  op('advStopMonitorConferences', [sessionId, icpId], el('return', cc.result), 'Stops the monitor started by advMonitorConferences.'),
  op('advMonitorAllBridges', [sessionId, icpId], opt('return', std.monitorResult),
    'Starts monitoring of every bridge (silent monitor and coaching) of a controller.'),
  op('advStopMonitorAllBridges', [sessionId, icpId], opt('return', cc.result), 'Stops the monitor started by advMonitorAllBridges.'),
  op('advGetSystemConferences', [sessionId, icpId], opt('return', cc.result),
    'Requests the current conferences of a controller; they are reported as events.'),
  op('advGetEvent', [sessionId, el('timeout', XS.int)], el('return', adv.advEventMsg),
    "Waits up to timeout for the session's next event and returns it in advanced form."),

  // Advanced: ACD agents.
  op('advLoginACDAgent', [sessionId, objectId, el('agentDn', s), opt('pin', s)], el('return', cc.result),
    'Logs an ACD agent in at a device, with a PIN where the agent has one.'),
  op('advLogoutACDAgent', [sessionId, objectId], el('return', cc.result), 'Logs the ACD agent out of a device.'),
  op('advLoginExternalACDAgent', [sessionId, objectId, el('pin', s)], el('return', cc.result), 'Logs an external ACD agent in with a PIN.'),
  op('advLogoutExternalACDAgent', [sessionId, objectId], el('return', cc.result), 'Logs an external ACD agent out.'),
  op('advSetACDAgentPresence', [sessionId, objectId, el('groupDn', s), el('presenceValue', XS.boolean), opt('invokerDn', s)], el('return', cc.result),
    'Makes an ACD agent present or absent in one group.'),
  op('advSetACD2AgentPresenceAllGroups', [sessionId, objectId, el('groupPresenceValue', XS.boolean), el('invokerDn', s)], el('return', cc.result),
    "Makes an ACD agent present or absent in all of the agent's groups."),
  op('advSetACDAgentMakeBusy', [sessionId, objectId, el('busyState', XS.boolean)], el('return', cc.result),
    'Puts an ACD agent in or out of make-busy.'),
  op('advSetACDAgentMakeBusyWithCode', [sessionId, objectId, el('busyState', XS.boolean), el('busyCode', XS.int)], el('return', cc.result),
    'Puts an ACD agent in or out of make-busy with a reason code.'),
  op('advCancelACDWorkTimer', [sessionId, objectId], el('return', cc.result), "Ends an ACD agent's work timer."),
  op('advCancelACDResezeWorkTimer', [sessionId, objectId], el('return', cc.result), "Ends an ACD agent's reseize work timer."),
  op('advACDSilentMonitor', [sessionId, objectId, localCallId, el('agentDn', s)], el('return', cc.result),
    "Silently monitors an ACD agent's call from a supervisor's device."),
  op('advACDSilentMonitorEx', [sessionId, objectId, opt('agentDn', s)], opt('return', cc.result),
    "Silently monitors an ACD agent from a supervisor's device, whether or not the agent is on a call."),
  op('advACDRequestHelp', [sessionId, objectId, localCallId, el('supervisorDn', s)], el('return', cc.result),
    "Asks a supervisor for help on an ACD agent's call."),

  // Advanced: calls, devices and trunks.
  op('advAssignCallerId', [sessionId, objectId, localCallId, el('newName', s)], el('return', cc.result),
    'Changes the name shown for a call.'),
  op('advIntrudeCall', [sessionId, objectId, el('callId', XS.long)], el('return', cc.result), 'Intrudes on (barges into) a call.'),
  op('advTapCall', [sessionId, objectId, localCallId, opt('dn', s)], el('return', cc.result),
    'Sends a hookswitch flash (tap) on a call, optionally followed by a number.'),
  op('advCoachCall', [opt('coachCall', adv.advCoachCallRequest)], opt('return', cc.result),
    'Starts coaching a call in the given mode (COACH_ALL or COACH_WHISPER).'),
  op('advClearCoachCall', [sessionId, objectId, el('callId', XS.long)], opt('return', cc.result), 'Stops coaching a call.'),
  op('advSetGroupMemberPresence', [sessionId, objectId, el('groupDn', s), el('presenceValue', XS.boolean), opt('invokerDn', s)], el('return', cc.result),
    'Makes a device present or absent in a hunt or ring group.'),
  op('advSetMsgWaitingInd', [sessionId, objectId, el('state', XS.boolean)], el('return', cc.result),
    "Turns a device's message waiting lamp on or off."),
  op('advSetAutoAnswer', [sessionId, objectId, el('autoAnswerMode', XS.boolean)], el('return', cc.result),
    'Turns auto-answer on or off for a device.'),
  op('advSetTrunkMakeBusy', [sessionId, objectId, el('forced', XS.boolean)], el('return', cc.result),
    'Takes a trunk out of service (make-busy), at once if forced.'),
  op('advCancelTrunkMakeBusy', [sessionId, objectId], el('return', cc.result), 'Returns a trunk to service.'),
] as const;

/** The name of every StandardCCService operation, e.g. for a map of handlers. */
export type StandardCCOperationName = (typeof operations)[number]['name'];

export const standardCCService: ServiceDef = {
  name: 'StandardCCService',
  namespace: TNS,
  typesSchemas: [
    { namespace: CC_NS, file: 'cc.xsd' },
    { namespace: adv.ADVANCED_NS, file: 'advanced.xsd' },
    { namespace: std.STANDARD_NS, file: 'standard.xsd' },
  ],
  paths: ['/axis2/services/StandardCCService', '/mitel/oig/cc/StandardCCService'],
  doc: 'Controls calls and devices on the MiVoice controllers and delivers their events.',
  operations,
};
