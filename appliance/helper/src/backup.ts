import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileSize, sha256File, writeArchive } from './archive/archive-file';
import { ARCHIVE_FORMAT, DATABASE_MEMBER, MANIFEST_NAME, SETTINGS_PREFIX, type Manifest, type ManifestMember } from './archive/manifest';
import { BackupStore, backupName, infoOf } from './backup-store';
import { workDir, type HelperConfig } from './config';
import { databaseFacts } from './database-facts';
import type { PostgresAdmin } from './postgres-admin';
import type { BackupInfo } from './protocol';
import { settingsFiles } from './settings-files';

export type Progress = (step: string, percent: number) => void;

export interface BackupDeps {
  readonly config: HelperConfig;
  readonly pg: PostgresAdmin;
  readonly store: BackupStore;
  readonly now?: () => Date;
  readonly host?: string;
}

/**
 * One backup of this appliance (installation guide, "Back up Mitel OIG Server"): the gateway's
 * database (pg_dump, while it keeps running: a dump is one consistent snapshot), its settings
 * directory with the TLS certificate and key and the administrator password, and a manifest
 * with the GUID and ARID, into the appliance's backup directory.
 */
export async function createBackup(deps: BackupDeps, passphrase: string | undefined, progress: Progress): Promise<BackupInfo> {
  const { config, pg, store } = deps;
  await mkdir(workDir(config), { recursive: true, mode: 0o700 });
  await mkdir(store.dir, { recursive: true, mode: 0o700 });
  const staged = await mkdtemp(path.join(workDir(config), 'backup-'));
  try {
    progress('dumping-database', 5);
    await pg.dump(config.database.name, path.join(staged, DATABASE_MEMBER));
    const facts = await databaseFacts(pg, config.database.name);

    progress('copying-settings', 50);
    const members: ManifestMember[] = [{ path: DATABASE_MEMBER, ...(await sha256File(path.join(staged, DATABASE_MEMBER))), mode: 0o600, group: 'root' }];
    for (const file of await settingsFiles(config.etcDir)) {
      const member = `${SETTINGS_PREFIX}${file.relative}`;
      await mkdir(path.dirname(path.join(staged, member)), { recursive: true, mode: 0o700 });
      await copyFile(path.join(config.etcDir, file.relative), path.join(staged, member));
      members.push({ path: member, ...(await sha256File(path.join(staged, member))), mode: file.mode, group: file.group });
    }
    await mkdir(path.join(staged, 'etc/openoig'), { recursive: true, mode: 0o700 });

    const host = deps.host ?? os.hostname();
    let at = (deps.now ?? (() => new Date()))();
    // One backup a second at most keeps names unique; a second one in the same second waits.
    while (await store.info(backupName(host, config.productVersion, at, passphrase !== undefined)).then(() => true, () => false)) {
      await new Promise((r) => setTimeout(r, 1000));
      at = (deps.now ?? (() => new Date()))();
    }
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      product: 'OpenOIG',
      productVersion: config.productVersion,
      migrations: facts.migrations,
      guid: facts.guid,
      arid: facts.arid,
      host,
      createdAt: at.toISOString(),
      members,
    };
    await writeFile(path.join(staged, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });

    progress(passphrase === undefined ? 'writing-archive' : 'encrypting-archive', 70);
    const name = backupName(host, config.productVersion, at, passphrase !== undefined);
    const file = store.pathOf(name);
    await writeArchive(staged, file, passphrase);
    progress('done', 100);
    return infoOf(name, await fileSize(file));
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}
