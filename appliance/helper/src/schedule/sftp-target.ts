import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { infoOf } from '../backup-store';
import { helperError } from '../errors';
import { BackupName, type RemoteBackup, type ScannedHostKey, type SftpTarget } from '../protocol';
import { run } from '../run';

/**
 * The remote backup target: an SFTP server, reached with OpenSSH's own sftp client (batch mode),
 * the appliance's own key (made on first use; its public key goes into the server's
 * authorized_keys) and the server's host key pinned in a known_hosts file of its own: a server
 * that answers with another key is refused, never trusted on first use.
 */
/** What sftp and ssh said, in words an administrator can act on. */
function targetFailure(target: Pick<SftpTarget, 'host' | 'port'>, err: unknown): Error {
  const message = (err as Error).message;
  const where = `${target.host}:${target.port}`;
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key .* not known|No .* host key is known/i.test(message)) {
    return helperError('OIG_BACKUP_TARGET_HOST_KEY', `The SFTP server ${where} did not show the pinned host key: it was not trusted (pin its key again only if you know it changed).`);
  }
  if (/Permission denied/i.test(message)) return helperError('OIG_BACKUP_TARGET_REFUSED', `The SFTP server ${where} refused the appliance's key: add the appliance's public key to the account's authorized_keys.`);
  if (/No such file|not found|Couldn't (stat|canonicalize)/i.test(message)) return helperError('OIG_BACKUP_TARGET_REFUSED', `The SFTP server ${where} has no such directory or file: ${message.split('|').pop()?.trim()}`);
  if (/Connection refused|timed out|No route|Could not resolve|Name or service not known|Connection closed/i.test(message)) return helperError('OIG_BACKUP_TARGET_UNREACHABLE', `The SFTP server ${where} cannot be reached (${message.split('|').pop()?.trim()}).`);
  return helperError('OIG_BACKUP_TARGET_REFUSED', `The SFTP server ${where} refused: ${message}`);
}

/** The appliance's key for backups, made on first use; answers its public key. */
export async function applianceKey(sshDir: string): Promise<{ keyFile: string; publicKey: string }> {
  await mkdir(sshDir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(sshDir, 'id_ed25519');
  const existing = await readFile(`${keyFile}.pub`, 'utf8').catch(() => undefined);
  if (existing) return { keyFile, publicKey: existing.trim() };
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'openoig-backup', '-f', keyFile]);
  await chmod(keyFile, 0o600);
  return { keyFile, publicKey: (await readFile(`${keyFile}.pub`, 'utf8')).trim() };
}

/** The host keys a server shows now, with their SHA-256 fingerprints, for the administrator to compare and pin. */
export async function scanHostKeys(host: string, port: number): Promise<ScannedHostKey[]> {
  const target = { host, port };
  let lines: string;
  try {
    lines = await run('ssh-keyscan', ['-T', '10', '-p', String(port), '-t', 'ed25519,ecdsa,rsa', host]);
  } catch {
    // ssh-keyscan says nothing of why; it had no answer from an SSH server there.
    throw helperError('OIG_BACKUP_TARGET_UNREACHABLE', `No SSH server answered at ${target.host}:${target.port}.`);
  }
  const keys: ScannedHostKey[] = [];
  for (const line of lines.split('\n')) {
    const [, type, key] = line.trim().split(/\s+/);
    if (!type || !key || line.startsWith('#')) continue;
    const hostKey = `${type} ${key}`;
    const fingerprint = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', '-'], { input: `${host} ${hostKey}\n` })).trim().split(/\s+/)[1] ?? '';
    keys.push({ hostKey, fingerprint });
  }
  if (keys.length === 0) throw helperError('OIG_BACKUP_TARGET_UNREACHABLE', `The SSH server ${host}:${port} showed no host key.`);
  return keys;
}

export class SftpClient {
  constructor(
    private readonly target: SftpTarget,
    private readonly sshDir: string,
  ) {}

  private async batch(commands: readonly string[]): Promise<string> {
    const { keyFile } = await applianceKey(this.sshDir);
    const knownHosts = path.join(this.sshDir, 'known_hosts.pinned');
    const hostEntry = this.target.port === 22 && !this.target.host.includes(':') ? this.target.host : `[${this.target.host}]:${this.target.port}`;
    await writeFile(knownHosts, `${hostEntry} ${this.target.hostKey}\n`, { mode: 0o600 });
    const options = ['BatchMode=yes', 'StrictHostKeyChecking=yes', `UserKnownHostsFile=${knownHosts}`, 'GlobalKnownHostsFile=/dev/null', 'IdentitiesOnly=yes', 'ConnectTimeout=15', 'ServerAliveInterval=15', 'LogLevel=ERROR'];
    try {
      return await run('sftp', ['-b', '-', '-P', String(this.target.port), '-i', keyFile, ...options.flatMap((o) => ['-o', o]), `${this.target.username}@${this.target.host.includes(':') ? `[${this.target.host}]` : this.target.host}`], { input: `${commands.join('\n')}\n` });
    } catch (err) {
      throw targetFailure(this.target, err);
    }
  }

  private remote(name: string): string {
    return `${this.target.directory.replace(/\/+$/, '')}/${name}`;
  }

  /** Connects, checks the pinned host key and that the directory can be listed and written. */
  async check(): Promise<void> {
    const probe = `.openoig-write-test-${process.pid}`;
    const local = path.join(this.sshDir, probe);
    await writeFile(local, 'OpenOIG checks that it may write here.\n', { mode: 0o600 });
    try {
      await this.batch([`ls -ln ${this.target.directory}`, `put ${local} ${this.remote(probe)}`, `rm ${this.remote(probe)}`]);
    } finally {
      await rm(local, { force: true });
    }
  }

  /** The backups in the target directory (files named as the appliance names them), newest first. */
  async list(): Promise<RemoteBackup[]> {
    const out = await this.batch([`ls -ln ${this.target.directory}`]);
    const found: RemoteBackup[] = [];
    for (const line of out.split('\n')) {
      const fields = line.trim().split(/\s+/);
      const name = fields.at(-1) ?? '';
      const base = path.basename(name);
      if (fields.length >= 9 && Value.Check(BackupName, base)) {
        const info = infoOf(base, Number(fields[4]));
        found.push({ name: base, size: info.size, createdAt: info.createdAt, encrypted: info.encrypted });
      }
    }
    return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
  }

  /** Uploads under a temporary name, then renames: the target never shows half a backup. */
  async upload(file: string, name: string): Promise<void> {
    await this.batch([`put ${file} ${this.remote(`${name}.partial`)}`, `rename ${this.remote(`${name}.partial`)} ${this.remote(name)}`]);
  }

  async download(name: string, file: string): Promise<void> {
    await this.batch([`get ${this.remote(name)} ${file}`]);
  }

  async remove(name: string): Promise<void> {
    await this.batch([`rm ${this.remote(name)}`]);
  }
}
