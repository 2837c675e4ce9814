import { startGateway } from './app';
import { loadConfig } from './config';
import { OigError } from './errors';
import { createLogger } from './log';
import { createPool, migrate } from './storage/database';
import { parseFirstBootRequest, runFirstBootTasks } from './first-boot-tasks';
import { linkSystemd } from './systemd';
import type { LevelWithSilent } from 'pino';

/**
 * `openoig-gateway migrate`: runs this release's migrations on the database DATABASE_URL names
 * and exits, printing {"migrated":[...]}. The privileged helper runs it (as the gateway's user)
 * on a restored backup's database before it swaps that database in.
 */
async function migrateOnly(config: ReturnType<typeof loadConfig>): Promise<void> {
  if (!config.database.url) throw new OigError('OIG_CONFIG_INVALID', 'migrate needs DATABASE_URL');
  const log = createLogger(config.logLevel as LevelWithSilent, process.stderr);
  const pool = createPool(config.database.url);
  try {
    const migrated = await migrate(pool, 'up', log, { dir: config.database.migrationsDir });
    process.stdout.write(`${JSON.stringify({ migrated })}\n`);
  } finally {
    await pool.end();
  }
}

/** `openoig-gateway first-boot`: the ARID and the MiVoice Business of first boot (first-boot-tasks.ts). */
async function firstBootOnly(config: ReturnType<typeof loadConfig>): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const request = parseFirstBootRequest(Buffer.concat(chunks).toString('utf8'));
  const outcome = await runFirstBootTasks(config, request, createLogger(config.logLevel as LevelWithSilent, process.stderr));
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

/**
 * Process entry: configuration, start, signals. The appliance runs this under systemd; the
 * local lab run (`npm start`) uses dev/run-with-lab.ts, which starts the lab first.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof OigError ? `${err.code}: ` : ''}${(err as Error).message}\n`);
    process.exit(78); // EX_CONFIG: systemd does not restart on a configuration error
  }
  if (process.argv[2] === 'migrate') {
    await migrateOnly(config);
    process.exit(0);
  }
  if (process.argv[2] === 'first-boot') {
    await firstBootOnly(config);
    process.exit(0);
  }
  const log = createLogger(config.logLevel as LevelWithSilent);
  const systemd = linkSystemd(config.systemd, log);
  // startGateway returns once the database is migrated and the listeners are up: only then READY.
  const gateway = await startGateway(config, log);
  await systemd.ready(`serving ${gateway.url}${gateway.httpsUrl ? ` and ${gateway.httpsUrl}` : ''}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    systemd.close();
    void systemd.stopping();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  // A file named by the configuration that cannot be used (CA, TLS certificate and key) is a
  // configuration error too: 78, so systemd does not restart-loop on what only a person can fix.
  if (err instanceof OigError && err.code === 'OIG_CONFIG_INVALID') {
    process.stderr.write(`${err.code}: ${err.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`${err instanceof OigError ? `${err.code}: ` : ''}${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
