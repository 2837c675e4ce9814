import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { helperError } from '../errors';
import { checkNtpServers, checkTimezone } from '../firstboot/settings';
import { applyNtp, NTP_DROP_IN, zoneKnown, type SystemFiles } from '../firstboot/system-settings';
import type { HelperLog } from '../helper-service';
import type { TimeChange, TimeView } from '../protocol';

/**
 * Server Manager, Date and time (issue #13): the time zone and NTP servers first boot set, shown
 * and changed. Checked as first boot checks them (settings.ts: the zone one the system's tzdata
 * has, at most four servers, each an IP address or a host name); the NTP servers are written as
 * first boot writes them (the timesyncd drop-in, timesyncd restarted).
 *
 * The time zone is handed to systemd-timedated (`timedatectl set-timezone`), not written here:
 * /etc/localtime is a symlink in /etc itself, which the helper's sandbox keeps read-only
 * (ProtectSystem=strict; only a directory can be made writable), and timedated is the service
 * that owns it on a running system (it checks the zone and tells the system bus). What the
 * appliance answers comes from `timedatectl show` (zone, NTP on, synchronised) and
 * `timedatectl show-timesync` (the server in use; timesyncd may be stopped, then none).
 */
export interface DateTimeSystem extends SystemFiles {
  readonly run: (program: string, args: readonly string[]) => Promise<string>;
}

/** `Key=value` lines, as `timedatectl show` prints them. */
function properties(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) found.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return found;
}

export class DateTimePanel {
  constructor(private readonly deps: { readonly sys: DateTimeSystem; readonly log: HelperLog; readonly now?: () => Date }) {}

  /** The servers the helper (or first boot) wrote; none: timesyncd's default, Debian's pool. */
  private async configuredServers(): Promise<string[]> {
    const dropIn = await readFile(path.join(this.deps.sys.root, NTP_DROP_IN), 'utf8').catch(() => '');
    return (/^NTP=(.*)$/m.exec(dropIn)?.[1] ?? '').split(/\s+/).filter(Boolean);
  }

  async view(): Promise<TimeView> {
    const { run } = this.deps.sys;
    const show = properties(await run('timedatectl', ['show']));
    const sync = properties(await run('timedatectl', ['show-timesync']).catch(() => ''));
    const name = sync.get('ServerName') ?? '';
    const address = sync.get('ServerAddress') ?? '';
    return {
      timezone: show.get('Timezone') || 'UTC',
      now: (this.deps.now?.() ?? new Date()).toISOString(),
      ntpEnabled: show.get('NTP') === 'yes',
      synchronized: show.get('NTPSynchronized') === 'yes',
      ntpServers: await this.configuredServers(),
      serverInUse: name ? (address && address !== name ? `${name} (${address})` : name) : null,
      zones: (await run('timedatectl', ['list-timezones'])).split('\n').filter(Boolean),
    };
  }

  async change(change: TimeChange): Promise<TimeView> {
    const zone = checkTimezone(change.timezone, zoneKnown(this.deps.sys.root));
    const servers = checkNtpServers(change.ntpServers.join(' '));
    if (!zone.ok || !servers.ok) throw helperError('OIG_TIME_INVALID', [zone, servers].flatMap((c) => (c.ok ? [] : [c.message])).join('; '));
    const before = await this.view();
    if (zone.value !== before.timezone) await this.deps.sys.run('timedatectl', ['set-timezone', zone.value]);
    if (servers.value.join(' ') !== before.ntpServers.join(' ')) await applyNtp(this.deps.sys, servers.value);
    this.deps.log.info({ timezone: zone.value, ntpServers: servers.value }, 'date and time settings changed');
    return this.view();
  }
}
