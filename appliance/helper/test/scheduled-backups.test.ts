import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperService } from '../src/helper-service';
import { ScheduledBackups } from '../src/schedule/scheduled-backups';
import { createHelperServer } from '../src/server';
import { adminSession, type AdminSession } from './support/admin-session';
import { startTestSshd, type TestSshd } from './support/sshd';
import { makeTestAppliance, REPO, type TestAppliance } from './support/test-appliance';

/**
 * Scheduled backups and the SFTP target (issue #12, "Where": daily/weekly, a retention count,
 * local disk and a remote SFTP target with its host key pinned; "Restore": pick from the target),
 * through the admin API of the real gateway, the helper's socket server, and Debian's OpenSSH
 * server on loopback.
 */
const exec = promisify(execFile);
const quiet = { info: () => {}, error: () => {} };
const PASSPHRASE = 'scheduled backups passphrase';
let app: TestAppliance;
let helper: HelperService;
let server: net.Server;
let sshd: TestSshd;
let work: string;
let remoteDir: string;
let socketPath: string;
let call: AdminSession['call'];
let jobEnd: AdminSession['jobEnd'];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'openoig-schedule-'));
  sshd = await startTestSshd(path.join(work, 'sshd'));
  remoteDir = path.join(work, 'remote');
  await mkdir(remoteDir, { mode: 0o700 });
  socketPath = path.join(os.tmpdir(), `openoig-helper-schedule-${process.pid}.sock`);
  app = await makeTestAppliance('schedule', { OIG_HELPER_SOCKET: socketPath });
  helper = new HelperService(app.config, app.gateway, quiet);
  server = createHelperServer(helper, app.config, quiet);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  await app.startGateway();
  ({ call, jobEnd } = await adminSession(app.baseUrl, app.adminPassword, () => `gateway output: ${app.gateway.output}`));
}, 240_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await app?.close();
  await sshd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const target = () => ({ host: '127.0.0.1', port: sshd.port, username: sshd.username, directory: remoteDir, hostKey: sshd.hostKey });
const daily = { frequency: 'daily', hour: new Date().getUTCHours(), weekday: 0, retention: 2, destination: 'sftp' } as const;
const remoteFiles = async () => (await readdir(remoteDir)).sort();

describe('Server Manager > Backup: the SFTP target', () => {
  it('schedules to the target are refused while there is none; bad settings name the field', async () => {
    const view = await call('GET', '/backups/schedule');
    expect(view.json).toMatchObject({ schedule: { frequency: 'off' }, encrypted: false, nextRun: null, lastRun: null, target: null, publicKey: expect.stringMatching(/^ssh-ed25519 /) });
    expect(await call('PUT', '/backups/schedule', daily)).toMatchObject({ status: 409, json: { code: 'OIG_BACKUP_TARGET_NOT_SET' } });
    const badHour = await call('PUT', '/backups/schedule', { ...daily, destination: 'local', hour: 24 });
    expect(badHour.status).toBe(400);
    expect(JSON.stringify(badHour.json)).toContain('hour');
    expect((await call('PUT', '/backups/target', { ...target(), host: '-oProxyCommand=touch /tmp/x' })).status).toBe(400);
    expect((await call('PUT', '/backups/target', { ...target(), directory: '/srv/a b' })).status).toBe(400);
    expect((await call('GET', '/backups/schedule')).json.schedule.frequency).toBe('off');
  });

  it('scans the host keys a server shows, with the fingerprint the server itself reports', async () => {
    const scanned = await call('POST', '/backups/target/scan', { host: '127.0.0.1', port: sshd.port });
    expect(scanned.status).toBe(200);
    expect(scanned.json.keys).toContainEqual({ hostKey: sshd.hostKey, fingerprint: sshd.fingerprint });
    const nobody = await call('POST', '/backups/target/scan', { host: '127.0.0.1', port: 1 });
    expect(nobody).toMatchObject({ status: 502, json: { code: 'OIG_BACKUP_TARGET_UNREACHABLE' } });
  });

  it('keeps a target only once the appliance logged in with its key and the server showed the pinned key', async () => {
    const refused = await call('PUT', '/backups/target', target());
    expect(refused).toMatchObject({ status: 502, json: { code: 'OIG_BACKUP_TARGET_REFUSED' } });
    expect(refused.json.message).toContain('authorized_keys');

    await sshd.authorize((await call('GET', '/backups/schedule')).json.publicKey);
    const otherKey = path.join(work, 'other');
    await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const wrongKey = (await exec('cat', [`${otherKey}.pub`])).stdout.trim().split(' ').slice(0, 2).join(' ');
    const impostor = await call('PUT', '/backups/target', { ...target(), hostKey: wrongKey });
    expect(impostor).toMatchObject({ status: 502, json: { code: 'OIG_BACKUP_TARGET_HOST_KEY' } });
    expect((await call('GET', '/backups/schedule')).json.target).toBeNull();

    const set = await call('PUT', '/backups/target', target());
    expect(set.status).toBe(200);
    expect(set.json.target).toEqual(target());
    expect(await remoteFiles()).toEqual([]);
    expect((await call('GET', '/backups/target/backups')).json.backups).toEqual([]);
  });
});

describe('Server Manager > Backup: scheduled backups', () => {
  it('a slot that came before the schedule was set is not made up for; the next one is shown', async () => {
    const set = await call('PUT', '/backups/schedule', { ...daily, passphrase: PASSPHRASE });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ schedule: daily, encrypted: true, lastRun: null });
    const next = new Date(set.json.nextRun);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getUTCHours()).toBe(daily.hour);
    // The hourly timer's command, through the helper's socket, as openoig-helper-schedule.service runs it.
    const tsx = path.join(REPO, 'node_modules/.bin/tsx');
    const { stdout } = await exec(tsx, [path.join(REPO, 'appliance/helper/src/main.ts'), 'scheduled'], { env: { ...process.env, OIG_HELPER_SOCKET: socketPath } });
    expect(JSON.parse(stdout)).toEqual({ ran: false, reason: 'not-due' });
  });

  it('on each day due, makes an encrypted backup, sends it to the target and keeps the newest two in each place; a backup made by hand stays', async () => {
    const manual = await jobEnd((await call('POST', '/backups', {})).json.id);
    expect(manual.state).toBe('succeeded');
    let day = 0;
    // The schedule's clock, a day on each run; the backups themselves are stamped with the real time.
    const scheduled = new ScheduledBackups(app.config, helper, quiet, () => new Date(Date.now() + (day + 1) * 86_400_000));
    const made: string[] = [];
    for (day = 0; day < 3; day += 1) {
      const run = await scheduled.run(true, () => {});
      expect(run, JSON.stringify(run)).toMatchObject({ ran: true, state: 'succeeded', uploaded: true });
      made.push((run as { backup: string }).backup);
      expect(await scheduled.run(true, () => {})).toEqual({ ran: false, reason: 'not-due' });
    }
    expect(made.every((n) => n.endsWith('.tar.gz.age'))).toBe(true);
    expect(await remoteFiles()).toEqual(made.slice(1).sort());
    const local = (await call('GET', '/backups')).json.backups.map((b: { name: string }) => b.name);
    expect(local.sort()).toEqual([manual.result.name, ...made.slice(1)].sort());
    const remote = (await call('GET', '/backups/target/backups')).json.backups;
    expect(remote.map((b: { name: string }) => b.name)).toEqual(made.slice(1).reverse());
    expect(remote[0]).toMatchObject({ encrypted: true, size: expect.any(Number) });
    expect((await call('GET', '/backups/schedule')).json.lastRun).toMatchObject({ state: 'succeeded', backup: made[2], uploaded: true, error: null });
  });

  it('a run while the target is down is recorded as failed with the reason, and its backup is kept here', async () => {
    await sshd.stop();
    try {
      const run = await helper.scheduled.run(false, () => {});
      expect(run).toMatchObject({ ran: true, state: 'failed', uploaded: false });
      const lastRun = (await call('GET', '/backups/schedule')).json.lastRun;
      expect(lastRun).toMatchObject({ state: 'failed', uploaded: false, error: { code: 'OIG_BACKUP_TARGET_UNREACHABLE' } });
      expect((await call('GET', '/backups')).json.backups.map((b: { name: string }) => b.name)).toContain(lastRun.backup);
      expect(await call('GET', '/backups/target/backups')).toMatchObject({ status: 502, json: { code: 'OIG_BACKUP_TARGET_UNREACHABLE' } });
    } finally {
      await sshd.start();
    }
  });

  it('the target is not removed while scheduled backups go there', async () => {
    expect(await call('DELETE', '/backups/target')).toMatchObject({ status: 409, json: { code: 'OIG_BACKUP_TARGET_NOT_SET' } });
  });
});

describe('Server Manager > Backup: restore from the target', () => {
  it('the wrong passphrase is refused before anything changes; the right one restores the backup picked from the target', async () => {
    const [newest] = (await call('GET', '/backups/target/backups')).json.backups;
    const wrong = await jobEnd((await call('POST', `/backups/target/backups/${newest.name}/restore`, { passphrase: 'not the passphrase' })).json.id);
    expect(wrong).toMatchObject({ state: 'failed', error: { code: 'OIG_BACKUP_WRONG_PASSPHRASE' } });
    const startsBefore = app.gateway.starts;

    await app.pg.sql(app.config.database.name, "INSERT INTO network_element (ne_type, address, name, configured) VALUES ('MI_VB', '10.9.9.8', 'after-scheduled', true)");
    const started = await call('POST', `/backups/target/backups/${newest.name}/restore`, { passphrase: PASSPHRASE });
    expect(started.status).toBe(202);
    const job = await jobEnd(started.json.id, 120_000);
    expect(job, JSON.stringify(job)).toMatchObject({ kind: 'restore', state: 'succeeded', result: { restoredFrom: `${newest.name} from the SFTP target` } });
    expect(app.gateway.starts).toBe(startsBefore + 1);
    expect(await app.pg.sql(app.config.database.name, "SELECT count(*) FROM network_element WHERE name = 'after-scheduled'")).toEqual(['0']);
    // Nothing fetched is left behind in the helper's scratch area.
    expect((await readdir(path.join(app.config.stateDir, 'work')).catch(() => [])).filter((n) => n.startsWith('remote-'))).toEqual([]);
  });

  it('turning the schedule off (kept here) lets the target go', async () => {
    expect((await call('PUT', '/backups/schedule', { ...daily, frequency: 'off', destination: 'local', passphrase: null })).json).toMatchObject({ encrypted: false, nextRun: null });
    expect((await call('DELETE', '/backups/target')).json.target).toBeNull();
  });
});
