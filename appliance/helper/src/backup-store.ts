import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { backupsDir, type HelperConfig } from './config';
import { helperError } from './errors';
import { BackupName, type BackupInfo } from './protocol';

/**
 * The backups kept on this appliance (/var/lib/openoig-helper/backups, root only). A backup is
 * known by its file name, which says whose, which release and when; nothing else is stored.
 */
const STAMP = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.tar\.gz(\.age)?$/;

export function backupName(host: string, version: string, at: Date, encrypted: boolean): string {
  const safeHost = host.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 64) || 'openoig';
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `openoig-backup-${safeHost}-${version}-${stamp}.tar.gz${encrypted ? '.age' : ''}`;
}

export function infoOf(name: string, size: number): BackupInfo {
  const m = STAMP.exec(name);
  const createdAt = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : new Date(0).toISOString();
  const encrypted = name.endsWith('.age');
  return { name, size, createdAt, encrypted, holdsKeysInClear: !encrypted };
}

export class BackupStore {
  constructor(private readonly config: HelperConfig) {}

  get dir(): string {
    return backupsDir(this.config);
  }

  /** The file of a stored backup; a name that is not one of ours is refused, never joined to a path. */
  pathOf(name: string): string {
    if (!Value.Check(BackupName, name)) throw helperError('OIG_HELPER_BAD_REQUEST', `"${name}" is not a backup name.`);
    return path.join(this.dir, name);
  }

  async info(name: string): Promise<BackupInfo> {
    const file = this.pathOf(name);
    const s = await stat(file).catch(() => null);
    if (!s?.isFile()) throw helperError('OIG_BACKUP_NOT_FOUND', `There is no backup ${name} on this appliance.`);
    return infoOf(name, s.size);
  }

  /** Newest first. */
  async list(): Promise<BackupInfo[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => Value.Check(BackupName, n));
    const infos = await Promise.all(names.map((n) => this.info(n).catch(() => null)));
    return infos.filter((i): i is BackupInfo => i !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
  }

  async delete(name: string): Promise<void> {
    await this.info(name);
    await rm(this.pathOf(name));
  }
}
