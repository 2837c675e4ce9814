import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText, keepScreenshotOnFailure, newPage } from '../../../admin-ui/test/support/browser';
import { STATIC_NETWORK_FILE } from '../src/firstboot/network';
import type { HelperService } from '../src/helper-service';
import { NetworkPanel } from '../src/system/network-panel';
import { adminSession } from './support/admin-session';
import { simulatedNetwork, type SimulatedNetwork } from './support/simulated-network';
import { quietLog, startPanelHarness, type PanelHarness } from './support/panel-harness';
import type { TestAppliance } from './support/test-appliance';

/**
 * Server Manager > Networks (issue #13) in Debian's Chromium, against the real gateway and the
 * real helper behind its socket. The helper's network is simulated (networkd's files in a scratch
 * root, `ip` and `networkctl` answered from them) so the machine running the tests keeps its own;
 * the take-back waits 5 s here instead of 60. The image test changes a real appliance's address
 * in QEMU and lets it go back.
 */
const WINDOW_MS = 5000;
let harness: PanelHarness;
let app: TestAppliance;
let helper: HelperService;
let page: Page;
let network: SimulatedNetwork;
let reverts = 0;

const staticFile = () => readFile(path.join(network.root, STATIC_NETWORK_FILE), 'utf8').catch(() => null);
const facts = () => page.locator('#network-now');

async function fillStatic(address: string, gateway: string): Promise<void> {
  await page.locator('#network-mode').selectOption('static');
  await page.locator('#network-address').fill(address);
  await page.locator('#network-prefix').fill('24');
  await page.locator('#network-gateway').fill(gateway);
  await page.locator('#network-dns').fill('10.20.0.1');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
}

beforeAll(async () => {
  harness = await startPanelHarness('network', (app) => {
    network = simulatedNetwork(path.join(app.scratch, 'root'));
    let timer: NodeJS.Timeout | undefined;
    const panel: NetworkPanel = new NetworkPanel({
      sys: network,
      stateDir: app.config.stateDir,
      log: quietLog,
      windowMs: WINDOW_MS,
      scheduleRevert: async (afterMs) => {
        timer = setTimeout(() => void panel.revertIfUnconfirmed().then((r) => (reverts += r ? 1 : 0)), afterMs);
      },
      cancelRevert: async () => clearTimeout(timer),
    });
    return { network: panel };
  });
  ({ app, helper, page } = harness);
}, 120_000);

afterAll(async () => harness?.close());

describe('Server Manager, Networks', () => {
  keepScreenshotOnFailure(() => page);

  it('shows the address now; refuses a gateway off the subnet field by field; a static address is kept once confirmed from the new address', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Networks', exact: true }).click();
    await page.getByRole('heading', { name: 'Networks', level: 1, exact: true }).waitFor();
    await expectText(facts(), '10.20.0.15/24');
    await expectText(facts(), 'DHCP');
    await expectNoSeriousA11yViolations(page, 'the Networks page');

    await fillStatic('10.20.0.30', '10.30.0.1');
    await page.getByRole('dialog', { name: 'Change the network settings?' }).getByRole('button', { name: 'Apply' }).click();
    await expectText(page.locator('#network-gateway-helper'), 'The default gateway 10.30.0.1 is not on the subnet of 10.20.0.30/24');
    expect(await staticFile()).toBeNull();

    await page.locator('#network-gateway').fill('10.20.0.1');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByRole('dialog', { name: 'Change the network settings?' }).getByRole('button', { name: 'Apply' }).click();
    await expectText(page.locator('#network-pending'), /Confirm the change within \d+ s/);
    const link = page.locator('#network-confirm-link');
    const href = (await link.getAttribute('href')) as string;
    expect(href).toMatch(/^https:\/\/10\.20\.0\.30\/admin\/network-confirm#[A-Za-z0-9_-]{43}$/);
    // Made a moment after the answer (which had to get back over the old address).
    await expect.poll(staticFile, { timeout: 10_000 }).toContain('Address=10.20.0.30/24\nGateway=10.20.0.1\nDNS=10.20.0.1\n');

    // The new address is simulated: the confirmation page opens here, without a login.
    const other = await newPage(harness.browser);
    await other.goto(`${app.baseUrl}/admin/network-confirm#${href.split('#')[1]}`);
    await other.getByRole('button', { name: 'Keep these settings' }).click();
    await expectText(other.locator('#network-confirm'), 'The network settings are kept.');
    await other.close();
    await new Promise((r) => setTimeout(r, WINDOW_MS + 1000));
    expect(reverts).toBe(0);
    expect(await staticFile()).toContain('Address=10.20.0.30/24');
  });

  it('takes back a change nobody confirms, and says so', async () => {
    await page.reload();
    await expectText(facts(), '10.20.0.30/24');
    await fillStatic('10.20.0.40', '10.20.0.1');
    await page.getByRole('dialog', { name: 'Change the network settings?' }).getByRole('button', { name: 'Apply' }).click();
    await expectText(page.locator('#network-pending'), /Confirm the change/);
    await expect.poll(staticFile, { timeout: 10_000 }).toContain('Address=10.20.0.40/24');
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    await expectText(page.locator('#network-outcome'), 'unless the settings were kept at the new address, the previous network settings are back.');
    // The page tells at the deadline; the take-back's timer ends at the same moment and takes a little while.
    await expect.poll(() => reverts, { timeout: 10_000 }).toBe(1);
    expect(await staticFile()).toContain('Address=10.20.0.30/24');
    expect((await helper.network.view()).current.addresses).toEqual(['10.20.0.30/24']);
    await expectText(facts(), '10.20.0.30/24');
  });

  it('takes back at once a change that does not come up (the gateway does not answer), and says why', async () => {
    await fillStatic('10.20.0.50', '10.20.0.99');
    await page.getByRole('dialog', { name: 'Change the network settings?' }).getByRole('button', { name: 'Apply' }).click();
    await expectText(page.locator('#network-outcome'), 'The network change did not come up and was taken back: the default gateway 10.20.0.99 does not answer on ens192');
    expect(await staticFile()).toContain('Address=10.20.0.30/24');
    expect((await helper.network.view()).pending).toBeNull();
  });

  it('goes back to DHCP, kept with the button when the page stays reachable; a wrong or used token is refused', async () => {
    await page.locator('#network-mode').selectOption('dhcp');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByRole('dialog', { name: 'Change the network settings?' }).getByRole('button', { name: 'Apply' }).click();
    await expect.poll(staticFile, { timeout: 10_000 }).toBeNull();
    await page.locator('#network-keep').click();
    await expectText(page.locator('#network-outcome'), 'The network settings are kept.');
    expect(await staticFile()).toBeNull();
    await expectText(facts(), '10.20.0.15/24');

    const admin = await adminSession(app.baseUrl, app.adminPassword);
    const wrong = await admin.call('POST', '/network/confirm', { token: 'A'.repeat(43) });
    expect([wrong.status, wrong.json.code]).toEqual([409, 'OIG_NETWORK_CONFIRM_REFUSED']);
    const badShape = await admin.call('POST', '/network/confirm', { token: '../etc' });
    expect(badShape.status).toBe(400);
  });
});
