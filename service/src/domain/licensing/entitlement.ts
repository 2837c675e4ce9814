import {
  INTEGRATION_KINDS,
  LEVELS,
  MAX_INTEGRATION_SESSIONS,
  lookUpPart,
  type BasePackageKind,
  type BasePackagePart,
  type IntegrationKind,
  type Level,
  type PackagePlatform,
} from './part-numbers';

/** One line of what the licensing server (AMC) assigns to this gateway's ARID. */
export interface LicenceLine {
  readonly partNumber: string;
  readonly quantity: number;
  /** When the line lapses (the 60-day trial, for one); null or absent: it does not. */
  readonly expiresAt?: Date | null;
}

/** A line the gateway could not use, kept so the administrator sees it (never silently dropped). */
export interface RejectedLine {
  readonly partNumber: string;
  readonly quantity: number;
  readonly reason: string;
}

/** Seed: "Each Call Control user license supports 2 Monitors." */
export const MONITORS_PER_USER = 2;
/** Seed: "A total of up to 25,000 users can be supported"; a server licence is that many (Table 5, Overview note). */
export const USERS_PER_SERVER = 25_000;

export interface CallControlPool {
  /** User licences of this level after upgrades, whether or not they are used. */
  readonly userLicences: number;
  readonly serverLicence: boolean;
  /** What applications may use: 25,000 with a server licence, else the user licences (at most 25,000). */
  readonly users: number;
  readonly monitors: number;
}

export interface BasePackage {
  readonly partNumber: string;
  readonly name: string;
  readonly kind: BasePackageKind;
  readonly platform: PackagePlatform;
}

export interface Entitlement {
  /** false with `problem` when the lines do not make a usable licence (no or several base packages). */
  readonly valid: boolean;
  readonly problem: string | null;
  readonly basePackage: BasePackage | null;
  readonly thirdPartyApplications: boolean;
  readonly integrationsTakeCallControl: BasePackagePart['integrationsTakeCallControl'];
  readonly callControl: Readonly<Record<Level, CallControlPool>>;
  /** MiVoice Integration licences by kind (each at most 1500). */
  readonly integrations: Readonly<Record<IntegrationKind, number>>;
  /** Salesforce and Google sessions together (seed: "a combination of both that does not exceed 1500"). */
  readonly maxIntegrationSessions: number;
  /** Tables 8–9: the Data Access server licence is "Included for all User licenses". */
  readonly dataAccess: { readonly included: boolean; readonly users: number };
  readonly virtualEnablement: boolean;
  readonly mivoiceIntegration: boolean;
  readonly trustedMode: boolean;
  /** The earlier of the base line's and the whole entitlement's end: after it, nothing is admitted. */
  readonly expiresAt: Date | null;
  readonly unrecognised: readonly RejectedLine[];
  /** Lines that had already lapsed when the entitlement was computed (not counted). */
  readonly expired: readonly LicenceLine[];
  /** How the rules shaped the numbers (ignored user licences, upgrades without their licence, caps). */
  readonly notes: readonly string[];
}

/** What the licensing server says besides the lines (activation.ts's SignedEntitlement has both). */
export interface EntitlementContext {
  /** Decides which lines have already lapsed; default: now. */
  readonly now?: Date;
  /** The whole entitlement's end (a trial's); the earlier of it and the base line's applies. */
  readonly expiresAt?: Date | null;
  /** The AMC ULM group the ARID belongs to, when the licensing server says (null: none). */
  readonly ulmGroup?: string | null;
}

const perLevel = (): Record<Level, number> => ({ Standard: 0, Advanced: 0 });
const perIntegration = (): Record<IntegrationKind, number> => ({ salesforceStandard: 0, salesforceAdvanced: 0, google: 0 });

/**
 * What the licence lines allow (seed: "Mitel OIG 3.0 part numbers, licensing, and deployment
 * options"). Pure: `context.now` only decides which lines have already lapsed.
 *
 * Decisions where the seed is silent:
 * - Upgrades need what they upgrade: 54005797 converts at most as many Standard user licences
 *   as there are, 54005811 at most as many Standard server licences, 54005786 applies only to
 *   the physical OIG base package (Table 6's only "from"); the rest is noted and ignored.
 * - A server licence of one level makes that level's pool 25,000 users and leaves that level's
 *   user licences unused ("Existing User licenses are not used if a Server license is added");
 *   the other level is unaffected. More than one server licence of a level adds nothing.
 * - Each pool is capped at 25,000 users, the seed's system limit; the pools stay separate
 *   (Table 5 sells a server licence per level).
 * - Data Access is included when there is any call-control user or server licence; its
 *   "available" figure is the call-control users of both levels, at most 25,000.
 * - Flags: Virtual Enablement — the base package may run virtualised (a virtual package, a
 *   physical one upgraded with 54005786, or one the seed ties to no platform). MiVoice
 *   Integration — the base package is a MiVoice Integrations one or some MiVoice Integration
 *   licence is present. Trusted Mode — the seed shows the flag without defining it; OpenOIG
 *   reads it as "this server runs on licences shared with the MiVoice Business through an AMC
 *   ULM group": on when the licensing server reports a ULM group, or — when it does not say —
 *   for the base packages the seed says must be in one (54006216, 54006217, 54006210,
 *   54006213). Such a base package reported outside any ULM group is noted.
 * - A line that lapses after this computation counts until the next licence sync computes a
 *   new entitlement; only `expiresAt` (the base line's or the whole entitlement's) is checked
 *   at each admission.
 */
export function computeEntitlement(lines: readonly LicenceLine[], context: EntitlementContext = {}): Entitlement {
  const now = context.now ?? new Date();
  const unrecognised: RejectedLine[] = [];
  const expired: LicenceLine[] = [];
  const notes: string[] = [];
  const bases: { partNumber: string; part: BasePackagePart; quantity: number; expiresAt: Date | null }[] = [];
  const userLicences = perLevel();
  const servers = perLevel();
  const integrations = perIntegration();
  const upgrades = { userToAdvanced: 0, serverToAdvanced: 0, physicalToVirtual: 0 };

  for (const line of lines) {
    const partNumber = String(line.partNumber).trim();
    const { quantity } = line;
    if (!Number.isSafeInteger(quantity) || quantity < 0) {
      unrecognised.push({ partNumber, quantity, reason: 'the quantity is not a whole number of 0 or more' });
      continue;
    }
    const part = lookUpPart(partNumber);
    if (!part) {
      unrecognised.push({ partNumber, quantity, reason: 'unknown part number' });
      continue;
    }
    if (line.expiresAt && line.expiresAt.getTime() <= now.getTime()) {
      expired.push(line);
      continue;
    }
    switch (part.kind) {
      case 'base':
        if (quantity > 0) bases.push({ partNumber, part, quantity, expiresAt: line.expiresAt ?? null });
        break;
      case 'users':
        userLicences[part.level] += part.users * quantity;
        break;
      case 'server':
        servers[part.level] += quantity;
        break;
      case 'upgrade':
        upgrades[part.upgrade] += quantity;
        break;
      case 'integration':
        integrations[part.integration] += part.users * quantity;
        break;
      case 'subscription':
        notes.push(`${partNumber} (${part.name}) is billed monthly and grants nothing itself; the OPEX base package licenses MiVoice Integrations`);
        break;
    }
  }

  const baseCount = bases.reduce((n, b) => n + b.quantity, 0);
  const only = baseCount === 1 ? bases[0] : undefined;
  const problem =
    baseCount === 0
      ? 'The licence has no base package: a server needs exactly one (OIG, MiVoice Integrations, Service Provider, developer kit, demo kit or trial)'
      : only
        ? null
        : `The licence has ${baseCount} base packages (${bases.map((b) => (b.quantity > 1 ? `${b.partNumber} ×${b.quantity}` : b.partNumber)).join(', ')}): a server takes exactly one`;
  const basePart = only?.part;

  if (basePart) {
    for (const level of LEVELS) userLicences[level] += basePart.includes.users?.[level] ?? 0;
    for (const kind of INTEGRATION_KINDS) integrations[kind] += basePart.includes.integrations?.[kind] ?? 0;
  }

  const userUpgrades = Math.min(upgrades.userToAdvanced, userLicences.Standard);
  userLicences.Standard -= userUpgrades;
  userLicences.Advanced += userUpgrades;
  if (upgrades.userToAdvanced > userUpgrades) {
    notes.push(`${upgrades.userToAdvanced - userUpgrades} of ${upgrades.userToAdvanced} user upgrades (54005797) are unused: there are only ${userUpgrades} Standard user licences to convert`);
  }
  const serverUpgrades = Math.min(upgrades.serverToAdvanced, servers.Standard);
  servers.Standard -= serverUpgrades;
  servers.Advanced += serverUpgrades;
  if (upgrades.serverToAdvanced > serverUpgrades) notes.push('The server upgrade (54005811) is unused: there is no Standard server licence (54005807) to convert');

  let platform = basePart?.platform ?? 'either';
  if (upgrades.physicalToVirtual > 0) {
    if (only?.partNumber === '54005784') platform = 'virtual';
    else notes.push('The physical-to-virtual upgrade (54005786) is unused: it applies only to the Mitel OIG Base Package - Physical (54005784)');
  }

  const callControl = {} as Record<Level, CallControlPool>;
  for (const level of LEVELS) {
    const serverLicence = servers[level] > 0;
    if (servers[level] > 1) notes.push(`${servers[level]} ${level} server licences count as one: a server licence is already the ${USERS_PER_SERVER} users a system supports`);
    if (serverLicence && userLicences[level] > 0) notes.push(`${userLicences[level]} ${level} user licences are not used: a ${level} server licence is present`);
    if (!serverLicence && userLicences[level] > USERS_PER_SERVER) notes.push(`${level} user licences are capped at the system's ${USERS_PER_SERVER} users (${userLicences[level]} licensed)`);
    const users = serverLicence ? USERS_PER_SERVER : Math.min(userLicences[level], USERS_PER_SERVER);
    callControl[level] = { userLicences: userLicences[level], serverLicence, users, monitors: users * MONITORS_PER_USER };
  }

  for (const kind of INTEGRATION_KINDS) {
    if (integrations[kind] > MAX_INTEGRATION_SESSIONS) {
      notes.push(`${kind} licences are capped at ${MAX_INTEGRATION_SESSIONS} (${integrations[kind]} licensed)`);
      integrations[kind] = MAX_INTEGRATION_SESSIONS;
    }
  }

  if (basePart?.ulmGroup && context.ulmGroup === null) {
    notes.push(`The ${basePart.name} (${only?.partNumber}) must be in an AMC ULM group with the MiVoice Business (seed), and the licensing server reports none`);
  }
  const expiries = [only?.expiresAt, context.expiresAt].filter((d): d is Date => d instanceof Date);
  const integrationLicences = INTEGRATION_KINDS.reduce((n, k) => n + integrations[k], 0);
  const dataAccessUsers = Math.min(USERS_PER_SERVER, callControl.Standard.users + callControl.Advanced.users);
  return {
    valid: problem === null,
    problem,
    basePackage: only ? { partNumber: only.partNumber, name: only.part.name, kind: only.part.package, platform } : null,
    thirdPartyApplications: basePart?.thirdPartyApplications ?? false,
    integrationsTakeCallControl: basePart?.integrationsTakeCallControl ?? 'every',
    callControl,
    integrations,
    maxIntegrationSessions: MAX_INTEGRATION_SESSIONS,
    dataAccess: { included: dataAccessUsers > 0, users: dataAccessUsers },
    virtualEnablement: basePart !== undefined && platform !== 'physical',
    mivoiceIntegration: basePart !== undefined && (!basePart.thirdPartyApplications || integrationLicences > 0),
    trustedMode: basePart !== undefined && (context.ulmGroup === undefined ? basePart.ulmGroup : context.ulmGroup !== null),
    expiresAt: expiries.length === 0 ? null : new Date(Math.min(...expiries.map((d) => d.getTime()))),
    unrecognised,
    expired,
    notes,
  };
}
