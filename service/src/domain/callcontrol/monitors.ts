import type { Logger } from '../../log';
import type { Controllers } from './controllers';
import { callEventFromPbx, featureEventFromPbx, gatewayCallEvent, systemEvent, type StandardEvent } from './events';
import { pbxFailure } from './pbx-errors';
import { PbxError, type LinkState, type PbxEvent, type PbxLinks } from './pbx-port';

export type MonitorKind = 'call' | 'feature' | 'prg';

export interface MonitorHubDeps {
  readonly links: PbxLinks;
  readonly controllers: Controllers;
  readonly publish: (sessionId: string, event: StandardEvent) => void;
  readonly log: Logger;
  readonly now: () => number;
}

/** What is watched on the PBX: a device's call or feature events, or one controller's PRG presence. */
export interface MonitorTarget {
  readonly kind: MonitorKind;
  /** The DN watched (absent for a controller-wide PRG monitor). */
  readonly dn: string | undefined;
  /** The object id events are reported on. */
  readonly objectId: string;
  /** Controllers serving it: primary first, then the secondary of a resilient device. */
  readonly addresses: readonly string[];
}

interface SharedMonitor {
  readonly key: string;
  readonly target: MonitorTarget;
  /** The controller monitor id on each linked address where it is running now. */
  readonly running: Map<string, number>;
  /** Addresses where a monitor.start is on its way (so a restore cannot start a second one). */
  readonly pending: Set<string>;
  /** Sessions watching it, with the object ids they watch it through. */
  readonly subscribers: Map<string, Set<string>>;
  /** The controller serving the device now, as far as events tell. */
  active: string | undefined;
  starting: Promise<void> | undefined;
}

/**
 * One PBX monitor per watched thing, shared by every session that watches it (seed: "MiVoice
 * Business connection recovery"): stopped only when the last session stops watching or ends.
 * Controller events fan out to the subscribers. When a link fails the subscribers get the
 * system event CONNECTION_FAILURE and OUT_OF_SERVICE for devices served there; when it comes
 * back, CONNECTED, every monitor is started again and each subscriber gets MONITOR_SET.
 */
export class MonitorHub {
  private readonly monitors = new Map<string, SharedMonitor>();
  /** `${address}#${controller monitor id}` → monitor, for routing events. */
  private readonly byLinkMonitor = new Map<string, SharedMonitor>();
  /** Sessions to tell about a controller's link (they asked for its icpId or watch something there). */
  private readonly interest = new Map<string, Set<string>>();
  private readonly lastState = new Map<string, LinkState>();
  private readonly wasConnected = new Set<string>();
  private readonly unlisten: () => void;

  constructor(private readonly deps: MonitorHubDeps) {
    this.unlisten = deps.links.listen({
      state: (address, state) => this.onLinkState(address, state),
      event: (address, monitorId, event) => this.onLinkEvent(address, monitorId, event),
    });
  }

  /** The session wants to hear about the link to `address`. */
  addInterest(sessionId: string, address: string): void {
    let sessions = this.interest.get(address);
    if (!sessions) this.interest.set(address, (sessions = new Set()));
    sessions.add(sessionId);
  }

  isSubscribed(sessionId: string, kind: MonitorKind, key: string): boolean {
    return this.monitors.get(`${kind}:${key}`)?.subscribers.has(sessionId) ?? false;
  }

  /** Starts (or joins) the shared monitor and subscribes the session; MONITOR_SET follows for call monitors. */
  async subscribe(sessionId: string, target: MonitorTarget, key: string): Promise<void> {
    const monitorKey = `${target.kind}:${key}`;
    let monitor = this.monitors.get(monitorKey);
    if (!monitor) {
      monitor = { key: monitorKey, target, running: new Map(), pending: new Set(), subscribers: new Map(), active: undefined, starting: undefined };
      this.monitors.set(monitorKey, monitor);
    }
    try {
      if (monitor.running.size === 0) {
        monitor.starting ??= this.startEverywhere(monitor).finally(() => {
          if (monitor) monitor.starting = undefined;
        });
        await monitor.starting;
      }
    } catch (err) {
      if (monitor.subscribers.size === 0) this.monitors.delete(monitorKey);
      throw err;
    }
    let objectIds = monitor.subscribers.get(sessionId);
    if (!objectIds) monitor.subscribers.set(sessionId, (objectIds = new Set()));
    objectIds.add(target.objectId);
    for (const address of target.addresses) this.addInterest(sessionId, address);
    if (target.kind === 'call' && target.dn !== undefined) {
      this.deps.publish(sessionId, this.monitorSetEvent(target, monitor.active ?? (target.addresses[0] as string), 'MONITOR_SET'));
    }
  }

  /** Drops the session's watch; the PBX monitor stops when nobody watches any more. */
  async unsubscribe(sessionId: string, kind: MonitorKind, key: string): Promise<boolean> {
    const monitor = this.monitors.get(`${kind}:${key}`);
    if (!monitor || !monitor.subscribers.delete(sessionId)) return false;
    if (monitor.subscribers.size === 0) await this.stop(monitor);
    return true;
  }

  /** The session ended: everything it watched is released. Returns how many call monitors it held. */
  async endSession(sessionId: string): Promise<void> {
    for (const sessions of this.interest.values()) sessions.delete(sessionId);
    const emptied: SharedMonitor[] = [];
    for (const monitor of this.monitors.values()) {
      if (monitor.subscribers.delete(sessionId) && monitor.subscribers.size === 0) emptied.push(monitor);
    }
    await Promise.all(emptied.map((m) => this.stop(m)));
  }

  /** Numbers for benchmarks and the admin API. */
  counts(): { pbxMonitors: number; subscriptions: number } {
    let subscriptions = 0;
    for (const m of this.monitors.values()) subscriptions += m.subscribers.size;
    return { pbxMonitors: this.monitors.size, subscriptions };
  }

  /** The controller currently serving a watched device, if events told us. */
  activeAddress(kind: MonitorKind, key: string): string | undefined {
    return this.monitors.get(`${kind}:${key}`)?.active;
  }

  close(): void {
    this.unlisten();
  }

  private async startEverywhere(monitor: SharedMonitor): Promise<void> {
    const { target } = monitor;
    const failures: unknown[] = [];
    for (const address of target.addresses) {
      try {
        await this.startOn(monitor, address);
      } catch (err) {
        // A refusal of the device itself (CoS, unknown DN) is final; a link down on one of two
        // controllers is not — the monitor comes up there when the link does.
        if (err instanceof PbxError && err.code !== 'LINK_DOWN' && err.code !== 'TIMEOUT' && err.code !== 'NOT_IN_SERVICE') {
          throw pbxFailure(err, target.dn);
        }
        failures.push(err);
      }
    }
    if (monitor.running.size === 0) throw pbxFailure(failures[0], target.dn);
  }

  /** Starts the monitor on one controller; false when it runs (or is being started) there already. */
  private async startOn(monitor: SharedMonitor, address: string): Promise<boolean> {
    if (monitor.running.has(address) || monitor.pending.has(address)) return false;
    const args: Record<string, unknown> = { kind: monitor.target.kind };
    if (monitor.target.dn !== undefined) args.dn = monitor.target.dn;
    monitor.pending.add(address);
    let monitorId: number;
    try {
      ({ monitorId } = await this.deps.links.request<{ monitorId: number }>(address, 'monitor.start', args));
    } finally {
      monitor.pending.delete(address);
    }
    monitor.running.set(address, monitorId);
    this.byLinkMonitor.set(`${address}#${monitorId}`, monitor);
    monitor.active ??= address;
    return true;
  }

  private async stop(monitor: SharedMonitor): Promise<void> {
    this.monitors.delete(monitor.key);
    const running = [...monitor.running];
    monitor.running.clear();
    await Promise.all(
      running.map(async ([address, monitorId]) => {
        this.byLinkMonitor.delete(`${address}#${monitorId}`);
        try {
          await this.deps.links.request(address, 'monitor.stop', { monitorId });
        } catch (err) {
          // The link is down or the monitor is gone already: either way it no longer runs.
          this.deps.log.debug({ address, monitorId, err: (err as Error).message }, 'monitor.stop not confirmed');
        }
      }),
    );
  }

  private onLinkEvent(address: string, monitorId: number, event: PbxEvent): void {
    const monitor = this.byLinkMonitor.get(`${address}#${monitorId}`);
    if (!monitor) return;
    if (event.class === 'call') {
      if (event.type === 'IN_SERVICE') monitor.active = address;
      else if (event.type === 'OUT_OF_SERVICE' && monitor.active === address) monitor.active = undefined;
    }
    const icpId = this.deps.controllers.icpIdOf(address);
    const time = this.deps.now();
    for (const [sessionId, objectIds] of monitor.subscribers) {
      for (const objectId of objectIds) {
        const mapped = event.class === 'call' ? callEventFromPbx(event, objectId, icpId, time) : featureEventFromPbx(event, objectId, icpId, time);
        this.deps.publish(sessionId, mapped);
      }
    }
  }

  private onLinkState(address: string, state: LinkState): void {
    const previous = this.lastState.get(address);
    this.lastState.set(address, state);
    if (state === 'CONNECTED' && previous !== 'CONNECTED') {
      const recovered = this.wasConnected.has(address);
      this.wasConnected.add(address);
      if (recovered) this.tellInterested(address, 'CONNECTED');
      // Also on a first connection: a resilient device's other controller may come up only
      // after its monitor was set on the one that was up.
      void this.restoreMonitors(address);
    } else if (previous === 'CONNECTED' && state !== 'CONNECTED') {
      this.tellInterested(address, 'CONNECTION_FAILURE');
      this.linkLost(address);
    }
  }

  private tellInterested(address: string, state: LinkState): void {
    const icpId = this.deps.controllers.icpIdOf(address);
    const time = this.deps.now();
    for (const sessionId of this.interest.get(address) ?? []) this.deps.publish(sessionId, systemEvent(icpId, state, time));
  }

  private linkLost(address: string): void {
    for (const monitor of this.monitors.values()) {
      const monitorId = monitor.running.get(address);
      if (monitorId === undefined) continue;
      monitor.running.delete(address);
      this.byLinkMonitor.delete(`${address}#${monitorId}`);
      const { target } = monitor;
      if (target.kind !== 'call' || target.dn === undefined) continue;
      // The gateway reports the devices it can no longer see (seed: "OUT_OF_SERVICE events
      // for phones on a MiVoice Business are generated by the Mitel OIG").
      if (monitor.active !== undefined && monitor.active !== address) continue;
      monitor.active = undefined;
      const cause = address === target.addresses[0] ? 'CONTROLLER_COMMS_FAILED' : 'SECONDARY_CONTROLLER_COMMS_FAILED';
      const icpId = this.deps.controllers.icpIdOf(address);
      const time = this.deps.now();
      for (const [sessionId, objectIds] of monitor.subscribers) {
        for (const objectId of objectIds) {
          this.deps.publish(sessionId, gatewayCallEvent({ objectId, type: 'OUT_OF_SERVICE', cause, state: 'OUT_OF_SERVICE', dn: target.dn, icpId }, time));
        }
      }
    }
  }

  private async restoreMonitors(address: string): Promise<void> {
    const waiting = [...this.monitors.values()].filter((m) => m.target.addresses.includes(address) && !m.running.has(address));
    for (const monitor of waiting) {
      try {
        if (!(await this.startOn(monitor, address))) continue;
      } catch (err) {
        this.deps.log.warn({ address, dn: monitor.target.dn, err: (err as Error).message }, 'monitor not restored after the link came back');
        continue;
      }
      if (!this.monitors.has(monitor.key)) {
        await this.stop(monitor); // everyone stopped watching while it was being restored
        continue;
      }
      if (monitor.target.kind !== 'call' || monitor.target.dn === undefined) continue;
      const type = address === monitor.target.addresses[0] ? 'MONITOR_SET' : 'SECONDARY_MONITOR_SET';
      for (const [sessionId, objectIds] of monitor.subscribers) {
        for (const objectId of objectIds) this.deps.publish(sessionId, this.monitorSetEvent({ ...monitor.target, objectId }, address, type));
      }
    }
  }

  private monitorSetEvent(target: MonitorTarget, address: string, cause: 'MONITOR_SET' | 'SECONDARY_MONITOR_SET'): StandardEvent {
    return gatewayCallEvent(
      { objectId: target.objectId, type: 'MONITOR_SET', cause, state: 'IDLE', dn: target.dn ?? '', icpId: this.deps.controllers.icpIdOf(address) },
      this.deps.now(),
    );
  }
}
