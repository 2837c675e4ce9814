import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperService } from '../src/helper-service';
import { createHelperServer } from '../src/server';
import { adminSession, type AdminSession } from './support/admin-session';
import { makeTestAppliance, type TestAppliance } from './support/test-appliance';

/**
 * The admin API's Backup calls (issue #12, Server Manager > Backup) through a gateway that has
 * the helper: the real gateway process, its socket client, the helper's socket server.
 */
const quiet = { info: () => {}, error: () => {} };
let app: TestAppliance;
let helper: HelperService;
let server: net.Server;
let call: AdminSession['call'];
let jobEnd: AdminSession['jobEnd'];

beforeAll(async () => {
  const socket = path.join((await import('node:os')).tmpdir(), `openoig-helper-${process.pid}.sock`);
  app = await makeTestAppliance('admin', { OIG_HELPER_SOCKET: socket });
  helper = new HelperService(app.config, app.gateway, quiet);
  server = createHelperServer(helper, app.config, quiet);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  await app.startGateway();
  ({ call, jobEnd } = await adminSession(app.baseUrl, app.adminPassword, () => `gateway output: ${app.gateway.output}`));
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await app?.close();
});

describe('Server Manager > Backup through the admin API', () => {
  let name: string;

  it('makes a backup as a job, lists it and downloads it byte for byte', async () => {
    const started = await call('POST', '/backups', {});
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ kind: 'backup', state: 'running' });
    const job = await jobEnd(started.json.id);
    expect(job).toMatchObject({ state: 'succeeded', percent: 100, result: { encrypted: false, holdsKeysInClear: true } });
    name = job.result.name;
    expect((await call('GET', '/backups')).json.backups).toContainEqual(job.result);
    const download = await call('GET', `/backups/${name}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
    expect(download.bytes.equals(await readFile(helper.store.pathOf(name)))).toBe(true);
  });

  it('refuses a second job while one runs, and names that are not backups', async () => {
    const first = await call('POST', '/backups', { passphrase: 'a passphrase for this' });
    const second = await call('POST', '/backups', {});
    expect(second.status).toBe(409);
    expect(second.json.code).toBe('OIG_HELPER_BUSY');
    expect((await jobEnd(first.json.id)).result).toMatchObject({ encrypted: true, holdsKeysInClear: false });
    expect((await call('GET', '/backups/..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await call('POST', '/backups', { passphrase: 'short' })).status).toBe(400);
    const missing = await call('GET', '/backups/openoig-backup-nowhere-0.1.0-20200101T000000Z.tar.gz');
    expect(missing).toMatchObject({ status: 404, json: { code: 'OIG_BACKUP_NOT_FOUND' } });
    expect((await call('GET', '/jobs/00000000-0000-4000-8000-000000000000')).json.code).toBe('OIG_ADMIN_JOB_NOT_FOUND');
  });

  it('an uploaded backup that is damaged fails its job with the reason, and nothing changes', async () => {
    const bytes = await readFile(helper.store.pathOf(name));
    const damaged = Buffer.from(bytes.subarray(0, Math.floor(bytes.length / 2)));
    const started = await call('POST', '/restore', damaged);
    expect(started.status).toBe(202);
    const job = await jobEnd(started.json.id);
    expect(job, JSON.stringify(job)).toMatchObject({ kind: 'restore', state: 'failed', error: { code: 'OIG_BACKUP_CORRUPT' } });
    expect(app.gateway.starts).toBe(1);
  });

  it('an uploaded backup restores; the job is still answered by the gateway restarted on the restored state', async () => {
    const bytes = await readFile(helper.store.pathOf(name));
    await app.pg.sql(app.config.database.name, "INSERT INTO network_element (ne_type, address, name, configured) VALUES ('MI_VB', '10.9.9.9', 'after-backup', true)");
    const started = await call('POST', '/restore', bytes);
    expect(started.status).toBe(202);
    const job = await jobEnd(started.json.id);
    expect(job).toMatchObject({ kind: 'restore', state: 'succeeded', result: { restoredFrom: 'an uploaded backup', productVersion: '0.1.0' } });
    expect(app.gateway.starts).toBe(2);
    expect(await app.pg.sql(app.config.database.name, "SELECT count(*) FROM network_element WHERE name = 'after-backup'")).toEqual(['0']);
  });

  it('restores a stored backup by name, and deletes it', async () => {
    const started = await call('POST', `/backups/${name}/restore`, {});
    expect(started.status).toBe(202);
    expect((await jobEnd(started.json.id)).state).toBe('succeeded');
    expect((await call('DELETE', `/backups/${name}`)).status).toBe(204);
    expect((await call('GET', `/backups/${name}`)).status).toBe(404);
  });
});
