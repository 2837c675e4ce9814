import type { Clock, Timer } from './clock';
import type { DeviceDef, Directory } from './directory';
import { MivbError } from './errors';
import {
  FEATURES_ALLOWED,
  type CallEvent,
  type CallEventType,
  type CallState,
  type DeviceRole,
  type Emission,
  type EventCause,
  type EventDevice,
  type EventParty,
  type FeatureAllowed,
  type FeatureAttribute,
  type FeatureEvent,
  type FeatureEventType,
  type LabEvent,
  type PartyInfo,
} from './events';
import type { HotDeskUserFixture } from './fixture';
import { analyseDialled, type DialTarget } from './numbering';

/**
 * The lab cluster's call model: calls, their legs at devices, features, hot desking, ring groups
 * and which controller serves each device. Pure: no I/O, time only through the Clock, every
 * event through the sink, in the order docs/pbx-link-protocol.md "Event sequences" lists.
 *
 * A call has legs; a leg is one device's part in it (an internal DN, or the outside party behind
 * the trunk) and carries that device's `callId`, which stays the same for the device as long as
 * it is in the call, across transfers and conferences.
 */
export type LegState = 'ORIGINATED' | 'DELIVERED' | 'RECEIVED' | 'ESTABLISHED' | 'HELD' | 'FAILED' | 'QUEUED';

export type ForwardMode = 'always' | 'busyInternal' | 'busyExternal' | 'noAnswerInternal' | 'noAnswerExternal';
export const FORWARD_MODES: readonly ForwardMode[] = ['always', 'busyInternal', 'busyExternal', 'noAnswerInternal', 'noAnswerExternal'];
const FORWARD_EVENT: Record<ForwardMode, FeatureEventType> = {
  always: 'CF_ALWAYS',
  busyInternal: 'CF_BUSY_INTERNAL',
  busyExternal: 'CF_BUSY_EXTERNAL',
  noAnswerInternal: 'CF_NO_ANSWER_INTERNAL',
  noAnswerExternal: 'CF_NO_ANSWER_EXTERNAL',
};

interface Leg {
  callId: number;
  call: Call;
  party: PartyInfo;
  /** The internal device (whose monitors see this leg); absent for the outside party. */
  dn?: string;
  /** The outside number behind the trunk: the outside party, or where an external hot desk user is. */
  trunk?: string;
  /** The phone (prime DN) the leg is on, once known. */
  phone?: string;
  line?: number;
  /** Phones alerting while RECEIVED. */
  ringingAt: readonly string[];
  state: LegState;
  failCause?: EventCause;
  /** The other leg of a consultation at the same device (held ↔ consultation call). */
  pair?: Leg;
  accountCode?: string;
  lastEvent?: CallEvent;
  order: number;
  /** No-answer forwarding, outside answer, or clearing a failed call. */
  timer?: Timer;
}

interface Call {
  id: number;
  globalCallId: string;
  legs: Leg[];
  calling: PartyInfo;
  called: PartyInfo;
  originalDestination?: PartyInfo;
  dialedDigits: string;
  /** The device that made the conference (may split it). */
  controller?: Leg;
  externalCaller: boolean;
  /** A matured call-me-back: answering it calls this DN. */
  callbackTo?: string;
}

interface Offer {
  /** Cause of the destination's CALL_DELIVERED and of the caller's event. */
  readonly cause: EventCause;
  /** The caller's event: CALL_DELIVERED on first delivery, CALL_DIVERTED when it moves. */
  readonly callerType?: CallEventType;
  /** Whether the destination's forwarding applies (one hop: not for a forwarded call). */
  readonly forwarding: boolean;
  /** Cause when the destination is busy (CFA_/CFB_DESTINATION_BUSY for a forwarded call). */
  readonly busyCause?: EventCause;
}

interface Forward {
  on: boolean;
  dn: string;
}

interface Features {
  dnd: boolean;
  forward: Record<ForwardMode, Forward>;
  /** DNs that left a call-me-back message (the message lamp is lit while any is left). */
  messagesFrom: Set<string>;
}

interface Callback {
  readonly from: string;
  /** A busy callback is armed at once; a no-answer one when the target next has a call. */
  armed: boolean;
}

export interface MakeCallResult {
  readonly callId: number;
  /** Set when the call failed at once (the leg stays, FAILED, for camp-on or call-me-back). */
  readonly failure?: EventCause;
}

export interface DeviceInfo {
  readonly dn: string;
  readonly name: string;
  readonly type: string;
  readonly kind: DeviceDef['kind'];
  readonly primary: string;
  readonly secondary?: string;
  readonly activeController: string | null;
  readonly inService: boolean;
  readonly cos: { readonly callControl: boolean; readonly monitor: boolean };
  readonly lines: readonly { readonly button: number; readonly dn: string }[];
  readonly members: readonly string[];
  readonly hotDesk: { readonly user?: string; readonly device?: string; readonly externalNumber?: string; readonly configuredExternalNumber?: string };
  readonly calls: number;
}

export interface FeatureStatus {
  readonly dnd: boolean;
  readonly autoAnswer: boolean;
  readonly messageWaiting: boolean;
  readonly forwarding: Record<ForwardMode, { readonly on: boolean; readonly dn: string | null }>;
  readonly hotDeskUser?: string;
  readonly registrationDn: string;
}

export interface CallSnapshot {
  readonly callId: number;
  readonly globalCallId: string;
  readonly calling: string;
  readonly called: string;
  readonly legs: readonly { readonly number: string; readonly dn: string | null; readonly callId: number; readonly state: LegState; readonly phone: string | null }[];
}

const ACTIVE: ReadonlySet<LegState> = new Set(['ORIGINATED', 'DELIVERED', 'ESTABLISHED', 'FAILED', 'QUEUED']);
const DIVERSION = {
  always: { from: 'DIVERTED_ALWAYS_FROM', to: 'DIVERTED_ALWAYS_TO', busy: 'CFA_DESTINATION_BUSY' },
  busy: { from: 'DIVERTED_ON_BUSY_FROM', to: 'DIVERTED_ON_BUSY_TO', busy: 'CFB_DESTINATION_BUSY' },
  noAnswer: { from: 'DIVERTED_NO_ANSWER_FROM', to: 'DIVERTED_NO_ANSWER_TO', busy: 'DESTINATION_BUSY' },
} as const satisfies Record<string, { from: EventCause; to: EventCause; busy: EventCause }>;

const err = (code: MivbError['code'], message: string): MivbError => new MivbError(code, message);

export class CallEngine {
  private directory: Directory;
  private readonly calls = new Map<number, Call>();
  private readonly legsByDn = new Map<string, Set<Leg>>();
  private readonly trunkLegs = new Map<string, Set<Leg>>();
  private readonly features = new Map<string, Features>();
  private readonly logins = new Map<string, { phone?: string; external?: string }>();
  private readonly userAtPhone = new Map<string, string>();
  private readonly absent = new Map<string, Set<string>>();
  private readonly campOns = new Map<string, Leg[]>();
  private readonly callbacks = new Map<string, Callback[]>();
  private readonly offHook = new Set<string>();
  private readonly up = new Set<string>();
  private readonly active = new Map<string, string>();
  private readonly failbacks = new Map<string, Timer>();
  private readonly idle = new Set<string>();
  private nextCallId = 1;
  private order = 0;
  private stopped = false;

  constructor(
    directory: Directory,
    private readonly clock: Clock,
    private readonly sink: (emission: Emission) => void,
  ) {
    this.directory = directory;
    for (const c of directory.controllers) this.up.add(c.name);
    for (const d of directory.devices()) this.active.set(d.dn, d.primary);
    for (const u of directory.fixture.hotDeskUsers ?? []) this.loginFromFixture(u);
  }

  /** A hot desk user the fixture (or an edit adding it) has logged in already. */
  private loginFromFixture(u: HotDeskUserFixture): void {
    if (u.loggedInAt && !this.userAtPhone.has(u.loggedInAt)) {
      this.logins.set(u.dn, { phone: u.loggedInAt });
      this.userAtPhone.set(u.loggedInAt, u.dn);
    } else if (u.externalNumber) this.logins.set(u.dn, { external: u.externalNumber });
  }

  get config(): Directory {
    return this.directory;
  }

  // ---------------------------------------------------------------- controllers and service

  /** The controller now serving the device; undefined while none does (out of service). */
  activeController(dn: string): string | undefined {
    return this.active.get(dn);
  }

  isControllerUp(name: string): boolean {
    return this.up.has(name);
  }

  /** A controller stops: calls of the devices it serves are cleared, they move to their other controller. */
  controllerDown(name: string): void {
    this.act(() => {
      if (!this.up.delete(name)) return;
      this.failbacks.get(name)?.cancel();
      this.failbacks.delete(name);
      const served = this.directory.devicesOf(name).filter((d) => this.active.get(d.dn) === name);
      for (const d of served) {
        for (const leg of this.legsOf(d.dn)) if (this.alive(leg)) this.removeLeg(leg, 'DEVICE_OUT_OF_SERVICE', 'DEVICE_OUT_OF_SERVICE');
      }
      for (const d of served) {
        const other = d.primary === name ? d.secondary : d.primary;
        if (other && this.up.has(other)) this.moveService(d.dn, other);
        else this.active.delete(d.dn);
      }
    });
  }

  /** A controller is back: devices nobody served come to it; its own come back after failbackMs. */
  controllerUp(name: string): void {
    this.act(() => {
      if (this.up.has(name)) return;
      this.up.add(name);
      const back: string[] = [];
      for (const d of this.directory.devicesOf(name)) {
        const current = this.active.get(d.dn);
        if (current === undefined) this.moveService(d.dn, name);
        else if (d.primary === name && current !== name) back.push(d.dn);
      }
      if (back.length) this.scheduleFailback(name, back);
    });
  }

  private scheduleFailback(name: string, dns: readonly string[]): void {
    const timer = this.later(this.directory.settings.failbackMs, () => {
      this.failbacks.delete(name);
      if (!this.up.has(name)) return;
      const later: string[] = [];
      for (const dn of dns) {
        const d = this.directory.device(dn);
        const current = this.active.get(dn);
        if (!d || d.primary !== name || current === name) continue;
        // Phones return to their primary when idle, as MiVB's resilient fail-back does.
        if (this.legsOf(dn).length) later.push(dn);
        else this.moveService(dn, name);
      }
      if (later.length) this.scheduleFailback(name, later);
    });
    this.failbacks.set(name, timer);
  }

  private moveService(dn: string, to: string): void {
    const from = this.active.get(dn);
    if (from === to) return;
    if (from !== undefined && this.up.has(from)) this.serviceEvent(dn, from, false);
    this.active.set(dn, to);
    this.serviceEvent(dn, to, true);
  }

  private serviceEvent(dn: string, controller: string, inService: boolean): void {
    const event: CallEvent = {
      class: 'call',
      type: inService ? 'IN_SERVICE' : 'OUT_OF_SERVICE',
      cause: inService ? 'DEVICE_IN_SERVICE' : 'DEVICE_OUT_OF_SERVICE',
      state: inService ? 'IDLE' : 'OUT_OF_SERVICE',
      dn,
      callId: 0,
      globalCallId: null,
      devices: [],
      parties: [],
      dialedDigits: null,
      accountCode: null,
      featuresAllowed: [],
    };
    this.sink({ dn, event, controller });
  }

  // ---------------------------------------------------------------- directory

  /** Replaces the configuration (an edit already checked by buildDirectory). */
  setDirectory(next: Directory): void {
    this.act(() => {
      const prev = this.directory;
      for (const d of prev.devices()) {
        const now = next.device(d.dn);
        if (now && now.kind === d.kind) continue;
        for (const leg of this.legsOf(d.dn)) if (this.alive(leg)) this.removeLeg(leg, 'CLEARED', 'OTHER_DEVICE_CLEARED');
        this.active.delete(d.dn);
        this.features.delete(d.dn);
        this.absent.delete(d.dn);
        this.logins.delete(d.dn);
        const user = this.userAtPhone.get(d.dn);
        if (user) this.logins.delete(user);
        this.userAtPhone.delete(d.dn);
        for (const [phone, u] of this.userAtPhone) if (u === d.dn) this.userAtPhone.delete(phone);
      }
      this.directory = next;
      for (const u of next.fixture.hotDeskUsers ?? []) if (!prev.device(u.dn)) this.loginFromFixture(u);
      for (const d of next.devices()) {
        const current = this.active.get(d.dn);
        if (current !== undefined && (current === d.primary || current === d.secondary) && this.up.has(current)) continue;
        const to = this.up.has(d.primary) ? d.primary : d.secondary && this.up.has(d.secondary) ? d.secondary : undefined;
        if (to) this.active.set(d.dn, to);
        else this.active.delete(d.dn);
      }
    });
  }

  // ---------------------------------------------------------------- queries

  device(dn: string): DeviceInfo {
    const d = this.requireDevice(dn);
    const login = this.logins.get(dn);
    const user = this.userAtPhone.get(dn);
    const address = (name: string): string => this.directory.controller(name)?.address ?? name;
    const activeController = this.active.get(dn);
    return {
      dn,
      name: d.name,
      type: d.type,
      kind: d.kind,
      primary: address(d.primary),
      ...(d.secondary ? { secondary: address(d.secondary) } : {}),
      activeController: activeController ? address(activeController) : null,
      inService: activeController !== undefined,
      cos: d.cos,
      lines: d.lines,
      members: d.members,
      hotDesk: {
        ...(user ? { user } : login?.phone ? { device: login.phone } : login?.external ? { externalNumber: login.external } : {}),
        ...(d.configuredExternalNumber ? { configuredExternalNumber: d.configuredExternalNumber } : {}),
      },
      calls: this.legsByDn.get(dn)?.size ?? 0,
    };
  }

  devices(): DeviceInfo[] {
    return [...this.directory.devices()].map((d) => this.device(d.dn));
  }

  callSnapshots(): CallSnapshot[] {
    return [...this.calls.values()].map((c) => ({
      callId: c.id,
      globalCallId: c.globalCallId,
      calling: c.calling.number,
      called: c.called.number,
      legs: c.legs.map((l) => ({ number: l.party.number, dn: l.dn ?? null, callId: l.callId, state: l.state, phone: l.phone ?? null })),
    }));
  }

  /** `call.status`: each call at the device, as its latest event with the current state. */
  callStatus(dn: string): CallEvent[] {
    this.requireDevice(dn);
    return this.legsOf(dn)
      .filter((l) => l.lastEvent)
      .map((l) => ({ ...(l.lastEvent as CallEvent), state: l.state, parties: this.partiesOf(l), featuresAllowed: this.allowedFor(l) }));
  }

  featureStatus(dn: string): FeatureStatus {
    this.requireDevice(dn);
    const owner = this.userAtPhone.get(dn) ?? dn;
    const f = this.featureState(owner);
    const login = this.logins.get(dn);
    const user = this.userAtPhone.get(dn);
    const forwarding = Object.fromEntries(FORWARD_MODES.map((m) => [m, { on: f.forward[m].on, dn: f.forward[m].dn || null }])) as FeatureStatus['forwarding'];
    return {
      dnd: f.dnd,
      autoAnswer: false,
      messageWaiting: f.messagesFrom.size > 0,
      forwarding,
      ...(user ? { hotDeskUser: user } : {}),
      registrationDn: login?.phone ?? dn,
    };
  }

  verifyPin(userDn: string, pin: string): boolean {
    return this.requireUser(userDn).pin === pin;
  }

  // ---------------------------------------------------------------- making and answering calls

  makeCall(dn: string, number: string, accountCode?: string): MakeCallResult {
    return this.act(() => {
      checkNumber(number);
      if (accountCode !== undefined) checkAccountCode(accountCode);
      const a = this.actor(dn);
      if (this.activeLeg(a.dn)) throw err('INVALID_STATE', `${a.dn} already has a call in progress: hold it or make a consultation call`);
      this.offHook.delete(a.phone ?? a.dn);
      const call = this.createCall(this.party(a.dn), number);
      const leg = this.addLeg(call, { ...a, party: this.party(a.dn), state: 'ORIGINATED', callId: call.id });
      if (accountCode !== undefined) leg.accountCode = accountCode;
      this.dial(leg, number);
      return result(leg);
    });
  }

  /** A phone goes off hook: answers what rings there, else waits for dial(). */
  goOffHook(dn: string): { callId?: number } {
    return this.act(() => {
      const ringing = this.legsAt(dn).find((l) => l.state === 'RECEIVED');
      if (ringing) {
        this.answerLeg(ringing, this.directory.device(dn)?.kind === 'phone' ? dn : undefined);
        return { callId: ringing.callId };
      }
      this.actor(dn);
      this.offHook.add(dn);
      return {};
    });
  }

  answer(dn: string, callId?: number): void {
    this.act(() => {
      const leg = this.pick(dn, callId, ['RECEIVED']);
      this.answerLeg(leg, this.directory.device(dn)?.kind === 'phone' ? dn : undefined);
    });
  }

  clear(dn: string, callId?: number): void {
    this.act(() => {
      if (callId === undefined && !this.legsAt(dn).some((l) => l.state !== 'RECEIVED' && l.state !== 'HELD') && this.offHook.delete(dn)) return;
      this.removeLeg(this.pick(dn, callId, ['ESTABLISHED', 'DELIVERED', 'ORIGINATED', 'FAILED', 'QUEUED', 'HELD']), 'CLEARED', 'OTHER_DEVICE_CLEARED');
    });
  }

  private dial(leg: Leg, number: string): void {
    const call = leg.call;
    const target = analyseDialled(this.directory.numbering, number);
    if (target.kind === 'internal' && this.directory.device(target.dn)) {
      call.called = this.party(target.dn);
      this.legEvent(leg, 'CALL_ORIGINATED', 'NEW_CALL');
      if (target.dn === leg.dn) return this.fail(leg, 'DESTINATION_BUSY');
      return this.offer(leg, target.dn, { cause: 'NEW_CALL', forwarding: true });
    }
    if (target.kind === 'external') {
      call.called = this.outside(target.digits);
      this.legEvent(leg, 'CALL_ORIGINATED', 'NEW_CALL');
      this.legEvent(leg, 'TRUNK_DIGITS_OUTPULSED', 'TRUNK_DIGITS_OUTPULSED', [], { dialedDigits: target.digits });
      return this.offerOutside(leg, target.digits, { cause: 'NEW_CALL', forwarding: false });
    }
    call.called = { number, name: '', deviceType: 'UNKNOWN' };
    this.legEvent(leg, 'CALL_ORIGINATED', 'NEW_CALL');
    this.fail(leg, 'NO_SUCH_NUMBER');
  }

  /** Offers the call of `from` to an internal DN: group, hot desk, forwarding, DND, busy, then ringing. */
  private offer(from: Leg, dn: string, how: Offer): void {
    const d = this.directory.device(dn) as DeviceDef;
    const call = from.call;
    if (!this.active.has(dn)) return this.fail(from, 'DESTINATION_NOT_OBTAINABLE');
    if (d.kind === 'prg') {
      const absent = this.absent.get(dn);
      const members = d.members.filter((m) => !absent?.has(m) && this.active.has(m) && !this.busy(m) && !this.featureState(m).dnd);
      if (!members.length) return this.fail(from, how.busyCause ?? 'DESTINATION_BUSY');
      for (const m of members) this.ring(call, m, how.cause);
      return this.delivered(from, how);
    }
    if (d.kind === 'hotDeskUser' && !this.logins.has(dn)) return this.fail(from, 'DESTINATION_NOT_OBTAINABLE');
    const f = this.featureState(dn);
    if (how.forwarding && f.forward.always.on) return this.divert(from, dn, f.forward.always.dn, 'always');
    if (f.dnd) return this.fail(from, 'DESTINATION_DO_NOT_DISTURB');
    if (this.busy(dn)) {
      const busy = f.forward[call.externalCaller ? 'busyExternal' : 'busyInternal'];
      if (how.forwarding && busy.on) return this.divert(from, dn, busy.dn, 'busy');
      return this.fail(from, how.busyCause ?? 'DESTINATION_BUSY');
    }
    const leg = this.ring(call, dn, how.cause);
    const noAnswer = f.forward[call.externalCaller ? 'noAnswerExternal' : 'noAnswerInternal'];
    if (how.forwarding && noAnswer.on) {
      const to = noAnswer.dn;
      leg.timer = this.later(this.directory.settings.noAnswerMs, () => this.noAnswer(leg, to));
    }
    this.delivered(from, how);
  }

  /** Offers the call to the outside world through the trunk (lab/README.md "Outside numbers"). */
  private offerOutside(from: Leg, digits: string, how: Offer): void {
    const behaviour = this.directory.external(digits);
    if (behaviour?.behaviour === 'busy') return this.fail(from, how.busyCause ?? 'DESTINATION_BUSY');
    if (behaviour?.behaviour === 'unobtainable') return this.fail(from, 'DESTINATION_NOT_OBTAINABLE');
    const leg = this.addLeg(from.call, { party: this.outside(digits), trunk: digits, state: 'RECEIVED', callId: from.call.id });
    this.autoAnswer(leg, digits);
    this.delivered(from, how);
  }

  private autoAnswer(leg: Leg, digits: string): void {
    const behaviour = this.directory.external(digits);
    if (behaviour?.behaviour !== 'answer') return;
    leg.timer = this.later(behaviour.answerAfterMs ?? 1000, () => {
      if (this.alive(leg) && leg.state === 'RECEIVED') this.answerLeg(leg);
    });
  }

  private ring(call: Call, dn: string, cause: EventCause): Leg {
    const d = this.directory.device(dn) as DeviceDef;
    const login = this.logins.get(dn);
    const phones = d.kind === 'line' ? d.appearances.map((a) => a.phone) : d.kind === 'hotDeskUser' ? (login?.phone ? [login.phone] : []) : [dn];
    const leg = this.addLeg(call, {
      dn,
      party: this.party(dn),
      state: 'RECEIVED',
      callId: this.legId(call, dn),
      ringingAt: phones,
      ...(d.kind === 'hotDeskUser' && login?.external ? { trunk: login.external } : {}),
    });
    this.legEvent(leg, 'CALL_DELIVERED', cause, this.originalRoles(call));
    if (leg.trunk) this.autoAnswer(leg, leg.trunk);
    return leg;
  }

  private delivered(from: Leg, how: Offer): void {
    from.state = 'DELIVERED';
    this.legEvent(from, how.callerType ?? 'CALL_DELIVERED', how.cause, this.originalRoles(from.call));
  }

  private fail(leg: Leg, cause: EventCause): void {
    leg.failCause = cause;
    if (leg.dn === undefined) {
      // An outside caller hears the tone; the call is over for the lab.
      for (const l of [...leg.call.legs]) this.detach(l);
      return;
    }
    leg.state = 'FAILED';
    this.legEvent(leg, 'CALL_FAILED', cause);
    const ms = this.directory.settings.failedCallClearMs;
    if (ms > 0) {
      leg.timer = this.later(ms, () => {
        if (this.alive(leg) && leg.state === 'FAILED') this.removeLeg(leg, 'CLEARED', 'OTHER_DEVICE_CLEARED');
      });
    }
  }

  /** Forwarding always or on busy: the forwarding device is told, the call goes on (one hop). */
  private divert(from: Leg, fromDn: string, to: string, mode: 'always' | 'busy'): void {
    const call = from.call;
    const causes = DIVERSION[mode];
    const target = analyseDialled(this.directory.numbering, to);
    const original = this.party(fromDn);
    const next = this.partyOf(target, to);
    this.adHocEvent(fromDn, call, 'CALL_DIVERTED', causes.from, [role('ORIGINAL_DESTINATION_DEVICE', original), role('NEW_DESTINATION_DEVICE', next)]);
    call.originalDestination = original;
    call.called = next;
    const how: Offer = { cause: causes.to, forwarding: false, busyCause: causes.busy };
    if (target.kind === 'internal' && this.directory.device(target.dn)) this.offer(from, target.dn, how);
    else if (target.kind === 'external') this.offerOutside(from, target.digits, how);
    else this.fail(from, 'DESTINATION_NOT_OBTAINABLE');
  }

  /** Forwarding on no answer: the ringing device lets the call go unless the target cannot take it. */
  private noAnswer(leg: Leg, to: string): void {
    if (!this.alive(leg) || leg.state !== 'RECEIVED') return;
    const call = leg.call;
    const caller = call.legs.find((l) => l.state === 'DELIVERED');
    const target = analyseDialled(this.directory.numbering, to);
    if (!caller || !this.canTake(target)) return;
    const next = this.partyOf(target, to);
    this.detach(leg);
    this.legEvent(leg, 'CALL_DIVERTED', 'DIVERTED_NO_ANSWER_FROM', [role('ORIGINAL_DESTINATION_DEVICE', leg.party), role('NEW_DESTINATION_DEVICE', next)], { state: 'IDLE' });
    call.originalDestination = leg.party;
    call.called = next;
    const how: Offer = { cause: 'DIVERTED_NO_ANSWER_TO', callerType: 'CALL_DIVERTED', forwarding: false };
    if (target.kind === 'internal') this.offer(caller, target.dn, how);
    else if (target.kind === 'external') this.offerOutside(caller, target.digits, how);
  }

  private canTake(target: DialTarget): boolean {
    if (target.kind === 'invalid') return false;
    if (target.kind === 'external') {
      const b = this.directory.external(target.digits)?.behaviour;
      return b !== 'busy' && b !== 'unobtainable';
    }
    const d = this.directory.device(target.dn);
    if (!d || !this.active.has(target.dn)) return false;
    if (d.kind === 'prg') return true;
    if (d.kind === 'hotDeskUser' && !this.logins.has(target.dn)) return false;
    return !this.busy(target.dn) && !this.featureState(target.dn).dnd;
  }

  private answerLeg(leg: Leg, phone?: string): void {
    if (leg.state !== 'RECEIVED') throw err('INVALID_STATE', `call ${leg.callId} at ${leg.party.number} is not ringing`);
    if (leg.dn !== undefined && this.activeLeg(leg.dn)) throw err('INVALID_STATE', `${leg.dn} has another call in progress: use call.newCall`);
    const call = leg.call;
    leg.timer?.cancel();
    leg.timer = undefined;
    if (leg.phone === undefined) leg.phone = phone && leg.ringingAt.includes(phone) ? phone : leg.ringingAt[0];
    leg.line = this.lineOf(leg.dn, leg.phone);
    leg.ringingAt = [];
    if (call.callbackTo !== undefined) {
      const target = call.callbackTo;
      call.callbackTo = undefined;
      leg.state = 'ORIGINATED';
      return this.dial(leg, target);
    }
    leg.state = 'ESTABLISHED';
    for (const other of [...call.legs]) {
      if (other === leg || other.state !== 'RECEIVED') continue;
      this.detach(other);
      this.legEvent(other, 'CALL_CLEAR', 'MEMBER_ANSWERED', [role('CONNECTED_DEVICE', leg.party)], { state: 'IDLE' });
    }
    const callers = call.legs.filter((l) => l.state === 'DELIVERED');
    for (const c of callers) c.state = 'ESTABLISHED';
    const roles = [this.role('CONNECTED_DEVICE', leg)];
    this.legEvent(leg, 'CALL_ESTABLISHED', 'ANSWERED', roles);
    for (const c of callers) this.legEvent(c, 'CALL_ESTABLISHED', 'ANSWERED', roles);
  }

  /** A device leaves its call; a two-party call ends, a conference goes on without it. */
  private removeLeg(leg: Leg, selfCause: EventCause, otherCause: EventCause): void {
    const call = leg.call;
    const wasRinging = leg.state === 'RECEIVED';
    this.detach(leg);
    const dropped = this.role('DROPPED_DEVICE', leg);
    this.legEvent(leg, 'CALL_CLEAR', selfCause, [dropped], { state: 'IDLE' });
    const rest = call.legs;
    if (!rest.length) return;
    if (wasRinging && rest.some((l) => l.state === 'RECEIVED')) return;
    const connected = rest.filter((l) => l.state !== 'RECEIVED');
    if (connected.length >= 2) {
      for (const l of connected) this.legEvent(l, 'DEVICE_DROPPED', 'CONFERENCE_MEMBER_DROPPED', [dropped]);
      return;
    }
    for (const l of [...rest]) {
      this.detach(l);
      this.legEvent(l, 'CALL_CLEAR', otherCause, [dropped], { state: 'IDLE' });
    }
  }

  // ---------------------------------------------------------------- hold, consultation, transfer, conference

  hold(dn: string, callId?: number): void {
    this.act(() => {
      const leg = this.pick(dn, callId, ['ESTABLISHED']);
      if (leg.state !== 'ESTABLISHED') throw err('INVALID_STATE', `call ${leg.callId} at ${dn} is not established`);
      if (leg.pair) throw err('INVALID_STATE', `call ${leg.callId} at ${dn} is a consultation: use alternate, transfer or conference`);
      this.holdLeg(leg, leg.call.legs.length > 2 ? 'CONFERENCE_CALL_HELD' : 'HARD_HOLD');
    });
  }

  retrieve(dn: string, callId?: number): void {
    this.act(() => {
      const leg = this.pick(dn, callId, ['HELD']);
      if (leg.state !== 'HELD') throw err('INVALID_STATE', `call ${leg.callId} at ${dn} is not held`);
      this.retrieveLeg(leg, leg.call.legs.length > 2 ? 'CONFERENCE_CALL_RETRIEVED' : 'RETRIEVE');
    });
  }

  consult(dn: string, number: string, callId?: number): MakeCallResult {
    return this.act(() => {
      checkNumber(number);
      const held = this.pick(dn, callId, ['ESTABLISHED', 'HELD']);
      if (held.pair) throw err('INVALID_STATE', `${dn} is already in a consultation`);
      if (held.state !== 'ESTABLISHED' && held.state !== 'HELD') throw err('INVALID_STATE', `call ${held.callId} at ${dn} is neither established nor held`);
      if (held.state === 'HELD' && this.activeLeg(held.dn as string)) throw err('INVALID_STATE', `${dn} has another call in progress`);
      if (held.state === 'ESTABLISHED') this.holdLeg(held, 'CONS_HOLD');
      const call = this.createCall(held.party, number);
      const leg = this.addLeg(call, {
        dn: held.dn as string,
        party: held.party,
        state: 'ORIGINATED',
        callId: call.id,
        ...(held.phone !== undefined ? { phone: held.phone } : {}),
        ...(held.line !== undefined ? { line: held.line } : {}),
        ...(held.trunk !== undefined ? { trunk: held.trunk } : {}),
      });
      leg.pair = held;
      held.pair = leg;
      this.dial(leg, number);
      return result(leg);
    });
  }

  transfer(dn: string, callId?: number): void {
    this.act(() => {
      const { held, active } = this.consultation(dn, callId, ['ESTABLISHED', 'DELIVERED']);
      const call = held.call;
      const keep = call.legs.filter((l) => l !== held);
      const moved = active.call.legs.filter((l) => l !== active);
      const first = keep[0];
      const dest = moved[0];
      if (!first || !dest) throw err('INVALID_STATE', 'nothing to transfer');
      const supervised = active.state === 'ESTABLISHED';
      const cause: EventCause = supervised ? 'SUPERVISED_TRANSFER' : 'UNSUPERVISED_TRANSFER';
      const roles = [this.role('TRANSFER_CONTROLLER_DEVICE', held), this.role('TRANSFERRED_DEVICE', first), this.role('NEW_DESTINATION_DEVICE', dest)];
      const consultCall = active.call;
      this.detach(active);
      this.detach(held);
      for (const l of moved) this.moveLeg(l, call);
      this.calls.delete(consultCall.id);
      call.calling = first.party;
      call.called = dest.party;
      call.originalDestination = undefined;
      call.controller = undefined;
      if (!supervised) for (const l of keep) if (l.state === 'ESTABLISHED') l.state = 'DELIVERED';
      this.legEvent(active, 'CALL_TRANSFERRED', cause, roles, { state: 'IDLE' });
      this.legEvent(held, 'CALL_TRANSFERRED', cause, roles, { state: 'IDLE' });
      for (const l of call.legs) this.legEvent(l, 'CALL_TRANSFERRED', cause, roles);
    });
  }

  conference(dn: string, callId?: number): void {
    this.act(() => {
      const { held, active } = this.consultation(dn, callId, ['ESTABLISHED']);
      const call = held.call;
      const consultCall = active.call;
      const moved = consultCall.legs.filter((l) => l !== active);
      this.detach(active);
      for (const l of moved) this.moveLeg(l, call);
      this.calls.delete(consultCall.id);
      held.state = 'ESTABLISHED';
      call.controller = held;
      const roles = [this.role('CONTROLLER_DEVICE', held)];
      this.legEvent(active, 'CALL_CONFERENCED', 'CONFERENCED', roles, { state: 'IDLE' });
      this.legEvent(held, 'CALL_CONFERENCED', 'CONFERENCED', roles);
      for (const l of call.legs) if (l !== held) this.legEvent(l, 'CALL_CONFERENCED', 'CONFERENCED', roles);
    });
  }

  /** Splits a three-party conference: private with the member added last, the other held. */
  splitConference(dn: string, callId?: number): void {
    this.act(() => {
      const leg = this.pick(dn, callId, ['ESTABLISHED']);
      const call = leg.call;
      if (call.controller !== leg || call.legs.length !== 3 || leg.state !== 'ESTABLISHED') {
        throw err('INVALID_STATE', `${dn} does not control a three-party conference on call ${leg.callId}`);
      }
      const others = call.legs.filter((l) => l !== leg);
      const away = others.reduce((a, b) => (b.order > a.order ? b : a));
      const stay = others.find((l) => l !== away) as Leg;
      // The split call takes the id the member already has, so its callId stays the same.
      const reuse = !this.calls.has(away.callId) && !this.legsOf(dn).some((l) => l.callId === away.callId);
      const split = this.createCall(leg.party, away.party.number, reuse ? away.callId : this.nextCallId++);
      split.called = away.party;
      this.moveLeg(away, split);
      const mine = this.addLeg(split, {
        dn: leg.dn as string,
        party: leg.party,
        state: 'ESTABLISHED',
        callId: split.id,
        ...(leg.phone !== undefined ? { phone: leg.phone } : {}),
        ...(leg.line !== undefined ? { line: leg.line } : {}),
      });
      call.controller = undefined;
      leg.state = 'HELD';
      leg.pair = mine;
      mine.pair = leg;
      const roles = [this.role('SPLITTING_DEVICE', leg)];
      this.legEvent(leg, 'CALL_HELD', 'CONFERENCE_SPLIT', roles);
      this.legEvent(stay, 'CALL_HELD', 'CONFERENCE_SPLIT', roles);
      this.legEvent(mine, 'CALL_ESTABLISHED', 'CONFERENCE_SPLIT', roles);
      this.legEvent(away, 'CALL_ESTABLISHED', 'CONFERENCE_SPLIT', roles);
    });
  }

  cancelConsultation(dn: string, callId?: number): void {
    this.act(() => {
      const { held, active } = this.consultation(dn, callId, ['ORIGINATED', 'DELIVERED', 'ESTABLISHED', 'FAILED', 'QUEUED']);
      this.removeLeg(active, 'CLEARED', 'OTHER_DEVICE_CLEARED');
      if (this.alive(held)) this.retrieveLeg(held, held.call.legs.length > 2 ? 'CONFERENCE_CALL_RETRIEVED' : 'RETRIEVE');
    });
  }

  /** Alternate (and trade): the held call becomes current, the current one is held. */
  alternate(dn: string, callId?: number): void {
    this.act(() => {
      const { held, active } = this.consultation(dn, callId, ['ESTABLISHED']);
      active.state = 'HELD';
      held.state = 'ESTABLISHED';
      const holding = [this.role('HOLDING_DEVICE', active)];
      this.legEvent(active, 'CALL_HELD', 'ALTERNATE_CALL_INVOKED', holding);
      for (const l of active.call.legs) if (l !== active && l.state !== 'RECEIVED') this.legEvent(l, 'CALL_HELD', 'ALTERNATE_CALL_INVOKED', holding);
      const retrieving = [this.role('HOLDING_DEVICE', held)];
      this.legEvent(held, 'CALL_RETRIEVED', 'ALTERNATE_CALL_INVOKED', retrieving);
      for (const l of held.call.legs) if (l !== held && l.state !== 'RECEIVED') this.legEvent(l, 'CALL_RETRIEVED', 'ALTERNATE_CALL_INVOKED', retrieving);
    });
  }

  /** Makes a held or ringing call current; the established call of the device goes on hold. */
  newCall(dn: string, callId: number): void {
    this.act(() => {
      const target = this.pick(dn, callId, []);
      if (target.state !== 'HELD' && target.state !== 'RECEIVED') throw err('INVALID_STATE', `call ${callId} at ${dn} is neither held nor ringing`);
      for (const l of this.legsOf(target.dn as string)) {
        if (l === target || !ACTIVE.has(l.state)) continue;
        if (l.state !== 'ESTABLISHED') throw err('INVALID_STATE', `call ${l.callId} at ${dn} cannot be held`);
        if (l.pair === target) {
          l.pair = undefined;
          target.pair = undefined;
        }
        this.holdLeg(l, l.call.legs.length > 2 ? 'CONFERENCE_CALL_HELD' : 'HARD_HOLD');
      }
      if (target.state === 'RECEIVED') this.answerLeg(target, this.directory.device(dn)?.kind === 'phone' ? dn : undefined);
      else this.retrieveLeg(target, 'RETRIEVE');
    });
  }

  private holdLeg(leg: Leg, cause: EventCause): void {
    leg.state = 'HELD';
    const roles = [this.role('HOLDING_DEVICE', leg)];
    this.legEvent(leg, 'CALL_HELD', cause, roles);
    for (const l of leg.call.legs) if (l !== leg && l.state !== 'RECEIVED') this.legEvent(l, 'CALL_HELD', cause, roles);
  }

  private retrieveLeg(leg: Leg, cause: EventCause): void {
    const other = this.activeLeg(leg.dn as string);
    if (other && other !== leg) throw err('INVALID_STATE', `${leg.dn} has another call in progress: use call.alternate or call.newCall`);
    leg.state = 'ESTABLISHED';
    const roles = [this.role('HOLDING_DEVICE', leg)];
    this.legEvent(leg, 'CALL_RETRIEVED', cause, roles);
    for (const l of leg.call.legs) if (l !== leg && l.state !== 'RECEIVED') this.legEvent(l, 'CALL_RETRIEVED', cause, roles);
  }

  private consultation(dn: string, callId: number | undefined, activeStates: readonly LegState[]): { held: Leg; active: Leg } {
    const leg = this.pick(dn, callId, ['ESTABLISHED', 'DELIVERED', 'FAILED', 'ORIGINATED', 'QUEUED', 'HELD']);
    const other = leg.pair;
    if (!other) throw err('INVALID_STATE', `call ${leg.callId} at ${dn} has no consultation call`);
    const held = leg.state === 'HELD' ? leg : other;
    const active = held === leg ? other : leg;
    if (held.state !== 'HELD' || !activeStates.includes(active.state)) {
      throw err('INVALID_STATE', `the consultation call ${active.callId} at ${dn} is ${active.state.toLowerCase()}`);
    }
    return { held, active };
  }

  // ---------------------------------------------------------------- redirect, pickup, remote retrieve

  redirect(dn: string, to: string, callId?: number): void {
    this.act(() => {
      checkNumber(to);
      const leg = this.pick(dn, callId, ['RECEIVED']);
      if (leg.state !== 'RECEIVED') throw err('INVALID_STATE', `call ${leg.callId} at ${dn} is not ringing`);
      const call = leg.call;
      const caller = call.legs.find((l) => l.state === 'DELIVERED');
      if (!caller) throw err('INVALID_STATE', `call ${leg.callId} has no caller waiting`);
      const target = analyseDialled(this.directory.numbering, to);
      this.checkReachable(target, to, leg.dn);
      const next = this.partyOf(target, to);
      for (const r of [...call.legs]) {
        if (r.state !== 'RECEIVED') continue;
        this.detach(r);
        this.legEvent(r, 'CALL_DIVERTED', 'REDIRECTED_FROM', [role('ORIGINAL_DESTINATION_DEVICE', leg.party), role('NEW_DESTINATION_DEVICE', next)], {
          state: 'IDLE',
        });
      }
      call.originalDestination = leg.party;
      call.called = next;
      const how: Offer = { cause: 'REDIRECTED_TO', callerType: 'CALL_DIVERTED', forwarding: false };
      if (target.kind === 'internal') this.offer(caller, target.dn, how);
      else if (target.kind === 'external') this.offerOutside(caller, target.digits, how);
    });
  }

  /** Refuses a redirect to where the call could not go, leaving it ringing. */
  private checkReachable(target: DialTarget, to: string, from: string | undefined): void {
    if (target.kind === 'invalid') throw err('NO_SUCH_NUMBER', `${to} is not a number`);
    if (target.kind === 'external') {
      const b = this.directory.external(target.digits)?.behaviour;
      if (b === 'busy') throw err('DESTINATION_BUSY', `${to} is busy`);
      if (b === 'unobtainable') throw err('NO_SUCH_NUMBER', `${to} is not obtainable`);
      return;
    }
    const d = this.directory.device(target.dn);
    if (!d) throw err('NO_SUCH_NUMBER', `${to} is not a number in the cluster`);
    if (target.dn === from) throw err('INVALID_STATE', 'the call already rings there');
    if (!this.active.has(target.dn) || (d.kind === 'hotDeskUser' && !this.logins.has(target.dn))) throw err('NO_SUCH_NUMBER', `${to} is not obtainable`);
    if (d.kind === 'prg') return;
    if (this.featureState(target.dn).dnd) throw err('DESTINATION_DO_NOT_DISTURB', `${to} is in do not disturb`);
    if (this.busy(target.dn)) throw err('DESTINATION_BUSY', `${to} is busy`);
  }

  pickup(dn: string, ringDn: string): { callId: number } {
    return this.act(() => {
      const a = this.actor(dn);
      this.requireDevice(ringDn);
      if (this.activeLeg(a.dn)) throw err('INVALID_STATE', `${a.dn} has a call in progress`);
      const ringing = this.legsOf(ringDn).find((l) => l.state === 'RECEIVED');
      if (!ringing || ringing.dn === a.dn) throw err('INVALID_STATE', `${ringDn} has no call ringing to pick up`);
      const call = ringing.call;
      const callers = call.legs.filter((l) => l.state === 'DELIVERED');
      const me = this.party(a.dn);
      for (const r of [...call.legs]) {
        if (r.state !== 'RECEIVED') continue;
        this.detach(r);
        this.legEvent(r, 'CALL_DIVERTED', 'DIVERTED_PICKUP_AWAY', [role('PICKUP_DEVICE', me)], { state: 'IDLE' });
      }
      const leg = this.addLeg(call, { ...a, party: me, state: 'ESTABLISHED', callId: this.legId(call, a.dn) });
      for (const c of callers) c.state = 'ESTABLISHED';
      const roles = [this.role('PICKUP_DEVICE', leg), this.role('CONNECTED_DEVICE', leg)];
      this.legEvent(leg, 'CALL_ESTABLISHED', 'PICKUP', roles);
      for (const c of callers) this.legEvent(c, 'CALL_ESTABLISHED', 'PICKUP', roles);
      return { callId: leg.callId };
    });
  }

  /** Takes over a call held at another device (or retrieves one held here). */
  remoteRetrieve(dn: string, remoteDn?: string): { callId: number } {
    return this.act(() => {
      if (remoteDn === undefined || remoteDn === dn) {
        const held = this.pick(dn, undefined, ['HELD']);
        if (held.state !== 'HELD') throw err('INVALID_STATE', `${dn} holds no call`);
        this.retrieveLeg(held, 'RETRIEVE');
        return { callId: held.callId };
      }
      const a = this.actor(dn);
      this.requireDevice(remoteDn);
      if (this.activeLeg(a.dn)) throw err('INVALID_STATE', `${a.dn} has a call in progress`);
      const held = this.legsOf(remoteDn).find((l) => l.state === 'HELD');
      if (!held) throw err('INVALID_STATE', `${remoteDn} holds no call`);
      const call = held.call;
      const me = this.party(a.dn);
      const wasController = call.controller === held;
      this.detach(held);
      this.legEvent(held, 'CALL_DIVERTED', 'DIVERTED_PICKUP_AWAY', [role('PICKUP_DEVICE', me)], { state: 'IDLE' });
      const leg = this.addLeg(call, { ...a, party: me, state: 'ESTABLISHED', callId: this.legId(call, a.dn) });
      if (wasController) call.controller = leg;
      const roles = [this.role('HOLDING_DEVICE', held), this.role('PICKUP_DEVICE', leg)];
      this.legEvent(leg, 'CALL_RETRIEVED', 'RETRIEVE', roles);
      for (const l of call.legs) if (l !== leg && l.state !== 'RECEIVED') this.legEvent(l, 'CALL_RETRIEVED', 'RETRIEVE', roles);
      return { callId: leg.callId };
    });
  }

  // ---------------------------------------------------------------- camp-on, call-me-back, digits, account codes

  campOn(dn: string, callId?: number): void {
    this.act(() => {
      const leg = this.pick(dn, callId, ['FAILED']);
      const target = leg.call.called.number;
      const d = this.directory.device(target);
      if (leg.state !== 'FAILED' || leg.failCause !== 'DESTINATION_BUSY' || !d || d.kind === 'prg') {
        throw err('INVALID_STATE', `call ${leg.callId} at ${dn} did not meet a busy device`);
      }
      leg.timer?.cancel();
      leg.timer = undefined;
      if (!this.busy(target)) return this.offer(leg, target, { cause: 'WAITING_CALL_RINGING', forwarding: false });
      leg.state = 'QUEUED';
      this.legEvent(leg, 'CALL_QUEUED', 'CALL_QUEUED');
      this.campOns.set(target, [...(this.campOns.get(target) ?? []), leg]);
    });
  }

  callMeBack(dn: string, callId?: number): void {
    this.act(() => {
      const leg = this.pick(dn, callId, ['FAILED', 'DELIVERED']);
      const target = leg.call.called.number;
      const d = this.directory.device(target);
      const busy = leg.state === 'FAILED' && leg.failCause === 'DESTINATION_BUSY';
      const noAnswer = leg.state === 'DELIVERED' && leg.call.legs.some((l) => l.dn === target && l.state === 'RECEIVED');
      if (!d || d.kind === 'prg' || (!busy && !noAnswer)) throw err('INVALID_STATE', `call ${leg.callId} at ${dn} is neither busy nor unanswered at a device`);
      const list = this.callbacks.get(target) ?? [];
      if (!list.some((c) => c.from === leg.dn)) list.push({ from: leg.dn as string, armed: busy });
      this.callbacks.set(target, list);
      this.removeLeg(leg, 'CALLBACK_INVOKED', 'OTHER_DEVICE_CLEARED');
    });
  }

  digits(dn: string, digits: string, callId?: number): void {
    this.act(() => {
      if (!/^[0-9*#]{1,32}$/.test(digits)) throw err('BAD_REQUEST', 'digits must be 1 to 32 of 0-9 * #');
      const leg = this.pick(dn, callId, ['ESTABLISHED']);
      if (leg.state !== 'ESTABLISHED' || !leg.call.legs.some((l) => l.dn === undefined)) {
        throw err('INVALID_STATE', `call ${leg.callId} at ${dn} is not an established outside call`);
      }
      this.legEvent(leg, 'TRUNK_DIGITS_OUTPULSED', 'TRUNK_DIGITS_OUTPULSED', [], { dialedDigits: digits });
    });
  }

  accountCode(dn: string, code: string, callId?: number): void {
    this.act(() => {
      checkAccountCode(code);
      const leg = this.pick(dn, callId, ['ESTABLISHED', 'DELIVERED', 'ORIGINATED', 'HELD']);
      if (leg.state === 'RECEIVED') throw err('INVALID_STATE', `call ${leg.callId} at ${dn} is still ringing`);
      leg.accountCode = code;
      this.legEvent(leg, 'ACCOUNT_CODE_SET', 'ACCOUNT_CODE_SET');
    });
  }

  // ---------------------------------------------------------------- the outside world

  /** An outside number calls an internal DN through the trunk. */
  externalCall(from: string, to: string): MakeCallResult {
    return this.act(() => {
      if (!/^[0-9]{1,32}$/.test(from)) throw err('BAD_REQUEST', 'from must be 1 to 32 digits');
      if (!this.directory.device(to)) throw err('NO_SUCH_NUMBER', `${to} is not a number in the cluster`);
      const caller = this.outside(from);
      const call = this.createCall(caller, to);
      call.externalCaller = true;
      call.called = this.party(to);
      const leg = this.addLeg(call, { party: caller, trunk: from, state: 'ORIGINATED', callId: call.id });
      this.offer(leg, to, { cause: 'NEW_CALL', forwarding: true });
      return result(leg);
    });
  }

  externalAnswer(number: string): void {
    this.act(() => {
      const leg = [...(this.trunkLegs.get(number) ?? [])].find((l) => l.state === 'RECEIVED');
      if (!leg) throw err('NO_SUCH_CALL', `no call rings at outside number ${number}`);
      this.answerLeg(leg);
    });
  }

  externalHangUp(number: string): void {
    this.act(() => {
      const legs = [...(this.trunkLegs.get(number) ?? [])];
      const leg = legs.find((l) => l.state !== 'RECEIVED') ?? legs[0];
      if (!leg) throw err('NO_SUCH_CALL', `outside number ${number} is in no call`);
      this.removeLeg(leg, 'CLEARED', 'OTHER_DEVICE_CLEARED');
    });
  }

  // ---------------------------------------------------------------- features

  setDnd(dn: string, on: boolean): void {
    this.act(() => {
      const owner = this.featureOwner(dn);
      this.featureState(owner).dnd = on;
      this.featureEvent(owner, 'DO_NOT_DISTURB', { FEATURE_EVENT_STATE: String(on), DEVICE_NUMBER: owner });
    });
  }

  setForward(dn: string, mode: ForwardMode, on: boolean, to?: string): void {
    this.act(() => {
      const owner = this.featureOwner(dn);
      const current = this.featureState(owner).forward[mode];
      const target = to ?? current.dn;
      if (on) {
        if (!target) throw err('BAD_REQUEST', 'to is required to turn forwarding on');
        checkNumber(target);
        if (target === owner) throw err('INVALID_STATE', `${owner} cannot forward to itself`);
        const analysed = analyseDialled(this.directory.numbering, target);
        if (analysed.kind === 'invalid' || (analysed.kind === 'internal' && !this.directory.device(analysed.dn))) {
          throw err('NO_SUCH_NUMBER', `${target} is not a number in the cluster`);
        }
      }
      this.featureState(owner).forward[mode] = { on, dn: target };
      this.featureEvent(owner, FORWARD_EVENT[mode], { FEATURE_EVENT_STATE: String(on), DEVICE_NUMBER: owner, FORWARD_DN: target });
    });
  }

  /** Leaves (or takes back) a call-me-back message: lights `target`'s message lamp. */
  callbackMessage(dn: string, target: string, on: boolean): void {
    this.act(() => {
      this.requireDevice(dn);
      const owner = this.featureOwner(target);
      const messages = this.featureState(owner).messagesFrom;
      const before = messages.size > 0;
      if (on) messages.add(dn);
      else messages.delete(dn);
      if (before !== messages.size > 0) this.featureEvent(owner, 'MSG_WAITING_INDICATOR', { FEATURE_EVENT_STATE: String(!before), DEVICE_NUMBER: owner });
    });
  }

  prgPresence(dn: string, prgDn: string, present: boolean): void {
    this.act(() => {
      const group = this.requireDevice(prgDn);
      if (group.kind !== 'prg') throw err('INVALID_STATE', `${prgDn} is not a personal ring group`);
      if (!group.members.includes(dn)) throw err('INVALID_STATE', `${dn} is not a member of ${prgDn}`);
      const absent = this.absent.get(prgDn) ?? new Set<string>();
      this.absent.set(prgDn, absent);
      if (absent.has(dn) !== present) return;
      if (present) absent.delete(dn);
      else absent.add(dn);
      const event: FeatureEvent = {
        class: 'feature',
        type: present ? 'JOIN_GROUP' : 'LEAVE_GROUP',
        dn,
        attributes: { FEATURE_EVENT_STATE: String(present), DEVICE_NUMBER: dn, GROUP_DN: prgDn },
      };
      this.sink({ dn: prgDn, event, group: true });
      this.deliver(dn, event);
    });
  }

  // ---------------------------------------------------------------- hot desking

  hotDeskLogin(deviceDn: string, userDn: string, pin: string): void {
    this.act(() => {
      const user = this.requireUser(userDn);
      const phone = this.requireDevice(deviceDn);
      if (phone.kind !== 'phone') throw err('INVALID_STATE', `${deviceDn} is not a phone`);
      if (user.pin !== pin) throw err('BAD_PIN', `wrong PIN for hot desk user ${userDn}`);
      if (this.logins.has(userDn)) throw err('ALREADY_LOGGED_IN', `hot desk user ${userDn} is already logged in`);
      const other = this.userAtPhone.get(deviceDn);
      if (other) throw err('ALREADY_LOGGED_IN', `hot desk user ${other} is logged in at ${deviceDn}`);
      this.logins.set(userDn, { phone: deviceDn });
      this.userAtPhone.set(deviceDn, userDn);
      this.featureEvent(userDn, 'HOT_DESK_USER', { FEATURE_EVENT_STATE: 'true', USER_DN: userDn, DEVICE_NUMBER: deviceDn });
    });
  }

  /** External hot desking, at `externalNumber` or else the user's configured outside number. */
  hotDeskLoginExternal(userDn: string, pin: string, externalNumber?: string): void {
    this.act(() => {
      const user = this.requireUser(userDn);
      externalNumber ??= user.configuredExternalNumber;
      if (externalNumber === undefined) throw err('BAD_REQUEST', `hot desk user ${userDn} has no configured outside number; give externalNumber`);
      if (!/^[0-9]{1,32}$/.test(externalNumber)) throw err('BAD_REQUEST', 'externalNumber must be 1 to 32 digits');
      if (user.pin !== pin) throw err('BAD_PIN', `wrong PIN for hot desk user ${userDn}`);
      if (this.logins.has(userDn)) throw err('ALREADY_LOGGED_IN', `hot desk user ${userDn} is already logged in`);
      this.logins.set(userDn, { external: externalNumber });
      this.featureEvent(userDn, 'HOT_DESK_USER', { FEATURE_EVENT_STATE: 'true', USER_DN: userDn, DEVICE_NUMBER: externalNumber });
    });
  }

  hotDeskLogout(userDn: string, external = false): void {
    this.act(() => {
      this.requireUser(userDn);
      const login = this.logins.get(userDn);
      if (!login || (external && !login.external)) throw err('NOT_LOGGED_IN', `hot desk user ${userDn} is not logged in${external ? ' at an outside number' : ''}`);
      if (this.busy(userDn)) throw err('INVALID_STATE', `hot desk user ${userDn} has calls`);
      // Told before the logout takes effect, so the phone's monitors hear it too.
      this.featureEvent(userDn, 'HOT_DESK_USER', { FEATURE_EVENT_STATE: 'false', USER_DN: userDn, DEVICE_NUMBER: login.phone ?? login.external ?? '' });
      this.logins.delete(userDn);
      if (login.phone) this.userAtPhone.delete(login.phone);
    });
  }

  /**
   * Back to the fixture's state, as people at the phones would do it (with events): every call
   * hung up, hot desk logins as in the fixture, DND, forwarding and message lamps off, every ring
   * group member present; pending camp-ons and call-me-backs forgotten. Directory edits stay.
   */
  reset(): void {
    this.act(() => {
      this.campOns.clear();
      this.callbacks.clear();
      this.offHook.clear();
      for (const call of [...this.calls.values()]) {
        for (const leg of [...call.legs]) if (this.alive(leg)) this.removeLeg(leg, 'CLEARED', 'OTHER_DEVICE_CLEARED');
      }
      for (const [user, login] of [...this.logins]) {
        this.featureEvent(user, 'HOT_DESK_USER', { FEATURE_EVENT_STATE: 'false', USER_DN: user, DEVICE_NUMBER: login.phone ?? login.external ?? '' });
        this.logins.delete(user);
      }
      this.userAtPhone.clear();
      for (const u of this.directory.fixture.hotDeskUsers ?? []) this.loginFromFixture(u);
      for (const [dn, f] of this.features) {
        if (f.dnd) this.featureEvent(dn, 'DO_NOT_DISTURB', { FEATURE_EVENT_STATE: 'false', DEVICE_NUMBER: dn });
        for (const mode of FORWARD_MODES) {
          if (f.forward[mode].on) this.featureEvent(dn, FORWARD_EVENT[mode], { FEATURE_EVENT_STATE: 'false', DEVICE_NUMBER: dn, FORWARD_DN: f.forward[mode].dn });
        }
        if (f.messagesFrom.size) this.featureEvent(dn, 'MSG_WAITING_INDICATOR', { FEATURE_EVENT_STATE: 'false', DEVICE_NUMBER: dn });
      }
      this.features.clear();
      for (const [group, absent] of this.absent) for (const member of [...absent]) this.prgPresence(member, group, true);
    });
  }

  // ---------------------------------------------------------------- internals: legs, calls, parties

  private act<T>(fn: () => T): T {
    if (this.stopped) throw err('INTERNAL', 'the lab cluster is stopped');
    const value = fn();
    this.settle();
    return value;
  }

  /** Work for later (no answer, outside answer, failed call, fail-back); the state may have moved on by then. */
  private later(ms: number, fn: () => void): Timer {
    return this.clock.setTimer(ms, () => {
      if (this.stopped) return;
      try {
        this.act(fn);
      } catch (e) {
        if (!(e instanceof MivbError)) throw e;
      }
    });
  }

  /** Devices that became idle: camped-on calls ring, call-me-backs mature. */
  private settle(): void {
    for (const dn of this.idle) {
      this.idle.delete(dn);
      if (this.busy(dn) || !this.active.has(dn)) continue;
      const queue = this.campOns.get(dn);
      while (queue?.length) {
        const leg = queue.shift() as Leg;
        if (!this.alive(leg) || leg.state !== 'QUEUED') continue;
        this.offer(leg, dn, { cause: 'WAITING_CALL_RINGING', forwarding: false });
        break;
      }
      if (queue && !queue.length) this.campOns.delete(dn);
      if (this.busy(dn)) continue;
      const list = this.callbacks.get(dn);
      const ready = list?.find((c) => c.armed && this.active.has(c.from) && !this.busy(c.from) && this.callable(c.from));
      if (!list || !ready) continue;
      list.splice(list.indexOf(ready), 1);
      if (!list.length) this.callbacks.delete(dn);
      this.matureCallback(ready.from, dn);
    }
  }

  private callable(dn: string): boolean {
    const d = this.directory.device(dn);
    return !!d && (d.kind !== 'hotDeskUser' || this.logins.has(dn));
  }

  private matureCallback(from: string, target: string): void {
    const a = this.actor(from);
    const call = this.createCall(this.party(from), target);
    call.called = this.party(target);
    call.callbackTo = target;
    const leg = this.addLeg(call, { dn: a.dn, party: this.party(a.dn), state: 'RECEIVED', callId: call.id, ringingAt: a.phone ? [a.phone] : [] });
    this.legEvent(leg, 'CALL_DELIVERED', 'CALLBACK_MATURED');
  }

  private createCall(calling: PartyInfo, dialed: string, id = this.nextCallId++): Call {
    const call: Call = {
      id,
      globalCallId: `${this.directory.settings.clusterId}:${id}:${this.clock.now()}`,
      legs: [],
      calling,
      called: { number: dialed, name: '', deviceType: 'UNKNOWN' },
      dialedDigits: dialed,
      externalCaller: false,
    };
    this.calls.set(id, call);
    return call;
  }

  /** The callId a device joining `call` gets: the call's own, unless the device already uses it. */
  private legId(call: Call, dn: string | undefined): number {
    return dn !== undefined && this.legsOf(dn).some((l) => l.callId === call.id) ? this.nextCallId++ : call.id;
  }

  private addLeg(call: Call, init: Partial<Leg> & Pick<Leg, 'party' | 'state' | 'callId'>): Leg {
    const leg: Leg = { ringingAt: [], ...init, call, order: ++this.order };
    call.legs.push(leg);
    if (leg.dn !== undefined) {
      const set = this.legsByDn.get(leg.dn) ?? new Set<Leg>();
      set.add(leg);
      this.legsByDn.set(leg.dn, set);
      for (const c of this.callbacks.get(leg.dn) ?? []) c.armed = true;
    }
    if (leg.trunk !== undefined) {
      const set = this.trunkLegs.get(leg.trunk) ?? new Set<Leg>();
      set.add(leg);
      this.trunkLegs.set(leg.trunk, set);
    }
    return leg;
  }

  /** Takes a leg out of its call and the indexes (no events). */
  private detach(leg: Leg): void {
    const call = leg.call;
    const i = call.legs.indexOf(leg);
    if (i >= 0) call.legs.splice(i, 1);
    if (!call.legs.length) this.calls.delete(call.id);
    if (call.controller === leg || call.legs.length <= 2) call.controller = undefined;
    leg.timer?.cancel();
    leg.timer = undefined;
    if (leg.pair) {
      leg.pair.pair = undefined;
      leg.pair = undefined;
    }
    if (leg.dn !== undefined) {
      const set = this.legsByDn.get(leg.dn);
      set?.delete(leg);
      if (set && !set.size) {
        this.legsByDn.delete(leg.dn);
        this.idle.add(leg.dn);
      }
    }
    if (leg.trunk !== undefined) {
      const set = this.trunkLegs.get(leg.trunk);
      set?.delete(leg);
      if (set && !set.size) this.trunkLegs.delete(leg.trunk);
    }
  }

  private moveLeg(leg: Leg, to: Call): void {
    const from = leg.call;
    const i = from.legs.indexOf(leg);
    if (i >= 0) from.legs.splice(i, 1);
    if (!from.legs.length) this.calls.delete(from.id);
    leg.call = to;
    leg.order = ++this.order;
    to.legs.push(leg);
  }

  private alive(leg: Leg): boolean {
    return leg.call.legs.includes(leg);
  }

  private busy(dn: string): boolean {
    return (this.legsByDn.get(dn)?.size ?? 0) > 0;
  }

  private activeLeg(dn: string): Leg | undefined {
    for (const l of this.legsByDn.get(dn) ?? []) if (ACTIVE.has(l.state)) return l;
    return undefined;
  }

  /** Legs of a device, and of the hot desk user logged in at it when it is a phone. */
  private legsOf(dn: string): Leg[] {
    const legs = [...(this.legsByDn.get(dn) ?? [])];
    const user = this.userAtPhone.get(dn);
    if (user) legs.push(...(this.legsByDn.get(user) ?? []));
    return legs;
  }

  /** Legs a phone's keys reach: its own, its hot desk user's, its line appearances' there. */
  private legsAt(dn: string): Leg[] {
    const legs = this.legsOf(dn);
    const d = this.directory.device(dn);
    for (const line of d?.kind === 'phone' ? d.lines : []) {
      for (const l of this.legsByDn.get(line.dn) ?? []) if (l.phone === dn || l.ringingAt.includes(dn)) legs.push(l);
    }
    return legs;
  }

  /** The leg a request means: by callId, or the first in the given states (control API keys). */
  private pick(dn: string, callId: number | undefined, states: readonly LegState[]): Leg {
    this.requireDevice(dn);
    const legs = this.legsAt(dn);
    if (callId !== undefined) {
      const leg = legs.find((l) => l.callId === callId);
      if (!leg) throw err('NO_SUCH_CALL', `no call ${callId} at ${dn}`);
      return leg;
    }
    for (const s of states) {
      const leg = legs.find((l) => l.state === s);
      if (leg) return leg;
    }
    throw err(legs.length ? 'INVALID_STATE' : 'NO_SUCH_CALL', `${dn} has no ${states.map((s) => s.toLowerCase()).join(' or ')} call`);
  }

  /** Who acts when `dn` makes a call: the hot desk user at a phone, a line's first phone. */
  private actor(dn: string): { dn: string; phone?: string; line?: number; trunk?: string } {
    const d = this.requireDevice(dn);
    if (!this.active.has(dn)) throw err('NOT_IN_SERVICE', `${dn} is out of service`);
    switch (d.kind) {
      case 'phone': {
        const user = this.userAtPhone.get(dn);
        return user ? { dn: user, phone: dn } : { dn, phone: dn };
      }
      case 'line': {
        const first = d.appearances[0];
        return first ? { dn, phone: first.phone, line: first.button } : { dn };
      }
      case 'hotDeskUser': {
        const login = this.logins.get(dn);
        if (!login) throw err('NOT_LOGGED_IN', `hot desk user ${dn} is not logged in`);
        return login.phone ? { dn, phone: login.phone } : { dn, trunk: login.external as string };
      }
      default:
        throw err('INVALID_STATE', `${dn} is a ring group: it cannot make calls`);
    }
  }

  private requireDevice(dn: string): DeviceDef {
    const d = this.directory.device(dn);
    if (!d) throw err('NO_SUCH_DEVICE', `no device ${dn} in the cluster`);
    return d;
  }

  private requireUser(dn: string): DeviceDef {
    const d = this.requireDevice(dn);
    if (d.kind !== 'hotDeskUser') throw err('INVALID_STATE', `${dn} is not a hot desk user`);
    return d;
  }

  private featureOwner(dn: string): string {
    const d = this.requireDevice(dn);
    if (d.kind === 'prg') throw err('INVALID_STATE', `${dn} is a ring group`);
    return this.userAtPhone.get(dn) ?? dn;
  }

  private featureState(dn: string): Features {
    let f = this.features.get(dn);
    if (!f) {
      const off = (): Forward => ({ on: false, dn: '' });
      f = {
        dnd: false,
        forward: { always: off(), busyInternal: off(), busyExternal: off(), noAnswerInternal: off(), noAnswerExternal: off() },
        messagesFrom: new Set(),
      };
      this.features.set(dn, f);
    }
    return f;
  }

  private lineOf(dn: string | undefined, phone: string | undefined): number | undefined {
    if (dn === undefined || phone === undefined) return undefined;
    const d = this.directory.device(dn);
    return d?.kind === 'line' ? d.appearances.find((a) => a.phone === phone)?.button : undefined;
  }

  private party(dn: string): PartyInfo {
    const d = this.directory.device(dn);
    return { number: dn, name: d?.name ?? '', deviceType: d?.type ?? 'UNKNOWN' };
  }

  private outside(digits: string): PartyInfo {
    return { number: digits, name: this.directory.external(digits)?.name ?? '', deviceType: 'EXTERNAL_DEVICE_TYPE' };
  }

  private partyOf(target: DialTarget, dialled: string): PartyInfo {
    if (target.kind === 'internal' && this.directory.device(target.dn)) return this.party(target.dn);
    if (target.kind === 'external') return this.outside(target.digits);
    return { number: dialled, name: '', deviceType: 'UNKNOWN' };
  }

  private role(name: DeviceRole, leg: Leg): EventDevice {
    return leg.line !== undefined ? { role: name, ...leg.party, line: leg.line } : role(name, leg.party);
  }

  private originalRoles(call: Call): EventDevice[] {
    return call.originalDestination ? [role('ORIGINAL_DESTINATION_DEVICE', call.originalDestination)] : [];
  }

  private partiesOf(leg: Leg): EventParty[] {
    const out: EventParty[] = [];
    for (const o of leg.call.legs) {
      if (o === leg || (leg.state === 'RECEIVED' && o.state === 'RECEIVED')) continue;
      out.push({ ...o.party, callId: o.callId });
    }
    return out;
  }

  private allowedFor(leg: Leg): FeatureAllowed[] {
    const f = new Set<FeatureAllowed>();
    const outside = leg.call.legs.some((l) => l.dn === undefined);
    const calledDevice = this.directory.device(leg.call.called.number);
    const toPhone = !outside && calledDevice !== undefined && calledDevice.kind !== 'prg';
    switch (leg.state) {
      case 'ORIGINATED':
        f.add('CLEAR_CALL');
        break;
      case 'DELIVERED':
        f.add('CLEAR_CALL');
        if (leg.pair) f.add('TRANSFER_CALL').add('CANCEL_CONSULTATION_CALL');
        if (toPhone) f.add('SET_CALL_ME_BACK').add('SEND_CALLBACK_MESSAGE');
        break;
      case 'RECEIVED':
        f.add('ANSWER_CALL');
        if (leg.call.callbackTo === undefined) f.add('REDIRECT_CALL');
        break;
      case 'ESTABLISHED':
        f.add('CLEAR_CALL').add('SET_ACCOUNT_CODE');
        if (outside) f.add('OUT_PULSE_DIGITS');
        if (leg.pair) f.add('TRANSFER_CALL').add('CONFERENCE_CALL').add('CANCEL_CONSULTATION_CALL').add('ALTERNATE_CALL').add('TRADE_CALL');
        else f.add('HOLD_CALL').add('CONSULTATION_CALL');
        if (leg.call.controller === leg && leg.call.legs.length === 3) f.add('SPLIT_CONFERENCE_CALL');
        break;
      case 'HELD':
        f.add('CLEAR_CALL');
        if (leg.pair) f.add('ALTERNATE_CALL').add('TRADE_CALL');
        else f.add('RETRIEVE_CALL').add('CONSULTATION_CALL');
        break;
      case 'FAILED':
        f.add('CLEAR_CALL');
        if (leg.pair) f.add('CANCEL_CONSULTATION_CALL');
        if (leg.failCause === 'DESTINATION_BUSY' && toPhone) f.add('CAMPON_CALL').add('SET_CALL_ME_BACK').add('SEND_CALLBACK_MESSAGE');
        if (leg.failCause === 'DESTINATION_DO_NOT_DISTURB') f.add('SEND_CALLBACK_MESSAGE');
        break;
      case 'QUEUED':
        f.add('CLEAR_CALL');
        break;
    }
    return FEATURES_ALLOWED.filter((x) => f.has(x));
  }

  // ---------------------------------------------------------------- emitting

  private legEvent(leg: Leg, type: CallEventType, cause: EventCause, roles: readonly EventDevice[] = [], opts: { state?: CallState; dialedDigits?: string } = {}): void {
    if (leg.dn === undefined) return;
    const call = leg.call;
    const state = opts.state ?? leg.state;
    const idle = state === 'IDLE';
    const event: CallEvent = {
      class: 'call',
      type,
      cause,
      state,
      dn: leg.dn,
      callId: leg.callId,
      globalCallId: call.globalCallId,
      devices: [role('CALLING_DEVICE', call.calling), role('CALLED_DEVICE', call.called), ...roles],
      parties: idle ? [] : this.partiesOf(leg),
      dialedDigits: opts.dialedDigits ?? call.dialedDigits,
      accountCode: leg.accountCode ?? null,
      featuresAllowed: idle ? [] : this.allowedFor(leg),
    };
    if (!idle) leg.lastEvent = event;
    this.deliver(leg.dn, event);
  }

  /** An event for a device that has no leg in the call (forwarding always / on busy). */
  private adHocEvent(dn: string, call: Call, type: CallEventType, cause: EventCause, roles: readonly EventDevice[]): void {
    this.deliver(dn, {
      class: 'call',
      type,
      cause,
      state: 'IDLE',
      dn,
      callId: call.id,
      globalCallId: call.globalCallId,
      devices: [role('CALLING_DEVICE', call.calling), role('CALLED_DEVICE', call.called), ...roles],
      parties: [],
      dialedDigits: call.dialedDigits,
      accountCode: null,
      featuresAllowed: [],
    });
  }

  private featureEvent(dn: string, type: FeatureEventType, attributes: Partial<Record<FeatureAttribute, string>>): void {
    this.deliver(dn, { class: 'feature', type, dn, attributes });
  }

  /** To the device's monitors, and to the phone where it is logged in as a hot desk user. */
  private deliver(dn: string, event: LabEvent): void {
    this.sink({ dn, event });
    const phone = this.logins.get(dn)?.phone;
    if (phone) this.sink({ dn: phone, event });
  }

  /** Cancels every timer; the engine refuses work afterwards. */
  dispose(): void {
    this.stopped = true;
    for (const call of this.calls.values()) for (const l of call.legs) l.timer?.cancel();
    for (const t of this.failbacks.values()) t.cancel();
    this.failbacks.clear();
  }
}

function role(name: DeviceRole, party: PartyInfo): EventDevice {
  return { role: name, number: party.number, name: party.name, deviceType: party.deviceType };
}

function result(leg: Leg): MakeCallResult {
  return leg.failCause !== undefined ? { callId: leg.callId, failure: leg.failCause } : { callId: leg.callId };
}

function checkNumber(number: string): void {
  if (!/^\+?[0-9*#]{1,32}$/.test(number)) throw err('BAD_REQUEST', `"${number}" is not a number to dial`);
}

function checkAccountCode(code: string): void {
  if (!/^[0-9]{1,12}$/.test(code)) throw err('BAD_REQUEST', 'an account code is 1 to 12 digits');
}
