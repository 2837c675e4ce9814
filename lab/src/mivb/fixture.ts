import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_NUMBERING } from './numbering';

/**
 * The lab cluster's configuration file (lab/README.md "Fixture file"): controllers, phones with
 * their line appearances, hot desk users, personal ring groups and the simulated outside world.
 * The shape is checked here; the rules that span entries (unique DNs, references) in directory.ts.
 */
const Digits = (max = 32) => Type.String({ pattern: `^[0-9]{1,${max}}$` });
const Dn = Digits(10);
const ControllerRef = Type.String({ minLength: 1, description: 'controller name or address' });
const Cos = Type.Object(
  {
    callControl: Type.Optional(Type.Boolean({ description: 'HCI/CTI/TAPI Call Control Allowed' })),
    monitor: Type.Optional(Type.Boolean({ description: 'HCI/CTI/TAPI Monitor Allowed' })),
  },
  { additionalProperties: false },
);

const ControllerSchema = Type.Object(
  { name: Type.String({ minLength: 1 }), address: Type.String({ pattern: '^127(\\.[0-9]{1,3}){3}$' }) },
  { additionalProperties: false },
);
const LineSchema = Type.Object(
  { button: Type.Integer({ minimum: 2, maximum: 64 }), dn: Dn, name: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const PhoneSchema = Type.Object(
  {
    dn: Dn,
    name: Type.Optional(Type.String()),
    controller: ControllerRef,
    secondary: Type.Optional(ControllerRef),
    lines: Type.Optional(Type.Array(LineSchema)),
    cos: Type.Optional(Cos),
  },
  { additionalProperties: false },
);
const HotDeskUserSchema = Type.Object(
  {
    dn: Dn,
    name: Type.Optional(Type.String()),
    pin: Digits(10),
    controller: ControllerRef,
    secondary: Type.Optional(ControllerRef),
    cos: Type.Optional(Cos),
    loggedInAt: Type.Optional(Dn),
    /** Logged in at this outside number when the lab starts. */
    externalNumber: Type.Optional(Digits()),
    /** The user's configured outside number (external hot desking logs in there by default). */
    configuredExternalNumber: Type.Optional(Digits()),
  },
  { additionalProperties: false },
);
const PrgSchema = Type.Object(
  {
    dn: Dn,
    name: Type.Optional(Type.String()),
    controller: ControllerRef,
    secondary: Type.Optional(ControllerRef),
    members: Type.Array(Dn, { minItems: 1 }),
    cos: Type.Optional(Cos),
  },
  { additionalProperties: false },
);
const ExternalSchema = Type.Object(
  {
    number: Digits(),
    name: Type.Optional(Type.String()),
    behaviour: Type.Union([Type.Literal('answer'), Type.Literal('ring'), Type.Literal('busy'), Type.Literal('unobtainable')]),
    answerAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const NumberingSchema = Type.Object(
  {
    outsidePrefix: Type.Optional(Digits(4)),
    localCountryCode: Type.Optional(Digits(4)),
    longDistancePrefix: Type.Optional(Digits(4)),
    internationalPrefix: Type.Optional(Digits(4)),
    localAreaCodes: Type.Optional(Type.Array(Digits(5))),
    maxExtLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    trunkPrefix: Type.Optional(Digits(4)),
  },
  { additionalProperties: false },
);

export const MivbFixtureSchema = Type.Object(
  {
    clusterId: Type.Optional(Type.String({ minLength: 1 })),
    version: Type.Optional(Type.String({ minLength: 1 })),
    heartbeatMs: Type.Optional(Type.Integer({ minimum: 20 })),
    noAnswerMs: Type.Optional(Type.Integer({ minimum: 0 })),
    failbackMs: Type.Optional(Type.Integer({ minimum: 0 })),
    failedCallClearMs: Type.Optional(Type.Integer({ minimum: 0 })),
    numbering: Type.Optional(NumberingSchema),
    controllers: Type.Array(ControllerSchema, { minItems: 1 }),
    phones: Type.Array(PhoneSchema),
    hotDeskUsers: Type.Optional(Type.Array(HotDeskUserSchema)),
    prgs: Type.Optional(Type.Array(PrgSchema)),
    externals: Type.Optional(Type.Array(ExternalSchema)),
  },
  { additionalProperties: false },
);

export type MivbFixture = Static<typeof MivbFixtureSchema>;
export type ControllerFixture = Static<typeof ControllerSchema>;
export type PhoneFixture = Static<typeof PhoneSchema>;
export type HotDeskUserFixture = Static<typeof HotDeskUserSchema>;
export type PrgFixture = Static<typeof PrgSchema>;
export type ExternalFixture = Static<typeof ExternalSchema>;
export type CosFixture = Static<typeof Cos>;

/** Thrown for a fixture or directory edit that breaks a rule; the message names the entry. */
export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

/** `/phones/3/dn` → `phones[3].dn (dn 1003)`: the entry as a person finds it in the file. */
function entryPath(value: unknown, pointer: string): string {
  const parts = pointer.split('/').filter(Boolean);
  let text = '';
  let node: unknown = value;
  let label = '';
  for (const part of parts) {
    node = (node as Record<string, unknown> | undefined)?.[part];
    text += /^[0-9]+$/.test(part) ? `[${part}]` : `${text ? '.' : ''}${part}`;
    const dn = (node as { dn?: unknown } | undefined)?.dn;
    if (/^[0-9]+$/.test(part) && typeof dn === 'string') label = ` (dn ${dn})`;
  }
  return `${text || '(top level)'}${label}`;
}

/** Checks the shape of a fixture; the message names the first bad entry. */
export function checkFixtureShape(value: unknown, source = 'fixture'): MivbFixture {
  if (Value.Check(MivbFixtureSchema, value)) return value;
  const error = Value.Errors(MivbFixtureSchema, value).First();
  const where = error ? entryPath(value, error.path) : '(top level)';
  throw new FixtureError(`${source}: ${where}: ${error?.message ?? 'invalid'}`);
}

export async function readMivbFixture(file: string): Promise<MivbFixture> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new FixtureError(`${file}: ${(err as Error).message}`);
  }
  return checkFixtureShape(parsed, file);
}

const range = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => String(from + i));

/** The default lab cluster (lab/README.md "Default cluster"), served by `npm start` and tests. */
export const DEFAULT_MIVB_FIXTURE: MivbFixture = {
  clusterId: 'lab-cluster',
  version: '10.1.0.12',
  heartbeatMs: 5000,
  noAnswerMs: 15000,
  failbackMs: 1000,
  failedCallClearMs: 10000,
  numbering: { ...DEFAULT_NUMBERING, localAreaCodes: [...DEFAULT_NUMBERING.localAreaCodes] },
  controllers: [
    { name: 'ICP-1', address: '127.1.0.1' },
    { name: 'ICP-2', address: '127.1.0.2' },
  ],
  phones: [
    ...range(1000, 10).map((dn): PhoneFixture => {
      const phone: PhoneFixture = { dn, name: `Phone ${dn}`, controller: 'ICP-1' };
      if (dn === '1006') return { ...phone, name: 'Phone 1006 (no monitor CoS)', cos: { monitor: false } };
      if (dn === '1007') return { ...phone, name: 'Phone 1007 (no call control CoS)', cos: { callControl: false } };
      if (dn === '1008') return { ...phone, lines: [{ button: 2, dn: '1501', name: 'Support line' }] };
      if (dn === '1009') {
        return {
          ...phone,
          name: 'Phone 1009 (multi-line)',
          lines: [
            { button: 2, dn: '1500', name: 'Sales line' },
            { button: 3, dn: '1501', name: 'Support line' },
          ],
        };
      }
      return phone;
    }),
    ...range(2000, 10).map((dn): PhoneFixture => {
      const phone: PhoneFixture = { dn, name: `Phone ${dn}`, controller: 'ICP-2' };
      return Number(dn) <= 2004 ? { ...phone, name: `Phone ${dn} (resilient)`, secondary: 'ICP-1' } : phone;
    }),
  ],
  hotDeskUsers: range(3000, 4).map((dn) => ({
    dn,
    name: `Hot desk user ${dn}`,
    pin: '1234',
    controller: 'ICP-1',
    configuredExternalNumber: `61355501${dn.slice(-2)}`,
  })),
  prgs: [
    { dn: '4000', name: 'Team ring group', controller: 'ICP-1', members: ['1000', '1001', '1002'] },
    { dn: '4001', name: 'Back office ring group', controller: 'ICP-2', members: ['2005', '2006'] },
  ],
  externals: [
    { number: '5550100', name: 'Lab answering line', behaviour: 'answer', answerAfterMs: 1000 },
    { number: '5550199', name: 'Lab busy line', behaviour: 'busy' },
    { number: '5550198', name: 'Lab disconnected line', behaviour: 'unobtainable' },
  ],
};

export interface GeneratedFixtureOptions {
  /** Number of controllers, 127.1.0.1 … (default 2). */
  readonly controllers?: number;
  readonly phonesPerController?: number;
  /** First DN of controller k is firstDn + k × dnStride (defaults 10000 and 10000; maxExtLength 5). */
  readonly firstDn?: number;
  readonly dnStride?: number;
}

/** A plain cluster of many phones (benchmarks): no hot desking, groups or line appearances. */
export function generatedFixture(options: GeneratedFixtureOptions = {}): MivbFixture {
  const controllers = options.controllers ?? 2;
  const perController = options.phonesPerController ?? 1000;
  const first = options.firstDn ?? 10000;
  const stride = options.dnStride ?? 10000;
  const maxExtLength = String(first + stride * controllers).length;
  return {
    ...DEFAULT_MIVB_FIXTURE,
    numbering: { ...DEFAULT_MIVB_FIXTURE.numbering, maxExtLength },
    controllers: Array.from({ length: controllers }, (_, k) => ({ name: `ICP-${k + 1}`, address: `127.1.0.${k + 1}` })),
    phones: Array.from({ length: controllers }, (_, k) =>
      range(first + k * stride, perController).map((dn) => ({ dn, name: `Phone ${dn}`, controller: `ICP-${k + 1}` })),
    ).flat(),
    hotDeskUsers: [],
    prgs: [],
  };
}
