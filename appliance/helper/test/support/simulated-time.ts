import { mkdir, readFile, readlink, symlink } from 'node:fs/promises';
import path from 'node:path';
import { applyTimezone, NTP_DROP_IN } from '../../src/firstboot/system-settings';
import type { DateTimeSystem } from '../../src/system/date-time';

/**
 * The appliance's time settings as the Date and time panel's tests see them: a scratch root with
 * the machine's tzdata (usr/share/zoneinfo linked to /usr/share/zoneinfo), /etc/localtime, and
 * `timedatectl`/`systemctl` answered from those files, so a test changes "the appliance's" zone
 * without touching the machine it runs on (which has no systemd as PID 1). `set-timezone` does
 * what systemd-timedated does on the appliance, with first boot's own applyTimezone.
 */
export interface SimulatedTime extends DateTimeSystem {
  readonly commands: string[];
  /** timesyncd's state: running and synchronised with a server, or stopped. */
  timesync: { running: boolean; synchronized: boolean };
}

export const SIMULATED_ZONES = ['America/Toronto', 'Asia/Tokyo', 'Europe/London', 'Europe/Paris', 'UTC'];

export async function simulatedTime(root: string): Promise<SimulatedTime> {
  await mkdir(path.join(root, 'usr/share'), { recursive: true });
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await symlink('/usr/share/zoneinfo', path.join(root, 'usr/share/zoneinfo'));
  await symlink('/usr/share/zoneinfo/UTC', path.join(root, 'etc/localtime'));
  const commands: string[] = [];
  const zone = async () => (await readlink(path.join(root, 'etc/localtime'))).replace(/^\/usr\/share\/zoneinfo\//, '');
  const servers = async () => /^NTP=(.*)$/m.exec(await readFile(path.join(root, NTP_DROP_IN), 'utf8').catch(() => ''))?.[1]?.trim() ?? '';
  const sim: SimulatedTime = {
    root,
    commands,
    timesync: { running: true, synchronized: true },
    async run(program, args) {
      const line = `${program} ${args.join(' ')}`;
      commands.push(line);
      if (line === 'timedatectl show') return `Timezone=${await zone()}\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=${sim.timesync.synchronized ? 'yes' : 'no'}\n`;
      if (line === 'timedatectl show-timesync') {
        if (!sim.timesync.running) throw new Error('timedatectl failed (exit code 1): Failed to query server: Unit dbus-org.freedesktop.timesync1.service not found.');
        const first = (await servers()).split(' ')[0] || '0.debian.pool.ntp.org';
        return `SystemNTPServers=${await servers()}\nFallbackNTPServers=0.debian.pool.ntp.org 1.debian.pool.ntp.org\nServerName=${first}\nServerAddress=${/^[0-9.]+$/.test(first) ? first : '192.0.2.123'}\n`;
      }
      if (line === 'timedatectl list-timezones') return `${SIMULATED_ZONES.join('\n')}\n`;
      if (program === 'timedatectl' && args[0] === 'set-timezone' && args.length === 2) {
        await applyTimezone({ root }, args[1] as string);
        return '';
      }
      if (line === 'systemctl try-restart systemd-timesyncd.service') return '';
      throw new Error(`the simulated appliance has no ${line}`);
    },
  };
  return sim;
}
