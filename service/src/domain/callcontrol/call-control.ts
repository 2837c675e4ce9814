import { oigError } from '../../errors';
import type { Logger } from '../../log';
import type { Session, SessionType } from '../sessions/session';
import type { Controllers } from './controllers';
import type { ChannelStats, EventChannels } from './event-channels';
import { callEventFromPbx, systemEvent, type CallEventMsg } from './events';
import { MonitorHub, type MonitorKind } from './monitors';
import { ObjectRegistry, type DeviceObject } from './object-ids';
import { pbxFailure } from './pbx-errors';
import { PbxError, type LinkState, type PbxCallEvent, type PbxLinks } from './pbx-port';
import type { MonitorPool, NetworkElement } from './ports';

export interface CallControlDeps {
  /** The live session, or OIG_SESSION_NOT_FOUND. */
  readonly session: (sessionId: string) => Session;
  readonly links: PbxLinks;
  readonly controllers: Controllers;
  readonly channels: EventChannels;
  readonly pool: MonitorPool;
  readonly log: Logger;
  readonly now?: () => number;
}

/** What the controller's `device.get` tells (docs/pbx-link-protocol.md). */
export interface PbxDeviceInfo {
  readonly dn: string;
  readonly name?: string;
  readonly type: string;
  readonly primary: string;
  readonly secondary?: string | null;
  readonly activeController?: string | null;
  readonly inService?: boolean;
  readonly lines?: readonly { button: number; dn: string }[];
  readonly members?: readonly string[];
  readonly hotDesk?: { user?: string | null; device?: string | null; externalNumber?: string | null; configuredExternalNumber?: string | null } | null;
}

interface ForwardingInfo {
  readonly on: boolean;
  readonly dn?: string | null;
}

interface PbxFeatures {
  readonly dnd: boolean;
  readonly autoAnswer: boolean;
  readonly messageWaiting: boolean;
  readonly forwarding: Record<'always' | 'busyInternal' | 'busyExternal' | 'noAnswerInternal' | 'noAnswerExternal', ForwardingInfo>;
  readonly hotDeskUser?: string | null;
  readonly registrationDn?: string | null;
}

export type ForwardMode = keyof PbxFeatures['forwarding'];

const MAX_DN = 32;
const DIAL_STRING = /^[0-9*#+]{1,64}$/;

function dnArg(value: unknown, name: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' || text.length > MAX_DN || !/^[0-9*#+]+$/.test(text)) {
    throw oigError('OIG_CC_INVALID_ARGUMENT', `${name} must be a directory number (digits, * # +; at most ${MAX_DN})`);
  }
  return text;
}

function dialArg(value: unknown, name: string): string {
  const text = typeof value === 'string' ? value.replace(/[\s\-()]/g, '') : '';
  if (!DIAL_STRING.test(text)) throw oigError('OIG_CC_INVALID_ARGUMENT', `${name} must be a number to dial (digits, * # +; at most 64)`);
  return text;
}

function callIdArg(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw oigError('OIG_CC_INVALID_ARGUMENT', 'localCallId must be the positive id of a call reported in an event');
  return n;
}

/**
 * The Standard Call Control service's meaning (seed: "Call Control Service Key Concepts"):
 * object ids, shared monitors, call control and features through the controllers, event
 * delivery. Transport-free: the SOAP handlers turn these results into the contract's types.
 */
export class CallControl {
  readonly objects = new ObjectRegistry();
  readonly monitors: MonitorHub;
  private readonly now: () => number;
  /** Call monitors each session holds, with the licence level each was taken at. */
  private readonly held = new Map<string, Map<string, SessionType>>();

  constructor(private readonly deps: CallControlDeps) {
    this.now = deps.now ?? Date.now;
    this.monitors = new MonitorHub({
      links: deps.links,
      controllers: deps.controllers,
      publish: (sessionId, event) => deps.channels.publish(sessionId, event),
      log: deps.log.child({ part: 'monitors' }),
      now: this.now,
    });
  }

  // ------------------------------------------------------------------ object ids and controllers

  async getIcpId(sessionId: string, ipAddress: string): Promise<{ icpId: string; connectionState: LinkState; icpVersion: string | undefined }> {
    this.deps.session(sessionId);
    const { element, state } = await this.deps.controllers.byIpAddress(ipAddress);
    this.monitors.addInterest(sessionId, element.address);
    return { icpId: element.id, connectionState: state, icpVersion: this.deps.links.info(element.address)?.version };
  }

  async getIcpConfig(sessionId: string, icpId: string): Promise<Record<string, unknown>> {
    this.deps.session(sessionId);
    const element = this.deps.controllers.byIcpId(icpId);
    const info = await this.request<Record<string, unknown>>(element.address, 'system.info', {}, undefined);
    const areaCodes = info.localAreaCodes;
    return {
      maxExtLength: info.maxExtLength === undefined ? undefined : String(info.maxExtLength),
      trunkPrefix: info.trunkPrefix,
      longDistancePrefix: info.longDistancePrefix,
      internationalPrefix: info.internationalPrefix,
      localAreaCodes: Array.isArray(areaCodes) ? areaCodes.join(',') : areaCodes,
      outsidePrefix: info.outsidePrefix,
      localCountryCode: info.localCountryCode,
      neType: 'MI_VB',
      ipAddr: element.address,
    };
  }

  async getPhoneNumberId(sessionId: string, icpId: string, primeDn: unknown): Promise<DeviceObject> {
    this.deps.session(sessionId);
    const info = await this.deviceInfo(this.deps.controllers.byIcpId(icpId), dnArg(primeDn, 'primeDn'));
    return this.objects.device({ dn: info.dn, primeDn: info.dn, button: null, type: info.type, primary: info.primary, secondary: info.secondary ?? null });
  }

  async getLineAppearanceId(sessionId: string, icpId: string, primeDn: unknown, button: number): Promise<DeviceObject> {
    this.deps.session(sessionId);
    const info = await this.deviceInfo(this.deps.controllers.byIcpId(icpId), dnArg(primeDn, 'primeDn'));
    const line = (info.lines ?? []).find((l) => l.button === button);
    if (!line) {
      throw oigError('OIG_CC_NO_SUCH_DEVICE', `Phone ${info.dn} has no line appearance on button ${button}`);
    }
    return this.lineObject(info, line);
  }

  /** getDeviceConfiguration(Ex): lines with their object ids, and the controllers serving the phone. */
  async getDeviceConfiguration(sessionId: string, icpId: string, primeDn: unknown) {
    this.deps.session(sessionId);
    const info = await this.deviceInfo(this.deps.controllers.byIcpId(icpId), dnArg(primeDn, 'primeDn'));
    const prime = this.objects.device({ dn: info.dn, primeDn: info.dn, button: null, type: info.type, primary: info.primary, secondary: info.secondary ?? null });
    const lines = [
      { objectId: prime.id, buttonNumber: 1, extNumber: info.dn },
      ...(info.lines ?? []).map((l) => ({ objectId: this.lineObject(info, l).id, buttonNumber: l.button, extNumber: l.dn })),
    ];
    const primary = await this.deps.controllers.forAddress(info.primary);
    const secondary = info.secondary ? await this.deps.controllers.forAddress(info.secondary) : undefined;
    return { lines, primary, secondary, isResilient: secondary !== undefined };
  }

  /** getDeviceMembers: a PRG's members, or a multi-line phone's line appearances. */
  async getDeviceMembers(sessionId: string, icpId: string, primeDn: unknown) {
    this.deps.session(sessionId);
    const info = await this.deviceInfo(this.deps.controllers.byIcpId(icpId), dnArg(primeDn, 'primeDn'));
    if (info.members && info.members.length > 0) {
      return Promise.all(
        info.members.map(async (dn) => {
          const member = await this.deviceInfo(await this.deps.controllers.forAddress(info.primary), dn);
          const object = this.objects.device({ dn, primeDn: dn, button: null, type: member.type, primary: member.primary, secondary: member.secondary ?? null });
          return { primeDn: dn, buttonNum: 0, objectId: object.id };
        }),
      );
    }
    return (info.lines ?? []).map((l) => ({ primeDn: l.dn, buttonNum: l.button, objectId: this.lineObject(info, l).id }));
  }

  async getResilientStatus(sessionId: string, objectId: string) {
    this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    const primary = await this.deps.controllers.forAddress(object.primary);
    const secondary = object.secondary ? await this.deps.controllers.forAddress(object.secondary) : undefined;
    const status = async (element: NetworkElement | undefined) => {
      if (!element || this.deps.links.state(element.address) !== 'CONNECTED') return undefined;
      try {
        const { calls } = await this.deps.links.request<{ calls: PbxCallEvent[] }>(element.address, 'call.status', { dn: object.dn });
        return calls[0]?.state ?? 'IDLE';
      } catch {
        return undefined;
      }
    };
    const active =
      this.monitors.activeAddress('call', object.id) ??
      (await this.deviceInfo(primary, object.dn).catch(() => undefined))?.activeController ??
      undefined;
    const activeElement = active === undefined ? undefined : await this.deps.controllers.forAddress(active);
    return {
      isResilient: secondary !== undefined,
      primaryIcpId: primary.id,
      secondaryIcpId: secondary?.id ?? '0',
      activeIcpId: activeElement?.id ?? '0',
      primaryIcpAddress: primary.address,
      primaryConnectionState: this.deps.links.state(primary.address),
      secondaryIcpAddress: secondary?.address,
      secondaryConnectionState: secondary ? this.deps.links.state(secondary.address) : undefined,
      callStatePrimary: await status(primary),
      callStateSecondary: await status(secondary),
    };
  }

  // ------------------------------------------------------------------ monitors

  async monitorObject(sessionId: string, objectId: string): Promise<{ objectId: string; icpId: string }> {
    const session = this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    const icpId = (await this.deps.controllers.forAddress(object.primary)).id;
    if (this.monitors.isSubscribed(sessionId, 'call', object.id)) return { objectId, icpId };
    const level = session.type;
    this.deps.pool.acquire(sessionId, level);
    try {
      await this.subscribe(sessionId, object, 'call');
    } catch (err) {
      this.deps.pool.release(sessionId, level);
      throw err;
    }
    let held = this.held.get(sessionId);
    if (!held) this.held.set(sessionId, (held = new Map()));
    held.set(object.id, level);
    return { objectId, icpId };
  }

  async stopMonitor(sessionId: string, objectId: string): Promise<void> {
    this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    if (!(await this.monitors.unsubscribe(sessionId, 'call', object.id))) {
      throw oigError('OIG_CC_NOT_MONITORED', `Object ${objectId} is not monitored by this session`);
    }
    const level = this.held.get(sessionId)?.get(object.id);
    if (level) {
      this.held.get(sessionId)?.delete(object.id);
      this.deps.pool.release(sessionId, level);
    }
  }

  async monitorFeatures(sessionId: string, objectId: string): Promise<{ objectId: string; icpId: string }> {
    this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    await this.subscribe(sessionId, object, 'feature');
    return { objectId, icpId: (await this.deps.controllers.forAddress(object.primary)).id };
  }

  async stopFeatureMonitor(sessionId: string, objectId: string): Promise<void> {
    this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    if (!(await this.monitors.unsubscribe(sessionId, 'feature', object.id))) {
      throw oigError('OIG_CC_NOT_MONITORED', `The features of object ${objectId} are not monitored by this session`);
    }
  }

  /** monitorPRGPresence: presence changes of every personal ring group on one controller. */
  async monitorPrgPresence(sessionId: string, icpId: string): Promise<{ objectId: string; icpId: string }> {
    this.deps.session(sessionId);
    const element = this.deps.controllers.byIcpId(icpId);
    await this.deps.controllers.ensureLink(element);
    await this.monitors.subscribe(sessionId, { kind: 'prg', dn: undefined, objectId: element.id, addresses: [element.address] }, element.id);
    return { objectId: element.id, icpId: element.id };
  }

  async stopPrgPresenceMonitor(sessionId: string, icpId: string): Promise<void> {
    this.deps.session(sessionId);
    const element = this.deps.controllers.byIcpId(icpId);
    if (!(await this.monitors.unsubscribe(sessionId, 'prg', element.id))) {
      throw oigError('OIG_CC_NOT_MONITORED', `PRG presence on icpId ${icpId} is not monitored by this session`);
    }
  }

  /** The session ended: its monitors, licences and events are released. */
  async endSession(sessionId: string): Promise<void> {
    const held = this.held.get(sessionId);
    this.held.delete(sessionId);
    for (const level of held?.values() ?? []) this.deps.pool.release(sessionId, level);
    this.deps.channels.end(sessionId);
    await this.monitors.endSession(sessionId);
  }

  // ------------------------------------------------------------------ call control

  /** A call-control request on a monitored object (seed: "Opening a monitor also means the application is able to control the device"). */
  async control(sessionId: string, objectId: string, op: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const object = this.controlled(sessionId, objectId);
    return this.onDevice(object, op, { dn: object.dn, ...args });
  }

  async callOp(sessionId: string, objectId: string, op: string, localCallId: unknown, args: Record<string, unknown> = {}): Promise<void> {
    await this.control(sessionId, objectId, op, { callId: callIdArg(localCallId), ...args });
  }

  async makeCall(sessionId: string, objectId: string, number: unknown, accountCode: unknown): Promise<void> {
    const args: Record<string, unknown> = { number: dialArg(number, 'number') };
    if (typeof accountCode === 'string' && accountCode.trim() !== '') args.accountCode = dialArg(accountCode, 'accountCode');
    await this.control(sessionId, objectId, 'call.make', args);
  }

  async consultationCall(sessionId: string, objectId: string, localCallId: unknown, number: unknown): Promise<void> {
    await this.callOp(sessionId, objectId, 'call.consult', localCallId, { number: dialArg(number, 'number') });
  }

  async redirectCall(sessionId: string, objectId: string, localCallId: unknown, to: unknown): Promise<void> {
    await this.callOp(sessionId, objectId, 'call.redirect', localCallId, { to: dialArg(to, 'redirectDn') });
  }

  async pickupCall(sessionId: string, objectId: string, ringDn: unknown): Promise<void> {
    await this.control(sessionId, objectId, 'call.pickup', { ringDn: dnArg(ringDn, 'ringDn') });
  }

  async remoteRetrieveCall(sessionId: string, objectId: string, remoteDn: unknown): Promise<void> {
    const args: Record<string, unknown> = {};
    if (typeof remoteDn === 'string' && remoteDn.trim() !== '') args.remoteDn = dnArg(remoteDn, 'remoteDn');
    await this.control(sessionId, objectId, 'call.remoteRetrieve', args);
  }

  async outPulseDigits(sessionId: string, objectId: string, localCallId: unknown, digits: unknown): Promise<void> {
    const text = typeof digits === 'string' ? digits.trim() : '';
    if (!/^[0-9*#]{1,64}$/.test(text)) throw oigError('OIG_CC_INVALID_ARGUMENT', 'digits must be DTMF digits (0-9 * #), at most 64');
    await this.callOp(sessionId, objectId, 'call.digits', localCallId, { digits: text });
  }

  async setAccountCode(sessionId: string, objectId: string, localCallId: unknown, code: unknown): Promise<void> {
    await this.callOp(sessionId, objectId, 'call.accountCode', localCallId, { accountCode: dialArg(code, 'accCode') });
  }

  async getCallStatus(sessionId: string, objectId: string): Promise<CallEventMsg | undefined> {
    this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    const { result, address } = await this.onDeviceWithAddress<{ calls: PbxCallEvent[] }>(object, 'call.status', { dn: object.dn });
    const call = result.calls[0];
    if (!call) return undefined;
    const mapped = callEventFromPbx(call, object.id, this.deps.controllers.icpIdOf(address), this.now());
    return mapped.eventType === 'CALL_EVENT' ? mapped.callEvent : undefined;
  }

  // ------------------------------------------------------------------ features

  async setDnd(sessionId: string, objectId: string, on: boolean): Promise<void> {
    await this.control(sessionId, objectId, 'feature.dnd', { on });
  }

  async setForwarding(sessionId: string, objectId: string, mode: ForwardMode, on: boolean, to: unknown): Promise<void> {
    const args: Record<string, unknown> = { mode, on };
    if (on || (typeof to === 'string' && to.trim() !== '')) args.to = dialArg(to, 'dn');
    await this.control(sessionId, objectId, 'feature.forward', args);
  }

  async getDeviceFeatures(sessionId: string, objectId: string): Promise<PbxFeatures> {
    this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    return this.onDevice<PbxFeatures>(object, 'feature.get', { dn: object.dn });
  }

  /** sendCallMeBackMsgNoCall / clearCallMeBackMsg: a call-me-back message lamp on `target`. */
  async callbackMessage(sessionId: string, objectId: string, target: unknown, on: boolean): Promise<void> {
    await this.control(sessionId, objectId, 'feature.callbackMessage', { target: dnArg(target, 'dn'), on });
  }

  /** sendCallMeBackMsgForCall: leaves the message at the device the call went to (else its other party). */
  async callbackMessageForCall(sessionId: string, objectId: string, localCallId: unknown): Promise<void> {
    const callId = callIdArg(localCallId);
    const object = this.controlled(sessionId, objectId);
    const { calls } = await this.onDevice<{ calls: PbxCallEvent[] }>(object, 'call.status', { dn: object.dn });
    const call = calls.find((c) => c.callId === callId);
    // The device the call went to: a busy or DND one is in no party list (the failed call has
    // none), yet the controller offers SEND_CALLBACK_MESSAGE there. Else the other party.
    const called = call?.devices.find((d) => d.role === 'CALLED_DEVICE' && d.number !== object.dn)?.number;
    const target = called ?? call?.parties.find((p) => p.number !== object.dn)?.number;
    if (!call || !target) throw oigError('OIG_CC_NO_SUCH_CALL', `Device ${object.dn} has no call ${callId} with another party`);
    await this.onDevice(object, 'feature.callbackMessage', { dn: object.dn, target, on: true });
  }

  /** clearCallMeBackMsg: clears the message `deviceDn` left on the object's device. */
  async clearCallbackMessage(sessionId: string, objectId: string, deviceDn: unknown): Promise<void> {
    const object = this.controlled(sessionId, objectId);
    const from = dnArg(deviceDn, 'deviceDn');
    await this.onDevice(object, 'feature.callbackMessage', { dn: from, target: object.dn, on: false });
  }

  async setPrgPresence(sessionId: string, objectId: string, present: boolean, prgDn: unknown): Promise<void> {
    await this.control(sessionId, objectId, 'feature.prgPresence', { prgDn: dnArg(prgDn, 'PRGDn'), present });
  }

  // ------------------------------------------------------------------ hot desking

  async loginHotDeskUser(sessionId: string, deviceObjectId: string, userDn: unknown, pin: unknown): Promise<void> {
    const device = this.controlled(sessionId, deviceObjectId);
    await this.onDevice(device, 'hotdesk.login', { deviceDn: device.dn, userDn: dnArg(userDn, 'hotDeskUserDn'), pin: pinArg(pin) });
  }

  /** logoutHotDeskUser: the object is the hot desk device (or the user itself). */
  async logoutHotDeskUser(sessionId: string, objectId: string): Promise<void> {
    const object = this.controlled(sessionId, objectId);
    const info = await this.deviceInfoOf(object);
    const userDn = info.hotDesk?.user && info.hotDesk.user !== object.dn ? info.hotDesk.user : object.dn;
    await this.onDevice(object, 'hotdesk.logout', { userDn });
  }

  /** loginExtHotDeskUser: the user logs in at the outside number the MiVoice Business has for it. */
  async loginExtHotDeskUser(sessionId: string, userObjectId: string, pin: unknown): Promise<void> {
    const user = this.controlled(sessionId, userObjectId);
    await this.onDevice(user, 'hotdesk.loginExternal', { userDn: user.dn, pin: pinArg(pin) });
  }

  async logoutExtHotDeskUser(sessionId: string, userObjectId: string): Promise<void> {
    const user = this.controlled(sessionId, userObjectId);
    await this.onDevice(user, 'hotdesk.logoutExternal', { userDn: user.dn });
  }

  async verifyHotDeskUserPin(sessionId: string, objectId: string, userDn: unknown, pin: unknown): Promise<void> {
    this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    const { valid } = await this.onDevice<{ valid: boolean }>(object, 'hotdesk.verifyPin', { userDn: dnArg(userDn, 'hotDeskUserDn'), pin: pinArg(pin) });
    if (!valid) throw oigError('OIG_CC_HOT_DESK_REFUSED', 'The PIN does not match the hot desk user');
  }

  /** getHotDeskUserDn: who is logged in at a hot desk device. */
  async hotDeskUserAt(sessionId: string, deviceObjectId: string): Promise<string> {
    this.deps.session(sessionId);
    const info = await this.deviceInfoOf(this.objects.get(deviceObjectId));
    if (!info.hotDesk?.user) throw oigError('OIG_CC_HOT_DESK_REFUSED', `No hot desk user is logged in at ${info.dn}`);
    return info.hotDesk.user;
  }

  /** getHotDeskUserLoginDevice: where a hot desk user is logged in. */
  async hotDeskDeviceOf(sessionId: string, userObjectId: string): Promise<string> {
    this.deps.session(sessionId);
    const info = await this.deviceInfoOf(this.objects.get(userObjectId));
    const device = info.hotDesk?.device ?? info.hotDesk?.externalNumber;
    if (!device) throw oigError('OIG_CC_HOT_DESK_REFUSED', `Hot desk user ${info.dn} is not logged in`);
    return device;
  }

  // ------------------------------------------------------------------ numbers

  async dialableNumber(sessionId: string, icpId: string, e164: unknown): Promise<string> {
    this.deps.session(sessionId);
    const element = this.deps.controllers.byIcpId(icpId);
    const { dialable } = await this.request<{ dialable: string }>(element.address, 'number.dialable', { e164: dialArg(e164, 'e164Str') }, undefined);
    return dialable;
  }

  async incomingNumbers(sessionId: string, icpId: string, digits: unknown, incoming: boolean): Promise<string[]> {
    this.deps.session(sessionId);
    const element = this.deps.controllers.byIcpId(icpId);
    const { numbers } = await this.request<{ numbers: string[] }>(element.address, 'number.incoming', { digits: dialArg(digits, 'digitStr'), incoming }, undefined);
    return numbers;
  }

  /** What a session holds, for the administrator: call monitors and its event channel's counters. */
  sessionStats(sessionId: string): { monitors: number; events: ChannelStats | undefined } {
    return { monitors: this.held.get(sessionId)?.size ?? 0, events: this.deps.channels.stats(sessionId) };
  }

  /** The network elements with their link state and the version the controller reported. */
  networkElements(): Array<NetworkElement & { connectionState: LinkState; version: string | undefined }> {
    return this.deps.controllers.list().map((e) => ({ ...e, connectionState: this.deps.links.state(e.address), version: this.deps.links.info(e.address)?.version }));
  }

  /** Tells every session the gateway is stopping (system event OIG_SHUTDOWN), before the listeners close. */
  announceShutdown(): void {
    this.deps.channels.broadcast(systemEvent('0', 'NOT_CONNECTED', this.now(), 'OIG_SHUTDOWN'));
  }

  close(): void {
    this.monitors.close();
  }

  // ------------------------------------------------------------------ helpers

  private controlled(sessionId: string, objectId: string): DeviceObject {
    this.deps.session(sessionId);
    const object = this.objects.get(objectId);
    if (!this.monitors.isSubscribed(sessionId, 'call', object.id)) {
      throw oigError('OIG_CC_NOT_MONITORED', `Object ${objectId} (${object.dn}) is not monitored by this session; call monitorObject first`);
    }
    return object;
  }

  private async subscribe(sessionId: string, object: DeviceObject, kind: MonitorKind): Promise<void> {
    const addresses = object.secondary ? [object.primary, object.secondary] : [object.primary];
    // A resilient device is watched on both controllers, so its events continue on the
    // secondary when the primary fails (seed: "MiVoice Business connection recovery").
    for (const address of addresses) await this.deps.controllers.ensureLink(await this.deps.controllers.forAddress(address));
    await this.monitors.subscribe(sessionId, { kind, dn: object.dn, objectId: object.id, addresses }, object.id);
  }

  private lineObject(info: PbxDeviceInfo, line: { button: number; dn: string }): DeviceObject {
    return this.objects.device({ dn: line.dn, primeDn: info.dn, button: line.button, type: 'LINE_APPEARANCE', primary: info.primary, secondary: info.secondary ?? null });
  }

  private async deviceInfo(element: NetworkElement, dn: string): Promise<PbxDeviceInfo> {
    await this.deps.controllers.ensureLink(element);
    return this.request<PbxDeviceInfo>(element.address, 'device.get', { dn }, dn);
  }

  private async deviceInfoOf(object: DeviceObject): Promise<PbxDeviceInfo> {
    return this.onDevice<PbxDeviceInfo>(object, 'device.get', { dn: object.dn });
  }

  private async request<T>(address: string, op: string, args: Record<string, unknown>, dn: string | undefined): Promise<T> {
    try {
      return await this.deps.links.request<T>(address, op, args);
    } catch (err) {
      throw pbxFailure(err, dn);
    }
  }

  private async onDevice<T = Record<string, unknown>>(object: DeviceObject, op: string, args: Record<string, unknown>): Promise<T> {
    return (await this.onDeviceWithAddress<T>(object, op, args)).result;
  }

  /**
   * Sends a device request to the controller serving the device: the one events say is
   * active, else the primary, then the secondary when the first is down or not serving it.
   */
  private async onDeviceWithAddress<T>(object: DeviceObject, op: string, args: Record<string, unknown>): Promise<{ result: T; address: string }> {
    const active = this.monitors.activeAddress('call', object.id);
    const order = [...new Set([active, object.primary, object.secondary].filter((a): a is string => typeof a === 'string'))];
    let last: unknown;
    for (const address of order) {
      try {
        return { result: await this.deps.links.request<T>(address, op, args), address };
      } catch (err) {
        last = err;
        // Only refusals that mean "not sent here" move on: a timed-out request may have been
        // carried out, and repeating it elsewhere could, say, place a second call.
        if (!(err instanceof PbxError) || !['NOT_IN_SERVICE', 'LINK_DOWN'].includes(err.code)) break;
      }
    }
    throw pbxFailure(last, object.dn);
  }
}

function pinArg(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!/^[0-9]{1,16}$/.test(text)) throw oigError('OIG_CC_INVALID_ARGUMENT', 'pin must be 1 to 16 digits');
  return text;
}
