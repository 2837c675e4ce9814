import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConsoleWizard, type Dialogs } from '../src/firstboot/console-wizard';
import { networkFile } from '../src/firstboot/network';
import { OvfEnvironmentError, parseOvfEnvironment } from '../src/firstboot/ovf-environment';
import { completeSettings, describeSettings, PROPERTY, settingsFromProperties } from '../src/firstboot/settings';
import { applySystemSettings, zoneKnown } from '../src/firstboot/system-settings';

/**
 * First boot's settings (issue #13; installation guide, deploying the OVA: the console asks for
 * the password, names, network, "Restore from backup?" and the ARID): the OVF environment as
 * vSphere and the OVF ISO transport hand it over, one catalogue that checks every property,
 * the console wizard's questions, and what is written to the system.
 */
const knownZone = zoneKnown('/');

function environment(props: Record<string, string>): string {
  const items = Object.entries(props)
    .map(([k, v]) => `    <Property oe:key="${k}" oe:value="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"/>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1"
    xmlns:ve="http://www.vmware.com/schema/ovfenv" oe:id="" ve:vCenterId="vm-42">
  <PlatformSection><Kind>VMware ESXi</Kind><Version>8.0.2</Version><Locale>en</Locale></PlatformSection>
  <PropertySection>
${items}
  </PropertySection>
</Environment>`;
}

const ZERO_TOUCH = {
  [PROPERTY.hostname]: 'oig1',
  [PROPERTY.domain]: 'example.com',
  [PROPERTY.networkMode]: 'static',
  [PROPERTY.address]: '10.0.2.20',
  [PROPERTY.prefix]: '24',
  [PROPERTY.gateway]: '10.0.2.2',
  [PROPERTY.dns]: '10.0.2.3',
  [PROPERTY.ntp]: 'ntp1.example.com, 10.0.2.2',
  [PROPERTY.timezone]: 'America/Toronto',
  [PROPERTY.adminPassword]: 'Adm1n-pass&word',
  [PROPERTY.arid]: 'ARID-LAB-0001',
  [PROPERTY.restoreUrl]: 'http://10.0.2.2:8000/backup.tar.gz.age',
  [PROPERTY.restorePassphrase]: 'a passphrase with spaces',
  [PROPERTY.mivbAddress]: '10.0.2.50',
};

describe('the OVF environment', () => {
  it('gives every property by key, from the document vSphere or an OVF ISO carries', () => {
    const props = parseOvfEnvironment(environment(ZERO_TOUCH));
    expect(Object.fromEntries(props)).toEqual(ZERO_TOUCH);
  });

  it('refuses a DOCTYPE (no entities), another root, malformed XML and an oversized document', () => {
    const doctype = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>`;
    expect(() => parseOvfEnvironment(doctype)).toThrow(/DOCTYPE/);
    expect(() => parseOvfEnvironment('<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"/>')).toThrow(/not an OVF environment/);
    expect(() => parseOvfEnvironment('<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"><Property')).toThrow(OvfEnvironmentError);
    expect(() => parseOvfEnvironment(`<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1">${' '.repeat(300_000)}</Environment>`)).toThrow(/larger/);
    const deep = `<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1">${'<a>'.repeat(40)}${'</a>'.repeat(40)}</Environment>`;
    expect(() => parseOvfEnvironment(deep)).toThrow(/nested/);
  });
});

describe('the property catalogue', () => {
  it('takes a complete set as the zero-touch settings', () => {
    const reading = settingsFromProperties(new Map(Object.entries(ZERO_TOUCH)), knownZone);
    expect(reading.problems).toEqual([]);
    expect(completeSettings(reading.settings)).toEqual({
      hostname: 'oig1',
      domain: 'example.com',
      network: { mode: 'static', address: '10.0.2.20', prefix: 24, gateway: '10.0.2.2', dns: ['10.0.2.3'] },
      ntpServers: ['ntp1.example.com', '10.0.2.2'],
      timezone: 'America/Toronto',
      adminPassword: 'Adm1n-pass&word',
      arid: 'ARID-LAB-0001',
      restore: { url: 'http://10.0.2.2:8000/backup.tar.gz.age', passphrase: 'a passphrase with spaces' },
      mivbAddress: '10.0.2.50',
    });
  });

  it('needs only a host name and the network; the rest take their defaults (UTC, a one-time password, nothing to restore)', () => {
    const reading = settingsFromProperties(new Map([[PROPERTY.hostname, 'oig2'], [PROPERTY.networkMode, 'dhcp']]), knownZone);
    expect(completeSettings(reading.settings)).toMatchObject({ hostname: 'oig2', network: { mode: 'dhcp' }, timezone: 'UTC', adminPassword: null, arid: null, restore: null, mivbAddress: null });
    expect(completeSettings(settingsFromProperties(new Map([[PROPERTY.hostname, 'oig2']]), knownZone).settings)).toBeNull();
  });

  it('refuses bad values one by one with the reason, and takes none of them', () => {
    const bad = {
      [PROPERTY.hostname]: '-oig.example',
      [PROPERTY.domain]: 'exa mple.com',
      [PROPERTY.networkMode]: 'static',
      [PROPERTY.address]: '10.0.3.300',
      [PROPERTY.prefix]: '255.0.255.0',
      [PROPERTY.gateway]: '10.0.2.2',
      [PROPERTY.dns]: 'dns.example.com',
      [PROPERTY.ntp]: 'not_a host!',
      [PROPERTY.timezone]: 'Mars/Olympus_Mons',
      [PROPERTY.adminPassword]: 'short',
      [PROPERTY.arid]: 'ARID 1',
      [PROPERTY.restoreUrl]: 'ftp://files.example.com/backup',
      [PROPERTY.mivbAddress]: 'mivb.example.com',
    };
    const reading = settingsFromProperties(new Map(Object.entries(bad)), knownZone);
    expect(Object.keys(reading.settings)).toEqual([]);
    expect(reading.problems.map((p) => p.key).sort()).toEqual(Object.keys(bad).filter((k) => k !== PROPERTY.networkMode && k !== PROPERTY.gateway).sort());
    const says = Object.fromEntries(reading.problems.map((p) => [p.key, p.message]));
    expect(says[PROPERTY.timezone]).toMatch(/not a time zone/);
    expect(says[PROPERTY.prefix]).toMatch(/netmask/);
  });

  it('checks a static address as a whole: the gateway on its subnet, not the network or broadcast address', () => {
    const base = { [PROPERTY.hostname]: 'oig', [PROPERTY.networkMode]: 'static', [PROPERTY.prefix]: '255.255.255.0', [PROPERTY.dns]: '10.0.2.3, 10.0.2.4' };
    const reading = (address: string, gateway: string) => settingsFromProperties(new Map(Object.entries({ ...base, [PROPERTY.address]: address, [PROPERTY.gateway]: gateway })), knownZone);
    expect(reading('10.0.2.20', '10.0.3.1').problems[0]?.message).toMatch(/not on the subnet/);
    expect(reading('10.0.2.255', '10.0.2.2').problems[0]?.message).toMatch(/broadcast/);
    expect(reading('10.0.2.2', '10.0.2.2').problems[0]?.message).toMatch(/differ/);
    expect(reading('10.0.2.20', '10.0.2.2').settings.network).toEqual({ mode: 'static', address: '10.0.2.20', prefix: 24, gateway: '10.0.2.2', dns: ['10.0.2.3', '10.0.2.4'] });
  });

  it('never shows a password or passphrase in the summary', () => {
    const settings = completeSettings(settingsFromProperties(new Map(Object.entries(ZERO_TOUCH)), knownZone).settings);
    const text = describeSettings(settings!).join('\n');
    expect(text).not.toContain('Adm1n-pass&word');
    expect(text).not.toContain('a passphrase with spaces');
    expect(text).toContain('(encrypted)');
  });
});

/** The console as a script: each question answered in turn; what was asked and shown is recorded. */
function scriptedConsole(answers: Array<string | boolean | null>): Dialogs & { asked: string[]; shown: string[] } {
  const asked: string[] = [];
  const shown: string[] = [];
  const next = (what: string) => {
    asked.push(what);
    if (answers.length === 0) throw new Error(`no answer left for "${what}" (asked so far: ${asked.join(' | ')})`);
    return answers.shift();
  };
  return {
    asked,
    shown,
    async input(q) {
      return next(q.title) as string | null;
    },
    async menu(q) {
      return next(q.title) as string | null;
    },
    async yesNo(q) {
      if (q.title === 'Summary') shown.push(q.text);
      return next(q.title) as boolean;
    },
    async message(q) {
      shown.push(`${q.title}: ${q.text}`);
    },
  };
}

describe('the console wizard', () => {
  it('asks every step again after one bad answer, with the reason, and applies nothing until the summary is confirmed', async () => {
    const console = scriptedConsole([
      'short', 'Adm1n-password', 'different', 'Adm1n-password', 'Adm1n-password', // password: too short, then a mismatch
      'bad name!', 'oig3', // host name
      'bad domain!', 'example.com', // domain
      'static', // network mode
      '10.0.2.256', '10.0.2.30', // address
      '33', '24', // prefix
      '10.0.9.1', '10.0.2.2', // gateway: another subnet
      'dns.example.com', '10.0.2.3', // DNS
      'bad host!', '', // NTP: empty takes Debian's pool
      'Nowhere/City', 'Europe/London', // time zone
      true, // restore from backup?
      'file:///etc/passwd', 'http://10.0.2.2:8000/b.tar.gz', 'pass phrase', // backup URL, then passphrase
      'ARID 1', 'ARID-LAB-0001', // ARID
      'not-an-address', '10.0.2.50', // MiVoice Business
      false, // summary: Change
      ...['Adm1n-password', 'Adm1n-password', 'oig3', 'example.com', 'static', '10.0.2.30', '24', '10.0.2.2', '10.0.2.3', '', 'Europe/London', true, 'http://10.0.2.2:8000/b.tar.gz', 'pass phrase', 'ARID-LAB-0001', '10.0.2.50'],
      true, // summary: Apply
    ]);
    const settings = await runConsoleWizard(console, {}, [], knownZone);
    expect(settings).toEqual({
      hostname: 'oig3',
      domain: 'example.com',
      network: { mode: 'static', address: '10.0.2.30', prefix: 24, gateway: '10.0.2.2', dns: ['10.0.2.3'] },
      ntpServers: [],
      timezone: 'Europe/London',
      adminPassword: 'Adm1n-password',
      arid: 'ARID-LAB-0001',
      restore: { url: 'http://10.0.2.2:8000/b.tar.gz', passphrase: 'pass phrase' },
      mivbAddress: '10.0.2.50',
    });
    const reasons = console.shown.filter((s) => !s.startsWith('Restore') && !s.includes('Apply these settings'));
    expect(reasons).toEqual([
      'Administrator password: The administrator password must be 8 to 64 characters',
      'Administrator password: The two passwords differ. Type them again.',
      expect.stringMatching(/^Host name: The host name must be/),
      expect.stringMatching(/^Domain: The domain must be/),
      expect.stringMatching(/^IPv4 address: The address must be an IPv4 address/),
      expect.stringMatching(/^Prefix length: The prefix length must be 8 to 30/),
      'Default gateway: The default gateway 10.0.9.1 is not on the subnet of 10.0.2.30/24',
      expect.stringMatching(/^DNS servers: The DNS server must be an IPv4 address/),
      'NTP servers: host! is neither an IP address nor a host name',
      expect.stringMatching(/^Time zone: Nowhere\/City is not a time zone/),
      expect.stringMatching(/^Backup location: The backup location must be an http or https URL/),
      'Licence (ARID): The ARID must be 1 to 64 letters, digits or dashes',
      "MiVoice Business: Give the MiVoice Business controller's IPv4 or IPv6 address",
    ]);
    // The summary came twice (Change, then Apply) and shows no password.
    const summaries = console.shown.filter((s) => s.includes('Apply these settings'));
    expect(summaries).toHaveLength(2);
    expect(summaries[1]).toContain('static 10.0.2.30/24, gateway 10.0.2.2, DNS 10.0.2.3');
    expect(summaries.join('\n')).not.toContain('Adm1n-password');
    expect(summaries.join('\n')).not.toContain('pass phrase');
  });

  it('goes Back to the previous question, skips the static questions for DHCP, and shows a refused OVF property at its step', async () => {
    const console = scriptedConsole(['', 'oig4', null, 'oig5', '', 'dhcp', '', 'UTC', false, '', '', true]);
    const settings = await runConsoleWizard(console, { hostname: 'proposed' }, [{ key: PROPERTY.timezone, message: 'oig.timezone refused: Mars is not a time zone' }], knownZone);
    expect(settings).toMatchObject({ hostname: 'oig5', domain: null, network: { mode: 'dhcp' }, timezone: 'UTC', adminPassword: null, restore: null, arid: null });
    expect(console.asked).toEqual(['Administrator password', 'Host name', 'Domain', 'Host name', 'Domain', 'Network', 'NTP servers', 'Time zone', 'Restore from backup?', 'Licence (ARID)', 'MiVoice Business', 'Summary']);
    expect(console.shown).toContain('Please check: oig.timezone refused: Mars is not a time zone');
  });
});

describe('what first boot writes to the system', () => {
  it('host name (with its domain on 127.0.1.1), time zone and NTP servers, as Debian keeps them; the static address as a networkd file', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'openoig-firstboot-root-'));
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc/hosts'), '127.0.0.1\tlocalhost\n127.0.1.1\topenoig\n::1\tlocalhost ip6-localhost ip6-loopback\n');
    await writeFile(path.join(root, 'etc/timezone'), 'Etc/UTC\n');
    const settings = completeSettings(settingsFromProperties(new Map(Object.entries(ZERO_TOUCH)), knownZone).settings)!;
    await applySystemSettings({ root }, settings);
    expect(await readFile(path.join(root, 'etc/hostname'), 'utf8')).toBe('oig1\n');
    expect(await readFile(path.join(root, 'etc/hosts'), 'utf8')).toBe('127.0.0.1\tlocalhost\n127.0.1.1\toig1.example.com\toig1\n::1\tlocalhost ip6-localhost ip6-loopback\n');
    expect(await readlink(path.join(root, 'etc/localtime'))).toBe('/usr/share/zoneinfo/America/Toronto');
    expect(existsSync(path.join(root, 'etc/timezone'))).toBe(false);
    expect(await readFile(path.join(root, 'etc/systemd/timesyncd.conf.d/openoig.conf'), 'utf8')).toContain('NTP=ntp1.example.com 10.0.2.2\n');
    await applySystemSettings({ root }, { ...settings, ntpServers: [] });
    await expect(readFile(path.join(root, 'etc/systemd/timesyncd.conf.d/openoig.conf'))).rejects.toThrow(/ENOENT/);
    expect(networkFile(settings.network as never, settings.domain)).toContain('[Network]\nAddress=10.0.2.20/24\nGateway=10.0.2.2\nDNS=10.0.2.3\nDomains=example.com\n');
  });
});
