import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { oigError } from '../errors';
import type { Logger } from '../log';
import { isDatabaseUnavailable, type DatabaseAvailability } from './database-availability';

/** Connection pool and schema migrations (node-pg-migrate, SQL files in service/migrations). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * The gateway's connection pool. It must outlive the database: a connection that dies while
 * idle (PostgreSQL restarted, pg_terminate_backend) is an 'error' event, which would end the
 * process if nobody listened. Statements that fail for want of a server become
 * OIG_STORAGE_UNAVAILABLE (503, "try again"), not OIG_INTERNAL, and tell `availability`.
 */
export function createPool(url: string, options: { log?: Logger; availability?: DatabaseAvailability } = {}): pg.Pool {
  const { log, availability } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    idleTimeoutMillis: 30_000,
    // A server that accepts TCP but never answers (frozen, half-open) must not hold a request for ever.
    connectionTimeoutMillis: 5_000,
    application_name: 'openoig-gateway',
  });
  pool.on('error', (err) => {
    log?.warn({ reason: err.message }, 'an idle database connection failed; the pool opens a new one when needed');
    if (isDatabaseUnavailable(err)) availability?.markUnavailable(err);
  });
  const unavailable = (err: unknown): never => {
    if (!isDatabaseUnavailable(err)) throw err;
    availability?.markUnavailable(err);
    throw oigError('OIG_STORAGE_UNAVAILABLE', 'The gateway cannot reach its database right now; try again shortly', err);
  };
  // pg-pool's end() resolves once its clients are told to end, not once their connections
  // are closed: PostgreSQL stopped right after (npm start, the embedded server) still
  // terminated them, which reads as a database failure in the log. Wait for the 'end' of each.
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
  });
  const end = pool.end.bind(pool) as () => Promise<void>;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  // Only the promise forms are used in the gateway; the callback forms pass through untouched.
  Object.assign(pool, {
    query: (...args: unknown[]) => {
      if (typeof args[args.length - 1] === 'function') return query(...args);
      return query(...args).then((result) => {
        availability?.markAvailable();
        return result;
      }, unavailable);
    },
    end: async (...args: unknown[]) => {
      if (args.length > 0) return (end as (...a: unknown[]) => unknown)(...args);
      const closing = [...open].map((client) => new Promise<void>((resolve) => client.once('end', () => resolve())));
      await end();
      await Promise.all(closing);
    },
    connect: (...args: unknown[]) => {
      if (args.length > 0) return (connect as (...a: unknown[]) => unknown)(...args);
      return connect().then((client) => {
        availability?.markAvailable();
        return client;
      }, unavailable);
    },
  });
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
