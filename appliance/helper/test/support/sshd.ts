import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { freeLoopbackPort } from '../../../../service/src/storage/embedded-postgres';
import { installDebianPackages } from '../../../../service/test/support/debian-packages';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * Debian's real OpenSSH server on loopback, as the SFTP backup target of the tests: its own
 * host key, config and authorized_keys in a scratch directory, on a free 127.0.0.1 port (never
 * Debian's own sshd on every address: installed with its service not started).
 */
export interface TestSshd {
  readonly port: number;
  /** "<type> <base64>", as known_hosts and the target's hostKey hold it. */
  readonly hostKey: string;
  readonly fingerprint: string;
  /** The account the helper logs in as (the tests run as root). */
  readonly username: string;
  authorize(publicKey: string): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

async function listening(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`sshd did not listen on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Debian's OpenSSH server and client, installed with the server's own service not started. */
export async function ensureOpenSsh(): Promise<void> {
  if (!existsSync(SSHD) || !existsSync('/usr/bin/sftp')) await installDebianPackages(['openssh-server', 'openssh-client'], 'The SFTP backup target tests', { noStart: true });
}

export async function startTestSshd(dir: string): Promise<TestSshd> {
  await ensureOpenSsh();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // sshd's privilege separation directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyFile = path.join(dir, 'host_ed25519');
  await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-target', '-f', hostKeyFile]);
  const authorizedKeys = path.join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, '', { mode: 0o600 });
  const port = await freeLoopbackPort();
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyFile}`,
      'PidFile none',
      `AuthorizedKeysFile ${authorizedKeys}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const publicKey = (await readFile(`${hostKeyFile}.pub`, 'utf8')).trim().split(/\s+/);
  const hostKey = `${publicKey[0]} ${publicKey[1]}`;
  const fingerprint = (await exec('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKeyFile}.pub`])).stdout.trim().split(/\s+/)[1] as string;

  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-10_000)));
    await listening(port, 10_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${output}`);
    });
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    hostKey,
    fingerprint,
    username: 'root',
    authorize: (key) => writeFile(authorizedKeys, `${key}\n`, { mode: 0o600 }),
    start,
    stop,
  };
}
