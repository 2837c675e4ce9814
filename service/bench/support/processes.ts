import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/**
 * Child processes for benchmarks: each server under test runs in its own Node.js process (its
 * own event loop, its own CPU time), started from a TypeScript entry through tsx's loader so
 * the pid we hold is the server itself, not a tsx wrapper. Children get their own process
 * group; stopping is SIGTERM (the gateway then stops its embedded PostgreSQL), then SIGKILL of
 * the group and of every descendant seen, by pid.
 */
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)
const OUTPUT_TAIL_BYTES = 16 * 1024;
const PINO_WARN_OR_WORSE = /^\{.*"level":(?:[4-9]\d)\b/;

interface ProcStat {
  readonly ppid: number;
  readonly cpuTicks: number;
  readonly startTime: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** VmRSS of a process in KiB, or undefined when it is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The process's command name (/proc/<pid>/comm), or undefined when it is gone. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid` (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(name));
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** CPU ticks (user + system) used so far by each of `pids` that is alive. */
export function cpuTicks(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const ticks = readStat(pid)?.cpuTicks;
    if (ticks !== undefined) out.set(pid, ticks);
  }
  return out;
}

/**
 * CPU seconds used between two cpuTicks() snapshots by the processes alive at the second one
 * (a process started in between counts whole; one that ended in between is not seen).
 */
export function cpuSecondsBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of after) ticks += Math.max(0, now - (before.get(pid) ?? 0));
  return ticks / CLOCK_TICKS_PER_SECOND;
}

export class ServerProcess {
  private readonly child: ChildProcess;
  private output = '';
  private exitCode: number | string | null = null;
  private readonly exitedPromise: Promise<void>;
  /** Log lines at pino level warn or worse written so far, and the first few of them. */
  warnings = 0;
  readonly warningSamples: string[] = [];
  /** Descendants (e.g. embedded PostgreSQL) with their start time, so a recycled pid is never killed. */
  private known = new Map<number, string>();

  constructor(
    readonly name: string,
    script: string,
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
    };
    let partial = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!PINO_WARN_OR_WORSE.test(line)) continue;
        this.warnings += 1;
        if (this.warningSamples.length < 3) this.warningSamples.push(line.slice(0, 500));
      }
    });
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exitedPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = code ?? signal ?? 'unknown';
        resolve();
      });
      this.child.once('error', (err) => {
        keep(Buffer.from(`spawn error: ${err.message}\n`));
        this.exitCode = 'spawn-error';
        resolve();
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name}: process did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === null;
  }

  /** The last lines the process wrote (stdout and stderr), for error reports. */
  tail(): string {
    return this.output.trim();
  }

  /** Remembers the current descendants so stop() and killNow() can reach them. */
  rememberDescendants(): number[] {
    const pids = descendants(this.pid);
    for (const pid of pids) this.known.set(pid, readStat(pid)?.startTime ?? '');
    return pids;
  }

  /** Resolves with the first output line matching `pattern`; rejects if the process exits or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (!this.running) throw new Error(`${this.name} exited (${this.exitCode}) before it was ready:\n${this.tail()}`);
      await sleep(50);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** Polls GET `url` until it answers 200; rejects if the process exits or time runs out. */
  async waitForHealth(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited (${this.exitCode}) before it was ready:\n${this.tail()}`);
      try {
        const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
        await res.body.dump();
        if (res.statusCode === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${this.name}: GET ${url} did not answer 200 within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** SIGTERM, then after `graceMs` SIGKILL of the process group and of every descendant seen. */
  async stop(graceMs: number): Promise<void> {
    if (this.child.pid === undefined) return;
    if (this.running) {
      this.rememberDescendants();
      try {
        process.kill(this.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([this.exitedPromise, sleep(graceMs)]);
    }
    this.killNow();
  }

  /** Synchronous last resort (also used from the 'exit' handler). */
  killNow(): void {
    if (this.child.pid === undefined) return;
    if (this.running) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // group already gone
      }
    }
    for (const [pid, startTime] of this.known) {
      if (readStat(pid)?.startTime === startTime) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    this.known.clear();
  }
}
