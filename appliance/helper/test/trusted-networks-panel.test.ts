import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText, keepScreenshotOnFailure } from '../../../admin-ui/test/support/browser';
import { TrustedNetworks } from '../src/system/trusted-networks';
import { adminSession } from './support/admin-session';
import { namespacePair, type NamespacePair } from './support/network-namespaces';
import { quietLog, startPanelHarness, type PanelHarness } from './support/panel-harness';

/**
 * Server Manager > Trusted networks (issue #13), in Debian's Chromium against the real gateway and
 * the real helper; the helper's nft loads the table into a network namespace of this test's own
 * (trusted-networks.test.ts shows connections accepted and refused by it, and nginx's split).
 * The gateway trusts the loopback proxy as on the appliance, so a request can say it came from
 * elsewhere, as nginx says for a remote browser.
 */
let harness: PanelHarness;
let page: Page;
let ns: NamespacePair;
let nginxReloads = 0;

beforeAll(async () => {
  ns = await namespacePair('tp');
  harness = await startPanelHarness(
    'trusted',
    (app) => ({ trustedNetworks: new TrustedNetworks({ dir: app.config.firewall.dir, nft: ns.nft, reloadNginx: async () => void nginxReloads++, log: quietLog }) }),
    { OIG_TRUST_PROXY: '127.0.0.1' },
  );
  ({ page } = harness);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await ns?.close();
});

const state = () => page.locator('#trusted-state');
const row = (n: number) => page.getByRole('row').nth(n + 1);
const setElements = async (set: string) => JSON.stringify(JSON.parse(await ns.nft(['-j', 'list', 'set', 'inet', 'openoig', set])).nftables.find((o: { set?: unknown }) => o.set).set.elem ?? []);

describe('Server Manager, Trusted networks', () => {
  keepScreenshotOnFailure(() => page);

  it('says the appliance is not restricted yet, and shows the address this browser comes from', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Trusted networks' }).click();
    await page.getByRole('heading', { name: 'Trusted networks', level: 1 }).waitFor();
    await expectText(page.locator('#trusted-unrestricted'), 'Not restricted yet');
    await expectText(state(), '127.0.0.1');
    await expectText(state(), /Firewall loaded\s*No/);
    await expect.poll(() => page.getByRole('textbox', { name: /^Network \d$/ }).count()).toBe(2);
    await expectNoSeriousA11yViolations(page, 'the Trusted networks page');
  });

  it('shows the problem under the row, saves nothing, then saves the corrected list: the firewall loads it', async () => {
    await page.getByRole('button', { name: 'Add a network' }).click();
    await page.getByRole('textbox', { name: 'Network 3' }).fill('192.0.2.7/24');
    await page.getByRole('textbox', { name: 'Description 3' }).fill('Call recorders');
    await page.getByRole('button', { name: 'Save' }).click();
    await expectText(row(2), '192.0.2.7/24 has host bits set under its prefix: the network is 192.0.2.0/24.');
    expect(nginxReloads).toBe(0);

    await page.getByRole('textbox', { name: 'Network 3' }).fill('192.0.2.0/24');
    // Only the administrators' own network for the server manager: "anywhere" is taken off it.
    await page.getByRole('checkbox', { name: 'Server manager from network 1' }).uncheck();
    await page.getByRole('checkbox', { name: 'Server manager from network 2' }).uncheck();
    await page.getByRole('button', { name: 'Add a network' }).click();
    await page.getByRole('textbox', { name: 'Network 4' }).fill('10.20.0.0/16');
    await page.getByRole('textbox', { name: 'Description 4' }).fill('Technicians');
    await page.getByRole('checkbox', { name: 'Server manager from network 4' }).check();
    await page.getByRole('checkbox', { name: 'APIs from network 4' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await expectText(page.locator('.pf-v6-c-alert').first(), '4 trusted networks saved');
    await expectText(state(), /Firewall loaded\s*Yes/);
    expect(nginxReloads).toBe(1);
    expect(await setElements('admin_v4')).toBe(JSON.stringify([{ prefix: { addr: '10.20.0.0', len: 16 } }]));
    expect(await page.locator('#trusted-unrestricted').count()).toBe(0);

    // Kept: a fresh page shows the saved rows.
    await page.reload();
    await expect.poll(() => page.getByRole('textbox', { name: 'Network 4' }).inputValue()).toBe('10.20.0.0/16');
    expect(await page.getByRole('checkbox', { name: 'APIs from network 4' }).isChecked()).toBe(false);
    expect(await page.getByRole('textbox', { name: 'Description 3' }).inputValue()).toBe('Call recorders');
  });

  it('refuses, through the admin API, a list that would shut out the address the request came from', async () => {
    const admin = await adminSession(harness.app.baseUrl, harness.app.adminPassword);
    const from = { 'x-forwarded-for': '10.20.5.9' };
    const seen = await admin.call('GET', '/trusted-networks', undefined, from);
    expect(seen.json.yourAddress).toBe('10.20.5.9');
    const without = seen.json.networks.filter((n: { network: string }) => n.network !== '10.20.0.0/16');
    const refused = await admin.call('PUT', '/trusted-networks', { networks: without }, from);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'OIG_TRUSTED_NETWORKS_LOCKOUT', message: expect.stringContaining('your address 10.20.5.9 would no longer reach the server manager') });
    const bad = await admin.call('PUT', '/trusted-networks', { networks: [{ network: '10.20.0.0/16', description: '', admin: false, api: false }] }, from);
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual({ 'network.0': '10.20.0.0/16 is trusted with nothing: tick the server manager, the APIs, or both (or remove the row).' });
    expect(nginxReloads).toBe(1);
  });
});
