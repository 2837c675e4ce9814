import type { ControllerDef, DeviceDef } from './directory';
import { FORWARD_MODES, type CallEngine, type ForwardMode, type MakeCallResult } from './engine';
import { MivbError, type LinkErrorCode } from './errors';
import type { EventCause } from './events';
import type { LinkConnection, MonitorKind } from './link-server';
import { dialableNumber, incomingNumbers } from './numbering';

/**
 * The operations of docs/pbx-link-protocol.md "Operations", as one controller answers them: the
 * device must be configured on this controller (NO_SUCH_DEVICE), served by it now
 * (NOT_IN_SERVICE) and allowed by its Class of Service; then the call engine does the work.
 */
export interface OpContext {
  readonly engine: CallEngine;
  readonly controller: ControllerDef;
  readonly connection: LinkConnection;
}

type Args = Record<string, unknown>;
type Op = (ctx: OpContext, args: Args) => unknown;

const bad = (message: string): MivbError => new MivbError('BAD_REQUEST', message);

function str(args: Args, key: string): string {
  const v = args[key];
  if (typeof v !== 'string' || v === '') throw bad(`args.${key} must be a non-empty string`);
  return v;
}

function optStr(args: Args, key: string): string | undefined {
  return args[key] === undefined || args[key] === null ? undefined : str(args, key);
}

function int(args: Args, key: string): number {
  const v = args[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw bad(`args.${key} must be a positive integer`);
  return v;
}

function bool(args: Args, key: string): boolean {
  const v = args[key];
  if (typeof v !== 'boolean') throw bad(`args.${key} must be true or false`);
  return v;
}

/** The device is configured on this controller (as primary or secondary). */
function known(ctx: OpContext, dn: string): DeviceDef {
  const d = ctx.engine.config.device(dn);
  const here = ctx.controller.name;
  if (!d || (d.primary !== here && d.secondary !== here)) throw new MivbError('NO_SUCH_DEVICE', `${dn} is not configured on ${here}`);
  return d;
}

function served(ctx: OpContext, dn: string): DeviceDef {
  const d = known(ctx, dn);
  if (ctx.engine.activeController(dn) !== ctx.controller.name) throw new MivbError('NOT_IN_SERVICE', `${dn} is not in service on ${ctx.controller.name}`);
  return d;
}

/** For requests that act: served here and "HCI/CTI/TAPI Call Control Allowed". */
function control(ctx: OpContext, args: Args, key = 'dn'): string {
  const dn = str(args, key);
  if (!served(ctx, dn).cos.callControl) throw new MivbError('COS_CALL_CONTROL_DENIED', `${dn}: HCI/CTI/TAPI Call Control is not allowed by its Class of Service`);
  return dn;
}

/** For requests that look: served here and "HCI/CTI/TAPI Monitor Allowed". */
function observe(ctx: OpContext, args: Args): string {
  const dn = str(args, 'dn');
  if (!served(ctx, dn).cos.monitor) throw new MivbError('COS_MONITOR_DENIED', `${dn}: HCI/CTI/TAPI Monitor is not allowed by its Class of Service`);
  return dn;
}

/** How a call that failed at once is refused; the FAILED leg's callId rides along for camp-on. */
const FAILURE_CODES: Partial<Record<EventCause, LinkErrorCode>> = {
  DESTINATION_BUSY: 'DESTINATION_BUSY',
  CFA_DESTINATION_BUSY: 'DESTINATION_BUSY',
  CFB_DESTINATION_BUSY: 'DESTINATION_BUSY',
  DESTINATION_DO_NOT_DISTURB: 'DESTINATION_DO_NOT_DISTURB',
  NO_SUCH_NUMBER: 'NO_SUCH_NUMBER',
  DESTINATION_NOT_OBTAINABLE: 'NO_SUCH_NUMBER',
};

export class CallFailedError extends MivbError {
  constructor(
    readonly callId: number,
    readonly failure: EventCause,
    number: string,
  ) {
    super(FAILURE_CODES[failure] ?? 'INTERNAL', `${number}: ${failure} (call ${callId} failed)`);
  }
}

function made(result: MakeCallResult, number: string): { callId: number } {
  if (result.failure) throw new CallFailedError(result.callId, result.failure, number);
  return { callId: result.callId };
}

const withCall =
  (fn: (engine: CallEngine, dn: string, callId: number) => void): Op =>
  (ctx, args) => {
    fn(ctx.engine, control(ctx, args), int(args, 'callId'));
    return {};
  };

const MONITOR_KINDS: readonly MonitorKind[] = ['call', 'feature', 'prg'];

export const OPERATIONS: Readonly<Record<string, Op>> = {
  'system.info': (ctx) => ({
    name: ctx.controller.name,
    address: ctx.controller.address,
    version: ctx.engine.config.settings.version,
    clusterId: ctx.engine.config.settings.clusterId,
    ...ctx.engine.config.numbering,
  }),
  'device.get': (ctx, args) => {
    const { calls: _calls, ...device } = ctx.engine.device(known(ctx, str(args, 'dn')).dn);
    return device;
  },
  'monitor.start': (ctx, args) => {
    const kind = args.kind as MonitorKind;
    if (!MONITOR_KINDS.includes(kind)) throw bad('args.kind must be call, feature or prg');
    const dn = kind === 'prg' ? optStr(args, 'dn') : str(args, 'dn');
    if (dn !== undefined) {
      // Accepted while the device is served by its other controller: the monitor then reports IN_SERVICE when it moves here.
      const d = known(ctx, dn);
      if (kind === 'prg' && d.kind !== 'prg') throw bad(`${dn} is not a personal ring group`);
      if (!d.cos.monitor) throw new MivbError('COS_MONITOR_DENIED', `${dn}: HCI/CTI/TAPI Monitor is not allowed by its Class of Service`);
    }
    return { monitorId: ctx.connection.openMonitor(kind, dn) };
  },
  'monitor.stop': (ctx, args) => {
    const id = int(args, 'monitorId');
    if (!ctx.connection.closeMonitor(id)) throw new MivbError('NO_SUCH_MONITOR', `no monitor ${id} on this connection`);
    return {};
  },
  'call.status': (ctx, args) => ({ calls: ctx.engine.callStatus(observe(ctx, args)) }),
  'call.make': (ctx, args) => {
    const number = str(args, 'number');
    return made(ctx.engine.makeCall(control(ctx, args), number, optStr(args, 'accountCode')), number);
  },
  'call.answer': withCall((e, dn, id) => e.answer(dn, id)),
  'call.clear': withCall((e, dn, id) => e.clear(dn, id)),
  'call.hold': withCall((e, dn, id) => e.hold(dn, id)),
  'call.retrieve': withCall((e, dn, id) => e.retrieve(dn, id)),
  'call.transfer': withCall((e, dn, id) => e.transfer(dn, id)),
  'call.conference': withCall((e, dn, id) => e.conference(dn, id)),
  'call.splitConference': withCall((e, dn, id) => e.splitConference(dn, id)),
  'call.cancelConsultation': withCall((e, dn, id) => e.cancelConsultation(dn, id)),
  'call.alternate': withCall((e, dn, id) => e.alternate(dn, id)),
  'call.trade': withCall((e, dn, id) => e.alternate(dn, id)),
  'call.campOn': withCall((e, dn, id) => e.campOn(dn, id)),
  'call.callMeBack': withCall((e, dn, id) => e.callMeBack(dn, id)),
  'call.newCall': withCall((e, dn, id) => e.newCall(dn, id)),
  'call.consult': (ctx, args) => {
    const dn = control(ctx, args);
    const number = str(args, 'number');
    return made(ctx.engine.consult(dn, number, int(args, 'callId')), number);
  },
  'call.redirect': (ctx, args) => {
    ctx.engine.redirect(control(ctx, args), str(args, 'to'), int(args, 'callId'));
    return {};
  },
  'call.pickup': (ctx, args) => ctx.engine.pickup(control(ctx, args), str(args, 'ringDn')),
  'call.remoteRetrieve': (ctx, args) => ctx.engine.remoteRetrieve(control(ctx, args), optStr(args, 'remoteDn')),
  'call.digits': (ctx, args) => {
    ctx.engine.digits(control(ctx, args), str(args, 'digits'), int(args, 'callId'));
    return {};
  },
  'call.accountCode': (ctx, args) => {
    ctx.engine.accountCode(control(ctx, args), str(args, 'accountCode'), int(args, 'callId'));
    return {};
  },
  'feature.get': (ctx, args) => ctx.engine.featureStatus(observe(ctx, args)),
  'feature.dnd': (ctx, args) => {
    ctx.engine.setDnd(control(ctx, args), bool(args, 'on'));
    return {};
  },
  'feature.forward': (ctx, args) => {
    const mode = args.mode as ForwardMode;
    if (!FORWARD_MODES.includes(mode)) throw bad(`args.mode must be one of ${FORWARD_MODES.join(', ')}`);
    ctx.engine.setForward(control(ctx, args), mode, bool(args, 'on'), optStr(args, 'to'));
    return {};
  },
  'feature.callbackMessage': (ctx, args) => {
    // Leaving a message acts for the caller (dn); taking it back acts for the phone whose lamp is lit.
    const on = bool(args, 'on');
    if (on) ctx.engine.callbackMessage(control(ctx, args), str(args, 'target'), true);
    else ctx.engine.callbackMessage(str(args, 'dn'), control(ctx, args, 'target'), false);
    return {};
  },
  'feature.prgPresence': (ctx, args) => {
    ctx.engine.prgPresence(control(ctx, args), str(args, 'prgDn'), bool(args, 'present'));
    return {};
  },
  'hotdesk.login': (ctx, args) => {
    ctx.engine.hotDeskLogin(control(ctx, args, 'deviceDn'), str(args, 'userDn'), str(args, 'pin'));
    return {};
  },
  'hotdesk.logout': (ctx, args) => {
    ctx.engine.hotDeskLogout(control(ctx, args, 'userDn'));
    return {};
  },
  'hotdesk.loginExternal': (ctx, args) => {
    ctx.engine.hotDeskLoginExternal(control(ctx, args, 'userDn'), str(args, 'pin'), optStr(args, 'externalNumber'));
    return {};
  },
  'hotdesk.logoutExternal': (ctx, args) => {
    ctx.engine.hotDeskLogout(control(ctx, args, 'userDn'), true);
    return {};
  },
  'hotdesk.verifyPin': (ctx, args) => {
    const userDn = str(args, 'userDn');
    known(ctx, userDn);
    return { valid: ctx.engine.verifyPin(userDn, str(args, 'pin')) };
  },
  'number.dialable': (ctx, args) => {
    const e164 = str(args, 'e164');
    const dialable = dialableNumber(ctx.engine.config.numbering, e164);
    if (dialable === undefined) throw bad('args.e164 must be "+" and 4 to 15 digits');
    return { dialable };
  },
  'number.incoming': (ctx, args) => ({ numbers: incomingNumbers(ctx.engine.config.numbering, str(args, 'digits'), bool(args, 'incoming')) }),
};

/** Runs one operation; the response body of docs/pbx-link-protocol.md "Requests and responses". */
export function runOperation(ctx: OpContext, op: string, args: Args): object {
  const fn = OPERATIONS[op];
  try {
    if (!fn) throw bad(`unknown op ${op}`);
    return { ok: true, result: fn(ctx, args) };
  } catch (e) {
    if (e instanceof CallFailedError) return { ok: false, error: { code: e.code, message: e.message, callId: e.callId, cause: e.failure } };
    if (e instanceof MivbError) return { ok: false, error: { code: e.code, message: e.message } };
    return { ok: false, error: { code: 'INTERNAL', message: (e as Error).message } };
  }
}
