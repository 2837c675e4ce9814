import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LabRunner } from '../../service/test/support/lab-runner';
import { attrOf, loginExEnvelope, postSoap } from '../../service/test/support/soap';
import { adminLogin, expectNoSeriousA11yViolations, expectText } from './support/browser';
import { firstAlert, mainNavigation, useLabInBrowser } from './support/lab-browser';

/**
 * The Server Manager's Licensing page (installation guide "License Activation": ARID, sync,
 * deactivation) and what wraps every page: the end of an administrator session, logout, a page
 * that does not exist and, last, a gateway that stops answering.
 */
let lab: LabRunner;
let page: Page;
useLabInBrowser({}, (started) => ({ lab, page } = started));

const statusAlert = () => firstAlert(page);
const nav = () => mainNavigation(page);

describe('Server Manager, Licensing', () => {
  it('syncs the licence with the licensing server now', async () => {
    await nav().getByRole('link', { name: 'Licensing' }).click();
    await expectText(page.locator('#licence-status'), 'ARID-LAB-0001');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expectText(statusAlert(), 'The licence is synchronised with the licensing server.');
  });

  it('deactivates only after a confirmation; logins then have no licence', async () => {
    await page.getByRole('button', { name: 'Deactivate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deactivate the licence?' });
    await expectText(dialog, 'applications cannot log in');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectText(page.locator('#licence-status'), 'Active');

    await page.getByRole('button', { name: 'Deactivate' }).click();
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectText(statusAlert(), 'The licence ARID-LAB-0001 is deactivated');
    await expectText(page.locator('#licence-status'), 'Not activated');
    await expectNoSeriousA11yViolations(page, 'the Licensing page without a licence');
    const login = await postSoap(lab.url, loginExEnvelope({ companyName: 'OpenOIG Lab', applicationName: 'LabStandard', applicationPassword: 'lab-standard-secret', localPassword: 'lab-local' }));
    expect(attrOf(login.body, 'return', 'result'), login.body).toBe('false');
  });

  it('refuses an empty or unknown ARID and activates one with a server licence, shown "(Server)" on the Overview', async () => {
    const activate = page.getByRole('button', { name: 'Activate', exact: true });
    await activate.click();
    await expectText(page.locator('#licence-arid-helper'), 'Enter the ARID');
    await page.locator('#licence-arid').fill('ARID-NO-SUCH-ONE');
    await activate.click();
    await expectText(statusAlert(), 'OIG_LICENCE_UNKNOWN_ARID');
    await expectText(page.locator('#licence-status'), 'Not activated');

    // The lab's OIG virtual base package with a Standard server licence (lab/README.md).
    await page.locator('#licence-arid').fill('ARID-LAB-0011');
    await activate.click();
    await expectText(statusAlert(), 'The licence ARID-LAB-0011 is activated.');
    await expectText(page.locator('#licence-status'), 'Active');

    await nav().getByRole('link', { name: 'Open Integration Gateway' }).click();
    const standard = page.locator('#licensing-panel .pf-v6-c-description-list__group').filter({ has: page.getByText('Standard Call Control available', { exact: true }) });
    await expectText(standard, '25000 (Server)');
    await nav().getByRole('link', { name: 'Licensing' }).click();
  });
});

describe('every page', () => {
  it('answers an unknown page with a way back', async () => {
    await page.goto(`${lab.url}/admin/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'the page-not-found page');
    await page.getByRole('link', { name: 'Go to the Open Integration Gateway overview' }).click();
    await page.getByRole('heading', { name: 'Open Integration Gateway', level: 1 }).waitFor();
  });

  it('sends an administrator whose session ended to the login page, and back to the same tab after it', async () => {
    await page.goto(`${lab.url}/admin/oig/network-elements`);
    await expectText(page.getByRole('grid', { name: 'Network Elements' }).or(page.getByRole('table', { name: 'Network Elements' })), '127.1.0.1');
    // The session ends on the server side (idle timeout or restart): the cookie is no longer a login.
    await page.context().clearCookies();
    await page.getByRole('button', { name: 'Refresh the network elements' }).click();
    await expectText(page.locator('.pf-v6-c-alert'), 'Your administrator session has ended. Log in again.');
    expect(page.url()).toMatch(/\/admin\/oig\/network-elements$/);
    await expectNoSeriousA11yViolations(page, 'the login page after the session ended');
    await page.getByLabel('Administrator password').fill('admin');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Network Elements' }).getAttribute('aria-selected')).toBe('true');
  });

  it('logs out: the pages then need a login again', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await expectText(page.locator('.pf-v6-c-alert'), 'You have logged out.');
    await page.goto(`${lab.url}/admin/oig/sessions`);
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    expect((await page.request.get(`${lab.url}/api/admin/sessions`)).status()).toBe(401);
    await adminLogin(page, lab.url);
  });

  it('shows a clear page while the gateway does not answer, and goes back to the same tab once it does', async () => {
    await page.getByRole('tab', { name: 'Sessions' }).click();
    await expectText(page.locator('#sessions-refreshed'), 'Updated');
    await lab.stop();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.getByRole('heading', { name: 'Cannot reach the OpenOIG gateway' }).waitFor();
    await expectText(page.locator('main, body').first(), 'systemctl status openoig-gateway');
    await expectNoSeriousA11yViolations(page, 'the gateway unreachable page');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Cannot reach the OpenOIG gateway' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Try again' }).isEnabled()).toBe(true);

    // The gateway restarts; the administrator login is kept in its database.
    await lab.restart();
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Sessions' }).getAttribute('aria-selected')).toBe('true');
    expect(page.url()).toMatch(/\/admin\/oig\/sessions$/);
  });
});

describe('Server Manager, Administrator Password', () => {
  it('changes the password: the current one is checked, the new one typed twice; the old one then fails', async () => {
    await nav().getByRole('link', { name: 'Administrator Password' }).click();
    await page.getByRole('heading', { name: 'Administrator Password', level: 1 }).waitFor();
    await expectText(page.locator('#admin-password-status'), 'The password set at installation is in use');
    const change = page.getByRole('button', { name: 'Change password' });

    await page.locator('#admin-currentPassword').fill('not-the-password');
    await page.locator('#admin-newPassword').fill('lab-admin-new-1');
    await page.locator('#admin-confirm').fill('lab-admin-new-2');
    await change.click();
    await expectText(page.locator('#admin-confirm-helper'), 'The two new passwords do not match');

    await page.locator('#admin-confirm').fill('lab-admin-new-1');
    await change.click();
    await expectText(page.locator('#admin-currentPassword-helper'), 'This is not the current administrator password');
    expect(await page.locator('#admin-currentPassword').getAttribute('aria-invalid')).toBe('true');

    await page.locator('#admin-currentPassword').fill('admin');
    await page.locator('#admin-newPassword').fill('short');
    await page.locator('#admin-confirm').fill('short');
    await change.click();
    await expectText(page.locator('#admin-newPassword-helper'), 'Must be at least 8 characters');
    await expectNoSeriousA11yViolations(page, 'the Administrator Password page with field errors');

    await page.locator('#admin-newPassword').fill('lab-admin-new-1');
    await page.locator('#admin-confirm').fill('lab-admin-new-1');
    await change.click();
    await expectText(statusAlert(), 'The administrator password is changed.');
    await expectText(page.locator('#admin-password-status'), 'Last changed');
    expect(await page.locator('#admin-currentPassword').inputValue()).toBe('');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#login-password').fill('admin');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectText(page.locator('.pf-v6-c-alert'), 'Wrong administrator password');
    await adminLogin(page, lab.url, 'lab-admin-new-1');
  });
});
