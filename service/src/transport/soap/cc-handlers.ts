import type { CallControl, ForwardMode } from '../../domain/callcontrol/call-control';
import type { EventChannels } from '../../domain/callcontrol/event-channels';
import type { NumberedEvent } from '../../domain/callcontrol/event-queue';
import type { StandardEvent } from '../../domain/callcontrol/events';
import { parseSessionId } from '../../domain/sessions/session';
import type { SessionManager } from '../../domain/sessions/session-manager';
import { oigError } from '../../errors';
import type { Decoded } from './codec';
import { standardCCService } from './catalogue/standard-cc-service';
import type { SoapBinding, SoapHandler } from './soap-routes';

/**
 * The StandardCCService operations, bound to the call-control domain. Standard operations map
 * one to one onto CallControl; Advanced ones (adv*) are refused plainly: on a Standard
 * session they need an Advanced one, on an Advanced session they are not built yet.
 */
type Input = Decoded & Record<string, unknown>;

const ok = { return: { result: true } };

function req(input: Input): Input {
  return (input.request ?? {}) as Input;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** The wire form of an event: standardEventMsg. */
export function standardEventMsg(event: StandardEvent): Record<string, unknown> {
  return { result: true, ...event };
}

function numberedEventMsg(numbered: NumberedEvent): Record<string, unknown> {
  return { ...standardEventMsg(numbered.event), eventNumber: numbered.number, advanced: false };
}

const FORWARD_OPERATIONS: Record<string, ForwardMode> = {
  setCFAlways: 'always',
  setCFBusyInternal: 'busyInternal',
  setCFBusyExternal: 'busyExternal',
  setCFNAInternal: 'noAnswerInternal',
  setCFNAExternal: 'noAnswerExternal',
};

/** Operations that act on one call of a monitored device, and the controller request each is. */
const CALL_OPERATIONS: Record<string, string> = {
  newCall: 'call.newCall',
  answerCall: 'call.answer',
  clearCall: 'call.clear',
  holdCall: 'call.hold',
  retrieveCall: 'call.retrieve',
  alternateCall: 'call.alternate',
  tradeCall: 'call.trade',
  cancelConsCall: 'call.cancelConsultation',
  transferCall: 'call.transfer',
  conferenceCall: 'call.conference',
  splitConferenceCall: 'call.splitConference',
  camponCall: 'call.campOn',
  setCallMeBack: 'call.callMeBack',
};

export function standardCCServiceBinding(sessions: SessionManager, cc: CallControl, channels: EventChannels): SoapBinding {
  const sid = (input: Input): string => parseSessionId(input.sessionId);
  const live = (input: Input): string => {
    const id = sid(input);
    sessions.get(id);
    return id;
  };

  const handlers: Record<string, SoapHandler> = {
    getIcpId: async (input) => {
      const r = req(input);
      const { icpId, connectionState, icpVersion } = await cc.getIcpId(sid(r), str(r.icpIpAddress));
      return { return: { result: true, icpId, connectionState, icpVersion } };
    },
    getIcpConfig: async (input) => ({ return: { result: true, ...(await cc.getIcpConfig(sid(input), str(input.icpId))) } }),
    getPhoneNumberId: async (input) => {
      const r = req(input);
      const object = await cc.getPhoneNumberId(sid(r), str(r.icpId), r.primeDn);
      return { return: { result: true, objectId: object.id } };
    },
    getLineAppearanceId: async (input) => {
      const r = req(input);
      const object = await cc.getLineAppearanceId(sid(r), str(r.icpId), r.primeDn, Number(r.buttonNum));
      return { return: { result: true, objectId: object.id } };
    },
    getDeviceConfiguration: async (input) => {
      const r = req(input);
      const c = await cc.getDeviceConfiguration(sid(r), str(r.icpId), r.primeDn);
      return { return: { result: true, isResilient: c.isResilient, line: c.lines, primaryIcp: c.primary.address, secondaryIcp: c.secondary?.address } };
    },
    getDeviceConfigurationEx: async (input) => {
      const r = req(input);
      const c = await cc.getDeviceConfiguration(sid(r), str(r.icpId), r.primeDn);
      return {
        return: {
          result: true,
          isResilient: c.isResilient,
          line: c.lines,
          primaryIcpAddress: c.primary.address,
          secondaryIcpAddress: c.secondary?.address,
          primaryIcpId: c.primary.id,
          secondaryIcpId: c.secondary?.id ?? '0',
        },
      };
    },
    getDeviceMembers: async (input) => {
      const r = req(input);
      return { return: { result: true, member: await cc.getDeviceMembers(sid(r), str(r.icpId), r.primeDn) } };
    },
    getDeviceFeatures: async (input) => {
      const f = await cc.getDeviceFeatures(sid(input), str(input.objectId));
      const fwd = (info: { on: boolean; dn?: string | null }) => ({ fwdOn: info.on, dn: info.dn ?? undefined });
      return {
        return: {
          result: true,
          DND: f.dnd,
          autoAnswer: f.autoAnswer,
          msgWaitingLamp: f.messageWaiting,
          hotDeskUserLoggedInDn: f.hotDeskUser ?? undefined,
          registrationDn: f.registrationDn ?? undefined,
          CFNAExt: fwd(f.forwarding.noAnswerExternal),
          CFNAInt: fwd(f.forwarding.noAnswerInternal),
          CFBusyExt: fwd(f.forwarding.busyExternal),
          CFBusyInt: fwd(f.forwarding.busyInternal),
          CFAlways: fwd(f.forwarding.always),
        },
      };
    },
    getDialableNumber: async (input) => ({
      return: { result: true, dialableNumber: await cc.dialableNumber(sid(input), str(input.icpId), input.e164Str) },
    }),
    getIncomingPhoneNumber: async (input) => ({
      return: { result: true, incomingNumber: await cc.incomingNumbers(sid(input), str(input.icpId), input.digitStr, input.incomingCall === true) },
    }),
    getResilientStatus: async (input) => ({ return: { result: true, ...(await cc.getResilientStatus(sid(input), str(input.objectId))) } }),
    getCallStatus: async (input) => ({ return: { result: true, callEvent: await cc.getCallStatus(sid(input), str(input.objectId)) } }),

    monitorObject: async (input) => ({ return: { result: true, ...(await cc.monitorObject(sid(input), str(input.objectId))) } }),
    stopMonitor: async (input) => {
      await cc.stopMonitor(sid(input), str(input.objectId));
      return ok;
    },
    monitorFeatures: async (input) => ({ return: { result: true, ...(await cc.monitorFeatures(sid(input), str(input.objectId))) } }),
    stopFeatureMonitor: async (input) => {
      await cc.stopFeatureMonitor(sid(input), str(input.objectId));
      return ok;
    },
    monitorPRGPresence: async (input) => ({ return: { result: true, ...(await cc.monitorPrgPresence(sid(input), str(input.icpId))) } }),
    stopPRGPresenceMonitor: async (input) => {
      await cc.stopPrgPresenceMonitor(sid(input), str(input.icpId));
      return ok;
    },

    makeCall: async (input) => {
      await cc.makeCall(sid(input), str(input.objectId), input.number, input.accountCode);
      return ok;
    },
    consultationCall: async (input) => {
      await cc.consultationCall(sid(input), str(input.objectId), input.localCallId, input.number);
      return ok;
    },
    redirectCall: async (input) => {
      await cc.redirectCall(sid(input), str(input.objectId), input.localCallId, input.redirectDn);
      return ok;
    },
    pickupCall: async (input) => {
      await cc.pickupCall(sid(input), str(input.objectId), input.ringDn);
      return ok;
    },
    remoteRetrieveCall: async (input) => {
      await cc.remoteRetrieveCall(sid(input), str(input.objectId), input.remoteDn);
      return ok;
    },
    outPulseDigits: async (input) => {
      await cc.outPulseDigits(sid(input), str(input.objectId), input.localCallId, input.digits);
      return ok;
    },
    setAccountCode: async (input) => {
      await cc.setAccountCode(sid(input), str(input.objectId), input.localCallId, input.accCode);
      return ok;
    },

    setDeviceDND: async (input) => {
      await cc.setDnd(sid(input), str(input.objectId), input.dndState === true);
      return ok;
    },
    sendCallMeBackMsgForCall: async (input) => {
      await cc.callbackMessageForCall(sid(input), str(input.objId), input.localCallId);
      return ok;
    },
    sendCallMeBackMsgNoCall: async (input) => {
      await cc.callbackMessage(sid(input), str(input.objId), input.dn, true);
      return ok;
    },
    clearCallMeBackMsg: async (input) => {
      await cc.clearCallbackMessage(sid(input), str(input.objIdOfDeviceWithMsg), input.deviceDn);
      return ok;
    },
    setPRGPresence: async (input) => {
      await cc.setPrgPresence(sid(input), str(input.objectId), input.presenceValue === true, input.PRGDn);
      return ok;
    },

    loginHotDeskUser: async (input) => {
      const r = req(input);
      await cc.loginHotDeskUser(sid(r), str(r.objectId), r.hotDeskUserDn, r.pin);
      return ok;
    },
    logoutHotDeskUser: async (input) => {
      await cc.logoutHotDeskUser(sid(input), str(input.objectId));
      return ok;
    },
    loginExtHotDeskUser: async (input) => {
      const r = req(input);
      await cc.loginExtHotDeskUser(sid(r), str(r.objectId), r.pin);
      return ok;
    },
    logoutExtHotDeskUser: async (input) => {
      await cc.logoutExtHotDeskUser(sid(input), str(input.objectId));
      return ok;
    },
    verifyHotDeskUserPin: async (input) => {
      await cc.verifyHotDeskUserPin(sid(input), str(input.objectId), input.hotDeskUserDn, input.pin);
      return ok;
    },
    getHotDeskUserDn: async (input) => {
      const objectId = str(input.hotDeskDeviceObjectId);
      return { return: { result: true, userDn: await cc.hotDeskUserAt(sid(input), objectId), hotDeskDeviceObjectId: objectId } };
    },
    getHotDeskUserLoginDevice: async (input) => {
      const objectId = str(input.hotDeskUserObjectId);
      return { return: { result: true, hotDeskDeviceDn: await cc.hotDeskDeviceOf(sid(input), objectId), hotDeskUserObjectId: objectId } };
    },

    getEvent: async (input) => {
      const numbered = await channels.getEvent(live(input), Number(input.timeout));
      return { return: standardEventMsg(numbered.event) };
    },
    getNumberedEvent: async (input) => {
      const numbered = await channels.getNumberedEvent(live(input), Number(input.timeout), Number(input.eventNumber));
      return { return: numberedEventMsg(numbered) };
    },
    cancelGetEvent: async (input) => {
      if (!channels.cancelGetEvent(live(input))) throw oigError('OIG_CC_INVALID_STATE', 'No getEvent is waiting for this session');
      return ok;
    },
    registerEventHandler: async (input) => {
      channels.registerEventHandler(live(input), str(input.eventHandlerURL));
      return ok;
    },
    registerRestSession: async (input) => {
      channels.registerRestSession(parseSessionId(input.restSessionId), live(input));
      return ok;
    },
    getRestEvent: async (input) => {
      const restSessionId = parseSessionId(input.restSessionId);
      const { sessionId, numbered } = channels.getRestEvent(restSessionId);
      return { return: { result: true, sessionId, eventMsg: numberedEventMsg(numbered) } };
    },
  };

  for (const [name, mode] of Object.entries(FORWARD_OPERATIONS)) {
    handlers[name] = async (input) => {
      const r = req(input);
      await cc.setForwarding(sid(r), str(r.objectId), mode, r.cfOn === true, r.dn);
      return ok;
    };
  }
  for (const [name, op] of Object.entries(CALL_OPERATIONS)) {
    handlers[name] = async (input) => {
      await cc.callOp(sid(input), str(input.objectId), op, input.localCallId);
      return ok;
    };
  }
  for (const operation of standardCCService.operations) {
    if (operation.level !== 'advanced') continue;
    handlers[operation.name] = async (input) => {
      const raw = input.sessionId ?? req(input).sessionId ?? input.session ?? req(input).session;
      const session = sessions.get(parseSessionId(raw));
      if (session.type !== 'Advanced') {
        throw oigError('OIG_CC_ADVANCED_REQUIRED', `${operation.name} requires an Advanced session; this session is Standard`);
      }
      throw oigError('OIG_CC_NOT_IMPLEMENTED', `${operation.name} is an Advanced operation this release of OpenOIG does not provide yet`);
    };
  }
  return { service: standardCCService, handlers };
}
