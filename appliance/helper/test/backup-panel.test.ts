import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText, keepScreenshotOnFailure } from '../../../admin-ui/test/support/browser';
import type { HelperService } from '../src/helper-service';
import { startTestSshd, type TestSshd } from './support/sshd';
import { startPanelHarness, type PanelHarness } from './support/panel-harness';
import type { TestAppliance } from './support/test-appliance';

/**
 * Browser test of Server Manager > Backup and Restore (issue #12) in Debian's Chromium, against
 * the real gateway with the real helper behind its socket (the panels need both).
 */
let harness: PanelHarness;
let app: TestAppliance;
let helper: HelperService;
let page: Page;
let sshd: TestSshd | undefined;

const statusAlert = () => page.locator('.pf-v6-c-alert').first();
const rows = () => page.locator('#backups tbody tr');

beforeAll(async () => {
  harness = await startPanelHarness('ui');
  ({ app, helper, page } = harness);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await sshd?.stop();
});

describe('Server Manager, Backup and Restore', () => {
  keepScreenshotOnFailure(() => page);

  it('backs up without and with a passphrase, following each job, and lists both with their protection', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Backup and Restore' }).click();
    await page.getByRole('heading', { name: 'Backup and Restore', level: 1 }).waitFor();
    await expectText(page.locator('#backups'), 'No backup is kept on this appliance.');
    await expectNoSeriousA11yViolations(page, 'the Backup and Restore page');

    await page.getByRole('button', { name: 'Back up now' }).click();
    await expectText(statusAlert(), /The backup openoig-backup-.*\.tar\.gz is made\./);
    await expectText(rows(), 'Keys and passwords in clear');

    await page.locator('#backup-passphrase').fill('short');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await expectText(page.locator('#backup-passphrase-helper'), 'at least 8 characters');
    await page.locator('#backup-passphrase').fill('a long passphrase');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await expectText(statusAlert(), /The backup openoig-backup-.*\.tar\.gz\.age is made\./);
    await expectText(rows(), 'Encrypted');
    expect(await rows().count()).toBe(2);
  });

  it('downloads a backup byte for byte', async () => {
    const [plain] = (await helper.store.list()).filter((b) => !b.encrypted);
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: `Download ${plain?.name}` }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(plain?.name);
    const saved = path.join(app.scratch, 'downloaded');
    await download.saveAs(saved);
    expect((await readFile(saved)).equals(await readFile(helper.store.pathOf(plain?.name ?? '')))).toBe(true);
  });

  it('refuses an uploaded file that is damaged, with the reason, and restores a good one after a confirmation', async () => {
    const [plain] = (await helper.store.list()).filter((b) => !b.encrypted);
    const bytes = await readFile(helper.store.pathOf(plain?.name ?? ''));
    const upload = page.locator('#restore-upload input[type="file"]');
    await page.locator('#restore-upload').getByRole('button', { name: 'Restore', exact: true }).click();
    await expectText(page.locator('#restore-file-helper'), 'Choose the backup file to restore');

    await upload.setInputFiles({ name: 'damaged.tar.gz', mimeType: 'application/gzip', buffer: bytes.subarray(0, Math.floor(bytes.length / 2)) });
    await page.locator('#restore-upload').getByRole('button', { name: 'Restore', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore from this file?' });
    await expectText(dialog, 'every application session ends');
    await expectNoSeriousA11yViolations(page, 'the restore confirmation');
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expectText(page.locator('.pf-m-danger').first(), 'damaged or incomplete');
    await expectText(page.locator('.pf-m-danger').first(), 'OIG_BACKUP_CORRUPT');
    expect(app.gateway.starts).toBe(1);

    await upload.setInputFiles({ name: plain?.name ?? 'backup.tar.gz', mimeType: 'application/gzip', buffer: bytes });
    await page.locator('#restore-upload').getByRole('button', { name: 'Restore', exact: true }).click();
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expectText(statusAlert(), 'Restored from an uploaded backup (made by OpenOIG 0.1.0); the gateway runs on the restored state.');
    expect(app.gateway.starts).toBe(2);
  }, 120_000);

  it('restores a stored encrypted backup with its passphrase, and deletes a backup only after a confirmation', async () => {
    const [encrypted] = (await helper.store.list()).filter((b) => b.encrypted);
    await page.getByRole('button', { name: `Restore ${encrypted?.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Restore ${encrypted?.name}?` });
    await dialog.locator('#stored-restore-passphrase').fill('not the passphrase');
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expectText(page.locator('.pf-m-danger').first(), 'The passphrase does not open this backup.');
    await page.getByRole('button', { name: `Restore ${encrypted?.name}` }).click();
    await dialog.locator('#stored-restore-passphrase').fill('a long passphrase');
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expectText(statusAlert(), `Restored from ${encrypted?.name}`);

    await page.getByRole('button', { name: `Delete ${encrypted?.name}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this backup?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await rows().count()).toBe(2);
    await page.getByRole('button', { name: `Delete ${encrypted?.name}` }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expectText(statusAlert(), `The backup ${encrypted?.name} is deleted.`);
    await expect.poll(() => rows().count()).toBe(1);
  }, 120_000);
});

describe('Server Manager, scheduled backups and the SFTP target', () => {
  keepScreenshotOnFailure(() => page);
  const PASSPHRASE = 'scheduled in the browser';
  let remoteDir: string;

  beforeAll(async () => {
    sshd = await startTestSshd(path.join(app.scratch, 'sshd'));
    remoteDir = path.join(app.scratch, 'remote');
    await mkdir(remoteDir, { mode: 0o700 });
  }, 240_000);

  it('sets a daily encrypted schedule: the passphrase is checked, the next backup shown, the target is not offered before it is set', async () => {
    const panel = page.locator('#scheduled-backups');
    await expectText(panel, 'None: scheduled backups are off');
    await panel.locator('#schedule-frequency').selectOption('daily');
    await panel.locator('#schedule-hour').selectOption('3');
    await panel.locator('#schedule-retention').fill('3');
    expect(await panel.locator('#schedule-destination option[value="sftp"]').isDisabled()).toBe(true);
    await panel.getByLabel('Encrypt scheduled backups').check();
    await panel.locator('#schedule-passphrase').fill('short');
    await panel.getByRole('button', { name: 'Save schedule' }).click();
    await expectText(panel.locator('#schedule-passphrase-helper'), 'at least 8 characters');
    await panel.locator('#schedule-passphrase').fill(PASSPHRASE);
    await panel.getByRole('button', { name: 'Save schedule' }).click();
    await expectText(statusAlert(), 'The backup schedule is saved.');
    await expectText(panel, '03:00');
    await expectText(panel, 'Yes, with the passphrase kept on this appliance');
    expect((await helper.scheduled.view()).schedule).toEqual({ frequency: 'daily', hour: 3, weekday: 0, retention: 3, destination: 'local' });
    await expectNoSeriousA11yViolations(page, 'the scheduled backups and SFTP target panels');
  });

  it('pins the host key the administrator picked by its fingerprint, and sets the target once the appliance may log in', async () => {
    const panel = page.locator('#backup-target');
    const publicKey = (await helper.scheduled.view()).publicKey;
    expect(await panel.locator('input').first().inputValue()).toBe(publicKey);
    await panel.locator('#target-host').fill('127.0.0.1');
    await panel.locator('#target-port').fill(String(sshd?.port));
    await panel.locator('#target-username').fill('root');
    await panel.locator('#target-directory').fill(remoteDir);
    await panel.getByRole('button', { name: 'Get the server’s host key' }).click();
    await panel.getByRole('radio', { name: new RegExp(`ssh-ed25519 ${(sshd?.fingerprint ?? '').replace(/[+/]/g, '\\$&')}`) }).check();
    await panel.getByRole('button', { name: 'Pin the key and save the target' }).click();
    await expectText(panel.locator('.pf-m-danger').first(), 'authorized_keys');

    await sshd?.authorize(publicKey);
    await panel.getByRole('button', { name: 'Pin the key and save the target' }).click();
    await expectText(statusAlert(), `The SFTP target root@127.0.0.1:${sshd?.port} is set; its host key is pinned.`);
    await expectText(page.locator('#target-backups'), 'No backup is on the target yet.');
  });

  it('sends scheduled backups to the target, lists them there and restores one picked from the target with its passphrase', async () => {
    const schedule = page.locator('#scheduled-backups');
    await schedule.locator('#schedule-destination').selectOption('sftp');
    await schedule.getByRole('button', { name: 'Save schedule' }).click();
    await expectText(statusAlert(), 'The backup schedule is saved.');
    // What the hourly timer does when the slot comes.
    const run = await helper.scheduled.run(false, () => {});
    expect(run).toMatchObject({ ran: true, state: 'succeeded', uploaded: true });
    const name = (run as { backup: string }).backup;
    expect(await readdir(remoteDir)).toEqual([name]);

    const target = page.locator('#target-backups');
    await target.getByRole('button', { name: 'Refresh' }).click();
    await expectText(target.locator('tbody'), name);
    await target.getByRole('button', { name: `Restore ${name} from the target` }).click();
    const dialog = page.getByRole('dialog', { name: `Restore ${name} from the target?` });
    await dialog.locator('#target-restore-passphrase').fill(PASSPHRASE);
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expectText(statusAlert(), `Restored from ${name} from the SFTP target`);
  }, 120_000);
});
