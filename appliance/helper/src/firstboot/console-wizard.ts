import {
  checkAdminPassword,
  checkArid,
  checkDnsServers,
  checkDomain,
  checkHostname,
  checkIpv4,
  checkMivbAddress,
  checkNtpServers,
  checkPrefix,
  checkRestoreUrl,
  checkStatic,
  checkTimezone,
  describeSettings,
  PROPERTY,
  type Check,
  type FirstBootSettings,
} from './settings';

/**
 * The first-boot questions on the console (installation guide, deploying the OVA: the console
 * prompts for password, names, network, "Restore from backup?" and the ARID), keyboard only.
 * Every answer is checked as the OVF property would be and asked again with the reason; Back
 * returns to the previous question; nothing is applied until the summary is confirmed.
 */
export interface Dialogs {
  /** The text typed, or null for Back. */
  input(q: { title: string; text: string; init: string; password?: boolean }): Promise<string | null>;
  /** The tag picked, or null for Back. */
  menu(q: { title: string; text: string; items: ReadonlyArray<readonly [string, string]>; init: string }): Promise<string | null>;
  yesNo(q: { title: string; text: string; yes: string; no: string }): Promise<boolean>;
  message(q: { title: string; text: string }): Promise<void>;
}

type Answers = {
  -readonly [K in keyof FirstBootSettings]?: FirstBootSettings[K];
} & { mode?: 'dhcp' | 'static'; address?: string; prefix?: number; gateway?: string; dns?: string[]; restoreWanted?: boolean };

interface Step {
  /** The OVF property whose refusal is shown at this step. */
  readonly keys: readonly string[];
  readonly skip?: (a: Answers) => boolean;
  /** false: Back. */
  ask(d: Dialogs, a: Answers): Promise<boolean>;
}

/** Asks until the answer passes `check` (the reason shown each time) or the user goes Back. */
async function askChecked<T>(d: Dialogs, q: { title: string; text: string; init: string; password?: boolean }, check: (raw: string) => Check<T>, set: (v: T) => void): Promise<boolean> {
  let init = q.init;
  for (;;) {
    const raw = await d.input({ ...q, init });
    if (raw === null) return false;
    const c = check(raw);
    if (c.ok) {
      set(c.value);
      return true;
    }
    await d.message({ title: q.title, text: c.message });
    init = q.password ? '' : raw;
  }
}

function steps(knownZone: (zone: string) => boolean): Step[] {
  return [
    {
      keys: [PROPERTY.adminPassword],
      async ask(d, a) {
        for (;;) {
          let password: string | null = null;
          const wanted = await askChecked(
            d,
            { title: 'Administrator password', text: 'Password of the OpenOIG administrator (8 to 64 characters).\nLeave it empty for a one-time password shown on this console.', init: '', password: true },
            (raw): Check<string | null> => (raw === '' ? { ok: true, value: null } : checkAdminPassword(raw)),
            (v) => (password = v),
          );
          if (!wanted) return false;
          if (password === null) {
            a.adminPassword = null;
            return true;
          }
          const again = await d.input({ title: 'Administrator password', text: 'Type the password again.', init: '', password: true });
          if (again === null) continue;
          if (again === password) {
            a.adminPassword = password;
            return true;
          }
          await d.message({ title: 'Administrator password', text: 'The two passwords differ. Type them again.' });
        }
      },
    },
    {
      keys: [PROPERTY.hostname],
      ask: (d, a) => askChecked(d, { title: 'Host name', text: 'Host name of this appliance (no dots), such as oig1.', init: a.hostname ?? 'openoig' }, checkHostname, (v) => (a.hostname = v)),
    },
    {
      keys: [PROPERTY.domain],
      ask: (d, a) => askChecked(d, { title: 'Domain', text: 'DNS domain of this appliance, such as example.com (may be empty).', init: a.domain ?? '' }, checkDomain, (v) => (a.domain = v)),
    },
    {
      keys: [PROPERTY.networkMode],
      async ask(d, a) {
        const mode = await d.menu({
          title: 'Network',
          text: 'How does this appliance get its IPv4 address?',
          items: [
            ['static', 'A static address'],
            ['dhcp', 'From DHCP'],
          ],
          init: a.mode ?? 'static',
        });
        if (mode === null) return false;
        a.mode = mode as 'dhcp' | 'static';
        return true;
      },
    },
    {
      keys: [PROPERTY.address],
      skip: (a) => a.mode !== 'static',
      ask: (d, a) => askChecked(d, { title: 'IPv4 address', text: 'The IPv4 address of this appliance.', init: a.address ?? '' }, (raw) => checkIpv4(raw, 'address'), (v) => (a.address = v)),
    },
    {
      keys: [PROPERTY.prefix],
      skip: (a) => a.mode !== 'static',
      ask: (d, a) => askChecked(d, { title: 'Prefix length', text: 'The prefix length (such as 24) or netmask (such as 255.255.255.0).', init: String(a.prefix ?? 24) }, checkPrefix, (v) => (a.prefix = v)),
    },
    {
      keys: [PROPERTY.gateway],
      skip: (a) => a.mode !== 'static',
      ask: (d, a) =>
        askChecked(
          d,
          { title: 'Default gateway', text: 'The default gateway (a router on the same subnet).', init: a.gateway ?? '' },
          (raw) => {
            const g = checkIpv4(raw, 'default gateway');
            if (!g.ok) return g;
            const whole = checkStatic(a.address as string, a.prefix as number, g.value);
            return whole.ok ? g : { ok: false as const, message: whole.message };
          },
          (v) => (a.gateway = v),
        ),
    },
    {
      keys: [PROPERTY.dns],
      skip: (a) => a.mode !== 'static',
      ask: (d, a) => askChecked(d, { title: 'DNS servers', text: 'One to three DNS server addresses, separated by commas.', init: (a.dns ?? []).join(', ') }, checkDnsServers, (v) => (a.dns = v)),
    },
    {
      keys: [PROPERTY.ntp],
      ask: (d, a) => askChecked(d, { title: 'NTP servers', text: "NTP servers, separated by commas (empty: Debian's public pool).", init: (a.ntpServers ?? []).join(', ') }, checkNtpServers, (v) => (a.ntpServers = v)),
    },
    {
      keys: [PROPERTY.timezone],
      ask: (d, a) => askChecked(d, { title: 'Time zone', text: 'Time zone, an IANA name such as Europe/London or America/Toronto.', init: a.timezone ?? 'UTC' }, (raw) => checkTimezone(raw, knownZone), (v) => (a.timezone = v)),
    },
    {
      keys: [PROPERTY.restoreUrl],
      async ask(d, a) {
        a.restoreWanted = await d.yesNo({ title: 'Restore from backup?', text: 'Restore the settings and data of an OpenOIG backup onto this appliance?', yes: 'Yes', no: 'No' });
        if (!a.restoreWanted) a.restore = null;
        return true;
      },
    },
    {
      keys: [PROPERTY.restoreUrl],
      skip: (a) => !a.restoreWanted,
      async ask(d, a) {
        let url: string | null = null;
        const given = await askChecked(
          d,
          { title: 'Backup location', text: 'The http or https URL of the backup file.', init: a.restore?.url ?? '' },
          (raw) => {
            const c = checkRestoreUrl(raw);
            return c.ok && c.value === null ? { ok: false as const, message: 'Give the URL of the backup, or go Back and answer No' } : c;
          },
          (v) => (url = v),
        );
        if (!given) return false;
        const passphrase = await d.input({ title: 'Backup passphrase', text: 'The passphrase of an encrypted backup (empty if it is not encrypted).', init: a.restore?.passphrase ?? '', password: true });
        if (passphrase === null) return false;
        a.restore = { url: url as unknown as string, passphrase: passphrase === '' ? null : passphrase };
        return true;
      },
    },
    {
      keys: [PROPERTY.arid],
      ask: (d, a) => askChecked(d, { title: 'Licence (ARID)', text: 'The ARID to activate against the licensing server (empty: activate later).', init: a.arid ?? '' }, checkArid, (v) => (a.arid = v)),
    },
    {
      keys: [PROPERTY.mivbAddress],
      ask: (d, a) =>
        askChecked(d, { title: 'MiVoice Business', text: 'The address of the MiVoice Business controller to pair with (empty: add it later).', init: a.mivbAddress ?? '' }, checkMivbAddress, (v) => (a.mivbAddress = v)),
    },
  ];
}

function settingsOf(a: Answers): FirstBootSettings {
  return {
    hostname: a.hostname as string,
    domain: a.domain ?? null,
    network: a.mode === 'static' ? { mode: 'static', address: a.address as string, prefix: a.prefix as number, gateway: a.gateway as string, dns: a.dns as string[] } : { mode: 'dhcp' },
    ntpServers: a.ntpServers ?? [],
    timezone: a.timezone ?? 'UTC',
    adminPassword: a.adminPassword ?? null,
    arid: a.arid ?? null,
    restore: a.restore ?? null,
    mivbAddress: a.mivbAddress ?? null,
  };
}

function answersOf(s: Partial<FirstBootSettings>): Answers {
  const a: Answers = { ...s };
  if (s.network) {
    a.mode = s.network.mode;
    if (s.network.mode === 'static') Object.assign(a, { address: s.network.address, prefix: s.network.prefix, gateway: s.network.gateway, dns: [...s.network.dns] });
  }
  if (s.restore) a.restoreWanted = true;
  return a;
}

/**
 * Runs the questions from the first, with `known` as the proposed answers and `problems`
 * (refused OVF properties, a network that did not come up) shown at their step; returns the
 * settings once the summary is confirmed.
 */
export async function runConsoleWizard(
  d: Dialogs,
  known: Partial<FirstBootSettings>,
  problems: ReadonlyArray<{ key: string; message: string }>,
  knownZone: (zone: string) => boolean,
): Promise<FirstBootSettings> {
  const all = steps(knownZone);
  const answers = answersOf(known);
  const pending = [...problems];
  for (;;) {
    let i = 0;
    while (i < all.length) {
      const step = all[i] as Step;
      if (step.skip?.(answers)) {
        i += 1;
        continue;
      }
      for (const key of step.keys) {
        for (let p = pending.findIndex((x) => x.key === key); p >= 0; p = pending.findIndex((x) => x.key === key)) {
          const [problem] = pending.splice(p, 1);
          await d.message({ title: 'Please check', text: problem?.message ?? '' });
        }
      }
      if (await step.ask(d, answers)) i += 1;
      else {
        // Back: to the previous question that is asked.
        do i -= 1;
        while (i > 0 && all[i]?.skip?.(answers));
        i = Math.max(i, 0);
      }
    }
    const settings = settingsOf(answers);
    const confirmed = await d.yesNo({ title: 'Summary', text: `${describeSettings(settings).join('\n')}\n\nApply these settings?`, yes: 'Apply', no: 'Change' });
    if (confirmed) return settings;
  }
}
