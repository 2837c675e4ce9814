import { OigError, oigError } from '../../errors';
import { MONITORS_PER_USER, USERS_PER_SERVER, type Entitlement } from './entitlement';
import { LEVELS, MAX_INTEGRATION_SESSIONS, type IntegrationKind, type Level } from './part-numbers';

/**
 * Who is logging in, for Table 4's columns: an application from the ACL (login, loginEx,
 * loginApp, REST) is a third-party application; the MiVoice Integrations (loginUser) are the
 * Mitel applications every base package supports.
 */
export type ApplicationKind = 'thirdParty' | 'mivoiceIntegration';

const INTEGRATION_NAMES: Record<IntegrationKind, string> = {
  salesforceStandard: 'MiVoice Integration for Salesforce (Standard)',
  salesforceAdvanced: 'MiVoice Integration for Salesforce (Advanced)',
  google: 'MiVoice Integration for Google',
};

/** Option 2: Google and Salesforce take a Standard user licence, Salesforce (Advanced) an Advanced one. */
const INTEGRATION_LEVEL: Record<IntegrationKind, Level> = { salesforceStandard: 'Standard', salesforceAdvanced: 'Advanced', google: 'Standard' };

/** What one session holds. */
export interface SessionLicences {
  readonly monitors: Readonly<Record<Level, number>>;
  /** The session's MiVoice Integration licence and the call-control level of the user licence it took (null: none needed). */
  readonly integration: { readonly kind: IntegrationKind; readonly callControl: Level | null } | null;
  readonly dataAccess: boolean;
}

interface Holding {
  monitors: Record<Level, number>;
  integration: { kind: IntegrationKind; callControl: Level | null } | null;
  dataAccess: boolean;
}

/** One available/used pair of the Overview tab's Licensing panel. */
export interface LicenceCount {
  readonly available: number;
  readonly used: number;
  /** The seed's "(Server)" qualifier: the maximum, 25,000 users, is available. */
  readonly server: boolean;
  /** `available` as the panel shows it, e.g. "25000 (Server)". */
  readonly availableText: string;
}

/** The Overview tab's Licensing panel (seed: "Overview Tab"), plus the detail behind it. */
export interface LicensingOverview {
  /** null when applications are admitted; otherwise why not (no licence yet, invalid, expired). */
  readonly problem: string | null;
  readonly basePackage: { readonly partNumber: string; readonly name: string } | null;
  readonly standardCallControl: LicenceCount;
  readonly advancedCallControl: LicenceCount;
  readonly mivoiceForGoogle: LicenceCount;
  readonly mivoiceForSalesforce: LicenceCount;
  readonly dataAccess: LicenceCount;
  readonly virtualEnablement: boolean;
  readonly mivoiceIntegration: boolean;
  readonly trustedMode: boolean;
  readonly monitors: Readonly<Record<Level, { readonly available: number; readonly used: number }>>;
  readonly integrationSessions: { readonly available: number; readonly used: number };
  readonly unrecognisedParts: readonly string[];
  readonly notes: readonly string[];
}

/**
 * The proposed call-control `MonitorPool` port: the session's level picks the pool, and a refusal
 * is thrown with its reason (the pool knows which pool was empty and why).
 */
export interface LevelledMonitorPool {
  /** Takes one call monitor for the session from its level's pool, or throws the coded reason. */
  acquire(sessionId: string, level: Level): void;
  /** Gives back one monitor the session took at `level`. */
  release(sessionId: string, level: Level): void;
}

export interface LicencePoolsOptions {
  readonly now?: () => number;
}

const count = (available: number, used: number, server: boolean): LicenceCount => ({
  available,
  used,
  server,
  availableText: server ? `${available} (Server)` : String(available),
});

/**
 * Live use of the licences against the current Entitlement, shared by all applications first
 * come, first served (seed: "Determining the number and type of OIG Licenses required").
 *
 * - A call monitor takes one monitor from its session's level: Standard sessions draw on the
 *   Standard pool, Advanced sessions on the Advanced pool only (the pools are separate). A pool
 *   of N user licences holds 2N monitors; the licences shown used are the monitors used / 2,
 *   rounded up (the seed's worked examples).
 * - A MiVoice Integration session takes its Salesforce or Google licence and, where the base
 *   package requires it, one call-control user licence (2 monitors) of its level; at most 1500
 *   such sessions.
 * - A Data Access session takes one Data Access licence.
 * - Nothing is taken unless everything it needs is free; a refusal says which pool is empty.
 * - A new entitlement (a licence sync) never takes back what sessions hold ("the session keeps
 *   what it holds"): a shrunken pool may show more used than available, and new requests fail
 *   until use drops below the new size.
 */
export class LicencePools {
  private current: Entitlement | null;
  private readonly now: () => number;
  private readonly holdings = new Map<string, Holding>();
  /** Monitors in use per level: call monitors plus 2 for each integration's user licence. */
  private readonly monitorsUsed: Record<Level, number> = { Standard: 0, Advanced: 0 };
  private readonly integrationsUsed: Record<IntegrationKind, number> = { salesforceStandard: 0, salesforceAdvanced: 0, google: 0 };
  private integrationSessions = 0;
  private dataAccessUsed = 0;

  constructor(entitlement: Entitlement | null = null, options: LicencePoolsOptions = {}) {
    this.current = entitlement;
    this.now = options.now ?? Date.now;
  }

  get entitlement(): Entitlement | null {
    return this.current;
  }

  /** A licence sync's result. What sessions hold is kept, even beyond the new limits. */
  replaceEntitlement(entitlement: Entitlement | null): void {
    this.current = entitlement;
  }

  /** May an application of this kind log in? Throws the reason when not. */
  admit(kind: ApplicationKind): void {
    const e = this.usable();
    if (kind === 'thirdParty' && !e.thirdPartyApplications) {
      const base = e.basePackage!;
      throw oigError(
        'OIG_LICENCE_THIRD_PARTY_NOT_ALLOWED',
        `Third-party applications cannot run on this gateway: its ${base.name} (${base.partNumber}) supports only the MiVoice Integrations for Salesforce and Google`,
      );
    }
  }

  acquireMonitor(sessionId: string, level: Level): void {
    const e = this.usable();
    const pool = e.callControl[level];
    const used = this.monitorsUsed[level];
    if (used + 1 > pool.monitors) {
      throw oigError('OIG_CC_MONITOR_POOL_EXHAUSTED', `No ${level} call control monitor is free: ${this.poolState(e, level)}`);
    }
    this.holding(sessionId).monitors[level] += 1;
    this.monitorsUsed[level] += 1;
  }

  /** Gives back one monitor the session took at `level`; nothing when it holds none there. */
  releaseMonitor(sessionId: string, level: Level): void {
    const holding = this.holdings.get(sessionId);
    if (!holding || holding.monitors[level] === 0) return;
    holding.monitors[level] -= 1;
    this.monitorsUsed[level] -= 1;
    this.forgetIfEmpty(sessionId, holding);
  }

  /**
   * A MiVoice Integration session: one Salesforce or Google licence and, where the base package
   * requires it, one call-control user licence. A session holds one integration licence; asking
   * again for the same one is a no-op.
   */
  acquireIntegration(sessionId: string, kind: IntegrationKind): void {
    const e = this.usable();
    const held = this.holdings.get(sessionId)?.integration;
    if (held) {
      if (held.kind === kind) return;
      throw new Error(`Session ${sessionId} already holds a ${INTEGRATION_NAMES[held.kind]} licence`);
    }
    const name = INTEGRATION_NAMES[kind];
    if (this.integrationSessions >= e.maxIntegrationSessions) {
      throw oigError(
        'OIG_LICENCE_INTEGRATION_LIMIT_REACHED',
        `No ${name} session can start: ${this.integrationSessions} MiVoice Integration sessions are active, the most a gateway allows (${MAX_INTEGRATION_SESSIONS}, Salesforce and Google together)`,
      );
    }
    const licences = e.integrations[kind];
    if (this.integrationsUsed[kind] >= licences) {
      throw oigError(
        'OIG_LICENCE_EXHAUSTED',
        licences === 0 ? `No ${name} licence is free: the licence has none` : `No ${name} licence is free: ${inUse(this.integrationsUsed[kind], licences, 'licence')}`,
      );
    }
    const level = INTEGRATION_LEVEL[kind];
    const callControl = e.integrationsTakeCallControl === 'every' || level === 'Advanced' ? level : null;
    if (callControl && this.monitorsUsed[callControl] + MONITORS_PER_USER > e.callControl[callControl].monitors) {
      throw oigError(
        'OIG_LICENCE_EXHAUSTED',
        `No ${callControl} call control user licence is free for the ${name} session: ${this.poolState(e, callControl)}`,
      );
    }
    this.holding(sessionId).integration = { kind, callControl };
    this.integrationsUsed[kind] += 1;
    this.integrationSessions += 1;
    if (callControl) this.monitorsUsed[callControl] += MONITORS_PER_USER;
  }

  releaseIntegration(sessionId: string): void {
    const holding = this.holdings.get(sessionId);
    const held = holding?.integration;
    if (!holding || !held) return;
    holding.integration = null;
    this.integrationsUsed[held.kind] -= 1;
    this.integrationSessions -= 1;
    if (held.callControl) this.monitorsUsed[held.callControl] -= MONITORS_PER_USER;
    this.forgetIfEmpty(sessionId, holding);
  }

  /** One Data Access licence per session using the Data Access service; again is a no-op. */
  acquireDataAccess(sessionId: string): void {
    const e = this.usable();
    if (this.holdings.get(sessionId)?.dataAccess) return;
    const available = e.dataAccess.users;
    if (this.dataAccessUsed >= available) {
      throw oigError(
        'OIG_LICENCE_EXHAUSTED',
        available === 0
          ? 'No Data Access licence is free: Data Access comes with call control user licences, and the licence has none'
          : `No Data Access licence is free: ${inUse(this.dataAccessUsed, available, 'licence')}`,
      );
    }
    this.holding(sessionId).dataAccess = true;
    this.dataAccessUsed += 1;
  }

  releaseDataAccess(sessionId: string): void {
    const holding = this.holdings.get(sessionId);
    if (!holding?.dataAccess) return;
    holding.dataAccess = false;
    this.dataAccessUsed -= 1;
    this.forgetIfEmpty(sessionId, holding);
  }

  /** The session ended: everything it held goes back. */
  releaseSession(sessionId: string): void {
    const holding = this.holdings.get(sessionId);
    if (!holding) return;
    for (const level of LEVELS) this.monitorsUsed[level] -= holding.monitors[level];
    holding.monitors = { Standard: 0, Advanced: 0 };
    this.releaseIntegration(sessionId);
    this.releaseDataAccess(sessionId);
    this.holdings.delete(sessionId);
  }

  heldBy(sessionId: string): SessionLicences {
    const holding = this.holdings.get(sessionId);
    return {
      monitors: { ...(holding?.monitors ?? { Standard: 0, Advanced: 0 }) },
      integration: holding?.integration ? { ...holding.integration } : null,
      dataAccess: holding?.dataAccess ?? false,
    };
  }

  /** The Licensing panel: every available/used pair the seed lists, and the three flags. */
  overview(): LicensingOverview {
    const e = this.current;
    const problem = this.refusal()?.message ?? null;
    const live = problem === null ? e : null;
    const users = (level: Level): number => live?.callControl[level].users ?? 0;
    const callControl = (level: Level): LicenceCount => {
      const available = users(level);
      return count(available, Math.ceil(this.monitorsUsed[level] / MONITORS_PER_USER), available === USERS_PER_SERVER);
    };
    const integrations = (kinds: readonly IntegrationKind[]): LicenceCount => {
      const available = Math.min(MAX_INTEGRATION_SESSIONS, kinds.reduce((n, k) => n + (live?.integrations[k] ?? 0), 0));
      return count(available, kinds.reduce((n, k) => n + this.integrationsUsed[k], 0), false);
    };
    const dataAccess = live?.dataAccess.users ?? 0;
    return {
      problem,
      basePackage: e?.basePackage ? { partNumber: e.basePackage.partNumber, name: e.basePackage.name } : null,
      standardCallControl: callControl('Standard'),
      advancedCallControl: callControl('Advanced'),
      mivoiceForGoogle: integrations(['google']),
      mivoiceForSalesforce: integrations(['salesforceStandard', 'salesforceAdvanced']),
      dataAccess: count(dataAccess, this.dataAccessUsed, dataAccess === USERS_PER_SERVER),
      virtualEnablement: live?.virtualEnablement ?? false,
      mivoiceIntegration: live?.mivoiceIntegration ?? false,
      trustedMode: live?.trustedMode ?? false,
      monitors: {
        Standard: { available: live?.callControl.Standard.monitors ?? 0, used: this.monitorsUsed.Standard },
        Advanced: { available: live?.callControl.Advanced.monitors ?? 0, used: this.monitorsUsed.Advanced },
      },
      integrationSessions: { available: live ? live.maxIntegrationSessions : 0, used: this.integrationSessions },
      unrecognisedParts: e?.unrecognised.map((r) => `${r.partNumber} ×${r.quantity}: ${r.reason}`) ?? [],
      notes: e?.notes ?? [],
    };
  }

  /** The entitlement when applications may use it; otherwise throws why not. */
  private usable(): Entitlement {
    const refusal = this.refusal();
    if (refusal) throw refusal;
    return this.current!;
  }

  private refusal(): OigError | null {
    const e = this.current;
    if (!e) return oigError('OIG_LICENCE_UNAVAILABLE', 'No licence is available: the gateway has not received its licences from the licensing server (AMC)');
    if (!e.valid) return oigError('OIG_LICENCE_UNAVAILABLE', `The licence is not usable: ${e.problem}`);
    if (e.expiresAt && e.expiresAt.getTime() <= this.now()) {
      const base = e.basePackage!;
      return oigError('OIG_LICENCE_UNAVAILABLE', `The licence expired on ${e.expiresAt.toISOString()}: ${base.name} (${base.partNumber})`);
    }
    return null;
  }

  /** "all 200 monitors (100 user licences) are in use", or why the pool is empty. */
  private poolState(e: Entitlement, level: Level): string {
    const pool = e.callControl[level];
    if (pool.monitors === 0) return `the licence has no ${level} call control user or server licence`;
    const source = pool.serverLicence ? `${pool.users} users, ${level} server licence` : `${pool.users} user ${noun(pool.users, 'licence')}`;
    return inUse(this.monitorsUsed[level], pool.monitors, 'monitor', source);
  }

  private holding(sessionId: string): Holding {
    let holding = this.holdings.get(sessionId);
    if (!holding) this.holdings.set(sessionId, (holding = { monitors: { Standard: 0, Advanced: 0 }, integration: null, dataAccess: false }));
    return holding;
  }

  private forgetIfEmpty(sessionId: string, holding: Holding): void {
    if (holding.monitors.Standard === 0 && holding.monitors.Advanced === 0 && !holding.integration && !holding.dataAccess) this.holdings.delete(sessionId);
  }
}

const noun = (n: number, word: string): string => (n === 1 ? word : `${word}s`);

/** "all 200 monitors (…) are in use"; after a shrinking sync "30 monitors are in use, the licence now provides 20 (…)". */
function inUse(used: number, available: number, word: string, detail?: string): string {
  const of = detail === undefined ? '' : ` (${detail})`;
  if (used <= available) return available === 1 ? `the one ${word}${of} is in use` : `all ${available} ${word}s${of} are in use`;
  return `${used} ${noun(used, word)} are in use, the licence now provides ${available}${of}`;
}

/** LicencePools as the proposed call-control MonitorPool port. */
export function monitorPoolOf(pools: LicencePools): LevelledMonitorPool {
  return {
    acquire: (sessionId, level) => pools.acquireMonitor(sessionId, level),
    release: (sessionId, level) => pools.releaseMonitor(sessionId, level),
  };
}
