import type { DeviceType } from './events';
import {
  checkFixtureShape,
  FixtureError,
  type CosFixture,
  type ExternalFixture,
  type HotDeskUserFixture,
  type MivbFixture,
  type PhoneFixture,
  type PrgFixture,
} from './fixture';
import { completeNumbering, type NumberingPlan } from './numbering';

/**
 * The cluster's configuration as the controllers know it: every device by DN (Map lookups), the
 * controllers each device lives on, and the rules a fixture or an edit must keep.
 */
export type DeviceKind = 'phone' | 'line' | 'hotDeskUser' | 'prg';

export interface Cos {
  readonly callControl: boolean;
  readonly monitor: boolean;
}

export interface ControllerDef {
  readonly name: string;
  readonly address: string;
}

export interface DeviceDef {
  readonly dn: string;
  readonly name: string;
  readonly kind: DeviceKind;
  readonly type: DeviceType;
  /** Controller names. */
  readonly primary: string;
  readonly secondary?: string;
  readonly cos: Cos;
  /** Phone: its line appearance buttons. */
  readonly lines: readonly { readonly button: number; readonly dn: string }[];
  /** Line appearance: the phones (prime DNs) and buttons it appears on. */
  readonly appearances: readonly { readonly phone: string; readonly button: number }[];
  /** Personal ring group: member phones. */
  readonly members: readonly string[];
  /** Hot desk user. */
  readonly pin?: string;
  /** Hot desk user: the outside number external hot desking uses by default. */
  readonly configuredExternalNumber?: string;
}

export interface ClusterSettings {
  readonly clusterId: string;
  readonly version: string;
  readonly heartbeatMs: number;
  readonly noAnswerMs: number;
  readonly failbackMs: number;
  readonly failedCallClearMs: number;
}

const TYPE_OF: Record<DeviceKind, DeviceType> = {
  phone: 'VOICE_SET_PRIME',
  line: 'LINE_APPEARANCE',
  hotDeskUser: 'VOICE_SET_PRIME',
  prg: 'PERSONAL_RING_GROUP',
};

export class Directory {
  readonly settings: ClusterSettings;
  readonly numbering: NumberingPlan;
  readonly controllers: readonly ControllerDef[];
  private readonly byDn = new Map<string, DeviceDef>();
  private readonly byController = new Map<string, DeviceDef[]>();
  private readonly externals = new Map<string, ExternalFixture>();
  private readonly groupsOf = new Map<string, string[]>();

  /** Use buildDirectory(): it checks the fixture first. */
  constructor(
    readonly fixture: MivbFixture,
    devices: readonly DeviceDef[],
  ) {
    this.settings = {
      clusterId: fixture.clusterId ?? 'lab-cluster',
      version: fixture.version ?? '10.1.0.12',
      heartbeatMs: fixture.heartbeatMs ?? 5000,
      noAnswerMs: fixture.noAnswerMs ?? 15000,
      failbackMs: fixture.failbackMs ?? 1000,
      failedCallClearMs: fixture.failedCallClearMs ?? 10000,
    };
    this.numbering = completeNumbering(fixture.numbering);
    this.controllers = fixture.controllers.map((c) => ({ name: c.name, address: c.address }));
    for (const c of this.controllers) this.byController.set(c.name, []);
    for (const d of devices) {
      this.byDn.set(d.dn, d);
      this.byController.get(d.primary)?.push(d);
      if (d.secondary) this.byController.get(d.secondary)?.push(d);
      for (const m of d.members) this.groupsOf.set(m, [...(this.groupsOf.get(m) ?? []), d.dn]);
    }
    for (const e of fixture.externals ?? []) this.externals.set(e.number, e);
  }

  device(dn: string): DeviceDef | undefined {
    return this.byDn.get(dn);
  }

  devices(): IterableIterator<DeviceDef> {
    return this.byDn.values();
  }

  /** Devices for which the controller is primary or secondary. */
  devicesOf(controller: string): readonly DeviceDef[] {
    return this.byController.get(controller) ?? [];
  }

  controller(ref: string): ControllerDef | undefined {
    return this.controllers.find((c) => c.name === ref || c.address === ref);
  }

  /** Personal ring groups the phone is a member of. */
  groupsOfMember(dn: string): readonly string[] {
    return this.groupsOf.get(dn) ?? [];
  }

  /** How the simulated outside world treats a number: exact digits, else its last 7 digits. */
  external(digits: string): ExternalFixture | undefined {
    return this.externals.get(digits) ?? (digits.length > 7 ? this.externals.get(digits.slice(-7)) : undefined);
  }
}

const cosOf = (cos: CosFixture | undefined): Cos => ({ callControl: cos?.callControl ?? true, monitor: cos?.monitor ?? true });

/** Checks the fixture (shape, then the rules across entries) and indexes it. */
export function buildDirectory(input: unknown, source = 'fixture'): Directory {
  const fixture = checkFixtureShape(input, source);
  const fail = (where: string, message: string): never => {
    throw new FixtureError(`${source}: ${where}: ${message}`);
  };
  const numbering = completeNumbering(fixture.numbering);

  const controllerNames = new Map<string, string>();
  fixture.controllers.forEach((c, i) => {
    for (const key of [c.name, c.address]) {
      if (controllerNames.has(key)) fail(`controllers[${i}]`, `${key} is already used by another controller`);
    }
    controllerNames.set(c.name, c.name);
    controllerNames.set(c.address, c.name);
  });
  const controllerOf = (where: string, ref: string): string =>
    controllerNames.get(ref) ?? fail(where, `no controller named ${ref} (known: ${fixture.controllers.map((c) => c.name).join(', ')})`);

  const owners = new Map<string, string>();
  const claim = (where: string, dn: string, label: string): void => {
    if (dn.length > numbering.maxExtLength) fail(where, `DN ${dn} is longer than maxExtLength ${numbering.maxExtLength}`);
    if (dn.startsWith(numbering.outsidePrefix)) fail(where, `DN ${dn} starts with the outside prefix ${numbering.outsidePrefix}`);
    const owner = owners.get(dn);
    if (owner) fail(where, `DN ${dn} is already used by ${owner}; DNs must be unique in the cluster`);
    owners.set(dn, label);
  };
  const homes = (where: string, entry: { controller: string; secondary?: string }): { primary: string; secondary?: string } => {
    const primary = controllerOf(`${where}.controller`, entry.controller);
    if (entry.secondary === undefined) return { primary };
    const secondary = controllerOf(`${where}.secondary`, entry.secondary);
    if (secondary === primary) fail(`${where}.secondary`, `the secondary controller must differ from the primary (${primary})`);
    return { primary, secondary };
  };

  const devices: DeviceDef[] = [];
  const phoneIndex = new Map<string, number>();
  const lines = new Map<string, { name: string; primary: string; secondary?: string; cos: Cos; where: string; appearances: { phone: string; button: number }[] }>();
  fixture.phones.forEach((p, i) => {
    const where = `phones[${i}] (dn ${p.dn})`;
    claim(where, p.dn, `phones[${i}] "${p.name ?? `Phone ${p.dn}`}"`);
    phoneIndex.set(p.dn, i);
    const home = homes(where, p);
    const buttons = new Set<number>();
    for (const [j, line] of (p.lines ?? []).entries()) {
      const lw = `${where}.lines[${j}]`;
      if (buttons.has(line.button)) fail(lw, `button ${line.button} is used twice on this phone`);
      buttons.add(line.button);
      const known = lines.get(line.dn);
      if (!known) {
        lines.set(line.dn, { name: line.name ?? `Line ${line.dn}`, ...home, cos: cosOf(p.cos), where: lw, appearances: [{ phone: p.dn, button: line.button }] });
      } else {
        if (known.appearances.some((a) => a.phone === p.dn)) fail(lw, `line ${line.dn} appears twice on this phone`);
        if (known.primary !== home.primary || known.secondary !== home.secondary) {
          fail(lw, `line ${line.dn} is on ${known.primary} through ${known.where}; a line's phones must share their controllers`);
        }
        known.appearances.push({ phone: p.dn, button: line.button });
      }
    }
    devices.push({
      dn: p.dn,
      name: p.name ?? `Phone ${p.dn}`,
      kind: 'phone',
      type: TYPE_OF.phone,
      ...home,
      cos: cosOf(p.cos),
      lines: (p.lines ?? []).map((l) => ({ button: l.button, dn: l.dn })),
      appearances: [],
      members: [],
    });
  });
  for (const [dn, line] of lines) {
    claim(line.where, dn, `the line appearance at ${line.where}`);
    devices.push({
      dn,
      name: line.name,
      kind: 'line',
      type: TYPE_OF.line,
      primary: line.primary,
      ...(line.secondary ? { secondary: line.secondary } : {}),
      cos: line.cos,
      lines: [],
      appearances: line.appearances,
      members: [],
    });
  }
  const phoneUsers = new Map<string, string>();
  (fixture.hotDeskUsers ?? []).forEach((u, i) => {
    const where = `hotDeskUsers[${i}] (dn ${u.dn})`;
    claim(where, u.dn, `hotDeskUsers[${i}] "${u.name ?? `Hot desk user ${u.dn}`}"`);
    if (u.loggedInAt !== undefined) {
      if (u.externalNumber !== undefined) fail(where, 'loggedInAt and externalNumber exclude each other');
      if (!phoneIndex.has(u.loggedInAt)) fail(`${where}.loggedInAt`, `${u.loggedInAt} is not a phone`);
      const other = phoneUsers.get(u.loggedInAt);
      if (other) fail(`${where}.loggedInAt`, `hot desk user ${other} is already logged in at ${u.loggedInAt}`);
      phoneUsers.set(u.loggedInAt, u.dn);
    }
    devices.push({
      dn: u.dn,
      name: u.name ?? `Hot desk user ${u.dn}`,
      kind: 'hotDeskUser',
      type: TYPE_OF.hotDeskUser,
      ...homes(where, u),
      cos: cosOf(u.cos),
      lines: [],
      appearances: [],
      members: [],
      pin: u.pin,
      ...(u.configuredExternalNumber ? { configuredExternalNumber: u.configuredExternalNumber } : {}),
    });
  });
  (fixture.prgs ?? []).forEach((g, i) => {
    const where = `prgs[${i}] (dn ${g.dn})`;
    claim(where, g.dn, `prgs[${i}] "${g.name ?? `Ring group ${g.dn}`}"`);
    const seen = new Set<string>();
    g.members.forEach((m, j) => {
      if (!phoneIndex.has(m)) fail(`${where}.members[${j}]`, `member ${m} is not a phone`);
      if (seen.has(m)) fail(`${where}.members[${j}]`, `member ${m} is listed twice`);
      seen.add(m);
    });
    devices.push({
      dn: g.dn,
      name: g.name ?? `Ring group ${g.dn}`,
      kind: 'prg',
      type: TYPE_OF.prg,
      ...homes(where, g),
      cos: cosOf(g.cos),
      lines: [],
      appearances: [],
      members: [...g.members],
    });
  });
  const externalNumbers = new Set<string>();
  (fixture.externals ?? []).forEach((e, i) => {
    if (externalNumbers.has(e.number)) fail(`externals[${i}]`, `number ${e.number} is listed twice`);
    externalNumbers.add(e.number);
  });
  return new Directory(fixture, devices);
}

// Directory edits: each makes a new fixture, which buildDirectory() checks before it is used.

export function withPhone(fixture: MivbFixture, phone: PhoneFixture): MivbFixture {
  return { ...fixture, phones: [...fixture.phones, phone] };
}

export function withoutDevice(fixture: MivbFixture, dn: string): MivbFixture {
  const member = (fixture.prgs ?? []).find((g) => g.members.includes(dn));
  if (member) throw new FixtureError(`phone ${dn} is a member of ring group ${member.dn}; take it out of the group first`);
  const next: MivbFixture = {
    ...fixture,
    phones: fixture.phones.filter((p) => p.dn !== dn),
    hotDeskUsers: (fixture.hotDeskUsers ?? []).filter((u) => u.dn !== dn).map((u) => (u.loggedInAt === dn ? withoutKey(u, 'loggedInAt') : u)),
    prgs: (fixture.prgs ?? []).filter((g) => g.dn !== dn),
  };
  const removed =
    next.phones.length + (next.hotDeskUsers?.length ?? 0) + (next.prgs?.length ?? 0) <
    fixture.phones.length + (fixture.hotDeskUsers?.length ?? 0) + (fixture.prgs?.length ?? 0);
  if (!removed) throw new FixtureError(`no phone, hot desk user or ring group has DN ${dn}`);
  return next;
}

export type PhoneChanges = Partial<Omit<PhoneFixture, 'dn'>>;
export type HotDeskUserChanges = Partial<Pick<HotDeskUserFixture, 'name' | 'pin' | 'controller' | 'secondary' | 'cos'>>;
export type PrgChanges = Partial<Omit<PrgFixture, 'dn'>>;

export function withPhoneChanges(fixture: MivbFixture, dn: string, changes: PhoneChanges): MivbFixture {
  if (!fixture.phones.some((p) => p.dn === dn)) throw new FixtureError(`no phone has DN ${dn}`);
  return { ...fixture, phones: fixture.phones.map((p) => (p.dn === dn ? { ...p, ...changes, dn } : p)) };
}

export function withHotDeskUser(fixture: MivbFixture, user: HotDeskUserFixture): MivbFixture {
  return { ...fixture, hotDeskUsers: [...(fixture.hotDeskUsers ?? []), user] };
}

export function withHotDeskUserChanges(fixture: MivbFixture, dn: string, changes: HotDeskUserChanges): MivbFixture {
  if (!(fixture.hotDeskUsers ?? []).some((u) => u.dn === dn)) throw new FixtureError(`no hot desk user has DN ${dn}`);
  return { ...fixture, hotDeskUsers: (fixture.hotDeskUsers ?? []).map((u) => (u.dn === dn ? { ...u, ...changes, dn } : u)) };
}

export function withPrg(fixture: MivbFixture, prg: PrgFixture): MivbFixture {
  return { ...fixture, prgs: [...(fixture.prgs ?? []), prg] };
}

export function withPrgChanges(fixture: MivbFixture, dn: string, changes: PrgChanges): MivbFixture {
  if (!(fixture.prgs ?? []).some((g) => g.dn === dn)) throw new FixtureError(`no ring group has DN ${dn}`);
  return { ...fixture, prgs: (fixture.prgs ?? []).map((g) => (g.dn === dn ? { ...g, ...changes, dn } : g)) };
}

/** Sets the Class of Service flags of a phone, hot desk user or ring group. */
export function withCos(fixture: MivbFixture, dn: string, cos: CosFixture): MivbFixture {
  const merge = <T extends { dn: string; cos?: CosFixture }>(e: T): T => (e.dn === dn ? { ...e, cos: { ...e.cos, ...cos } } : e);
  const next = {
    ...fixture,
    phones: fixture.phones.map(merge),
    hotDeskUsers: (fixture.hotDeskUsers ?? []).map(merge),
    prgs: (fixture.prgs ?? []).map(merge),
  };
  const found = [...next.phones, ...next.hotDeskUsers, ...next.prgs].some((e) => e.dn === dn);
  if (!found) throw new FixtureError(`no phone, hot desk user or ring group has DN ${dn} (a line appearance has the CoS of the first phone it appears on)`);
  return next;
}

function withoutKey<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = value;
  return rest;
}
