import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OIG_PHYSICAL_BASE, partInfo, PHYSICAL_TO_VIRTUAL_UPGRADE, type BasePlatform, type PartInfo } from './catalogue';

/**
 * The lab AMC's licence accounts (lab/README.md "Fixture file"): accounts holding Application
 * Records (ARIDs), each with its part numbers and quantities and its ULM group. The shape is
 * checked with TypeBox, the rules of a record (one base package, known parts) by checkRecord.
 */
export const ARID_PATTERN = '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$';
export const Arid = Type.String({ pattern: ARID_PATTERN, description: 'letters, digits and inner hyphens, at most 64' });

export const PartLineSchema = Type.Object(
  {
    partNumber: Type.String({ pattern: '^[0-9]{8}$' }),
    quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
    /** Required only for a part the lab catalogue does not know (catalogue.ts). */
    description: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const AridRecordSchema = Type.Object(
  {
    arid: Arid,
    description: Type.Optional(Type.String()),
    parts: Type.Array(PartLineSchema, { minItems: 1 }),
    ulmGroup: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const AccountSchema = Type.Object(
  { name: Type.String({ minLength: 1 }), arids: Type.Array(AridRecordSchema) },
  { additionalProperties: false },
);

export const AmcFixtureSchema = Type.Object({ accounts: Type.Array(AccountSchema, { minItems: 1 }) }, { additionalProperties: false });

export type AmcFixture = Static<typeof AmcFixtureSchema>;
export type AccountFixture = Static<typeof AccountSchema>;
export type AridRecordFixture = Static<typeof AridRecordSchema>;
export type PartLine = Static<typeof PartLineSchema>;

/** Thrown for a fixture or an account edit that breaks a rule; the message names the entry. */
export class AmcFixtureError extends Error {
  override readonly name = 'AmcFixtureError';
}

/** What the lab derives from a record: its base package and where it may be activated. */
export interface RecordFacts {
  readonly base: PartInfo;
  readonly platform: BasePlatform;
  readonly trial: boolean;
}

/** The rules of one Application Record; throws a plain message, the caller says where. */
export function checkRecord(record: AridRecordFixture): RecordFacts {
  const seen = new Set<string>();
  const bases: PartInfo[] = [];
  for (const line of record.parts) {
    if (seen.has(line.partNumber)) throw new Error(`part ${line.partNumber} is listed twice; give one entry with the total quantity`);
    seen.add(line.partNumber);
    const info = partInfo(line.partNumber);
    if (!info && !line.description) throw new Error(`part ${line.partNumber} is not in the lab catalogue; give it a description to use it anyway`);
    if (info?.kind === 'base') {
      if (line.quantity !== 1) throw new Error(`base package ${line.partNumber} must have quantity 1`);
      bases.push(info);
    }
  }
  const [base] = bases;
  if (!base) throw new Error('has no base package; an ARID holds exactly one (54005784, 54005785, 54006216, 54006217, 54006210, 54006213, 54005787, 54005788, 54006307 or 54005933)');
  if (bases.length > 1) throw new Error(`has ${bases.length} base packages (${bases.map((b) => b.partNumber).join(', ')}); an ARID holds exactly one`);
  const upgraded = seen.has(PHYSICAL_TO_VIRTUAL_UPGRADE);
  if (upgraded && base.partNumber !== OIG_PHYSICAL_BASE) {
    throw new Error(`upgrade ${PHYSICAL_TO_VIRTUAL_UPGRADE} (physical to virtual) applies only to base package ${OIG_PHYSICAL_BASE}, not ${base.partNumber}`);
  }
  return { base, platform: upgraded ? 'virtual' : (base.platform ?? 'either'), trial: base.trial ?? false };
}

/** `/accounts/0/arids/2/parts/1` → `accounts[0] (OpenOIG Lab).arids[2] (ARID-LAB-0003).parts[1] (54005792)`. */
function entryPath(value: unknown, pointer: string): string {
  let text = '';
  let node: unknown = value;
  for (const part of pointer.split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[part];
    if (!/^[0-9]+$/.test(part)) {
      text += `${text ? '.' : ''}${part}`;
      continue;
    }
    const entry = node as { name?: unknown; arid?: unknown; partNumber?: unknown } | undefined;
    const label = [entry?.arid, entry?.partNumber, entry?.name].find((v) => typeof v === 'string');
    text += `[${part}]${label ? ` (${label as string})` : ''}`;
  }
  return text || '(top level)';
}

/** Checks a whole fixture: shape, then every record's rules and ARIDs unique across accounts. */
export function checkAmcFixture(value: unknown, source = 'fixture'): AmcFixture {
  if (!Value.Check(AmcFixtureSchema, value)) {
    const error = Value.Errors(AmcFixtureSchema, value).First();
    throw new AmcFixtureError(`${source}: ${error ? entryPath(value, error.path) : '(top level)'}: ${error?.message ?? 'invalid'}`);
  }
  const owners = new Map<string, string>();
  value.accounts.forEach((account, a) =>
    account.arids.forEach((record, r) => {
      const where = entryPath(value, `/accounts/${a}/arids/${r}`);
      const first = owners.get(record.arid);
      if (first) throw new AmcFixtureError(`${source}: ${where}: ARID ${record.arid} is already used by ${first}; ARIDs are unique in the AMC`);
      owners.set(record.arid, where);
      try {
        checkRecord(record);
      } catch (e) {
        throw new AmcFixtureError(`${source}: ${where}: ${(e as Error).message}`);
      }
    }),
  );
  return value;
}

export async function readAmcFixture(file: string): Promise<AmcFixture> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new AmcFixtureError(`${file}: ${(err as Error).message}`);
  }
  return checkAmcFixture(parsed, file);
}

export const LAB_AMC_ACCOUNT = 'OpenOIG Lab';
export const LAB_AMC_SP_ACCOUNT = 'OpenOIG Lab Service Provider';

const lines = (...pairs: Array<[string, number]>): PartLine[] => pairs.map(([partNumber, quantity]) => ({ partNumber, quantity }));

/** The default lab licence accounts (lab/README.md "Default accounts"), served by `npm start` and tests. */
export const DEFAULT_AMC_FIXTURE: AmcFixture = {
  accounts: [
    {
      name: LAB_AMC_ACCOUNT,
      arids: [
        {
          arid: 'ARID-LAB-0001',
          description: 'OIG virtual: 100 standard and 50 advanced users, Salesforce and Google',
          parts: lines(['54005785', 1], ['54006214', 2], ['54005793', 50], ['54006725', 1], ['54006724', 10], ['54006703', 1]),
        },
        { arid: 'ARID-LAB-0002', description: 'OIG physical: 50 standard and 5 advanced users', parts: lines(['54005784', 1], ['54006214', 1], ['54005793', 5]) },
        {
          arid: 'ARID-LAB-0003',
          description: 'MiVoice Integrations virtual: Salesforce and Google, in a ULM group',
          parts: lines(['54006217', 1], ['54006219', 1], ['54006221', 1]),
          ulmGroup: 'LAB-ULM-1',
        },
        {
          arid: 'ARID-LAB-0004',
          description: 'MiVoice Integrations physical: Salesforce advanced, in a ULM group',
          parts: lines(['54006216', 1], ['54006724', 20]),
          ulmGroup: 'LAB-ULM-1',
        },
        { arid: 'ARID-LAB-0007', description: 'Developer Standard Kit', parts: lines(['54005787', 1]) },
        { arid: 'ARID-LAB-0008', description: 'Developer Advanced Kit', parts: lines(['54005788', 1]) },
        { arid: 'ARID-LAB-0009', description: 'MiVoice Integrations Demo Kit', parts: lines(['54006307', 1]) },
        { arid: 'ARID-LAB-0010', description: '60-day trial', parts: lines(['54005933', 1]) },
        { arid: 'ARID-LAB-0011', description: 'OIG virtual with a standard server licence', parts: lines(['54005785', 1], ['54005807', 1]) },
        {
          arid: 'ARID-LAB-0012',
          description: 'OIG physical upgraded to virtual (54005786): 50 standard users',
          parts: lines(['54005784', 1], ['54005786', 1], ['54006214', 1]),
        },
        { arid: 'ARID-LAB-0013', description: "OIG virtual, 50 standard users: the trial's successor", parts: lines(['54005785', 1], ['54006214', 1]) },
      ],
    },
    {
      name: LAB_AMC_SP_ACCOUNT,
      arids: [
        {
          arid: 'ARID-LAB-0005',
          description: 'SP CAPEX: 20 Salesforce and 20 Google users, in a ULM group',
          parts: lines(['54006210', 1], ['54006211', 20], ['54006212', 20]),
          ulmGroup: 'LAB-ULM-SP',
        },
        { arid: 'ARID-LAB-0006', description: 'SP OPEX (subscription), in a ULM group', parts: lines(['54006213', 1]), ulmGroup: 'LAB-ULM-SP' },
      ],
    },
  ],
};
