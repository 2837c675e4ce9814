import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { helperError } from '../errors';
import type { HelperLog } from '../helper-service';
import type { TrustedNetwork, TrustedNetworksView } from '../protocol';
import { writeSystemFile } from './system-file';
import { allows, networkOf, parseNetwork, trustedNetworkProblems } from './trusted-network-rules';

/**
 * Server Manager, Trusted networks (issue #13): who may reach the server manager (admin UI and
 * its API, SSH) and who may reach the applications' APIs (SOAP and REST on 443, WSDL on 80).
 * Enforced twice from one list, each where it can see what it decides:
 *  - nftables (table `inet openoig`, loaded at boot by openoig-firewall.service before the
 *    network comes up) lets a host reach port 22 only from a server-manager network and ports
 *    80/443 only from a network trusted with either; other ports are not its business;
 *  - nginx (a `geo` file its site includes) decides by path on 80/443, which a firewall cannot
 *    see: /admin and /api/admin for server-manager networks, everything else for API ones.
 * Loopback may always (the console, the helper's own checks). A change is refused when it would
 * shut out the administrator making it; otherwise both are replaced whole (nft loads its file
 * as one transaction) and the list is kept last, so a failure leaves the previous state.
 *
 * The files live in their own directory (/etc/openoig-firewall), not in the gateway's settings,
 * which backups carry: which networks may reach an appliance belongs to its site, as its address
 * does, and a copy restored elsewhere must not bring them.
 */
export const RULESET_FILE = 'openoig.nft';
export const NGINX_ACCESS_FILE = 'nginx-access.conf';
const LIST_FILE = 'trusted-networks.json';
const TABLE = ['inet', 'openoig'] as const;
const ALWAYS_ALLOWED = ['127.0.0.0/8', '::1/128'];

/** Before first boot or an administrator set a list, as before there was one: everyone, everything. */
export const UNRESTRICTED: readonly TrustedNetwork[] = [
  { network: '0.0.0.0/0', description: 'Anywhere (IPv4): not restricted yet', admin: true, api: true },
  { network: '::/0', description: 'Anywhere (IPv6): not restricted yet', admin: true, api: true },
];

export interface TrustedNetworksDeps {
  readonly dir: string;
  /** Runs nft with these arguments (in the tests: inside a network namespace of their own). */
  readonly nft: (args: readonly string[]) => Promise<string>;
  /** nginx reads its files again without dropping connections. */
  readonly reloadNginx: () => Promise<void>;
  readonly log: HelperLog;
}

const byFamily = (networks: readonly TrustedNetwork[], family: 4 | 6, wanted: (n: TrustedNetwork) => boolean): string[] =>
  networks.flatMap((n) => {
    const parsed = parseNetwork(n.network);
    return parsed.ok && parsed.family === family && wanted(n) ? [parsed.cidr] : [];
  });

function nftSet(name: string, type: string, cidrs: readonly string[]): string {
  // auto-merge: overlapping entries (10.0.0.0/8 and 10.0.2.0/24) are one interval, not an error.
  return `  set ${name} {\n    type ${type}; flags interval; auto-merge;${cidrs.length ? `\n    elements = { ${cidrs.join(', ')} }` : ''}\n  }\n`;
}

/** The whole table, replaced in one transaction (created empty first so that the delete never fails). */
export function renderRuleset(networks: readonly TrustedNetwork[]): string {
  const admin = (n: TrustedNetwork) => n.admin;
  const web = (n: TrustedNetwork) => n.admin || n.api;
  return [
    '# Written by openoig-helper (Server Manager, Trusted networks); a change there replaces it.',
    `table ${TABLE.join(' ')}`,
    `delete table ${TABLE.join(' ')}`,
    `table ${TABLE.join(' ')} {`,
    nftSet('admin_v4', 'ipv4_addr', byFamily(networks, 4, admin)) +
      nftSet('admin_v6', 'ipv6_addr', byFamily(networks, 6, admin)) +
      nftSet('web_v4', 'ipv4_addr', byFamily(networks, 4, web)) +
      nftSet('web_v6', 'ipv6_addr', byFamily(networks, 6, web)) +
      '  counter refused {\n  }\n' +
      '  chain input {\n' +
      '    type filter hook input priority filter; policy accept;\n' +
      '    iifname "lo" accept\n' +
      '    tcp dport 22 ip saddr @admin_v4 accept\n' +
      '    tcp dport 22 ip6 saddr @admin_v6 accept\n' +
      '    tcp dport { 80, 443 } ip saddr @web_v4 accept\n' +
      '    tcp dport { 80, 443 } ip6 saddr @web_v6 accept\n' +
      // A reset, not a silent drop: a technician on an untrusted network sees "refused" at once.
      '    tcp dport { 22, 80, 443 } counter name refused reject with tcp reset\n' +
      '  }',
    '}',
    '',
  ].join('\n');
}

// geo's `default` is its /0 of either family, so "anywhere" is written as the two halves instead.
const GEO_HALVES: Readonly<Record<string, readonly string[]>> = { '0.0.0.0/0': ['0.0.0.0/1', '128.0.0.0/1'], '::/0': ['::/1', '8000::/1'] };

function geo(variable: string, cidrs: readonly string[]): string {
  const ranges = [...ALWAYS_ALLOWED, ...cidrs].flatMap((c) => GEO_HALVES[c] ?? [c]);
  return [`geo $${variable} {`, '    default 0;', ...ranges.map((c) => `    ${c} 1;`), '}'].join('\n');
}

/** The two variables openoig.conf tests per path (geo looks at the connection's own address). */
export function renderNginxAccess(networks: readonly TrustedNetwork[]): string {
  const both = (wanted: (n: TrustedNetwork) => boolean) => [...byFamily(networks, 4, wanted), ...byFamily(networks, 6, wanted)];
  return [
    '# Written by openoig-helper (Server Manager, Trusted networks); a change there replaces it.',
    geo('openoig_admin_allowed', both((n) => n.admin)),
    geo('openoig_api_allowed', both((n) => n.api)),
    '',
  ].join('\n');
}

/** The network of each address on the wired NIC (`ip -j addr` objects), for first boot's list. */
export function subnetsOf(addrs: ReadonlyArray<{ addr_info?: ReadonlyArray<{ local: string; prefixlen: number; scope?: string }> }>): string[] {
  const found = new Set<string>();
  for (const info of addrs.flatMap((a) => a.addr_info ?? [])) {
    if (info.scope === 'host') continue;
    const network = networkOf(info.local, info.prefixlen);
    if (network) found.add(network);
  }
  return [...found];
}

export class TrustedNetworks {
  constructor(private readonly deps: TrustedNetworksDeps) {}

  private file(name: string): string {
    return path.join(this.deps.dir, name);
  }

  private async kept(): Promise<TrustedNetwork[] | null> {
    const text = await readFile(this.file(LIST_FILE), 'utf8').catch(() => null);
    return text === null ? null : (JSON.parse(text) as { networks: TrustedNetwork[] }).networks;
  }

  async view(): Promise<TrustedNetworksView> {
    const kept = await this.kept();
    const listed = await this.deps.nft(['-j', 'list', 'counter', ...TABLE, 'refused']).catch(() => null);
    const counter = listed === null ? undefined : (JSON.parse(listed) as { nftables: Array<{ counter?: { packets: number } }> }).nftables.find((o) => o.counter)?.counter;
    return {
      networks: kept ?? [...UNRESTRICTED],
      configured: kept !== null,
      enforced: counter !== undefined,
      refusedConnections: counter?.packets ?? null,
      alwaysAllowed: ALWAYS_ALLOWED,
    };
  }

  /**
   * Checks the list and that `requester` (the administrator's own address) may still reach the
   * server manager under it, then makes it so.
   */
  async change(networks: readonly TrustedNetwork[], requester: string): Promise<TrustedNetworksView> {
    const checked = this.check(networks);
    if (!allows(checked, requester, 'admin')) {
      throw helperError('OIG_TRUSTED_NETWORKS_LOCKOUT', `This list would shut you out: your address ${requester} would no longer reach the server manager. Keep a network holding it with "Server manager" ticked.`);
    }
    await this.apply(checked);
    this.deps.log.info({ networks: checked.map((n) => `${n.network}${n.admin ? ' admin' : ''}${n.api ? ' api' : ''}`) }, 'trusted networks changed');
    return this.view();
  }

  /**
   * First boot: the appliance's own networks for everything, and the APIs from anywhere (MSL's
   * default: the server manager for the local network only). nginx is not told: it starts after
   * first boot (openoig-firstboot.service is Before= it), and a reload asked for now would wait
   * for that start, which waits for first boot.
   */
  async setAtFirstBoot(localSubnets: readonly string[]): Promise<TrustedNetwork[]> {
    const networks: TrustedNetwork[] = [
      ...localSubnets.map((cidr) => ({ network: cidr, description: 'This appliance’s network (first boot)', admin: true, api: true })),
      { network: '0.0.0.0/0', description: 'Applications from anywhere (IPv4)', admin: false, api: true },
      { network: '::/0', description: 'Applications from anywhere (IPv6)', admin: false, api: true },
    ];
    await this.apply(this.check(networks), { reloadNginx: false });
    return networks;
  }

  /** The package's install: the files nginx and the boot unit need, from the kept list (or none yet), nothing loaded. */
  async writeFiles(): Promise<void> {
    const networks = (await this.kept()) ?? [...UNRESTRICTED];
    await mkdir(this.deps.dir, { recursive: true, mode: 0o755 });
    await writeSystemFile(this.file(RULESET_FILE), renderRuleset(networks));
    await writeSystemFile(this.file(NGINX_ACCESS_FILE), renderNginxAccess(networks));
  }

  private check(networks: readonly TrustedNetwork[]): TrustedNetwork[] {
    const problems = trustedNetworkProblems(networks);
    if (Object.keys(problems).length > 0) throw helperError('OIG_TRUSTED_NETWORKS_INVALID', Object.values(problems).join(' '));
    return networks.map((n) => {
      const parsed = parseNetwork(n.network);
      return { ...n, network: parsed.ok ? parsed.cidr : n.network, description: n.description.trim() };
    });
  }

  /** nftables first (one transaction), then nginx, then the list; what failed is put back. */
  private async apply(networks: readonly TrustedNetwork[], options: { reloadNginx: boolean } = { reloadNginx: true }): Promise<void> {
    const reloadNginx = options.reloadNginx ? this.deps.reloadNginx : async () => {};
    await mkdir(this.deps.dir, { recursive: true, mode: 0o755 });
    const previous = (await this.kept()) ?? [...UNRESTRICTED];
    const ruleset = this.file(RULESET_FILE);
    const access = this.file(NGINX_ACCESS_FILE);
    await writeSystemFile(`${ruleset}.new`, renderRuleset(networks));
    try {
      await this.deps.nft(['-f', `${ruleset}.new`]);
    } catch (err) {
      await rm(`${ruleset}.new`, { force: true });
      throw helperError('OIG_TRUSTED_NETWORKS_NOT_APPLIED', `nftables refused the rules; nothing was changed: ${(err as Error).message}`);
    }
    await rename(`${ruleset}.new`, ruleset);
    const accessBefore = await readFile(access, 'utf8').catch(() => null);
    await writeSystemFile(access, renderNginxAccess(networks));
    try {
      await reloadNginx();
    } catch (err) {
      // Back as it was, in both places.
      if (accessBefore === null) await rm(access, { force: true });
      else await writeSystemFile(access, accessBefore);
      await writeSystemFile(ruleset, renderRuleset(previous));
      await this.deps.nft(['-f', ruleset]).catch(() => undefined);
      await reloadNginx().catch(() => undefined);
      throw helperError('OIG_TRUSTED_NETWORKS_NOT_APPLIED', `nginx did not take the new access rules, so the previous list is back: ${(err as Error).message}`);
    }
    await writeSystemFile(`${this.file(LIST_FILE)}.new`, `${JSON.stringify({ networks }, null, 2)}\n`);
    await rename(`${this.file(LIST_FILE)}.new`, this.file(LIST_FILE));
  }
}
