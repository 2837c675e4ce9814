import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LabRunner } from '../../service/test/support/lab-runner';
import { attrOf, envelope, loginExEnvelope, postSoap } from '../../service/test/support/soap';
import { adminLogin, expectNoSeriousA11yViolations, expectText } from './support/browser';
import { mainNavigation, useLabInBrowser } from './support/lab-browser';

/**
 * Issue #6's "Done means", in a real browser against what `npm start` runs: an administrator who
 * has never seen OpenOIG logs in, sees the licence, creates a local password for a lab
 * application, watches its session appear within 30 s, adds a MiVoice Business network element
 * and sees it connect, and changes the logging level (installation guide "Configure Mitel OIG
 * Software": Overview, Application Accounts, Sessions, Network Elements and Options tabs).
 * The steps build on each other, in order.
 */
const RECORDER = { companyName: 'OpenOIG Lab', applicationName: 'LabRecorder', applicationPassword: 'lab-recorder-secret' };
const RECORDER_LOCAL_PASSWORD = 'recorder-local-1';

let lab: LabRunner;
let page: Page;
// Not logged in: logging in is the first step. The Sessions tab's 30-s refresh is driven by the
// page's clock, installed before anything loads, not waited out.
useLabInBrowser({ login: false, prepare: (fresh) => fresh.clock.install() }, (started) => ({ lab, page } = started));

async function recorderLogin(localPassword: string): Promise<{ result: string | undefined; sessionId: string | undefined; body: string }> {
  const { body } = await postSoap(lab.url, loginExEnvelope({ ...RECORDER, localPassword }));
  return { result: attrOf(body, 'return', 'result'), sessionId: attrOf(body, 'return', 'sessionId'), body };
}

describe('an administrator new to OpenOIG, from the UI alone', () => {
  it('logs in (a wrong password is refused first)', async () => {
    await page.goto(`${lab.url}/admin/`);
    await expectNoSeriousA11yViolations(page, 'the login page');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectText(page.locator('#login-password-helper'), 'Enter the administrator password');
    await page.getByLabel('Administrator password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectText(page.getByRole('alert').or(page.locator('.pf-v6-c-alert')), 'Wrong administrator password');
    await adminLogin(page, lab.url);
  });

  it('sees the licence on the Overview tab', async () => {
    await expect.poll(() => page.url()).toMatch(/\/admin\/oig\/overview$/);
    const overview = page.getByRole('region', { name: 'Overview' }).or(page.locator('#overview-panel'));
    await expectText(overview, 'Network Elements');
    const licences = page.locator('#licensing-panel');
    await expectText(licences, 'Standard Call Control available');
    await expectText(licences, 'Advanced Call Control available');
    await expectText(licences, 'MiVoice for Google available');
    await expectText(licences, 'Data Access available');
    await expectText(licences, 'Trusted Mode');
    // The lab licence (ARID-LAB-0001): the virtual base package, 100 Standard and 50 Advanced call-control users.
    await expectText(licences, 'Mitel OIG Base Package - Virtual');
    const fact = (term: string) => licences.locator('.pf-v6-c-description-list__group').filter({ has: page.getByText(term, { exact: true }) });
    await expectText(fact('Standard Call Control available'), '100');
    await expectText(fact('Advanced Call Control available'), '50');
    await expectNoSeriousA11yViolations(page, 'the Overview tab');
    // Server Manager, Licensing: the ARID and its state.
    await mainNavigation(page).getByRole('link', { name: 'Licensing' }).click();
    await page.getByRole('heading', { name: 'Licensing', level: 1 }).waitFor();
    await expectText(page.locator('#licence-status'), 'ARID-LAB-0001');
    await expectText(page.locator('#licence-status'), 'Active');
    await expectNoSeriousA11yViolations(page, 'the Server Manager Licensing page');
    await mainNavigation(page).getByRole('link', { name: 'Open Integration Gateway' }).click();
    await page.getByRole('heading', { name: 'Open Integration Gateway', level: 1 }).waitFor();
    // The panels collapse.
    await page.locator('#licensing-panel-toggle').click();
    await expect.poll(() => page.locator('#licensing-panel-toggle').getAttribute('aria-expanded')).toBe('false');
    await page.locator('#licensing-panel-toggle').click();
    await expect.poll(() => page.locator('#licensing-panel-toggle').getAttribute('aria-expanded')).toBe('true');
  });

  it('creates a local password for LabRecorder on the Application Accounts tab', async () => {
    expect((await recorderLogin(RECORDER_LOCAL_PASSWORD)).result).toBe('false');
    await page.getByRole('tab', { name: 'Application Accounts' }).click();
    await expect.poll(() => page.url()).toMatch(/\/admin\/oig\/accounts$/);
    const allowed = page.getByRole('grid', { name: 'Allowed Applications' }).or(page.getByRole('table', { name: 'Allowed Applications' }));
    await expectText(allowed, 'LabStandard');
    expect(await allowed.innerText()).not.toContain('LabRecorder');

    await page.locator('#create-application').selectOption({ label: 'LabRecorder (OpenOIG Lab, Standard)' });
    await page.locator('#create-password').fill(RECORDER_LOCAL_PASSWORD);
    await page.locator('#create-confirm').fill('something-else');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expectText(page.locator('#create-confirm-helper'), 'The two passwords do not match');

    await page.locator('#create-confirm').fill(RECORDER_LOCAL_PASSWORD);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expectText(page.locator('.pf-v6-c-alert'), 'The local password of LabRecorder (OpenOIG Lab) is created');
    await expectText(allowed, 'LabRecorder');
    await expectNoSeriousA11yViolations(page, 'the Application Accounts tab');
  });

  it("watches LabRecorder's session appear on the Sessions tab within 30 s", async () => {
    await page.getByRole('tab', { name: 'Sessions' }).click();
    const sessions = page.getByRole('grid', { name: 'Sessions' }).or(page.getByRole('table', { name: 'Sessions' }));
    await expectText(sessions, 'Application');
    const login = await recorderLogin(RECORDER_LOCAL_PASSWORD);
    expect(login.result, login.body).toBe('true');
    // Not there before the refresh is due: the 30-s refresh, not the login, brings it.
    expect(await sessions.innerText()).not.toContain('LabRecorder');
    await page.clock.fastForward(30_000);
    await expectText(sessions, 'LabRecorder');
    const row = sessions.getByRole('row').filter({ hasText: 'LabRecorder' });
    await expectText(row, 'Standard');
    await expectText(row, 'OpenOIG Lab');
    await expectNoSeriousA11yViolations(page, 'the Sessions tab');
    await postSoap(lab.url, envelope(`<s:logout><s:sessionId>${login.sessionId}</s:sessionId></s:logout>`));
  });

  it('adds the MiVoice Business controller ICP-3 on the Network Elements tab and sees it connect', async () => {
    await page.getByRole('tab', { name: 'Network Elements' }).click();
    const elements = page.getByRole('grid', { name: 'Network Elements' }).or(page.getByRole('table', { name: 'Network Elements' }));
    await expectText(elements, '127.1.0.1');
    expect(await elements.innerText()).not.toContain('127.1.0.3');

    await page.getByRole('button', { name: 'Add Network Element' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Network Element' });
    await dialog.getByLabel('IP Address').fill('127.1.0.300');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expectText(dialog.locator('#add-element-address-helper'), 'Enter the IPv4 or IPv6 address of the MiVoice Business controller');
    await expectNoSeriousA11yViolations(page, 'the Add Network Element dialog');

    await dialog.getByLabel('IP Address').fill('127.1.0.3');
    await dialog.getByLabel('Name').fill('ICP-3');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = elements.getByRole('row').filter({ hasText: '127.1.0.3' });
    await expectText(row, 'ICP-3');
    await expectText(row, 'Connected');
    await expectText(row, '10.1.0.12');
    await expectNoSeriousA11yViolations(page, 'the Network Elements tab');
  });

  it('changes the logging level on the Options tab, in force at once', async () => {
    await page.getByRole('tab', { name: 'Options' }).click();
    // npm start's runner starts at its LOG_LEVEL; Trace is not in force yet.
    await expectText(page.locator('#logging-level-helper'), /In force now: (Error|Warning|Info)\./);
    await page.getByLabel('Logging Level', { exact: true }).selectOption('TRACE');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expectText(page.locator('.pf-v6-c-alert'), 'The logging level is Trace, in force now.');
    await expectText(page.locator('#logging-level-helper'), 'In force now: Trace');
    // In force in the gateway itself: it now writes trace lines (pino level 10).
    await expect.poll(() => /"level":10\b/.test(lab.output()), { timeout: 15_000 }).toBe(true);
    await expectNoSeriousA11yViolations(page, 'the Options tab');
  });
});
