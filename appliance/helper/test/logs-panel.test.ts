import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText, keepScreenshotOnFailure } from '../../../admin-ui/test/support/browser';
import { HELPER_PROTOCOL_VERSION, type HelperRequest } from '../src/protocol';
import { askHelper } from '../src/socket-request';
import { adminSession, type AdminSession } from './support/admin-session';
import { startPanelHarness, type PanelHarness } from './support/panel-harness';
import type { TestAppliance } from './support/test-appliance';

/**
 * Server Manager > View log files (issue #13), in Debian's Chromium against the real gateway and
 * the real helper behind its socket. The journal units are fixture files read by a stand-in for
 * journalctl (this machine has no journal of the appliance's units); nginx's logs are fixture
 * files in the helper's nginx log directory.
 */
let harness: PanelHarness;
let app: TestAppliance;
let socket: string;
let page: Page;
let admin: AdminSession;

const journalLine = (i: number) => `2026-12-07T09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+0000 openoig node[812]: {"level":30,"msg":"gateway line ${i}"}`;
const gatewayJournal = Array.from({ length: 800 }, (_, i) => journalLine(i + 1));
const accessLines = Array.from({ length: 300 }, (_, i) => `10.0.0.${i % 9} - - [07/Dec/2026:09:00:${String(i % 60).padStart(2, '0')} +0000] "GET ${i % 50 === 7 ? '/Admin/' : '/axis2/services/SessionService?wsdl'} HTTP/1.1" 200 ${i}`);
const logText = () => page.locator('#log-text');
const summary = () => page.locator('#log-summary');

beforeAll(async () => {
  harness = await startPanelHarness('logs', async (testApp) => {
    await writeFile(path.join(testApp.journalDir, 'openoig-gateway.service.log'), `${gatewayJournal.join('\n')}\n`);
    await writeFile(path.join(testApp.nginxLogDir, 'access.log'), `${accessLines.join('\n')}\n`);
    await writeFile(path.join(testApp.nginxLogDir, 'error.log'), '2026/12/07 09:00:00 [notice] 1#1: start worker processes\n');
    return {};
  });
  ({ app, socket, page } = harness);
  admin = await adminSession(app.baseUrl, app.adminPassword);
}, 120_000);

afterAll(async () => harness?.close());

describe('Server Manager, View log files', () => {
  keepScreenshotOnFailure(() => page);

  it('opens on the gateway log: its newest 500 lines from the journal, the newest at the bottom and in view', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'View log files' }).click();
    await page.getByRole('heading', { name: 'View log files', level: 1 }).waitFor();
    await expectText(summary(), '500 lines, the newest at the bottom; older ones are not shown');
    const shown = (await logText().textContent())?.split('\n');
    expect(shown).toEqual(gatewayJournal.slice(-500));
    // Scrolled to the newest line.
    expect(await logText().evaluate((e) => Math.abs(e.scrollTop + e.clientHeight - e.scrollHeight) <= 2 && e.scrollHeight > e.clientHeight)).toBe(true);
    expect(await app.journalCalls()).toContain('-u openoig-gateway.service -o short-iso --no-pager --quiet -r -n 501');
    await expectNoSeriousA11yViolations(page, 'the View log files page');
  });

  it('filters (case-insensitively, in the helper) and shows every line again', async () => {
    await page.locator('#log-source').selectOption('nginx-access');
    await expectText(summary(), '300 lines, the newest at the bottom.');
    await page.locator('#log-filter').fill('/admin/');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const holding = accessLines.filter((l) => l.includes('/Admin/'));
    await expectText(summary(), `${holding.length} lines holding “/admin/”, the newest at the bottom.`);
    expect((await logText().textContent())?.split('\n')).toEqual(holding);

    await page.locator('#log-filter').fill('no such text');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expectText(summary(), 'No line holds “no such text”.');

    await page.getByRole('button', { name: 'Show every line' }).click();
    await expectText(summary(), '300 lines, the newest at the bottom.');
    await page.locator('#log-source').selectOption('nginx-error');
    await expectText(logText(), 'start worker processes');
    await page.locator('#log-source').selectOption('firstboot');
    await expectText(summary(), 'The log is empty.');
  });

  it('refuses a filter longer than 200 characters with a clear message', async () => {
    await page.locator('#log-source').selectOption('gateway');
    await page.locator('#log-filter').fill('a'.repeat(201));
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const alert = page.locator('#log-lines .pf-v6-c-alert');
    await expectText(alert, 'querystring/filter must NOT have more than 200 characters');
    await expectText(alert, 'OIG_REST_INVALID_REQUEST');
  });

  it('downloads the whole log as a text file, or its last MiB', async () => {
    await page.getByRole('button', { name: 'Show every line' }).click();
    await page.locator('#log-source').selectOption('nginx-access');
    await expectText(summary(), '300 lines');
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the web server (nginx) access log' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^openoig-nginx-access-\d{8}T\d{6}Z\.log$/);
    const saved = path.join(app.scratch, 'downloaded.log');
    await download.saveAs(saved);
    expect(await readFile(saved, 'utf8')).toBe(`${accessLines.join('\n')}\n`);

    const whole = await admin.call('GET', '/system/logs/gateway/download');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(whole.headers.get('content-disposition')).toMatch(/^attachment; filename="openoig-gateway-\d{8}T\d{6}Z\.log"$/);
    expect(whole.bytes.toString()).toBe(`${gatewayJournal.join('\n')}\n`);

    // A file larger than the MiB asked for: its tail from a line start.
    const big = Array.from({ length: 30_000 }, (_, i) => `10.0.0.1 - - "GET /mitel/oig/rest/resources/v1/sessions/${i}" 200 ${'q'.repeat(20)}`);
    await writeFile(path.join(app.nginxLogDir, 'access.log'), `${big.join('\n')}\n`);
    await page.locator('#log-download-size').selectOption('1');
    const tailDownload = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the web server (nginx) access log' }).click();
    await (await tailDownload).saveAs(saved);
    const tail = await readFile(saved, 'utf8');
    expect(tail.length).toBeLessThanOrEqual(1024 * 1024);
    expect(tail.length).toBeGreaterThan(1024 * 1024 - 200);
    expect(`${big.join('\n')}\n`.endsWith(tail)).toBe(true);
    expect(tail.startsWith('10.0.0.1 ')).toBe(true);
  });

  it('the API refuses an unknown log, a path, control characters and a tail out of range; the helper refuses them too', async () => {
    for (const [pathname, message] of [
      ['/system/logs/syslog', 'params/source must be one of gateway, nginx-access, nginx-error, firstboot, helper'],
      ['/system/logs/..%2F..%2Fetc%2Fshadow', 'params/source must be one of'],
      [`/system/logs/gateway?filter=${'b'.repeat(201)}`, 'querystring/filter must NOT have more than 200 characters'],
      ['/system/logs/gateway?filter=a%01b', 'querystring/filter must not contain control characters'],
      ['/system/logs/gateway?lines=1001', 'querystring/lines must be <= 1000'],
      ['/system/logs/gateway/download?lastMiB=257', 'querystring/lastMiB must be <= 256'],
      ['/system/logs/gateway/download?lastMiB=0', 'querystring/lastMiB must be >= 1'],
    ] as const) {
      const refused = await admin.call('GET', pathname);
      expect([refused.status, refused.json?.code], pathname).toEqual([400, 'OIG_REST_INVALID_REQUEST']);
      expect(refused.json.message, pathname).toContain(message);
    }
    // The helper checks its own edge, whoever asks.
    const ask = (request: object) => askHelper(socket, { version: HELPER_PROTOCOL_VERSION, ...request } as HelperRequest, () => {});
    for (const request of [
      { command: 'logs.read', source: 'syslog' },
      { command: 'logs.read', source: 'gateway', file: '/etc/shadow' },
      { command: 'logs.read', source: 'gateway', filter: 'c'.repeat(201) },
      { command: 'logs.read', source: 'gateway', filter: 'tab\there' },
      { command: 'logs.download', source: 'gateway', lastMiB: 1000 },
    ]) {
      await expect(ask(request), JSON.stringify(request)).rejects.toMatchObject({ code: 'OIG_HELPER_BAD_REQUEST' });
    }
    const read = (await ask({ command: 'logs.read', source: 'gateway', filter: 'LINE 79', lines: 2 })) as { lines: string[] };
    expect(read.lines).toEqual([journalLine(798), journalLine(799)]);
  });
});
