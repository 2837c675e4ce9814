import { existsSync } from 'node:fs';
import { readFile, rename, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeSystemFile } from '../system/system-file';
import type { FirstBootSettings } from './settings';

/**
 * The operating system's side of first boot: host name, time zone and NTP servers, written as
 * Debian keeps them (/etc/hostname, /etc/hosts, /etc/localtime, a
 * systemd-timesyncd drop-in). Files are written under `root` (the tests use a scratch tree);
 * `run` tells the running system (nothing when it is undefined).
 */
export interface SystemFiles {
  readonly root: string;
  readonly run?: (program: string, args: readonly string[]) => Promise<unknown>;
}

/** A zone is one the system's tzdata has (what /etc/localtime will point at). */
export function zoneKnown(root: string): (zone: string) => boolean {
  return (zone) => !zone.split('/').includes('..') && existsSync(path.join(root, 'usr/share/zoneinfo', zone));
}

export async function applyHostname(sys: SystemFiles, hostname: string, domain: string | null): Promise<void> {
  const at = (p: string) => path.join(sys.root, p);
  await writeSystemFile(at('etc/hostname'), `${hostname}\n`);
  const fqdn = domain ? `${hostname}.${domain}` : hostname;
  const names = domain ? `${fqdn}\t${hostname}` : hostname;
  const hosts = await readFile(at('etc/hosts'), 'utf8').catch(() => '127.0.0.1\tlocalhost\n');
  // Debian's convention: the host's own name on 127.0.1.1 (the static address is not known to
  // every boot, and DHCP may change it).
  const lines = hosts.split('\n').filter((line) => !/^127\.0\.1\.1\s/.test(line));
  const at1 = lines.findIndex((line) => /^127\.0\.0\.1\s/.test(line));
  lines.splice(at1 + 1, 0, `127.0.1.1\t${names}`);
  await writeSystemFile(at('etc/hosts'), lines.join('\n'));
  await sys.run?.('hostname', [hostname]);
}

export async function applyTimezone(sys: SystemFiles, zone: string): Promise<void> {
  const localtime = path.join(sys.root, 'etc/localtime');
  await unlink(`${localtime}.new`).catch(() => undefined);
  await symlink(`/usr/share/zoneinfo/${zone}`, `${localtime}.new`);
  await rename(`${localtime}.new`, localtime);
  // Debian 13 keeps the zone in /etc/localtime alone (tzdata no longer ships /etc/timezone, and
  // timedated, which Server Manager's Date and time goes through, does not write it): an old one
  // would disagree after the first change.
  await unlink(path.join(sys.root, 'etc/timezone')).catch(() => undefined);
}

/** timesyncd's drop-in with the NTP servers (first boot's, or Server Manager's Date and time). */
export const NTP_DROP_IN = 'etc/systemd/timesyncd.conf.d/openoig.conf';

/** No servers: timesyncd's default (Debian's pool), so the drop-in is removed. */
export async function applyNtp(sys: SystemFiles, servers: readonly string[]): Promise<void> {
  const dropIn = path.join(sys.root, NTP_DROP_IN);
  if (servers.length === 0) await unlink(dropIn).catch(() => undefined);
  else await writeSystemFile(dropIn, `# Written by OpenOIG (first boot's oig.ntp.servers, or Server Manager's Date and time).\n[Time]\nNTP=${servers.join(' ')}\n`);
  await sys.run?.('systemctl', ['try-restart', 'systemd-timesyncd.service']);
}

export async function applySystemSettings(sys: SystemFiles, settings: FirstBootSettings): Promise<void> {
  await applyHostname(sys, settings.hostname, settings.domain);
  await applyTimezone(sys, settings.timezone);
  await applyNtp(sys, settings.ntpServers);
}
