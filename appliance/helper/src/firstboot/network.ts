import dgram from 'node:dgram';
import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeSystemFile } from '../system/system-file';
import type { FirstBootSettings } from './settings';

/**
 * The appliance's address, through systemd-networkd. The base image answers DHCP on every
 * wired NIC (20-openoig-dhcp.network); a static address is a file that sorts before it, so
 * networkd takes it instead. A change is applied, then checked (the address is on the link, the
 * default route goes through the gateway, and the gateway answers ARP); one that does not come
 * up is taken back, so a typing error cannot leave the appliance unreachable.
 */
export const STATIC_NETWORK_FILE = 'etc/systemd/network/10-openoig-static.network';
const NEIGHBOUR_ALIVE = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT']);

export type Network = FirstBootSettings['network'];

export interface NetworkSystem {
  readonly root: string;
  readonly run: (program: string, args: readonly string[]) => Promise<string>;
  /** How long a change may take to come up before it is taken back. */
  readonly upTimeoutMs?: number;
  /** Whether the gateway answers on the NIC; by default a datagram and its neighbour entry (the tests simulate it). */
  readonly gatewayAnswers?: (nic: string, gateway: string, timeoutMs: number) => Promise<boolean>;
}

export class NetworkApplyError extends Error {}

export function networkFile(network: Network & { mode: 'static' }, domain: string | null): string {
  return [
    '# Written by OpenOIG (first boot or Server Manager, Networks). Sorts before',
    '# 20-openoig-dhcp.network, so it wins; remove it to go back to DHCP.',
    '[Match]',
    'Name=en* eth*',
    '',
    '[Network]',
    `Address=${network.address}/${network.prefix}`,
    `Gateway=${network.gateway}`,
    ...network.dns.map((dns) => `DNS=${dns}`),
    ...(domain ? [`Domains=${domain}`] : []),
    '',
  ].join('\n');
}

/** The first wired NIC (en* under QEMU and vSphere, eth* elsewhere). */
export async function wiredInterface(sys: NetworkSystem): Promise<string> {
  const links = JSON.parse(await sys.run('ip', ['-j', 'link', 'show'])) as Array<{ ifname: string; link_type: string }>;
  const nic = links.find((l) => l.link_type === 'ether' && /^(en|eth)/.test(l.ifname));
  if (!nic) throw new NetworkApplyError('no wired network interface (en* or eth*) found');
  return nic.ifname;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(timeoutMs: number, test: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await test().catch(() => false)) return true;
    await pause(500);
  }
  return false;
}

/** A datagram to the gateway makes the kernel resolve it; its neighbour entry says whether it answered. */
async function gatewayAnswers(sys: NetworkSystem, nic: string, gateway: string, timeoutMs: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  try {
    return await until(timeoutMs, async () => {
      await new Promise<void>((resolve) => socket.send(Buffer.alloc(1), 9, gateway, () => resolve()));
      await pause(300);
      const entries = JSON.parse(await sys.run('ip', ['-j', 'neigh', 'show', gateway, 'dev', nic])) as Array<{ state?: string[] }>;
      return entries.some((e) => (e.state ?? []).some((s) => NEIGHBOUR_ALIVE.has(s)));
    });
  } finally {
    socket.close();
  }
}

async function staticUp(sys: NetworkSystem, nic: string, network: Network & { mode: 'static' }, timeoutMs: number): Promise<string | null> {
  const hasAddress = await until(timeoutMs, async () => {
    const addrs = JSON.parse(await sys.run('ip', ['-j', '-4', 'addr', 'show', 'dev', nic])) as Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>;
    return addrs.some((a) => a.addr_info.some((i) => i.local === network.address && i.prefixlen === network.prefix));
  });
  if (!hasAddress) return `${network.address}/${network.prefix} did not come up on ${nic}`;
  const routed = await until(timeoutMs, async () => {
    const routes = JSON.parse(await sys.run('ip', ['-j', '-4', 'route', 'show', 'default', 'dev', nic])) as Array<{ gateway?: string }>;
    return routes.some((r) => r.gateway === network.gateway);
  });
  if (!routed) return `no default route through ${network.gateway} on ${nic}`;
  const answers = sys.gatewayAnswers ?? ((n: string, g: string, t: number) => gatewayAnswers(sys, n, g, t));
  if (!(await answers(nic, network.gateway, Math.min(timeoutMs, 10_000)))) return `the default gateway ${network.gateway} does not answer on ${nic}`;
  return null;
}

async function reconfigure(sys: NetworkSystem, nic: string): Promise<void> {
  await sys.run('networkctl', ['reload']);
  await sys.run('networkctl', ['reconfigure', nic]);
}

/**
 * Applies `network` and checks it came up; if not, the previous file is put back and the
 * interface reconfigured with it, and NetworkApplyError says what failed.
 */
export async function applyNetwork(sys: NetworkSystem, network: Network, domain: string | null): Promise<void> {
  const file = path.join(sys.root, STATIC_NETWORK_FILE);
  const previous = await readFile(file, 'utf8').catch(() => null);
  // DHCP is the base image's own setting: nothing to change unless a static file is there.
  if (network.mode === 'dhcp' && previous === null) return;
  const nic = await wiredInterface(sys);
  if (network.mode === 'static') {
    await writeSystemFile(file, networkFile(network, domain));
  } else {
    await unlink(file).catch(() => undefined);
  }
  await reconfigure(sys, nic);
  if (network.mode === 'dhcp') return;
  const problem = await staticUp(sys, nic, network, sys.upTimeoutMs ?? 30_000);
  if (!problem) return;
  if (previous === null) await unlink(file).catch(() => undefined);
  else await writeSystemFile(file, previous);
  await reconfigure(sys, nic);
  throw new NetworkApplyError(`${problem}: the previous network settings are back`);
}
