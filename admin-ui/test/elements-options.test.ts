import { startLabSmtp, type LabSmtp } from '@openoig/lab/smtp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText } from './support/browser';
import { firstAlert, mainNavigation, openTab, tableNamed, useLabInBrowser } from './support/lab-browser';

/**
 * The Network Elements and Options tabs (installation guide "Network Elements Tab", "Options
 * Tab") and the Server Manager's E-mail Settings beyond the main flow: field-level messages,
 * the gateway's refusals, the one MiContact Center, edit, delete, Set Default Values, and the
 * usage report sent now through a real SMTP server on loopback, delivered and refused.
 */
let page: Page;
let smtp: LabSmtp;
// One attempt per report, so a refused delivery is reported at once.
useLabInBrowser({ env: { OIG_USAGE_REPORT_ATTEMPTS: '1' } }, (started) => (page = started.page));
beforeAll(async () => {
  smtp = await startLabSmtp();
});
afterAll(async () => {
  await smtp?.stop();
});

const table = (name: string) => tableNamed(page, name);
const rowOf = (text: string) => table('Network Elements').getByRole('row').filter({ hasText: text });
const statusAlert = () => firstAlert(page);

describe('Network Elements tab', () => {
  it('names each bad field of a Custom MiVoice Business under the field and adds nothing', async () => {
    await openTab(page, 'Network Elements');
    await expectText(table('Network Elements'), '127.1.0.2');
    const count = await table('Network Elements').locator('tbody tr').count();
    await page.getByRole('button', { name: 'Add Network Element' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Network Element' });
    await dialog.locator('#add-element-address').fill('127.1.0.3');
    await dialog.getByText('Custom', { exact: true }).click();
    // The Custom fields start from the MiVoice Business default values.
    expect(await dialog.locator('#add-element-outsidePrefix').inputValue()).toBe('9');
    await dialog.locator('#add-element-maxExtensionLength').fill('seven');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expectText(dialog.locator('#add-element-maxExtensionLength-helper'), 'Max Extension Length must be a whole number from 1 to 10');

    await dialog.locator('#add-element-maxExtensionLength').fill('5');
    await dialog.locator('#add-element-outsidePrefix').fill('9a');
    await dialog.locator('#add-element-localCountryCode').fill('');
    await dialog.locator('#add-element-localAreaCodes').fill('613, 81x');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expectText(dialog.locator('#add-element-outsidePrefix-helper'), 'Outside Prefix must be digits only');
    await expectText(dialog.locator('#add-element-localCountryCode-helper'), 'Local Country Code must be 1 to 3 digits');
    await expectText(dialog.locator('#add-element-localAreaCodes-helper'), 'Local Area Codes must be a list of area codes');
    expect(await dialog.locator('#add-element-outsidePrefix').getAttribute('aria-invalid')).toBe('true');
    await expectText(dialog, 'The network element was not added.');
    await expectNoSeriousA11yViolations(page, 'the Add Network Element dialog with field errors');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => table('Network Elements').locator('tbody tr').count()).toBe(count);
  });

  it('refuses an address that is already a network element', async () => {
    await page.getByRole('button', { name: 'Add Network Element' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Network Element' });
    await dialog.locator('#add-element-address').fill('127.1.0.1');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expectText(dialog, 'OIG_ADMIN_NE_EXISTS');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('adds the one MiContact Center (Custom, http), then offers no second one', async () => {
    await page.getByRole('button', { name: 'Add Network Element' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add Network Element' });
    await dialog.getByLabel('Type').selectOption('MI_CC');
    await dialog.locator('#add-element-address').fill('127.1.0.50');
    await dialog.getByText('Custom', { exact: true }).click();
    await dialog.getByLabel('Transport Protocol').selectOption('http');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectText(rowOf('127.1.0.50'), 'MiContact Center');
    await expectText(rowOf('127.1.0.50'), 'Custom');

    await page.getByRole('button', { name: 'Add Network Element' }).click();
    dialog = page.getByRole('dialog', { name: 'Add Network Element' });
    expect(await dialog.locator('#add-element-type option[value="MI_CC"]').isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('edits a controller to Custom settings and deletes the MiContact Center after a confirmation', async () => {
    await rowOf('127.1.0.2').getByRole('button', { name: 'Edit MiVoice Business 127.1.0.2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit MiVoice Business network element' });
    expect(await dialog.locator('#edit-element-address').inputValue()).toBe('127.1.0.2');
    await dialog.getByText('Custom', { exact: true }).click();
    await dialog.locator('#edit-element-outsidePrefix').fill('8');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectText(statusAlert(), 'MiVoice Business 127.1.0.2 is saved.');
    await expectText(rowOf('127.1.0.2'), 'Custom');
    // The change is kept: the dialog opens with it.
    await rowOf('127.1.0.2').getByRole('button', { name: 'Edit MiVoice Business 127.1.0.2' }).click();
    expect(await dialog.locator('#edit-element-outsidePrefix').inputValue()).toBe('8');
    await expectNoSeriousA11yViolations(page, 'the Edit network element dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    await rowOf('127.1.0.50').getByRole('button', { name: 'Delete MiContact Center 127.1.0.50' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete the network element?' });
    await expectText(confirm, 'MiContact Center 127.1.0.50 will be removed');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => rowOf('127.1.0.50').count()).toBe(0);
  });

  it('sets the default values per type, refusing a bad one under its field', async () => {
    await page.getByRole('button', { name: 'Set Default Values' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set Default Values for Network Element' });
    await dialog.locator('#element-defaults-localCountryCode').waitFor();
    await expectNoSeriousA11yViolations(page, 'the Set Default Values dialog');
    await dialog.locator('#element-defaults-localCountryCode').fill('12345');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expectText(dialog.locator('#element-defaults-localCountryCode-helper'), 'Local Country Code must be 1 to 3 digits');
    await dialog.locator('#element-defaults-localCountryCode').fill('353');
    await dialog.locator('#element-defaults-internationalPrefix').fill('00');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectText(statusAlert(), 'The MiVoice Business default values are saved.');

    // A Default element shows them when switched to Custom.
    await rowOf('127.1.0.1').getByRole('button', { name: 'Edit MiVoice Business 127.1.0.1' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit MiVoice Business network element' });
    await edit.getByText('Custom', { exact: true }).click();
    expect(await edit.locator('#edit-element-localCountryCode').inputValue()).toBe('353');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await edit.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Set Default Values' }).click();
    await dialog.getByLabel('Type').selectOption('MI_CC');
    await dialog.getByLabel('Transport Protocol').selectOption('http');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectText(statusAlert(), 'The MiContact Center default values are saved.');
  });

  it('filters the network elements', async () => {
    const filter = page.getByRole('textbox', { name: 'Filter network elements' }).or(page.locator('#network-elements-filter input'));
    await filter.fill('127.1.0.2');
    await expect.poll(() => table('Network Elements').locator('tbody tr').count()).toBe(1);
    await filter.fill('');
  });
});

describe('Options tab and E-mail Settings: the usage report', () => {
  it('refuses an address that is not one, and a report with no mail server', async () => {
    await openTab(page, 'Options');
    await page.locator('#report-recipient').fill('not-an-address');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(statusAlert(), "The report recipient 'not-an-address' is not an e-mail address");
    await page.locator('#report-recipient').fill('reports@lab.test');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(statusAlert(), 'Usage reports go to reports@lab.test on the first day of each month.');
    await expectText(page.locator('#usage-report'), 'No mail server is configured');
    await page.getByRole('button', { name: 'Send Report To Email Now' }).click();
    await expectText(statusAlert(), 'No mail server is configured, so no report was sent');
    await expectNoSeriousA11yViolations(page, 'the Options tab');
  });

  it('sets the mail server on the E-mail Settings page, with its checks', async () => {
    await mainNavigation(page).getByRole('link', { name: 'E-mail Settings' }).click();
    await page.getByRole('heading', { name: 'E-mail Settings', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(page.locator('#smtp-host-helper'), 'Enter the mail server');
    await expectText(page.locator('#smtp-sender-helper'), 'Enter the sender address');

    await page.locator('#smtp-host').fill('127.0.0.1');
    await page.locator('#smtp-security').selectOption('none');
    expect(await page.locator('#smtp-port').inputValue()).toBe('25');
    await page.locator('#smtp-port').fill(String(smtp.port));
    await page.locator('#smtp-sender').fill('oig@lab.test');
    await page.locator('#smtp-username').fill('reporter');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(statusAlert(), 'A user name needs a password');

    await page.locator('#smtp-username').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(statusAlert(), 'The mail server 127.0.0.1 is saved.');
    await expectText(page.locator('#smtp-settings'), `Reports are sent through 127.0.0.1:${smtp.port}.`);
    await expectNoSeriousA11yViolations(page, 'the E-mail Settings page');
  });

  it('sends the report now and shows that it was delivered, or why not', async () => {
    await mainNavigation(page).getByRole('link', { name: 'Open Integration Gateway' }).click();
    await openTab(page, 'Options');
    await page.getByRole('button', { name: 'Send Report To Email Now' }).click();
    await expectText(statusAlert(), /The usage report \(\d{4}-\d\d-01 to \d{4}-\d\d-\d\d\) was sent to reports@lab\.test\./);
    const mail = await smtp.waitForMessage((m) => m.to.includes('reports@lab.test'), 10_000);
    expect(mail.from).toBe('oig@lab.test');
    await expectText(table('Usage report deliveries'), 'Sent');

    smtp.failNext(1, 550);
    await page.getByRole('button', { name: 'Send Report To Email Now' }).click();
    await expectText(statusAlert(), 'The usage report was not sent:');
    await expectText(table('Usage report deliveries'), 'Failed');
  });
});
