import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { openArchive } from './archive/archive-file';
import { checkCompatible } from './archive/compatibility';
import { DATABASE_MEMBER, SETTINGS_PREFIX } from './archive/manifest';
import type { Progress } from './backup';
import { workDir, type HelperConfig } from './config';
import { databaseUrlFor, gatewayEnvironment, passwordOf } from './env-file';
import { helperError, HelperError } from './errors';
import type { GatewayControl } from './gateway-control';
import type { PostgresAdmin } from './postgres-admin';
import type { RestoreOutcome } from './protocol';
import { account, run } from './run';
import { membersToSettings, putBackSettings, replaceSettings } from './settings-files';

export interface RestoreDeps {
  readonly config: HelperConfig;
  readonly pg: PostgresAdmin;
  readonly gateway: GatewayControl;
  readonly log: { info(o: object, m: string): void; error(o: object, m: string): void };
}

/** The migrations this release carries (node-pg-migrate names: the file name without extension). */
async function releaseMigrations(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /\.(sql|js|ts|cjs|mjs)$/.test(f)).map((f) => f.replace(/\.[^.]+$/, ''));
}

/** Runs the gateway's own migrations on a database, as the gateway's user; returns what ran. */
async function migrateForward(deps: RestoreDeps, database: string): Promise<string[]> {
  const { config } = deps;
  const env = await gatewayEnvironment(config.etcDir);
  if (!env.DATABASE_URL) throw new Error(`${config.etcDir} gives the gateway no DATABASE_URL`);
  const [program, ...args] = config.gateway.migrateCommand as [string, ...string[]];
  const out = await run(program, args, { as: account(config.gateway.user), env: { ...env, DATABASE_URL: databaseUrlFor(env.DATABASE_URL, database), LOG_LEVEL: 'warn' } });
  const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{"migrated"'));
  return line ? ((JSON.parse(line) as { migrated: string[] }).migrated ?? []) : [];
}

/**
 * Restores a backup atomically (installation guide, "Restore from Backup?"): the archive is
 * checked whole and refused before anything changes; its database is loaded into a new
 * database and migrated forward while the gateway keeps serving; only then is the gateway
 * stopped, the databases and settings swapped, and the gateway started on the restored state.
 * If it is not healthy in time, every step is undone in reverse and the previous state runs
 * again. The previous database is kept (one generation) until the next restore.
 */
export async function restoreBackup(deps: RestoreDeps, file: string, label: string, passphrase: string | undefined, progress: Progress): Promise<RestoreOutcome> {
  const { config, pg, gateway, log } = deps;
  await mkdir(workDir(config), { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(path.join(workDir(config), 'restore-'));
  const unpacked = path.join(scratch, 'archive');
  await mkdir(unpacked, { mode: 0o700 });
  const name = config.database.name;
  const stamp = Date.now();
  const loading = `${name}_restore_${stamp}`;
  const previous = `${name}_previous_${stamp}`;
  try {
    progress('verifying', 5);
    const manifest = await openArchive(file, unpacked, passphrase);
    checkCompatible(manifest, { version: config.productVersion, migrations: await releaseMigrations(config.gateway.migrationsDir) });

    let migrated: string[];
    try {
      progress('loading-database', 20);
      await pg.restoreInto(loading, path.join(unpacked, DATABASE_MEMBER));
      progress('migrating', 50);
      migrated = await migrateForward(deps, loading);
    } catch (err) {
      await pg.drop(loading).catch(() => {});
      throw helperError('OIG_RESTORE_FAILED', `The backup's database could not be loaded; nothing was changed: ${(err as Error).message}`);
    }

    progress('switching', 65);
    const undo: Array<{ what: string; run: () => Promise<void> }> = [];
    const settings = membersToSettings(manifest.members, SETTINGS_PREFIX);
    const currentPassword = passwordOf((await gatewayEnvironment(config.etcDir)).DATABASE_URL);
    const restoredPassword = passwordOf((await gatewayEnvironment(path.join(unpacked, 'etc/openoig'))).DATABASE_URL);
    const kept = path.join(scratch, 'kept-settings');
    try {
      await gateway.stop();
      undo.push({ what: 'start the gateway', run: () => gateway.start() });
      if (await pg.exists(name)) {
        await pg.rename(name, previous);
        undo.push({ what: 'put the previous database back', run: () => pg.rename(previous, name) });
      }
      await pg.rename(loading, name);
      undo.push({ what: 'set the restored database aside', run: () => pg.rename(name, loading) });
      await replaceSettings(path.join(unpacked, 'etc/openoig'), settings, config.etcDir, kept);
      undo.push({ what: 'put the previous settings back', run: () => putBackSettings(kept, config.etcDir) });
      if (restoredPassword && restoredPassword !== currentPassword) {
        await pg.setRolePassword(restoredPassword);
        if (currentPassword) undo.push({ what: 'put the database password back', run: () => pg.setRolePassword(currentPassword) });
      }
      progress('starting', 80);
      undo.push({ what: 'stop the gateway', run: () => gateway.stop() });
      await gateway.start();
      await gateway.reloadFront();
      progress('health-check', 90);
      await gateway.waitHealthy(config.gateway.healthTimeoutMs);
    } catch (err) {
      const reason = (err as Error).message;
      log.error({ err: reason }, 'restore failed; undoing it');
      for (const step of undo.reverse()) {
        try {
          await step.run();
        } catch (undoErr) {
          log.error({ step: step.what, err: (undoErr as Error).message }, 'restore undo step failed');
        }
      }
      await pg.drop(loading).catch(() => {});
      throw helperError('OIG_RESTORE_FAILED', `The restore was undone and the previous state runs again: ${reason}`);
    }

    // One previous generation is kept: the database and settings the restore replaced.
    for (const old of await pg.databasesLike(`${name}_previous_`)) if (old !== previous) await pg.drop(old);
    const previousSettings = path.join(config.stateDir, 'previous-settings');
    await rm(previousSettings, { recursive: true, force: true });
    await rename(kept, previousSettings).catch(() => {});
    progress('done', 100);
    return { restoredFrom: label, productVersion: manifest.productVersion, guid: manifest.guid, arid: manifest.arid, migrated };
  } catch (err) {
    if (!(err instanceof HelperError)) log.error({ err: (err as Error).message }, 'restore failed');
    throw err;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
