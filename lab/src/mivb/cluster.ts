import { systemClock } from './clock';
import { startControlApi, type ControlApi } from './control-http';
import {
  buildDirectory,
  withCos,
  withHotDeskUser,
  withHotDeskUserChanges,
  withoutDevice,
  withPhone,
  withPhoneChanges,
  withPrg,
  withPrgChanges,
  type Directory,
  type HotDeskUserChanges,
  type PhoneChanges,
  type PrgChanges,
} from './directory';
import { CallEngine, type CallSnapshot, type DeviceInfo, type FeatureStatus, type ForwardMode, type MakeCallResult } from './engine';
import { MivbError } from './errors';
import type { Emission, LabEvent } from './events';
import { DEFAULT_MIVB_FIXTURE, type CosFixture, type HotDeskUserFixture, type MivbFixture, type PhoneFixture, type PrgFixture } from './fixture';
import { ControllerLink, type LinkHost } from './link-server';
import { runOperation } from './link-ops';

/**
 * The lab MiVoice Business cluster: one call engine, one link listener per controller on its own
 * loopback address, the fault switches, an event log, and (optionally) the HTTP control API.
 */
export interface LabMivbOptions {
  /** Default: DEFAULT_MIVB_FIXTURE. Checked: a bad fixture throws a FixtureError naming the entry. */
  readonly fixture?: MivbFixture;
  /** Link port of every controller (default 7001); 0 picks one free port shared by all. */
  readonly linkPort?: number;
  /** HTTP control API on 127.0.0.1:<port> (0 = any free port); without it, no HTTP server. */
  readonly controlPort?: number;
  /** TLS on the links: the certificate must name the controllers' addresses. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Overrides the fixture's heartbeatMs (tests use short ones). */
  readonly heartbeatMs?: number;
  /** Events kept for events() (default 10 000). */
  readonly eventLogSize?: number;
}

export interface ControllerStatus {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly state: 'up' | 'down';
  readonly connections: number;
  readonly stopAnswering: boolean;
  readonly slowLinkMs: number;
}

export interface RecordedEvent {
  /** Position in the log, from 1. */
  readonly n: number;
  readonly at: number;
  /** The device whose monitors get it (a ring group's for presence events). */
  readonly dn: string;
  /** Name of the controller whose links carry it (none while the device is out of service). */
  readonly controller: string | null;
  readonly event: LabEvent;
}

export interface LabMivb {
  readonly clusterId: string;
  /** http://127.0.0.1:<port> when the control API runs. */
  readonly controlUrl: string | undefined;
  controllers(): ControllerStatus[];
  fixture(): MivbFixture;
  devices(): DeviceInfo[];
  device(dn: string): DeviceInfo;
  features(dn: string): FeatureStatus;
  calls(): CallSnapshot[];

  // Phones (a phone's prime DN, a line appearance DN, or a hot desk user). Without callId the
  // phone's current call is meant, as pressing a key would.
  offHook(dn: string): { callId?: number };
  dial(dn: string, digits: string, accountCode?: string): MakeCallResult;
  answer(dn: string, callId?: number): void;
  hangUp(dn: string, callId?: number): void;
  hold(dn: string, callId?: number): void;
  retrieve(dn: string, callId?: number): void;
  consult(dn: string, number: string, callId?: number): MakeCallResult;
  transfer(dn: string, callId?: number): void;
  conference(dn: string, callId?: number): void;
  splitConference(dn: string, callId?: number): void;
  cancelConsultation(dn: string, callId?: number): void;
  alternate(dn: string, callId?: number): void;
  newCall(dn: string, callId: number): void;
  redirect(dn: string, to: string, callId?: number): void;
  pickup(dn: string, ringDn: string): { callId: number };
  remoteRetrieve(dn: string, remoteDn?: string): { callId: number };
  campOn(dn: string, callId?: number): void;
  callMeBack(dn: string, callId?: number): void;
  digits(dn: string, digits: string, callId?: number): void;
  accountCode(dn: string, code: string, callId?: number): void;
  setDnd(dn: string, on: boolean): void;
  setForward(dn: string, mode: ForwardMode, on: boolean, to?: string): void;
  callbackMessage(dn: string, target: string, on: boolean): void;
  prgPresence(dn: string, prgDn: string, present: boolean): void;
  hotDeskLogin(userDn: string, deviceDn: string, pin: string): void;
  hotDeskLogout(userDn: string): void;
  hotDeskLoginExternal(userDn: string, externalNumber: string, pin: string): void;
  hotDeskLogoutExternal(userDn: string): void;

  // The outside world, behind the trunk.
  externalCall(from: string, to: string): MakeCallResult;
  externalAnswer(number: string): void;
  externalHangUp(number: string): void;

  // Directory edits (checked like a fixture; a refused edit throws FixtureError and changes nothing).
  addPhone(phone: PhoneFixture): void;
  updatePhone(dn: string, changes: PhoneChanges): void;
  removeDevice(dn: string): void;
  setCos(dn: string, cos: CosFixture): void;
  addHotDeskUser(user: HotDeskUserFixture): void;
  updateHotDeskUser(dn: string, changes: HotDeskUserChanges): void;
  addPrg(prg: PrgFixture): void;
  updatePrg(dn: string, changes: PrgChanges): void;

  // Faults, per controller (name or address).
  dropLinks(controller: string): void;
  /** Down for downMs (default 5000): links closed and refused, calls cleared, devices fail over. Resolves when up again. */
  restart(controller: string, downMs?: number): Promise<void>;
  stopAnswering(controller: string): void;
  slowLink(controller: string, ms: number): void;
  resume(controller: string): void;

  /**
   * Back to the fixture's state between tests, with the events people at the phones would cause:
   * calls hung up, hot desk logins as in the fixture, DND/forwarding/message lamps off, ring group
   * members present, pending camp-ons and call-me-backs dropped, stopAnswering/slowLink ended.
   * Directory edits and controllers that are down stay as they are.
   */
  reset(): void;

  /** Events emitted after position `after` (all kept ones by default). */
  events(after?: number): RecordedEvent[];
  onEvent(listener: (event: RecordedEvent) => void): () => void;
  stop(): Promise<void>;
}

export async function startLabMivb(options: LabMivbOptions = {}): Promise<LabMivb> {
  let directory: Directory = buildDirectory(options.fixture ?? DEFAULT_MIVB_FIXTURE);
  const settings = directory.settings;
  const heartbeatMs = options.heartbeatMs ?? settings.heartbeatMs;
  const logSize = options.eventLogSize ?? 10_000;
  const log: RecordedEvent[] = [];
  const listeners = new Set<(event: RecordedEvent) => void>();
  let logged = 0;
  let pending: Emission[] | undefined;
  const links = new Map<string, ControllerLink>();

  const route = (emission: Emission): void => {
    const name = emission.controller ?? engine.activeController(emission.dn);
    const link = name === undefined ? undefined : links.get(name);
    if (link?.listening) link.deliver(emission);
  };
  const sink = (emission: Emission): void => {
    const recorded: RecordedEvent = {
      n: ++logged,
      at: Date.now(),
      dn: emission.dn,
      controller: emission.controller ?? engine.activeController(emission.dn) ?? null,
      event: emission.event,
    };
    log.push(recorded);
    // Trimmed in batches: one splice per thousand events, not one per event.
    if (log.length >= logSize + 1000) log.splice(0, log.length - logSize);
    for (const l of listeners) l(recorded);
    if (pending) pending.push(emission);
    else route(emission);
  };
  const engine = new CallEngine(directory, systemClock, sink);

  const host: LinkHost = {
    heartbeatMs,
    clusterId: settings.clusterId,
    version: settings.version,
    handleRequest(link, connection, op, args) {
      // Events a request causes follow its response on the wire.
      pending = [];
      try {
        const body = runOperation({ engine, controller: { name: link.name, address: link.address }, connection }, op, args);
        const caused = pending;
        return { body, after: () => caused.forEach(route) };
      } finally {
        pending = undefined;
      }
    },
  };

  await listenAll(directory, host, options, links);
  let control: ControlApi | undefined;
  let stopped = false;
  const restarts = new Map<string, { timer: NodeJS.Timeout; done(): void }>();

  const linkOf = (ref: string): ControllerLink => {
    const def = directory.controller(ref);
    const link = def && links.get(def.name);
    if (!link) throw new MivbError('NO_SUCH_DEVICE', `no controller ${ref}`);
    return link;
  };
  const edit = (next: MivbFixture): void => {
    directory = buildDirectory(next, 'directory edit');
    engine.setDirectory(directory);
  };

  const lab: LabMivb = {
    clusterId: settings.clusterId,
    get controlUrl() {
      return control?.url;
    },
    controllers: () =>
      [...links.values()].map((l) => ({
        name: l.name,
        address: l.address,
        port: l.port,
        state: engine.isControllerUp(l.name) ? 'up' : 'down',
        connections: l.connectionCount,
        stopAnswering: l.faults.stopAnswering,
        slowLinkMs: l.faults.slowMs,
      })),
    fixture: () => directory.fixture,
    devices: () => engine.devices(),
    device: (dn) => engine.device(dn),
    features: (dn) => engine.featureStatus(dn),
    calls: () => engine.callSnapshots(),

    offHook: (dn) => engine.goOffHook(dn),
    dial: (dn, digits, accountCode) => engine.makeCall(dn, digits, accountCode),
    answer: (dn, callId) => engine.answer(dn, callId),
    hangUp: (dn, callId) => engine.clear(dn, callId),
    hold: (dn, callId) => engine.hold(dn, callId),
    retrieve: (dn, callId) => engine.retrieve(dn, callId),
    consult: (dn, number, callId) => engine.consult(dn, number, callId),
    transfer: (dn, callId) => engine.transfer(dn, callId),
    conference: (dn, callId) => engine.conference(dn, callId),
    splitConference: (dn, callId) => engine.splitConference(dn, callId),
    cancelConsultation: (dn, callId) => engine.cancelConsultation(dn, callId),
    alternate: (dn, callId) => engine.alternate(dn, callId),
    newCall: (dn, callId) => engine.newCall(dn, callId),
    redirect: (dn, to, callId) => engine.redirect(dn, to, callId),
    pickup: (dn, ringDn) => engine.pickup(dn, ringDn),
    remoteRetrieve: (dn, remoteDn) => engine.remoteRetrieve(dn, remoteDn),
    campOn: (dn, callId) => engine.campOn(dn, callId),
    callMeBack: (dn, callId) => engine.callMeBack(dn, callId),
    digits: (dn, digits, callId) => engine.digits(dn, digits, callId),
    accountCode: (dn, code, callId) => engine.accountCode(dn, code, callId),
    setDnd: (dn, on) => engine.setDnd(dn, on),
    setForward: (dn, mode, on, to) => engine.setForward(dn, mode, on, to),
    callbackMessage: (dn, target, on) => engine.callbackMessage(dn, target, on),
    prgPresence: (dn, prgDn, present) => engine.prgPresence(dn, prgDn, present),
    hotDeskLogin: (userDn, deviceDn, pin) => engine.hotDeskLogin(deviceDn, userDn, pin),
    hotDeskLogout: (userDn) => engine.hotDeskLogout(userDn),
    hotDeskLoginExternal: (userDn, externalNumber, pin) => engine.hotDeskLoginExternal(userDn, pin, externalNumber),
    hotDeskLogoutExternal: (userDn) => engine.hotDeskLogout(userDn, true),

    externalCall: (from, to) => engine.externalCall(from, to),
    externalAnswer: (number) => engine.externalAnswer(number),
    externalHangUp: (number) => engine.externalHangUp(number),

    addPhone: (phone) => edit(withPhone(directory.fixture, phone)),
    updatePhone: (dn, changes) => edit(withPhoneChanges(directory.fixture, dn, changes)),
    removeDevice: (dn) => edit(withoutDevice(directory.fixture, dn)),
    setCos: (dn, cos) => edit(withCos(directory.fixture, dn, cos)),
    addHotDeskUser: (user) => edit(withHotDeskUser(directory.fixture, user)),
    updateHotDeskUser: (dn, changes) => edit(withHotDeskUserChanges(directory.fixture, dn, changes)),
    addPrg: (prg) => edit(withPrg(directory.fixture, prg)),
    updatePrg: (dn, changes) => edit(withPrgChanges(directory.fixture, dn, changes)),

    dropLinks: (ref) => linkOf(ref).dropLinks(),
    async restart(ref, downMs = 5000) {
      const link = linkOf(ref);
      if (!engine.isControllerUp(link.name)) throw new MivbError('INVALID_STATE', `${link.name} is already down`);
      await link.close();
      engine.controllerDown(link.name);
      await new Promise<void>((done) => restarts.set(link.name, { timer: setTimeout(done, downMs), done }));
      restarts.delete(link.name);
      if (stopped) return;
      await link.listen();
      engine.controllerUp(link.name);
    },
    stopAnswering: (ref) => {
      linkOf(ref).faults.stopAnswering = true;
    },
    slowLink: (ref, ms) => {
      if (!Number.isInteger(ms) || ms < 0) throw new MivbError('BAD_REQUEST', 'ms must be a whole number of milliseconds');
      linkOf(ref).faults.slowMs = ms;
    },
    resume: (ref) => linkOf(ref).resume(),
    reset() {
      for (const link of links.values()) link.resume();
      engine.reset();
    },

    events: (after = 0) => log.filter((e) => e.n > after).slice(-logSize),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      for (const r of restarts.values()) {
        clearTimeout(r.timer);
        r.done();
      }
      engine.dispose();
      await control?.close();
      await Promise.all([...links.values()].map((l) => l.close()));
    },
  };
  if (options.controlPort !== undefined) control = await startControlApi(lab, options.controlPort);
  return lab;
}

/** Binds every controller; with port 0 the first picks a free port and the others share it. */
async function listenAll(directory: Directory, host: LinkHost, options: LabMivbOptions, links: Map<string, ControllerLink>): Promise<void> {
  const wanted = options.linkPort ?? 7001;
  for (let attempt = 0; ; attempt++) {
    let port = wanted;
    try {
      for (const c of directory.controllers) {
        const link = new ControllerLink(c.name, c.address, port, host, options.tls);
        links.set(c.name, link);
        port = await link.listen();
      }
      return;
    } catch (e) {
      await Promise.all([...links.values()].map((l) => l.close()));
      links.clear();
      const code = (e as NodeJS.ErrnoException).code;
      if (wanted !== 0 || code !== 'EADDRINUSE' || attempt >= 5) {
        throw new MivbError('INTERNAL', `cannot listen on the controllers' addresses (port ${wanted}): ${(e as Error).message}`);
      }
    }
  }
}
