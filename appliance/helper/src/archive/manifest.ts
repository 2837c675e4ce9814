import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { helperError } from '../errors';

/**
 * manifest.json, the first member of every backup: what made it, whose it is, and a checksum of
 * every other member. Restore trusts nothing that is not listed here with a matching checksum.
 */
export const ARCHIVE_FORMAT = 1;
export const MANIFEST_NAME = 'manifest.json';
export const DATABASE_MEMBER = 'database.dump';
/** The gateway's settings directory, as it sits in the archive. */
export const SETTINGS_PREFIX = 'etc/openoig/';

const Member = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 512, pattern: '^(database\\.dump|etc/openoig/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)$' }),
    size: Type.Integer({ minimum: 0 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    /** File mode and group of a settings file, so secrets come back as private as they were. */
    mode: Type.Integer({ minimum: 0, maximum: 0o777 }),
    group: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_][a-z0-9_-]*$' }),
  },
  { additionalProperties: false },
);

export const Manifest = Type.Object(
  {
    format: Type.Integer({ minimum: 1 }),
    product: Type.Literal('OpenOIG'),
    productVersion: Type.String({ pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' }),
    /** The migrations the dumped database had: its schema version. */
    migrations: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 10_000 }),
    guid: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
    arid: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
    host: Type.String({ minLength: 1, maxLength: 255 }),
    createdAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', maxLength: 40 }),
    members: Type.Array(Member, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);
export type Manifest = Static<typeof Manifest>;
export type ManifestMember = Static<typeof Member>;

/** The manifest of an archive, or a refusal that says what is wrong with it. */
export function parseManifest(text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw helperError('OIG_BACKUP_CORRUPT', 'The backup is damaged: its manifest is not readable JSON.');
  }
  // The format is checked first, so a future format is named as such rather than as damage.
  const format = (json as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format > ARCHIVE_FORMAT) {
    throw helperError('OIG_BACKUP_INCOMPATIBLE', `The backup uses archive format ${format}; this release reads format ${ARCHIVE_FORMAT} only. Restore it on a newer release.`);
  }
  if (!Value.Check(Manifest, json)) {
    const first = [...Value.Errors(Manifest, json)][0];
    throw helperError('OIG_BACKUP_CORRUPT', `The backup is damaged: its manifest is not valid (${first ? `${first.path || '/'}: ${first.message}` : 'unknown field'}).`);
  }
  if (!json.members.some((m) => m.path === DATABASE_MEMBER)) throw helperError('OIG_BACKUP_CORRUPT', 'The backup is damaged: it holds no database.');
  return json;
}
