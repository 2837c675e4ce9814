import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/**
 * Child processes of the helper. A program that must run as another user (PostgreSQL's tools as
 * postgres, the gateway's migrations as oig) is started with that uid and gid directly, with no
 * su/runuser and so no PAM: the helper's unit keeps only CAP_SETUID/CAP_SETGID for it.
 */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

const accounts = new Map<string, RunAs>();

/** The account of a system user, from the passwd database (getent: NSS-aware, no native addon). */
export function account(user: string): RunAs {
  const known = accounts.get(user);
  if (known) return known;
  const line = execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim();
  const [, , uid, gid, , home] = line.split(':');
  const found = { uid: Number(uid), gid: Number(gid), home: home || '/' };
  if (!Number.isInteger(found.uid) || !Number.isInteger(found.gid)) throw new Error(`no system user ${user}`);
  accounts.set(user, found);
  return found;
}

export interface RunOptions {
  readonly as?: RunAs;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** A file fed to stdin (a dump for pg_restore). */
  readonly stdinFile?: string;
  /** Where stdout goes when it is data (a dump), not a message. */
  readonly stdoutFile?: string;
  readonly cwd?: string;
}

/** Runs a program to its end; a non-zero exit throws with the last lines it wrote on stderr. */
export async function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const child = spawn(program, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', ...(options.as ? { HOME: options.as.home } : {}), ...options.env },
    cwd: options.cwd ?? options.as?.home ?? '/',
    ...(options.as ? { uid: options.as.uid, gid: options.as.gid } : {}),
  });
  let stdout = '';
  let stderr = '';
  let written: Promise<void> = Promise.resolve();
  if (options.stdoutFile) {
    const file = createWriteStream(options.stdoutFile, { mode: 0o600 });
    child.stdout.pipe(file);
    written = finished(file);
  } else {
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  }
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.stdin.on('error', () => {});
  if (options.stdinFile) createReadStream(options.stdinFile).pipe(child.stdin);
  else child.stdin.end(options.input ?? '');
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : null)));
  });
  await written;
  if (code !== 0) throw new Error(`${program} failed (exit code ${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return stdout;
}

const groups = new Map<string, string>();

/** A group's name from its id, or its id from its name (getent group answers either). */
export function group(key: number | string): { name: string; gid: number } {
  const cached = groups.get(String(key));
  const line = cached ?? execFileSync('getent', ['group', String(key)], { encoding: 'utf8' }).trim();
  groups.set(String(key), line);
  const [name, , gid] = line.split(':');
  return { name: name as string, gid: Number(gid) };
}
