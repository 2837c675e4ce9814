import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../support/admin-client';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';

/**
 * The administrator password changed from the UI (admin issue #6, "Administrator login page"):
 * the one configured at installation works until then; afterwards only the new one, kept as a
 * hash in the database (also after a restart), and every other administrator login ends.
 */
const NEW_PASSWORD = 'a-new-admin-password';
let gw: TestGateway;
let logs = '';
/** First boot's console notice of a one-time password (installation guide, deploying the OVA; issue #13). */
let notice: string;
const NOTICE_TEXT = '\nOpenOIG administrator password (one-time, change it in the admin UI): admin\n\n';

beforeAll(async () => {
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
  notice = path.join(await mkdtemp(path.join(os.tmpdir(), 'openoig-notice-')), 'console-notice.issue');
  await writeFile(notice, NOTICE_TEXT);
  gw = await startTestGateway({ config: { logLevel: 'trace', admin: { consoleNoticeFile: notice } }, logDestination: sink });
});
afterAll(async () => {
  await gw?.close();
});

async function loginStatus(url: string, password: string): Promise<number> {
  return AdminClient.login(url, password).then(
    () => 200,
    (err: Error) => Number(/answered (\d+)/.exec(err.message)?.[1]),
  );
}

describe('changing the administrator password', () => {
  it('starts with the configured password, never changed', async () => {
    const admin = await AdminClient.login(gw.url);
    expect(await admin.call('GET', '/password')).toEqual({ status: 200, json: { changedAt: null } });
  });

  it('refuses a wrong current password, a short, unchanged or control-character new one, field by field, changing nothing', async () => {
    const admin = await AdminClient.login(gw.url);
    const refusals = {
      wrongCurrent: await admin.call('PUT', '/password', { currentPassword: 'not-it', newPassword: NEW_PASSWORD }),
      short: await admin.call('PUT', '/password', { currentPassword: LAB.adminPassword, newPassword: 'short' }),
      same: await admin.call('PUT', '/password', { currentPassword: LAB.adminPassword, newPassword: LAB.adminPassword }),
      control: await admin.call('PUT', '/password', { currentPassword: LAB.adminPassword, newPassword: 'tab\there-too' }),
      empty: await admin.call('PUT', '/password', { currentPassword: LAB.adminPassword, newPassword: '' }),
    };
    expect(Object.fromEntries(Object.entries(refusals).map(([k, r]) => [k, [r.status, r.json.code, r.json.fields]]))).toEqual({
      wrongCurrent: [400, 'OIG_ADMIN_INVALID_FIELDS', { currentPassword: 'This is not the current administrator password' }],
      short: [400, 'OIG_ADMIN_INVALID_FIELDS', { newPassword: 'Must be at least 8 characters' }],
      same: [400, 'OIG_ADMIN_INVALID_FIELDS', { newPassword: 'The new password must differ from the current one' }],
      control: [400, 'OIG_ADMIN_INVALID_FIELDS', { newPassword: 'Must not contain control characters' }],
      empty: [400, 'OIG_ADMIN_INVALID_FIELDS', { newPassword: 'Required' }],
    });
    // Still logged in (a wrong current password is not a lost login) and still the old password.
    expect((await admin.call('GET', '/password')).json).toEqual({ changedAt: null });
    expect(await readFile(notice, 'utf8')).toBe(NOTICE_TEXT);
    expect(await loginStatus(gw.url, LAB.adminPassword)).toBe(200);
  });

  it('takes the new password at once, refuses the old one, ends every other login and keeps this one', async () => {
    const [admin, other] = [await AdminClient.login(gw.url), await AdminClient.login(gw.url)];
    const changed = await admin.call('PUT', '/password', { currentPassword: LAB.adminPassword, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(Date.now() - Date.parse(changed.json.changedAt)).toBeLessThan(60_000);

    expect((await other.call('GET', '/overview')).status).toBe(401);
    expect((await admin.call('GET', '/overview')).status).toBe(200);
    expect(await loginStatus(gw.url, LAB.adminPassword)).toBe(401);
    expect(await loginStatus(gw.url, NEW_PASSWORD)).toBe(200);
    // The console no longer shows the one-time password.
    expect(existsSync(notice)).toBe(false);
  });

  it('at start, removes a console notice that shows another password than the configured one (a restored backup brings its own)', async () => {
    const other = path.join(path.dirname(notice), 'other-notice.issue');
    await writeFile(other, NOTICE_TEXT.replace(': admin', ': another-password'));
    const current = path.join(path.dirname(notice), 'current-notice.issue');
    await writeFile(current, NOTICE_TEXT);
    for (const [file, kept] of [
      [other, false],
      [current, true],
    ] as const) {
      const fresh = await startTestGateway({ config: { admin: { consoleNoticeFile: file } } });
      await fresh.close();
      expect(existsSync(file)).toBe(kept);
    }
  });

  it('keeps the new password across a restart, whatever the configured one says', async () => {
    // A notice that comes back (a restored first-boot file) is removed at start: the password was changed.
    await writeFile(notice, NOTICE_TEXT);
    const restarted = await startTestGateway({ databaseUrl: gw.databaseUrl, mcs: gw.mcs, amc: gw.amc, config: { admin: { consoleNoticeFile: notice } } });
    try {
      expect(existsSync(notice)).toBe(false);
      expect(await loginStatus(restarted.url, LAB.adminPassword)).toBe(401);
      expect(await loginStatus(restarted.url, NEW_PASSWORD)).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it('never logs the passwords, and stores only a hash', async () => {
    expect(logs).toContain('administrator password changed');
    expect(logs).not.toContain(NEW_PASSWORD);
    expect(logs).not.toContain('not-it');
    const { rows } = await gw.gateway.pool.query<{ password_hash: string }>('SELECT password_hash FROM admin_credential');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.password_hash).toMatch(/^scrypt\$/);
    expect(rows[0]?.password_hash).not.toContain(NEW_PASSWORD);
  });

  // Last: it locks this test's address out of the gateway for a minute.
  it('locks an address out for a minute after five wrong passwords, the right one included', async () => {
    for (let i = 0; i < 5; i++) expect(await loginStatus(gw.url, `guess-${i}`)).toBe(401);
    const locked = await AdminClient.login(gw.url, NEW_PASSWORD).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(locked).toMatch(/^admin login answered 429: Too many wrong administrator passwords from this address: try again in (60|59) s$/);
  });
});
