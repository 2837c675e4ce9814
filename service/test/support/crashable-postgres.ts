import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A real PostgreSQL of one test's own (the run's shared server must not be crashed) that the
 * test can kill -9 — the postmaster and every backend at once, as the OOM killer or a power
 * cut would — and start again on the same data and port, through crash recovery.
 */
export interface CrashablePostgres {
  readonly url: string;
  crash(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Still running: a zombie (killed, not yet reaped) holds nothing and counts as gone. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function startCrashablePostgres(): Promise<CrashablePostgres> {
  const script = fileURLToPath(new URL('./crashable-postgres-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the crashable PostgreSQL process exited (code ${code})`));
      child.once('exit', onExit);
      lines.once('line', (line) => {
        child.off('exit', onExit);
        resolve(line);
      });
    });
  const { url, dataDir } = JSON.parse(await nextLine()) as { url: string; dataDir: string };
  return {
    url,
    async crash() {
      const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      const victims = [pid, ...(await childrenOf(pid))];
      for (const victim of victims) {
        try {
          process.kill(victim, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // A new postmaster refuses to start while old backends still hold the shared memory.
      for (const victim of victims) while (await alive(victim)) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    async start() {
      const answer = nextLine();
      child.stdin!.write('start\n');
      const line = await answer;
      if (line !== 'started') throw new Error(`PostgreSQL did not start again: ${line}`);
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      await exited;
    },
  };
}
