import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../../src/storage/embedded-postgres';

/**
 * What `npm start` runs (src/dev/run-with-lab.ts: the gateway, the lab certificate server and the
 * lab MiVoice Business cluster, on an embedded PostgreSQL), as a child process on free loopback
 * ports with its own data directory, so tests can drive it from outside like an administrator or
 * an application would.
 */
export interface LabRunner {
  /** The gateway, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** The lab MiVB's HTTP control API (people at phones). */
  readonly controlUrl: string;
  /** The runner's OIG_DATA_DIR (database, lab CA and certificates). */
  readonly dataDir: string;
  /** Everything the runner has printed so far, stdout and stderr interleaved. */
  output(): string;
  /** SIGTERM, then waits for the runner to exit (how it exited: undefined if it had already gone); the data directory stays. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>;
  /** stop(), then removes the data directory. */
  close(): Promise<void>;
  /** stop(), then starts the runner again on the same ports and data directory (a gateway restart). */
  restart(): Promise<void>;
}

/** A hook timeout that covers startLabRunner() on a slow machine (first initdb, lab CA). */
export const LAB_RUNNER_START_BUDGET_MS = 180_000;
// The runner's own deadline stays under the hook's, so a runner that never gets ready fails with
// its output rather than with vitest's bare "hook timed out".
const READY_DEADLINE_MS = LAB_RUNNER_START_BUDGET_MS - 15_000;

const SERVICE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const READY_BANNER = /OpenOIG gateway with lab is ready at (http:\/\/\S+)[\s\S]*control API (http:\/\/\S+)[\s\S]*Press Ctrl\+C/;

/**
 * `env`: more settings for the runner's gateway (e.g. OIG_MAX_SESSIONS), on top of its clean environment.
 * `viaNpm`: through `npm run start -w @openoig/service`, as a developer starts it (npm → sh → tsx → node), for the signal tests.
 */
export async function startLabRunner(options: { env?: Record<string, string>; viaNpm?: boolean } = {}): Promise<LabRunner> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'openoig-npm-start-'));
  const [port, linkPort, controlPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  // The developer's own OIG_*, DATABASE_URL, PORT or HOST must not point the runner at their gateway or database.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OIG_|DATABASE_URL$|PORT$|HOST$)/.test(name)));
  const env = { ...clean, OIG_DATA_DIR: dataDir, PORT: String(port), OIG_PBX_LINK_PORT: String(linkPort), OIG_LAB_MIVB_CONTROL_PORT: String(controlPort), LOG_LEVEL: 'warn', ...options.env };
  let output = '';
  let child: ChildProcess | undefined;

  const stop = async (): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> => {
    // No pid: it never started; an exit code or signal: it has already gone.
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return undefined;
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    return { code, signal };
  };
  const close = async (): Promise<void> => {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  // Same ports and data directory each time, so a restarted runner is the same gateway at the same URL.
  const spawnRunner = async (): Promise<{ url: string; controlUrl: string }> => {
    const started = options.viaNpm
      ? spawn('npm', ['run', 'start', '-w', '@openoig/service'], { cwd: path.join(SERVICE_DIR, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['--import', 'tsx', 'src/dev/run-with-lab.ts'], { cwd: SERVICE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const from = output.length;
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      return await readyUrls(started, () => output.slice(from));
    } catch (err) {
      await close();
      throw err;
    }
  };

  const urls = await spawnRunner();
  return {
    ...urls,
    dataDir,
    output: () => output,
    stop,
    close,
    restart: async () => {
      await stop();
      await spawnRunner();
    },
  };
}

/** Resolves with the URLs of the ready banner; rejects with the output if the runner exits or the deadline passes. */
function readyUrls(child: ChildProcess, output: () => string): Promise<{ url: string; controlUrl: string }> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = READY_BANNER.exec(output());
      if (match) finish(() => resolve({ url: match[1] as string, controlUrl: match[2] as string }));
    };
    const fail = (why: string): void => finish(() => reject(new Error(`npm start's runner ${why}:\n${output()}`)));
    const onError = (err: Error): void => fail(`could not start (${err.message})`);
    // 'close', not 'exit': by then stdout and stderr are drained, so the error carries the last words.
    const onClose = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited (${signal ?? `code ${code}`}) before it was ready`);
    const timer = setTimeout(() => fail(`did not get ready within ${READY_DEADLINE_MS / 1000} s`), READY_DEADLINE_MS);
    function finish(settle: () => void): void {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('close', onClose);
      child.off('error', onError);
      settle();
    }
    // Registered after the collectors in startLabRunner, so `output()` already holds each chunk.
    child.stdout?.on('data', check);
    child.once('close', onClose);
    child.once('error', onError);
  });
}
