import { oigError } from '../../errors';
import type { Logger } from '../../log';
import type { Binding, LicenceServer, Platform, SignedEntitlement } from './licence-server';

/**
 * The appliance's licence (seed: "License Activation"): one ARID activated against the
 * licensing server, its signed entitlement kept in PostgreSQL, synced daily. When the server
 * cannot be reached the last good entitlement stays in force for a grace period; after it,
 * new logins are refused with the reason.
 */
export interface StoredActivation {
  readonly arid: string;
  readonly platform: Platform;
  readonly binding: Binding;
  readonly envelope: SignedEntitlement['envelope'];
  readonly activatedAt: Date;
  readonly lastSyncAt: Date;
  readonly lastSyncAttemptAt: Date;
  readonly lastSyncError: string | null;
}

export interface ActivationStore {
  load(): Promise<StoredActivation | undefined>;
  save(activation: StoredActivation): Promise<void>;
  clear(): Promise<void>;
  /** A virtual appliance keeps the GUID the licensing server issued it, also across deactivation (and in backups). */
  loadGuid(): Promise<string | undefined>;
  saveGuid(guid: string): Promise<void>;
}

export type LicenceState = 'unlicensed' | 'active' | 'grace' | 'restricted' | 'expired';

export interface LicenceStatus {
  readonly state: LicenceState;
  readonly arid: string | null;
  readonly platform: Platform;
  readonly binding: Binding | null;
  readonly activatedAt: Date | null;
  readonly lastSyncAt: Date | null;
  readonly lastSyncAttemptAt: Date | null;
  readonly lastSyncError: string | null;
  /** Until when the last good entitlement is used without a successful sync. */
  readonly graceEndsAt: Date | null;
  readonly graceDays: number;
  /** A trial's end. */
  readonly expiresAt: Date | null;
  /** Why logins are refused, when they are. */
  readonly restriction: string | null;
}

export interface LicenceActivationDeps {
  readonly server: LicenceServer;
  readonly store: ActivationStore;
  /** What this installation is: the OVA is virtual, the ISO install physical. */
  readonly platform: Platform;
  /** A physical server's hardware id. */
  readonly hardwareId: string;
  readonly graceMs: number;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Told whenever the entitlement in force changes (undefined: none). */
  readonly onEntitlement?: (entitlement: SignedEntitlement | undefined) => void;
}

const ARID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

export class LicenceActivation {
  private current: StoredActivation | undefined;
  private entitlement: SignedEntitlement | undefined;
  private readonly now: () => Date;
  /** One activation, sync or deactivation at a time: they read and replace the same record. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: LicenceActivationDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Loads the stored activation and checks its signature again. */
  async start(): Promise<void> {
    const stored = await this.deps.store.load();
    if (!stored) return;
    try {
      this.use(stored, this.deps.server.verify(stored.envelope));
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message, arid: stored.arid }, 'the stored licence entitlement does not verify; it is ignored until the next sync');
      this.current = stored;
      this.entitlement = undefined;
      this.deps.onEntitlement?.(undefined);
    }
  }

  activate(rawArid: string): Promise<LicenceStatus> {
    return this.serial(async () => {
      const arid = rawArid.trim();
      if (!ARID.test(arid)) throw oigError('OIG_LICENCE_REQUEST_INVALID', 'The ARID must be 1 to 64 letters, digits or dashes');
      if (this.current && this.current.arid !== arid) {
        throw oigError('OIG_LICENCE_ALREADY_BOUND', `This gateway is activated with ARID ${this.current.arid}; deactivate it before activating ${arid}`);
      }
      const request =
        this.deps.platform === 'physical'
          ? { arid, platform: 'physical' as const, hardwareId: this.deps.hardwareId }
          : { arid, platform: 'virtual' as const, ...(await this.guidRequest()) };
      const entitlement = await this.deps.server.activate(request);
      if ('guid' in entitlement.binding) await this.deps.store.saveGuid(entitlement.binding.guid);
      const at = this.now();
      await this.record({ arid, platform: this.deps.platform, binding: entitlement.binding, envelope: entitlement.envelope, activatedAt: this.current?.activatedAt ?? at, lastSyncAt: at, lastSyncAttemptAt: at, lastSyncError: null }, entitlement);
      this.deps.log.info({ arid, platform: this.deps.platform, serial: entitlement.serial }, 'licence activated');
      return this.status();
    });
  }

  /** Sync now (also the daily job): a failure keeps the last good entitlement and is recorded. */
  sync(): Promise<LicenceStatus> {
    return this.serial(async () => {
      const current = this.requireActivation();
      const at = this.now();
      try {
        const entitlement = await this.deps.server.sync(current.arid, current.binding);
        await this.record({ ...current, envelope: entitlement.envelope, lastSyncAt: at, lastSyncAttemptAt: at, lastSyncError: null }, entitlement);
        this.deps.log.info({ arid: current.arid, serial: entitlement.serial }, 'licence synced');
      } catch (err) {
        const failed = { ...current, lastSyncAttemptAt: at, lastSyncError: (err as Error).message };
        this.current = failed;
        await this.deps.store.save(failed);
        this.deps.log.warn({ arid: current.arid, err: (err as Error).message }, 'licence sync failed; the last good entitlement stays in force for the grace period');
        throw err;
      }
      return this.status();
    });
  }

  deactivate(): Promise<LicenceStatus> {
    return this.serial(async () => {
      const current = this.requireActivation();
      await this.deps.server.deactivate(current.arid, current.binding);
      await this.deps.store.clear();
      this.current = undefined;
      this.entitlement = undefined;
      this.deps.onEntitlement?.(undefined);
      this.deps.log.info({ arid: current.arid }, 'licence deactivated');
      return this.status();
    });
  }

  /** The entitlement in force, if logins may use it. */
  inForce(): SignedEntitlement | undefined {
    return this.status().restriction === null ? this.entitlement : undefined;
  }

  status(): LicenceStatus {
    const now = this.now();
    const c = this.current;
    const graceDays = Math.round(this.deps.graceMs / 86_400_000);
    const base = { platform: this.deps.platform, graceDays, arid: c?.arid ?? null, binding: c?.binding ?? null, activatedAt: c?.activatedAt ?? null };
    if (!c) {
      // The same property order as in the other states.
      const sync = { lastSyncAt: null, lastSyncAttemptAt: null, lastSyncError: null, graceEndsAt: null, expiresAt: null };
      return { ...base, ...sync, state: 'unlicensed', restriction: 'This gateway has no licence: activate an ARID (Server Manager, Licensing)' };
    }
    const graceEndsAt = new Date(c.lastSyncAt.getTime() + this.deps.graceMs);
    const expiresAt = this.entitlement?.expiresAt ?? null;
    const sync = { lastSyncAt: c.lastSyncAt, lastSyncAttemptAt: c.lastSyncAttemptAt, lastSyncError: c.lastSyncError, graceEndsAt, expiresAt };
    if (!this.entitlement) {
      return { ...base, ...sync, state: 'restricted', restriction: 'The stored licence could not be verified; sync the licence with the licensing server' };
    }
    if (expiresAt && now >= expiresAt) {
      return { ...base, ...sync, state: 'expired', restriction: `The trial licence ${c.arid} expired on ${expiresAt.toISOString()}; activate a purchased ARID` };
    }
    if (now >= graceEndsAt) {
      return {
        ...base,
        ...sync,
        state: 'restricted',
        restriction: `The licence could not be synced with the licensing server since ${c.lastSyncAt.toISOString()} and the ${graceDays}-day grace period has ended: new logins are refused until a sync succeeds`,
      };
    }
    return { ...base, ...sync, state: c.lastSyncError ? 'grace' : 'active', restriction: null };
  }

  private async guidRequest(): Promise<{ guid?: string }> {
    const guid = this.current && 'guid' in this.current.binding ? this.current.binding.guid : await this.deps.store.loadGuid();
    return guid ? { guid } : {};
  }

  private requireActivation(): StoredActivation {
    if (!this.current) throw oigError('OIG_LICENCE_NOT_ACTIVATED', 'This gateway has no activated ARID');
    return this.current;
  }

  private async record(activation: StoredActivation, entitlement: SignedEntitlement): Promise<void> {
    await this.deps.store.save(activation);
    this.use(activation, entitlement);
  }

  private use(activation: StoredActivation, entitlement: SignedEntitlement): void {
    this.current = activation;
    this.entitlement = entitlement;
    this.deps.onEntitlement?.(entitlement);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
