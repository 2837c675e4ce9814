import { chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLabAmc, type LabAmc } from '@openoig/lab/amc';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText, keepScreenshotOnFailure } from '../../../admin-ui/test/support/browser';
import { BladeCatalogue } from '../src/blades/blade-catalogue';
import { run } from '../src/run';
import { quietLog, startPanelHarness, type PanelHarness } from './support/panel-harness';
import { buildTestRepository } from './support/test-repository';

/**
 * Server Manager > Blades (issue #14, begun: Update List), in Debian's Chromium against the real
 * gateway and the real helper, whose catalogue runs Debian's apt against the lab licensing
 * server's ServiceLink (a repository signed by scripts/build-repo.sh) with its own lists.
 */
let harness: PanelHarness;
let page: Page;
let amc: LabAmc;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'openoig-blades-panel-'));
  // apt downloads as its _apt user: it has to reach the lists, the keyring and the CA.
  await chmod(work, 0o755);
  const good = await buildTestRepository(work, 'good', path.join(work, 'key'));
  amc = await startLabAmc({ repositoryDir: good });
  const keyring = path.join(work, 'openoig-archive-keyring.gpg');
  await cp(path.join(good, 'openoig-archive-keyring.gpg'), keyring);
  const caFile = path.join(work, 'amc-ca.pem');
  await writeFile(caFile, amc.ca.certPem);
  harness = await startPanelHarness('blades', () => ({
    blades: new BladeCatalogue({
      aptDir: path.join(work, 'servicelink'),
      source: { url: `${amc.url}/servicelink/debian/`, keyring, caFile },
      packages: ['openoig-test-blade'],
      run: (program, args) => run(program, args),
      log: quietLog,
    }),
  }));
  ({ page } = harness);
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await amc?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const row = () => page.getByRole('row', { name: /openoig-test-blade/ });

describe('Server Manager, Blades', () => {
  keepScreenshotOnFailure(() => page);

  it('lists the blade before any Update List: not installed, nothing known to be offered', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Blades', exact: true }).click();
    await page.getByRole('heading', { name: 'Blades', level: 1 }).waitFor();
    await expectText(page.locator('#blades-source'), 'Last Update List: never');
    await expectText(row(), /Not installed\s*—\s*Not offered/);
    await expectNoSeriousA11yViolations(page, 'the Blades page');
  });

  it('Update List: the signed index is taken and the version ServiceLink offers is shown', async () => {
    await page.getByRole('button', { name: 'Update List' }).click();
    await expectText(page.locator('.pf-v6-c-alert').first(), 'The list of blades is up to date.');
    await expectText(row(), /1\.0\.0\s*Can be installed/);
  });

  it('a repository signed by another key is refused with apt’s reason; the list from before stays', async () => {
    amc.setRepository(await buildTestRepository(work, 'other-key', path.join(work, 'other-key'), '2.0.0'));
    await page.getByRole('button', { name: 'Update List' }).click();
    await expectText(page.locator('#blades-refused'), /was refused; the list from before is shown/);
    await expectText(page.locator('#blades-refused'), /NO_PUBKEY|not signed|Missing key|signatures couldn't be verified/i);
    await expectText(row(), /1\.0\.0\s*Can be installed/);
    expect(await row().textContent()).not.toContain('2.0.0');
  });
});
