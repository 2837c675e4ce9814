import { run } from './run';

/**
 * The gateway as a restore sees it: stopped while its database and settings are swapped, then
 * started and watched until healthy. On the appliance that is systemd; a first-boot restore
 * runs before the gateway ever started (offline); the tests run the gateway as a child process.
 */
export interface GatewayControl {
  stop(): Promise<void>;
  start(): Promise<void>;
  /** nginx rereads the (restored) TLS certificate and key. */
  reloadFront(): Promise<void>;
  /** Resolves once the gateway answers healthy; throws when it does not within the time. */
  waitHealthy(timeoutMs: number): Promise<void>;
}

export async function waitForHealthyGateway(healthUrl: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < end) {
    try {
      const res = await fetch(healthUrl, { signal: AbortSignal.timeout(5000) });
      const body = await res.text();
      if (res.status === 200 && /"status":"ok"/.test(body)) return;
      last = `HTTP ${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the gateway was not healthy within ${Math.round(timeoutMs / 1000)} s (last answer: ${last})`);
}

export function systemdGateway(unit: string, healthUrl: string): GatewayControl {
  return {
    stop: async () => void (await run('systemctl', ['stop', unit])),
    start: async () => void (await run('systemctl', ['start', unit])),
    reloadFront: async () => void (await run('systemctl', ['try-reload-or-restart', 'nginx.service'])),
    waitHealthy: (timeoutMs) => waitForHealthyGateway(healthUrl, timeoutMs),
  };
}

/** First boot: the gateway is not running yet and starts after first boot has finished. */
export const offlineGateway: GatewayControl = {
  stop: async () => {},
  start: async () => {},
  reloadFront: async () => {},
  waitHealthy: async () => {},
};
