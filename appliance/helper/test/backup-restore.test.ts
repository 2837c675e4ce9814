import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrate } from '../../../service/src/storage/database';
import { createLogger } from '../../../service/src/log';
import { openArchive, sha256File } from '../src/archive/archive-file';
import { parseManifest } from '../src/archive/manifest';
import { HelperError } from '../src/errors';
import { HelperService } from '../src/helper-service';
import { applianceState } from './support/appliance-state';
import { makeTestAppliance, type TestAppliance } from './support/test-appliance';

/**
 * Backup and restore on real PostgreSQL with the real gateway (issue #12; installation guide,
 * "Back up Mitel OIG Server and MSL database" and "Restore from Backup?").
 */
const quiet = { info: () => {}, error: () => {} };
const noProgress = () => {};
let app: TestAppliance;
let helper: HelperService;
let work: string;

async function refusal(promise: Promise<unknown>): Promise<HelperError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the restore was expected to be refused').toBeInstanceOf(HelperError);
  return err as HelperError;
}

async function insertElement(address: string, name: string) {
  await app.pg.sql(app.config.database.name, `INSERT INTO network_element (ne_type, address, name, configured) VALUES ('MI_VB', '${address}', '${name}', true)`);
}

/** Unpacks an archive, lets `change` edit the tree, and packs it again (a tampered copy). */
async function repack(file: string, change: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'repack-'));
  await tar.x({ file, cwd: dir });
  await change(dir);
  const out = path.join(work, `tampered-${randomUUID()}.tar.gz`);
  await tar.c({ gzip: true, file: out, cwd: dir, portable: true }, ['manifest.json', 'database.dump', 'etc', ...(await import('node:fs/promises').then((fs) => fs.readdir(dir))).filter((n) => !['manifest.json', 'database.dump', 'etc'].includes(n))]);
  return out;
}

async function copyOf(file: string): Promise<string> {
  const out = path.join(work, `copy-${randomUUID()}`);
  await writeFile(out, await readFile(file));
  return out;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'openoig-helper-work-'));
  app = await makeTestAppliance('backup');
  await app.startGateway();
  await app.pg.sql(app.config.database.name, "INSERT INTO appliance_identity (id, guid) VALUES (1, 'guid-of-appliance-a')");
  await insertElement('10.1.0.1', 'ICP-A');
  helper = new HelperService(app.config, app.gateway, quiet);
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a backup', () => {
  it('holds the database, every settings file with its mode and group, and a manifest with the GUID, the schema version and checksums', async () => {
    const steps: string[] = [];
    const info = await helper.backup(undefined, (step) => steps.push(step));
    expect(info).toMatchObject({ encrypted: false, holdsKeysInClear: true });
    expect(info.name).toMatch(/^openoig-backup-[A-Za-z0-9.-]+-0\.1\.0-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(steps).toEqual(expect.arrayContaining(['dumping-database', 'copying-settings', 'writing-archive', 'done']));
    const file = helper.store.pathOf(info.name);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await helper.store.list()).toContainEqual(info);

    const unpacked = await mkdtemp(path.join(work, 'open-'));
    const manifest = await openArchive(file, unpacked, undefined);
    expect(manifest).toMatchObject({ format: 1, product: 'OpenOIG', productVersion: '0.1.0', guid: 'guid-of-appliance-a', arid: null, host: os.hostname() });
    expect(manifest.migrations.length).toBeGreaterThan(3);
    const paths = manifest.members.map((m) => m.path);
    expect(paths).toEqual(expect.arrayContaining(['database.dump', 'etc/openoig/gateway.env', 'etc/openoig/secrets.env', 'etc/openoig/tls/gateway.crt', 'etc/openoig/tls/gateway.key']));
    expect(manifest.members.find((m) => m.path === 'etc/openoig/secrets.env')).toMatchObject({ mode: 0o640 });
    expect(manifest.members.find((m) => m.path === 'etc/openoig/tls/gateway.key')).toMatchObject({ mode: 0o600 });
    const key = manifest.members.find((m) => m.path === 'etc/openoig/tls/gateway.key');
    expect(key?.sha256).toBe((await sha256File(path.join(app.config.etcDir, 'tls/gateway.key'))).sha256);
    // The manifest is the archive's first member, so a reader can say what it is before anything else.
    const names: string[] = [];
    await tar.t({ file, onReadEntry: (e) => names.push(e.path) });
    expect(names[0]).toBe('manifest.json');
  });

  it('made with a passphrase is encrypted whole, and only that passphrase opens it', async () => {
    const info = await helper.backup('correct horse battery', noProgress);
    expect(info).toMatchObject({ encrypted: true, holdsKeysInClear: false });
    expect(info.name).toMatch(/\.tar\.gz\.age$/);
    const bytes = await readFile(helper.store.pathOf(info.name));
    expect(bytes.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(bytes.includes(Buffer.from('OIG_ADMIN_PASSWORD'))).toBe(false);
    const unpacked = await mkdtemp(path.join(work, 'open-'));
    expect((await openArchive(helper.store.pathOf(info.name), unpacked, 'correct horse battery')).guid).toBe('guid-of-appliance-a');
  });
});

describe('a restore that is refused', () => {
  let plain: string;
  let encrypted: string;
  let before: Awaited<ReturnType<typeof applianceState>>;

  beforeAll(async () => {
    plain = helper.store.pathOf((await helper.backup(undefined, noProgress)).name);
    encrypted = helper.store.pathOf((await helper.backup('a long passphrase', noProgress)).name);
    before = await applianceState(app);
  }, 60_000);

  const cases: Array<[string, () => Promise<[string, string | undefined]>, string, RegExp]> = [
    ['truncated', async () => {
      const f = await copyOf(plain);
      await truncate(f, Math.floor((await stat(f)).size / 2));
      return [f, undefined];
    }, 'OIG_BACKUP_CORRUPT', /damaged or incomplete/],
    ['with one byte changed', async () => {
      const f = await copyOf(plain);
      const bytes = await readFile(f);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] as number) ^ 0xff;
      await writeFile(f, bytes);
      return [f, undefined];
    }, 'OIG_BACKUP_CORRUPT', /damaged/],
    ['with a settings file changed behind its manifest', async () => [await repack(plain, (d) => appendFile(path.join(d, 'etc/openoig/secrets.env'), 'OIG_ADMIN_PASSWORD=attacker\n')), undefined], 'OIG_BACKUP_CORRUPT', /secrets\.env does not match its checksum/],
    ['with a member its manifest does not list', async () => [await repack(plain, (d) => writeFile(path.join(d, 'etc/openoig/extra.env'), 'X=1\n')), undefined], 'OIG_BACKUP_CORRUPT', /does not list: etc\/openoig\/extra\.env/],
    ['with a member outside the settings', async () => [await repack(plain, (d) => writeFile(path.join(d, 'evil.sh'), 'rm -rf /\n')), undefined], 'OIG_BACKUP_CORRUPT', /must not: "evil\.sh"/],
    ['from a newer release', async () => [await repack(plain, async (d) => {
      const m = parseManifest(await readFile(path.join(d, 'manifest.json'), 'utf8'));
      await writeFile(path.join(d, 'manifest.json'), JSON.stringify({ ...m, productVersion: '0.9.0' }));
    }), undefined], 'OIG_BACKUP_INCOMPATIBLE', /made by OpenOIG 0\.9\.0, which is newer than this release \(0\.1\.0\)/],
    ['from an incompatible older major release', async () => [await repack(plain, async (d) => {
      const m = parseManifest(await readFile(path.join(d, 'manifest.json'), 'utf8'));
      await writeFile(path.join(d, 'manifest.json'), JSON.stringify({ ...m, productVersion: '0.0.9' }));
    }), undefined], 'OIG_BACKUP_INCOMPATIBLE', /restores backups of 0\.x from 0\.1\.0 on only/],
    ['with a schema this release does not know', async () => [await repack(plain, async (d) => {
      const m = parseManifest(await readFile(path.join(d, 'manifest.json'), 'utf8'));
      await writeFile(path.join(d, 'manifest.json'), JSON.stringify({ ...m, migrations: [...m.migrations, '1899999999999_from-the-future'] }));
    }), undefined], 'OIG_BACKUP_INCOMPATIBLE', /migration 1899999999999_from-the-future/],
    ['in a future archive format', async () => [await repack(plain, async (d) => {
      const m = parseManifest(await readFile(path.join(d, 'manifest.json'), 'utf8'));
      await writeFile(path.join(d, 'manifest.json'), JSON.stringify({ ...m, format: 2 }));
    }), undefined], 'OIG_BACKUP_INCOMPATIBLE', /archive format 2/],
    ['that is not a backup at all', async () => {
      const f = path.join(work, 'not-a-backup.txt');
      await writeFile(f, 'hello, this is not a backup\n');
      return [f, undefined];
    }, 'OIG_BACKUP_CORRUPT', /not an OpenOIG backup/],
    ['encrypted, without its passphrase', async () => [encrypted, undefined], 'OIG_BACKUP_PASSPHRASE_REQUIRED', /encrypted: give its passphrase/],
    ['encrypted, with a wrong passphrase', async () => [encrypted, 'not the passphrase'], 'OIG_BACKUP_WRONG_PASSPHRASE', /passphrase does not open/],
    ['encrypted, with one byte changed', async () => {
      const f = await copyOf(encrypted);
      const bytes = await readFile(f);
      const at = bytes.length - 40;
      bytes[at] = (bytes[at] as number) ^ 0x01;
      await writeFile(f, bytes);
      return [f, 'a long passphrase'];
    }, 'OIG_BACKUP_CORRUPT', /damaged/],
  ];

  it.each(cases)('%s, says why and changes nothing', async (_what, make, code, message) => {
    const [file, passphrase] = await make();
    const starts = app.gateway.starts;
    const err = await refusal(helper.restore(file, 'test', passphrase, noProgress));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(await applianceState(app)).toEqual(before);
    expect(app.gateway.starts).toBe(starts);
    expect(app.gateway.running).toBe(true);
  });
});

describe('a restore', () => {
  it('swaps in the backed-up database and settings and the gateway runs on them; the state it replaced is kept as the previous generation', async () => {
    const info = await helper.backup(undefined, noProgress);
    const backedUp = await applianceState(app);
    // Changes after the backup, which the restore must undo.
    await insertElement('10.1.0.2', 'ICP-B');
    await app.pg.sql(app.config.database.name, "UPDATE appliance_identity SET guid = 'guid-of-appliance-b'");
    await appendFile(path.join(app.config.etcDir, 'gateway.env'), 'OIG_SESSION_TIMEOUT_MS=20000\n');
    await writeFile(path.join(app.config.etcDir, 'tls/gateway.key'), 'another key\n', { mode: 0o600 });
    await writeFile(path.join(app.config.etcDir, 'added-later.pem'), 'x\n');
    expect(await applianceState(app)).not.toEqual(backedUp);

    const steps: string[] = [];
    const outcome = await helper.restore(helper.store.pathOf(info.name), info.name, undefined, (s) => steps.push(s));
    expect(outcome).toMatchObject({ restoredFrom: info.name, productVersion: '0.1.0', guid: 'guid-of-appliance-a', migrated: [] });
    expect(steps).toEqual(['verifying', 'loading-database', 'migrating', 'switching', 'starting', 'health-check', 'done']);
    const after = await applianceState(app);
    expect(after.settings).toEqual(backedUp.settings);
    expect(after.elements).toBe(backedUp.elements);
    expect(after.guid).toBe('guid-of-appliance-a');
    expect(after.databases.filter((d) => d.includes('_previous_'))).toHaveLength(1);
    expect(after.databases.filter((d) => d.includes('_restore_'))).toEqual([]);
    const health = await fetch(`${app.baseUrl}/health`);
    expect(health.status).toBe(200);
  }, 120_000);

  it('of an encrypted backup restores with its passphrase; only one previous generation is kept', async () => {
    const info = await helper.backup('restore passphrase', noProgress);
    await insertElement('10.1.0.3', 'ICP-C');
    await helper.restore(helper.store.pathOf(info.name), info.name, 'restore passphrase', noProgress);
    const after = await applianceState(app);
    expect(after.elements).not.toContain('ICP-C');
    expect(after.databases.filter((d) => d.includes('_previous_'))).toHaveLength(1);
  }, 120_000);

  it('whose gateway does not come up healthy is undone: the previous database and settings run again', async () => {
    // A backup of settings the gateway refuses at start (exit 78), as a broken copy would be.
    const env = path.join(app.config.etcDir, 'gateway.env');
    const good = await readFile(env, 'utf8');
    await writeFile(env, `${good}OIG_SESSION_TIMEOUT_MS=not-a-number\n`);
    const broken = await helper.backup(undefined, noProgress);
    await writeFile(env, good);
    await insertElement('10.1.0.4', 'ICP-D');
    const before = await applianceState(app);

    const err = await refusal(helper.restore(helper.store.pathOf(broken.name), broken.name, undefined, noProgress));
    expect(err.code).toBe('OIG_RESTORE_FAILED');
    expect(err.message).toMatch(/undone and the previous state runs again: the gateway exited \(code 78\)/);
    const after = await applianceState(app);
    expect(after.settings).toEqual(before.settings);
    expect(after.elements).toBe(before.elements);
    expect(after.databases.filter((d) => !d.includes('_previous_'))).toEqual(before.databases.filter((d) => !d.includes('_previous_')));
    await app.gateway.waitHealthy(30_000);
    expect((await fetch(`${app.baseUrl}/health`)).status).toBe(200);
  }, 180_000);

  it('of an older schema migrates it forward before it is swapped in', async () => {
    // The database as an earlier release left it: its newest migration not yet run.
    await app.gateway.stop();
    const pool = createPool(`postgres://oig:${(await readFile(path.join(app.config.etcDir, 'secrets.env'), 'utf8')).match(/OPENOIG_DB_PASSWORD=(\S+)/)?.[1]}@127.0.0.1:${app.config.database.port}/${app.config.database.name}`);
    const [undone] = await migrate(pool, 'down', createLogger('silent'), { count: 1 });
    await pool.end();
    const older = await helper.backup(undefined, noProgress);
    const unpacked = await mkdtemp(path.join(work, 'open-'));
    expect((await openArchive(helper.store.pathOf(older.name), unpacked, undefined)).migrations).not.toContain(undone);
    await app.startGateway();

    const outcome = await helper.restore(helper.store.pathOf(older.name), older.name, undefined, noProgress);
    expect(outcome.migrated).toEqual([undone]);
    expect(await app.pg.sql(app.config.database.name, 'SELECT name FROM pgmigrations ORDER BY id')).toContain(undone);
  }, 180_000);
});
