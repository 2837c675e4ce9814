import { chmod, chown, copyFile, lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ManifestMember } from './archive/manifest';
import { group } from './run';

/**
 * The gateway's settings directory (/etc/openoig) as archive members and back. Restoring
 * replaces the directory's contents file by file (each write is a rename inside the directory,
 * so no file is ever half-written) and keeps what it replaced, so a failed restore can put it back.
 */
export interface SettingsFile {
  /** Relative to the settings directory, '/'-separated. */
  readonly relative: string;
  readonly mode: number;
  readonly group: string;
}

/** Every regular file under dir (symbolic links and other kinds are not settings: skipped). */
export async function settingsFiles(dir: string, prefix = ''): Promise<SettingsFile[]> {
  const found: SettingsFile[] = [];
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (!/^[A-Za-z0-9._-]+$/.test(entry.name)) continue;
    if (entry.isDirectory()) found.push(...(await settingsFiles(dir, relative)));
    else if (entry.isFile()) {
      const s = await lstat(path.join(dir, relative));
      found.push({ relative, mode: s.mode & 0o777, group: group(s.gid).name });
    }
  }
  return found;
}

/**
 * Puts `source`'s files (mode and group as listed) in place of `target`'s. What was there goes
 * to `keep`, mirroring the tree; files of `target` the source does not have go there too.
 */
export async function replaceSettings(source: string, files: readonly SettingsFile[], target: string, keep: string): Promise<void> {
  await mkdir(keep, { recursive: true, mode: 0o700 });
  for (const old of await settingsFiles(target)) {
    await mkdir(path.dirname(path.join(keep, old.relative)), { recursive: true, mode: 0o700 });
    await copyFile(path.join(target, old.relative), path.join(keep, old.relative));
    await chown(path.join(keep, old.relative), 0, group(old.group).gid);
    await chmod(path.join(keep, old.relative), old.mode);
  }
  await writeSettings(source, files, target);
  const wanted = new Set(files.map((f) => f.relative));
  for (const old of await settingsFiles(target)) if (!wanted.has(old.relative)) await rm(path.join(target, old.relative));
}

/** Copies files into target: each through a temporary file in its own directory, then a rename. */
export async function writeSettings(source: string, files: readonly SettingsFile[], target: string): Promise<void> {
  for (const file of files) {
    const to = path.join(target, file.relative);
    await mkdir(path.dirname(to), { recursive: true, mode: 0o755 });
    const temporary = path.join(path.dirname(to), `.${path.basename(to)}.restoring`);
    await copyFile(path.join(source, file.relative), temporary);
    await chown(temporary, 0, group(file.group).gid);
    await chmod(temporary, file.mode);
    await rename(temporary, to);
  }
}

/** Puts back what replaceSettings kept (the undo of a failed restore). */
export async function putBackSettings(keep: string, target: string): Promise<void> {
  const kept = await settingsFiles(keep);
  const current = await settingsFiles(target);
  await writeSettings(keep, kept, target);
  const wanted = new Set(kept.map((f) => f.relative));
  for (const file of current) if (!wanted.has(file.relative)) await rm(path.join(target, file.relative));
}

export function membersToSettings(members: readonly ManifestMember[], prefix: string): SettingsFile[] {
  return members.filter((m) => m.path.startsWith(prefix)).map((m) => ({ relative: m.path.slice(prefix.length), mode: m.mode, group: m.group }));
}
