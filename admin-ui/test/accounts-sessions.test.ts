import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LabRunner } from '../../service/test/support/lab-runner';
import { attrOf, envelope, loginExEnvelope, postSoap } from '../../service/test/support/soap';
import { expectNoSeriousA11yViolations, expectText } from './support/browser';
import { firstAlert, openTab, tableNamed, useLabInBrowser } from './support/lab-browser';

/**
 * The Application Accounts and Sessions tabs (installation guide "Application Accounts Tab",
 * "Sessions Tab") beyond the main flow: refusals shown where the administrator looks, edit,
 * disable and delete of a local password with their effect on logins, the ACL link, filters,
 * the manual refresh, times in the browser's zone, and a list of 2,000 live sessions.
 * The runner keeps sessions an hour without keep-alive and admits 2,500 of them.
 */
const COMPANY = 'OpenOIG Lab';
const APPS = {
  LabStandard: { applicationPassword: 'lab-standard-secret', localPassword: 'lab-local' },
  LabRecorder: { applicationPassword: 'lab-recorder-secret', localPassword: 'recorder-local-1' },
} as const;
type AppName = keyof typeof APPS;
const TIME_ZONE = 'America/Toronto';

let lab: LabRunner;
let page: Page;
useLabInBrowser({ env: { OIG_SESSION_TIMEOUT_MS: '3600000', OIG_MAX_SESSIONS: '2500' }, timezoneId: TIME_ZONE }, (started) => ({ lab, page } = started));

async function appLogin(applicationName: AppName, localPassword: string = APPS[applicationName].localPassword): Promise<string | null> {
  const { body } = await postSoap(lab.url, loginExEnvelope({ companyName: COMPANY, applicationName, applicationPassword: APPS[applicationName].applicationPassword, localPassword }));
  return attrOf(body, 'return', 'result') === 'true' ? (attrOf(body, 'return', 'sessionId') as string) : null;
}

async function keepAlive(sessionId: string): Promise<boolean> {
  const { body } = await postSoap(lab.url, envelope(`<s:resetSessionTimer><s:sessionId>${sessionId}</s:sessionId></s:resetSessionTimer>`), { action: 'urn:resetSessionTimer' });
  return attrOf(body, 'return', 'result') === 'true';
}

const table = (name: string) => tableNamed(page, name);
const rowOf = (tableName: string, text: string) => table(tableName).getByRole('row').filter({ hasText: text });
const statusAlert = () => firstAlert(page);

describe('Application Accounts tab', () => {
  it('asks for the application and shows the gateway refusing a too-short password under the field', async () => {
    await openTab(page, 'Application Accounts');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expectText(page.locator('#create-application-helper'), 'Choose the application');
    await expectText(page.locator('#create-password-helper'), 'Enter a local password');

    await page.locator('#create-application').selectOption({ label: 'LabRecorder (OpenOIG Lab, Standard)' });
    await page.locator('#create-password').fill('abc');
    await page.locator('#create-confirm').fill('abc');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expectText(page.locator('#create-password-helper'), 'Must be at least 4 characters');
    expect(await page.locator('#create-password').getAttribute('aria-invalid')).toBe('true');
    expect(await appLogin('LabRecorder', 'abc')).toBeNull();

    await page.locator('#create-password').fill(APPS.LabRecorder.localPassword);
    await page.locator('#create-confirm').fill(APPS.LabRecorder.localPassword);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expectText(rowOf('Allowed Applications', 'LabRecorder'), 'Enabled');
    // Every ACL application has its local password now: nothing is left to choose.
    await expectText(page.locator('#create-application'), 'No application without a local password');
  });

  it('changes a local password: the next login needs the new one, the current session goes on', async () => {
    const before = await appLogin('LabStandard');
    expect(before).not.toBeNull();
    await rowOf('Allowed Applications', 'LabStandard').getByRole('button', { name: 'Edit the local password of LabStandard (OpenOIG Lab)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit local password' });
    await dialog.locator('#edit-password').fill('new-standard-local');
    await dialog.locator('#edit-confirm').fill('new-standard-typo');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expectText(dialog, 'The two passwords do not match');
    await dialog.locator('#edit-confirm').fill('new-standard-local');
    await expectNoSeriousA11yViolations(page, 'the Edit local password dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectText(statusAlert(), 'The local password of LabStandard (OpenOIG Lab) is changed');

    expect(await appLogin('LabStandard')).toBeNull();
    expect(await appLogin('LabStandard', 'new-standard-local')).not.toBeNull();
    expect(await keepAlive(before as string)).toBe(true);
  });

  it('disables an application (its logins are refused) and enables it again', async () => {
    const toggle = page.getByRole('switch', { name: 'Allow logins of LabStandard (OpenOIG Lab)' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.press('Space'); // the switch's visible track takes the pointer; the keyboard works on the input
    await expectText(statusAlert(), 'LabStandard is disabled');
    await expectText(rowOf('Allowed Applications', 'LabStandard'), 'Disabled');
    expect(await appLogin('LabStandard', 'new-standard-local')).toBeNull();

    expect(await toggle.isChecked()).toBe(false);
    await toggle.press('Space'); // the switch's visible track takes the pointer; the keyboard works on the input
    await expectText(statusAlert(), 'LabStandard is enabled');
    await expectText(rowOf('Allowed Applications', 'LabStandard'), 'Enabled');
    expect(await appLogin('LabStandard', 'new-standard-local')).not.toBeNull();
  });

  it('deletes a local password only after a confirmation that says current sessions continue', async () => {
    const live = (await appLogin('LabRecorder')) as string;
    expect(live).not.toBeNull();
    await page.reload();
    const remove = () => rowOf('Allowed Applications', 'LabRecorder').getByRole('button', { name: 'Delete the local password of LabRecorder (OpenOIG Lab)' }).click();
    await remove();
    const dialog = page.getByRole('dialog', { name: 'Delete the local password?' });
    await expectText(dialog, 'current session is not disconnected');
    await expectNoSeriousA11yViolations(page, 'the delete confirmation');
    // Focus starts on Cancel: a stray Enter deletes nothing.
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expectText(rowOf('Allowed Applications', 'LabRecorder'), 'LabRecorder');

    await remove();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectText(statusAlert(), 'The local password of LabRecorder (OpenOIG Lab) is deleted');
    expect(await rowOf('Allowed Applications', 'LabRecorder').count()).toBe(0);
    expect(await keepAlive(live)).toBe(true);
    expect(await appLogin('LabRecorder')).toBeNull();

    // It can be created again.
    await page.locator('#create-application').selectOption({ label: 'LabRecorder (OpenOIG Lab, Standard)' });
    await page.locator('#create-password').fill(APPS.LabRecorder.localPassword);
    await page.locator('#create-confirm').fill(APPS.LabRecorder.localPassword);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expectText(rowOf('Allowed Applications', 'LabRecorder'), 'Enabled');
  });

  it('gets the latest applications list from the certificate server and says when it did', async () => {
    await page.getByRole('button', { name: 'Get the latest applications list from Mitel' }).click();
    await expectText(statusAlert(), /The applications list is up to date: \d+ applications from the certificate server/);
    await expectText(page.locator('#acl-status'), 'Last fetched from the certificate server');
  });

  it('filters the allowed applications, and says when the filter hides every row', async () => {
    const filter = page.getByRole('textbox', { name: 'Filter application accounts' }).or(page.locator('#accounts-filter input'));
    await filter.fill('recorder');
    await expect.poll(() => table('Allowed Applications').locator('tbody tr').count()).toBe(1);
    await expectText(table('Allowed Applications'), 'LabRecorder');
    await filter.fill('no-such-application');
    await expectText(table('Allowed Applications'), 'No rows match the filter');
    await page.getByRole('button', { name: 'Clear the filter' }).click();
    await expect.poll(() => table('Allowed Applications').locator('tbody tr').count()).toBe(3);
  });
});

describe('Sessions tab', () => {
  it('shows each session with its application, company, creation time in the browser\'s zone and type; Refresh brings new ones', async () => {
    await openTab(page, 'Sessions');
    const sessions = table('Sessions');
    await expectText(sessions, 'LabStandard');
    const count = await sessions.locator('tbody tr').count();
    const id = (await appLogin('LabRecorder')) as string;
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(count + 1);

    const admin = await page.request.get(`${lab.url}/api/admin/sessions`);
    const created = ((await admin.json()) as { sessionId: string; createdAt: string }[]).find((s) => s.sessionId === id)?.createdAt as string;
    const shown = new Intl.DateTimeFormat('en-CA', { dateStyle: 'medium', timeStyle: 'long', timeZone: TIME_ZONE }).format(new Date(created));
    expect(shown).toMatch(/E[SD]T/);
    const row = rowOf('Sessions', 'LabRecorder').filter({ hasText: shown });
    await expectText(row, 'OpenOIG Lab');
    await expectText(row, 'Standard');
  });

  it('lists 2,000 live sessions in pages, filters and sorts them', async () => {
    const logins = await Promise.all(
      Array.from({ length: 1000 }, async () => [await appLogin('LabRecorder'), await appLogin('LabStandard', 'new-standard-local')]),
    );
    expect(logins.flat().filter((id) => id === null)).toEqual([]);
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    const pagination = page.locator('#sessions-toolbar .pf-v6-c-pagination').first();
    await expectText(pagination, /of 20\d\d/);
    await expect.poll(() => table('Sessions').locator('tbody tr').count()).toBe(20);

    const filter = page.getByRole('textbox', { name: 'Filter sessions' }).or(page.locator('#sessions-filter input'));
    await filter.fill('labrecorder');
    await expectText(pagination, /of 100\d/);
    await filter.fill('');

    // Sorted by creation time, newest first; Application sorts by name.
    await table('Sessions').getByRole('button', { name: 'Application' }).click();
    await expectText(table('Sessions').locator('tbody tr').first(), 'LabRecorder');
    await table('Sessions').getByRole('button', { name: 'Application' }).click();
    await expectText(table('Sessions').locator('tbody tr').first(), 'LabStandard');
    await expectNoSeriousA11yViolations(page, 'the Sessions tab with 2,000 sessions');
  });
});

describe('Login locks (issue #11)', () => {
  it('shows an application locked after wrong local passwords; Unlock lets it log in again at once', async () => {
    for (let i = 0; i < 5; i += 1) expect(await appLogin('LabStandard', `wrong-local-${i}`)).toBeNull();
    // Its local password is new-standard-local since the Application Accounts tests.
    expect(await appLogin('LabStandard', 'new-standard-local')).toBeNull(); // locked: the right password too
    await page.reload();
    await openTab(page, 'Sessions');
    const row = rowOf('Login locks', 'OpenOIG Lab/LabStandard');
    await expectText(row, 'Application');
    await expectNoSeriousA11yViolations(page, 'the Sessions tab with a login lock');
    await row.getByRole('button', { name: 'Unlock OpenOIG Lab/LabStandard' }).click();
    await expectText(statusAlert(), 'Logins of OpenOIG Lab/LabStandard are allowed again');
    await expect.poll(() => rowOf('Login locks', 'LabStandard').count()).toBe(0);
    await expectText(table('Login locks'), 'No application or address is locked out.');
    expect(await appLogin('LabStandard', 'new-standard-local')).not.toBeNull();
  });
});
