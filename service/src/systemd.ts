import { execFile } from 'node:child_process';
import type { Config } from './config';
import type { Logger } from './log';

/**
 * Readiness and watchdog for `Type=notify` under systemd, through the `systemd-notify` tool
 * (pure JavaScript cannot send on the notify socket's datagram type). The unit needs
 * `NotifyAccess=all`, because the messages come from that child process; since systemd 246
 * systemd-notify waits until the manager has read its message, so they are not lost when it exits.
 * Outside systemd (no NOTIFY_SOCKET) everything here does nothing.
 */
function notify(assignments: string[], log: Logger): Promise<void> {
  return new Promise((resolve) => {
    execFile('systemd-notify', assignments, { timeout: 10_000 }, (err) => {
      if (err) log.warn({ err, assignments }, 'systemd-notify failed');
      resolve();
    });
  });
}

export interface SystemdLink {
  ready(status: string): Promise<void>;
  stopping(): Promise<void>;
  close(): void;
}

export function linkSystemd(config: Config['systemd'], log: Logger): SystemdLink {
  if (!config.notifySocket) return { ready: async () => {}, stopping: async () => {}, close: () => {} };
  let watchdog: NodeJS.Timeout | undefined;
  return {
    async ready(status) {
      await notify(['READY=1', `STATUS=${status}`], log);
      if (config.watchdogUsec) {
        // Ping at half the interval: a blocked event loop misses pings and systemd restarts us.
        const everyMs = Math.max(500, Math.floor(config.watchdogUsec / 2000));
        watchdog = setInterval(() => void notify(['WATCHDOG=1'], log), everyMs);
        watchdog.unref();
        log.info({ everyMs }, 'systemd watchdog pings started');
      }
    },
    stopping: () => notify(['STOPPING=1'], log),
    close: () => clearInterval(watchdog),
  };
}
