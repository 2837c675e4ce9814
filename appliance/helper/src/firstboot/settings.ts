import { isIP } from 'node:net';

/**
 * What a copy of the appliance is told at first boot (installation guide, deploying the OVA:
 * password, names, network, "Restore from backup?", ARID), by OVF properties (zero-touch) or
 * by the console wizard. One catalogue checks both, so a value the wizard refuses is refused
 * from vSphere too, with the same words.
 */
export interface StaticIpv4 {
  readonly address: string;
  readonly prefix: number;
  readonly gateway: string;
  readonly dns: readonly string[];
}

export interface FirstBootSettings {
  readonly hostname: string;
  readonly domain: string | null;
  readonly network: { readonly mode: 'dhcp' } | ({ readonly mode: 'static' } & StaticIpv4);
  readonly ntpServers: readonly string[];
  readonly timezone: string;
  /** Null: a one-time password is made and shown on the console until it is changed. */
  readonly adminPassword: string | null;
  readonly arid: string | null;
  readonly restore: { readonly url: string; readonly passphrase: string | null } | null;
  readonly mivbAddress: string | null;
}

/** The OVF property keys (make-ova.sh declares them; appliance/README.md lists them). */
export const PROPERTY = {
  hostname: 'oig.hostname',
  domain: 'oig.domain',
  networkMode: 'oig.network.mode',
  address: 'oig.ipv4.address',
  prefix: 'oig.ipv4.prefix',
  gateway: 'oig.ipv4.gateway',
  dns: 'oig.dns.servers',
  ntp: 'oig.ntp.servers',
  timezone: 'oig.timezone',
  adminPassword: 'oig.admin_password',
  arid: 'oig.arid',
  restoreUrl: 'oig.restore.url',
  restorePassphrase: 'oig.restore.passphrase',
  mivbAddress: 'oig.mivb.address',
} as const;

export type Check<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const bad = <T>(message: string): Check<T> => ({ ok: false, message });

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkHostname(raw: string): Check<string> {
  const name = raw.trim().toLowerCase();
  if (!LABEL.test(name)) return bad('The host name must be 1 to 63 letters, digits or dashes, not starting or ending with a dash (no dots: the domain is asked for separately)');
  return ok(name);
}

/** Empty: no domain. */
export function checkDomain(raw: string): Check<string | null> {
  const domain = raw.trim().toLowerCase().replace(/\.$/, '');
  if (domain === '') return ok(null);
  if (domain.length > 253 || !domain.split('.').every((label) => LABEL.test(label))) return bad('The domain must be DNS labels separated by dots, such as example.com');
  return ok(domain);
}

export function checkNetworkMode(raw: string): Check<'dhcp' | 'static'> {
  const mode = raw.trim().toLowerCase();
  if (mode === 'dhcp' || mode === 'static') return ok(mode);
  return bad('The network mode must be dhcp or static');
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function checkIpv4(raw: string, what: string): Check<string> {
  const text = raw.trim();
  if (isIP(text) !== 4) return bad(`The ${what} must be an IPv4 address such as 192.168.1.20`);
  const normal = text.split('.').map((part) => String(Number(part))).join('.');
  const first = Number(normal.split('.')[0]);
  if (first === 0 || first === 127 || first >= 224) return bad(`The ${what} ${normal} is not a usable unicast address`);
  return ok(normal);
}

export function checkPrefix(raw: string): Check<number> {
  const text = raw.trim().replace(/^\//, '');
  if (/^\d{1,2}$/.test(text) && Number(text) >= 8 && Number(text) <= 30) return ok(Number(text));
  // A netmask is what many technicians have at hand.
  if (isIP(text) === 4) {
    const bits = ipv4ToNumber(text).toString(2).padStart(32, '0');
    if (/^1+0*$/.test(bits) && bits.indexOf('0') >= 8 && bits.indexOf('0') <= 30) return ok(bits.indexOf('0'));
  }
  return bad('The prefix length must be 8 to 30 (or a netmask such as 255.255.255.0)');
}

/** The static address as a whole: the gateway on the same subnet, neither network nor broadcast address. */
export function checkStatic(address: string, prefix: number, gateway: string): Check<null> {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const a = ipv4ToNumber(address);
  const g = ipv4ToNumber(gateway);
  if ((a & mask) >>> 0 !== (g & mask) >>> 0) return bad(`The default gateway ${gateway} is not on the subnet of ${address}/${prefix}`);
  const host = (a & ~mask) >>> 0;
  if (host === 0 || host === (~mask >>> 0)) return bad(`${address} is the network or broadcast address of /${prefix}`);
  if (a === g) return bad('The address and the default gateway must differ');
  return ok(null);
}

function list(raw: string): string[] {
  return raw
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function checkDnsServers(raw: string): Check<string[]> {
  const servers = list(raw);
  if (servers.length === 0 || servers.length > 3) return bad('Give one to three DNS server addresses, separated by commas');
  const checked: string[] = [];
  for (const server of servers) {
    const c = checkIpv4(server, 'DNS server');
    if (!c.ok) return bad(c.message);
    checked.push(c.value);
  }
  return ok(checked);
}

/** Empty: Debian's NTP pool (systemd-timesyncd's default). */
export function checkNtpServers(raw: string): Check<string[]> {
  const servers = list(raw);
  if (servers.length > 4) return bad('Give at most four NTP servers');
  for (const server of servers) {
    if (isIP(server) === 0 && !server.split('.').every((label) => LABEL.test(label.toLowerCase()))) return bad(`${server} is neither an IP address nor a host name`);
  }
  return ok(servers.map((s) => s.toLowerCase()));
}

export function checkTimezone(raw: string, known: (zone: string) => boolean): Check<string> {
  const zone = raw.trim() || 'UTC';
  if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) || !known(zone)) return bad(`${zone} is not a time zone; give an IANA name such as Europe/London or America/Toronto`);
  return ok(zone);
}

/**
 * The administrator password lands in an environment file that systemd reads, so characters it
 * would interpret (quotes, backslash, dollar, spaces) are refused rather than mangled.
 */
export function checkAdminPassword(raw: string): Check<string> {
  if (raw.length < 8 || raw.length > 64) return bad('The administrator password must be 8 to 64 characters');
  if (!/^[\x21-\x7e]+$/.test(raw) || /["'`\\$]/.test(raw)) return bad('The administrator password may use letters, digits and punctuation except quotes, backslash and $ (no spaces)');
  return ok(raw);
}

/** Empty: no licence yet (activate later in Server Manager, Licensing). */
export function checkArid(raw: string): Check<string | null> {
  const arid = raw.trim();
  if (arid === '') return ok(null);
  if (!/^[A-Za-z0-9-]{1,64}$/.test(arid)) return bad('The ARID must be 1 to 64 letters, digits or dashes');
  return ok(arid);
}

/** Empty: no restore. */
export function checkRestoreUrl(raw: string): Check<string | null> {
  const text = raw.trim();
  if (text === '') return ok(null);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('The backup location must be an http or https URL, such as https://files.example.com/openoig-backup.tar.gz.age');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('The backup location must be an http or https URL');
  if (url.username || url.password) return bad('Put no user name or password in the backup URL');
  return ok(url.toString());
}

/** Empty: the MiVoice Business is added later (Network Elements). */
export function checkMivbAddress(raw: string): Check<string | null> {
  const text = raw.trim();
  if (text === '') return ok(null);
  const version = isIP(text);
  if (version === 0) return bad("Give the MiVoice Business controller's IPv4 or IPv6 address");
  return ok(version === 4 ? text.split('.').map((p) => String(Number(p))).join('.') : text.toLowerCase());
}

/** What first boot takes from the OVF properties, and why it did not take the rest. */
export interface PropertyReading {
  readonly settings: Partial<FirstBootSettings>;
  /** Set, but refused: the wizard asks again, showing this. */
  readonly problems: ReadonlyArray<{ readonly key: string; readonly message: string }>;
}

export function settingsFromProperties(props: ReadonlyMap<string, string>, knownZone: (zone: string) => boolean): PropertyReading {
  const settings: { -readonly [K in keyof FirstBootSettings]?: FirstBootSettings[K] } = {};
  const problems: Array<{ key: string; message: string }> = [];
  const get = (key: string) => props.get(key)?.trim() ?? '';
  const take = <T>(key: string, check: (raw: string) => Check<T>, set: (value: T) => void, optional: boolean) => {
    const raw = key === PROPERTY.adminPassword || key === PROPERTY.restorePassphrase ? (props.get(key) ?? '') : get(key);
    if (raw === '' && !optional) return;
    const c = check(raw);
    if (c.ok) set(c.value);
    else problems.push({ key, message: c.message });
  };
  take(PROPERTY.hostname, checkHostname, (v) => (settings.hostname = v), false);
  take(PROPERTY.domain, checkDomain, (v) => (settings.domain = v), true);
  take(PROPERTY.ntp, checkNtpServers, (v) => (settings.ntpServers = v), true);
  take(PROPERTY.timezone, (raw) => checkTimezone(raw, knownZone), (v) => (settings.timezone = v), true);
  take(PROPERTY.adminPassword, checkAdminPassword, (v) => (settings.adminPassword = v), false);
  take(PROPERTY.arid, checkArid, (v) => (settings.arid = v), true);
  take(PROPERTY.mivbAddress, checkMivbAddress, (v) => (settings.mivbAddress = v), true);
  take(PROPERTY.restoreUrl, checkRestoreUrl, (url) => (settings.restore = url ? { url, passphrase: props.get(PROPERTY.restorePassphrase) || null } : null), true);

  const mode = get(PROPERTY.networkMode);
  if (mode !== '') {
    const m = checkNetworkMode(mode);
    if (!m.ok) problems.push({ key: PROPERTY.networkMode, message: m.message });
    else if (m.value === 'dhcp') settings.network = { mode: 'dhcp' };
    else {
      const address = checkIpv4(get(PROPERTY.address), 'address');
      const prefix = checkPrefix(get(PROPERTY.prefix));
      const gateway = checkIpv4(get(PROPERTY.gateway), 'default gateway');
      const dns = checkDnsServers(get(PROPERTY.dns));
      const parts: Array<[string, Check<unknown>]> = [
        [PROPERTY.address, address],
        [PROPERTY.prefix, prefix],
        [PROPERTY.gateway, gateway],
        [PROPERTY.dns, dns],
      ];
      for (const [key, c] of parts) if (!c.ok) problems.push({ key, message: c.message });
      if (address.ok && prefix.ok && gateway.ok && dns.ok) {
        const whole = checkStatic(address.value, prefix.value, gateway.value);
        if (whole.ok) settings.network = { mode: 'static', address: address.value, prefix: prefix.value, gateway: gateway.value, dns: dns.value };
        else problems.push({ key: PROPERTY.gateway, message: whole.message });
      }
    }
  }
  return { settings, problems };
}

/**
 * Zero-touch needs a host name and the network; what else is unset takes its default (no
 * domain, UTC, a one-time administrator password, no ARID, no restore, no MiVoice Business).
 */
export function completeSettings(partial: Partial<FirstBootSettings>): FirstBootSettings | null {
  if (!partial.hostname || !partial.network) return null;
  return {
    hostname: partial.hostname,
    domain: partial.domain ?? null,
    network: partial.network,
    ntpServers: partial.ntpServers ?? [],
    timezone: partial.timezone ?? 'UTC',
    adminPassword: partial.adminPassword ?? null,
    arid: partial.arid ?? null,
    restore: partial.restore ?? null,
    mivbAddress: partial.mivbAddress ?? null,
  };
}

/** The settings for a log or the console: passwords and passphrases never appear. */
export function describeSettings(s: FirstBootSettings): string[] {
  const net = s.network.mode === 'dhcp' ? 'DHCP' : `static ${s.network.address}/${s.network.prefix}, gateway ${s.network.gateway}, DNS ${s.network.dns.join(', ')}`;
  return [
    `Host name:        ${s.hostname}${s.domain ? `.${s.domain}` : ''}`,
    `Network:          ${net}`,
    `NTP servers:      ${s.ntpServers.length ? s.ntpServers.join(', ') : "Debian's pool"}`,
    `Time zone:        ${s.timezone}`,
    `Admin password:   ${s.adminPassword ? 'set' : 'one-time, shown on the console'}`,
    `ARID:             ${s.arid ?? 'none (activate later)'}`,
    `Restore from:     ${s.restore ? `${s.restore.url}${s.restore.passphrase ? ' (encrypted)' : ''}` : 'no'}`,
    `MiVoice Business: ${s.mivbAddress ?? 'none (add later)'}`,
  ];
}

/**
 * A static address as Server Manager's Networks panel sends it, checked as the first-boot
 * property would be: every bad field with its reason, or none.
 */
export function networkChangeProblems(change: { mode: 'dhcp' } | { mode: 'static'; address: string; prefix: number; gateway: string; dns: readonly string[] }): Record<string, string> {
  if (change.mode === 'dhcp') return {};
  const problems: Record<string, string> = {};
  const address = checkIpv4(change.address, 'address');
  if (!address.ok) problems.address = address.message;
  const gateway = checkIpv4(change.gateway, 'default gateway');
  if (!gateway.ok) problems.gateway = gateway.message;
  const dns = checkDnsServers(change.dns.join(','));
  if (!dns.ok) problems.dns = dns.message;
  if (address.ok && gateway.ok) {
    const whole = checkStatic(address.value, change.prefix, gateway.value);
    if (!whole.ok) problems.gateway = whole.message;
  }
  return problems;
}
