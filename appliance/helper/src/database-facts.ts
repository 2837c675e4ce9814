import type { PostgresAdmin } from './postgres-admin';

/**
 * What a backup's manifest says of the gateway's database: its schema version (the migrations
 * it has run) and the appliance identity that must survive a redeployment (GUID, ARID).
 * A database the gateway has not yet migrated has none of these tables, and no facts.
 */
export interface DatabaseFacts {
  readonly migrations: string[];
  readonly guid: string | null;
  readonly arid: string | null;
}

export async function databaseFacts(pg: PostgresAdmin, database: string): Promise<DatabaseFacts> {
  const [present = ''] = await pg.sql(
    database,
    "SELECT to_regclass('public.pgmigrations') IS NOT NULL, to_regclass('public.appliance_identity') IS NOT NULL, to_regclass('public.licence_activation') IS NOT NULL",
  );
  const [hasMigrations, hasIdentity, hasLicence] = present.split('\t').map((v) => v === 't');
  const migrations = hasMigrations ? await pg.sql(database, 'SELECT name FROM pgmigrations ORDER BY run_on, id') : [];
  const guid = hasIdentity ? ((await pg.sql(database, 'SELECT guid FROM appliance_identity WHERE id = 1'))[0] ?? null) : null;
  const arid = hasLicence ? ((await pg.sql(database, 'SELECT arid FROM licence_activation LIMIT 1'))[0] ?? null) : null;
  return { migrations, guid, arid };
}
