import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from '../log';

/** Connection pool and schema migrations (node-pg-migrate, SQL files in service/migrations). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000, application_name: 'openoig-gateway' });
  return pool;
}

export async function migrate(pool: pg.Pool, direction: 'up' | 'down', log: Logger, options: { dir?: string | undefined; count?: number } = {}): Promise<string[]> {
  const client = await pool.connect();
  try {
    const ran = await runner({
      dbClient: client,
      dir: options.dir ?? MIGRATIONS_DIR,
      direction,
      count: options.count ?? (direction === 'up' ? Infinity : 1),
      migrationsTable: 'pgmigrations',
      checkOrder: true,
      singleTransaction: true,
      log: (msg: string) => log.debug({ migration: true }, msg),
      logger: { debug: () => {}, info: (m: string) => log.debug(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) },
    });
    const names = ran.map((m) => m.name);
    if (names.length > 0) log.info({ migrations: names, direction }, 'database migrated');
    return names;
  } finally {
    client.release();
  }
}
