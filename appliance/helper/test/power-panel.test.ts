import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText, keepScreenshotOnFailure } from '../../../admin-ui/test/support/browser';
import type { HelperService } from '../src/helper-service';
import { adminSession } from './support/admin-session';
import { startPanelHarness, type PanelHarness } from './support/panel-harness';
import type { TestAppliance } from './support/test-appliance';

/**
 * Server Manager > Reboot or Shut Down (issue #13), in Debian's Chromium against the real gateway
 * and the real helper behind its socket; a recorder stands in for `systemctl reboot|poweroff`.
 * The image test reboots a booted appliance the same way.
 */
let harness: PanelHarness;
let app: TestAppliance;
let helper: HelperService;
let page: Page;

const statusAlert = () => page.locator('.pf-v6-c-alert').first();
/** The helper hands the action to systemd a moment after it answers. */
async function actionsAfterDelay(): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 2500));
  return app.powerActions();
}

beforeAll(async () => {
  harness = await startPanelHarness('power');
  ({ app, helper, page } = harness);
}, 120_000);

afterAll(async () => harness?.close());

describe('Server Manager, Reboot or Shut Down', () => {
  keepScreenshotOnFailure(() => page);

  it('asks before a reboot (Cancel changes nothing), then reboots through the helper', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Reboot or Shut Down' }).click();
    await page.getByRole('heading', { name: 'Reboot or Shut Down', level: 1 }).waitFor();
    await expectNoSeriousA11yViolations(page, 'the Reboot or Shut Down page');

    await page.getByRole('button', { name: 'Reboot', exact: true }).click();
    let dialog = page.getByRole('dialog', { name: 'Reboot the appliance?' });
    await expectText(dialog, 'Every application session ends');
    // Focus starts on Cancel: a stray Enter reboots nothing.
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect(await actionsAfterDelay()).toEqual([]);

    await page.getByRole('button', { name: 'Reboot', exact: true }).click();
    dialog = page.getByRole('dialog', { name: 'Reboot the appliance?' });
    await dialog.getByRole('button', { name: 'Reboot', exact: true }).click();
    await expectText(statusAlert(), /The appliance is rebooting/);
    expect(await actionsAfterDelay()).toEqual(['reboot']);
  });

  it('shuts down after its confirmation', async () => {
    await page.getByRole('button', { name: 'Shut down', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Shut down the appliance?' });
    await dialog.getByRole('button', { name: 'Shut down', exact: true }).click();
    await expectText(statusAlert(), /The appliance is shutting down/);
    expect(await actionsAfterDelay()).toEqual(['reboot', 'poweroff']);
  });

  it('the API needs confirm: true and a known action, and the helper refuses while a backup runs', async () => {
    const admin = await adminSession(app.baseUrl, app.adminPassword);
    for (const body of [{ action: 'reboot' }, { action: 'reboot', confirm: false }, { action: 'halt', confirm: true }]) {
      const refused = await admin.call('POST', '/system/power', body);
      expect([refused.status, refused.json.code]).toEqual([400, 'OIG_ADMIN_INVALID_FIELDS']);
    }
    // The first step of a backup is under way when the reboot is asked for.
    let refusal: unknown;
    await helper.backup(undefined, () => {
      if (refusal === undefined) {
        try {
          helper.power('reboot');
          refusal = 'accepted';
        } catch (err) {
          refusal = err;
        }
      }
    });
    expect(refusal).toMatchObject({ code: 'OIG_HELPER_BUSY' });
    expect(await actionsAfterDelay()).toEqual(['reboot', 'poweroff']);
  });
});
