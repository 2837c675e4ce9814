import { readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText, keepScreenshotOnFailure } from '../../../admin-ui/test/support/browser';
import { NTP_DROP_IN } from '../src/firstboot/system-settings';
import { HELPER_PROTOCOL_VERSION, type HelperRequest } from '../src/protocol';
import { askHelper } from '../src/socket-request';
import { DateTimePanel } from '../src/system/date-time';
import { adminSession, type AdminSession } from './support/admin-session';
import { SIMULATED_ZONES, simulatedTime, type SimulatedTime } from './support/simulated-time';
import { quietLog, startPanelHarness, type PanelHarness } from './support/panel-harness';
import type { TestAppliance } from './support/test-appliance';

/**
 * Server Manager > Date and time (issue #13) in Debian's Chromium, against the real gateway and
 * the real helper behind its socket. The appliance's time settings are a scratch root (the
 * machine's tzdata, /etc/localtime, timesyncd's drop-in) with timedatectl and systemctl answered
 * from it (support/simulated-time.ts), so the machine running the tests keeps its own zone.
 */
let harness: PanelHarness;
let app: TestAppliance;
let socket: string;
let page: Page;
let admin: AdminSession;
let sys: SimulatedTime;

const dropIn = () => readFile(path.join(sys.root, NTP_DROP_IN), 'utf8').catch(() => null);
const localtime = () => readlink(path.join(sys.root, 'etc/localtime'));
const facts = () => page.locator('#time-now');
const ask = (request: object) => askHelper(socket, { version: HELPER_PROTOCOL_VERSION, ...request } as HelperRequest, () => {});

beforeAll(async () => {
  harness = await startPanelHarness('time', async (app) => {
    sys = await simulatedTime(path.join(app.scratch, 'root'));
    return { dateTime: new DateTimePanel({ sys, log: quietLog }) };
  });
  ({ app, socket, page } = harness);
  admin = await adminSession(app.baseUrl, app.adminPassword);
}, 120_000);

afterAll(async () => harness?.close());

describe('Server Manager, Date and time', () => {
  keepScreenshotOnFailure(() => page);

  it('shows the zone, the appliance time, the NTP state and the server in use', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Date and time' }).click();
    await page.getByRole('heading', { name: 'Date and time', level: 1 }).waitFor();
    await expectText(facts(), /Time zone\s+UTC\s+Appliance time\s+\w+day, .* (UTC|GMT)/);
    await expectText(facts(), /Synchronised by NTP\s+Yes/);
    await expectText(facts(), /NTP servers set\s+None: Debian’s pool/);
    await expectText(facts(), /Server in use\s+0\.debian\.pool\.ntp\.org \(192\.0\.2\.123\)/);
    expect(await page.locator('#time-zone option').allTextContents()).toEqual(SIMULATED_ZONES);
    await expectNoSeriousA11yViolations(page, 'the Date and time page');
  });

  it('changes the zone and the NTP servers through the helper: /etc/localtime and the timesyncd drop-in are written, timesyncd restarted', async () => {
    await page.locator('#time-zone').selectOption('Europe/London');
    await page.locator('#time-ntp').fill('NTP1.example.net, 192.0.2.10');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(page.locator('.pf-v6-c-alert').first(), 'The time zone is Europe/London; NTP servers: ntp1.example.net, 192.0.2.10.');
    await expectText(facts(), /Time zone\s+Europe\/London/);
    await expectText(facts(), /NTP servers set\s+ntp1\.example\.net, 192\.0\.2\.10\s+Server in use\s+ntp1\.example\.net/);
    expect(await localtime()).toBe('/usr/share/zoneinfo/Europe/London');
    expect(await dropIn()).toBe("# Written by OpenOIG (first boot's oig.ntp.servers, or Server Manager's Date and time).\n[Time]\nNTP=ntp1.example.net 192.0.2.10\n");
    expect(sys.commands).toContain('timedatectl set-timezone Europe/London');
    expect(sys.commands).toContain('systemctl try-restart systemd-timesyncd.service');
  });

  it('refuses a bad NTP server under its field, and changes nothing', async () => {
    const commandsBefore = sys.commands.length;
    await page.locator('#time-zone').selectOption('Asia/Tokyo');
    await page.locator('#time-ntp').fill('ntp1.example.net, bad_server!');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(page.locator('#time-change'), 'bad_server! is neither an IP address nor a host name');
    expect(await page.locator('#time-ntp').getAttribute('aria-invalid')).toBe('true');
    await expectNoSeriousA11yViolations(page, 'the Date and time page with a refused NTP server');
    expect(await localtime()).toBe('/usr/share/zoneinfo/Europe/London');
    expect(await dropIn()).toContain('NTP=ntp1.example.net 192.0.2.10\n');
    expect(sys.commands.slice(commandsBefore).filter((c) => !c.startsWith('timedatectl show') && c !== 'timedatectl list-timezones')).toEqual([]);
  });

  it('the API and the helper refuse an unknown zone, a path, bad or too many servers, with clear messages', async () => {
    const unknown = await admin.call('PUT', '/system/time', { timezone: 'Mars/Olympus_Mons', ntpServers: [] });
    expect([unknown.status, unknown.json.code]).toEqual([400, 'OIG_TIME_INVALID']);
    expect(unknown.json.message).toBe('Mars/Olympus_Mons is not a time zone; give an IANA name such as Europe/London or America/Toronto');
    const escape = await admin.call('PUT', '/system/time', { timezone: '../../../etc/passwd', ntpServers: [] });
    expect([escape.status, escape.json.code]).toEqual([400, 'OIG_ADMIN_INVALID_FIELDS']);
    expect(escape.json.fields.timezone).toMatch(/is not a time zone/);
    const bad = await admin.call('PUT', '/system/time', { timezone: 'UTC', ntpServers: ['-oProxyCommand=x'] });
    expect([bad.status, bad.json.fields]).toEqual([400, { ntpServers: '-oProxyCommand=x is neither an IP address nor a host name' }]);
    const five = await admin.call('PUT', '/system/time', { timezone: 'UTC', ntpServers: ['a.example', 'b.example', 'c.example', 'd.example', 'e.example'] });
    expect([five.status, five.json.code, Object.keys(five.json.fields ?? {})]).toEqual([400, 'OIG_ADMIN_INVALID_FIELDS', ['ntpServers']]);

    // The helper checks at its own edge too, whoever asks.
    await expect(ask({ command: 'time.set', change: { timezone: 'Mars/Olympus_Mons', ntpServers: [] } })).rejects.toMatchObject({ code: 'OIG_TIME_INVALID', message: /Mars\/Olympus_Mons is not a time zone/ });
    for (const change of [{ timezone: 'UTC', ntpServers: ['a b'] }, { timezone: '../etc/shadow', ntpServers: [] }, { timezone: 'UTC', ntpServers: ['1', '2', '3', '4', '5'] }, { timezone: 'UTC' }]) {
      await expect(ask({ command: 'time.set', change }), JSON.stringify(change)).rejects.toMatchObject({ code: 'OIG_HELPER_BAD_REQUEST' });
    }
    expect(await localtime()).toBe('/usr/share/zoneinfo/Europe/London');
    expect(await dropIn()).toContain('NTP=ntp1.example.net 192.0.2.10\n');
  });

  it('no NTP servers: the drop-in goes, timesyncd uses Debian’s pool; timesyncd stopped: no server in use', async () => {
    const view = (await ask({ command: 'time.set', change: { timezone: 'UTC', ntpServers: [] } })) as { timezone: string; ntpServers: string[] };
    expect(view).toMatchObject({ timezone: 'UTC', ntpServers: [] });
    expect(await dropIn()).toBeNull();
    sys.timesync = { running: false, synchronized: false };
    const stopped = await admin.call('GET', '/system/time');
    expect(stopped.json).toMatchObject({ timezone: 'UTC', synchronized: false, serverInUse: null, ntpServers: [] });
    expect(Date.parse(stopped.json.now)).toBeGreaterThan(Date.now() - 60_000);
  });
});
