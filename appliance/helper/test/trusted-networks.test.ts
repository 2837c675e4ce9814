import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDebianPackages } from '../../../service/test/support/debian-packages';
import type { TrustedNetwork } from '../src/protocol';
import { run } from '../src/run';
import { allows, parseNetwork, trustedNetworkProblems } from '../src/system/trusted-network-rules';
import { NGINX_ACCESS_FILE, subnetsOf, TrustedNetworks } from '../src/system/trusted-networks';
import { namespacePair, type NamespacePair } from './support/network-namespaces';
import { quietLog } from './support/panel-harness';

/**
 * Server Manager, Trusted networks (issue #13; the seed's note on MSL's Trusted Networks): the
 * list's checks, and the helper's table loaded by the real nft into a network namespace of the
 * test's own, where connections from the client namespace's addresses are accepted or refused.
 */
const REPO = path.resolve(import.meta.dirname, '../../..');
const entry = (network: string, admin: boolean, api: boolean, description = ''): TrustedNetwork => ({ network, description, admin, api });

describe('Trusted networks: the checks of a list', () => {
  it('takes IPv4 and IPv6 networks and lone addresses, written strictly', () => {
    expect(parseNetwork('192.0.2.0/24')).toEqual({ ok: true, cidr: '192.0.2.0/24', family: 4 });
    expect(parseNetwork('192.0.2.7')).toEqual({ ok: true, cidr: '192.0.2.7/32', family: 4 });
    expect(parseNetwork('2001:DB8::/32')).toEqual({ ok: true, cidr: '2001:db8::/32', family: 6 });
    expect(parseNetwork('192.0.2.7/24')).toMatchObject({ ok: false, message: '192.0.2.7/24 has host bits set under its prefix: the network is 192.0.2.0/24.' });
    for (const bad of ['010.0.0.1', '0x0a.0.0.1', '10.0.0', 'fe80::1%eth0', '10.0.0.0/33', '10.0.0.0/', 'oig.example.com', '::ffff:10.0.0.1']) expect(parseNetwork(bad).ok, bad).toBe(false);
  });

  it('names the row of each problem', () => {
    expect(trustedNetworkProblems([entry('10.0.0.0/8', true, true), entry('10.0.0.0/8', false, true), entry('192.0.2.1', false, false), entry('2001:db8::/32', true, false, 'two\nlines')])).toEqual({
      'network.1': '10.0.0.0/8 is listed twice (also as row 1).',
      'network.2': '192.0.2.1 is trusted with nothing: tick the server manager, the APIs, or both (or remove the row).',
      'description.3': 'The description is one line of text.',
    });
  });

  it('answers who may reach what; loopback always, an IPv4-mapped address as its IPv4 one', () => {
    const list = [entry('10.0.2.0/24', true, true), entry('0.0.0.0/0', false, true)];
    expect(allows(list, '10.0.2.2', 'admin')).toBe(true);
    expect(allows(list, '::ffff:10.0.2.2', 'admin')).toBe(true);
    expect(allows(list, '192.0.2.1', 'admin')).toBe(false);
    expect(allows(list, '192.0.2.1', 'api')).toBe(true);
    expect(allows([], '127.0.0.1', 'admin')).toBe(true);
    expect(allows([], '::1', 'admin')).toBe(true);
    expect(allows(list, 'not an address', 'api')).toBe(false);
  });

  it('finds the networks of the NIC’s addresses for first boot', () => {
    expect(subnetsOf([{ addr_info: [{ local: '10.0.2.15', prefixlen: 24, scope: 'global' }, { local: 'fe80::5054:ff:fe12:3456', prefixlen: 64, scope: 'link' }] }])).toEqual(['10.0.2.0/24', 'fe80::/64']);
  });
});

describe('Trusted networks: enforced by nftables', () => {
  let ns: NamespacePair;
  let dir: string;
  let trusted: TrustedNetworks;
  let nginxReloads = 0;
  let nginxFails = false;

  beforeAll(async () => {
    ns = await namespacePair('tn');
    await ns.listen([22, 80, 443, 5432]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-trusted-'));
    trusted = new TrustedNetworks({
      dir,
      nft: ns.nft,
      reloadNginx: async () => {
        nginxReloads += 1;
        if (nginxFails) throw new Error('nginx: [emerg] a stand-in refusal');
      },
      log: quietLog,
    });
  }, 60_000);

  afterAll(async () => {
    await ns?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const reach = async (client: number) => ({ ssh: await ns.connects(ns.clientAddress(client), 22), https: await ns.connects(ns.clientAddress(client), 443), http: await ns.connects(ns.clientAddress(client), 80), other: await ns.connects(ns.clientAddress(client), 5432) });

  it('before any list: everyone reaches everything, and the view says it is not restricted', async () => {
    const view = await trusted.view();
    expect(view).toMatchObject({ configured: false, enforced: false, refusedConnections: null });
    expect(await reach(1)).toEqual({ ssh: 'open', https: 'open', http: 'open', other: 'open' });
  });

  it('lets a server-manager network reach SSH and the web ports, an API network only the web ports, and refuses the rest', async () => {
    const view = await trusted.change([entry(ns.clientAddress(1), true, false, 'technicians'), entry(`${ns.clientAddress(2)}/32`, false, true, 'the recorder')], ns.clientAddress(1));
    expect(view).toMatchObject({ configured: true, enforced: true });
    expect(await reach(1)).toEqual({ ssh: 'open', https: 'open', http: 'open', other: 'open' });
    expect(await reach(2)).toEqual({ ssh: 'refused', https: 'open', http: 'open', other: 'open' });
    // Not listed: the gateway's ports are refused at once (a reset), other ports are not the list's business.
    expect(await reach(3)).toEqual({ ssh: 'refused', https: 'refused', http: 'refused', other: 'open' });
    expect((await trusted.view()).refusedConnections).toBe(4);
    // nginx decides by path on the web ports: its file holds each network for what it is trusted with.
    const access = await readFile(path.join(dir, NGINX_ACCESS_FILE), 'utf8');
    expect(access).toMatch(new RegExp(`geo \\$openoig_admin_allowed \\{[^}]*${ns.clientAddress(1).replaceAll('.', '\\.')}/32 1;[^}]*\\}`));
    expect(access).toMatch(new RegExp(`geo \\$openoig_api_allowed \\{[^}]*${ns.clientAddress(2).replaceAll('.', '\\.')}/32 1;[^}]*\\}`));
    expect(access).not.toMatch(new RegExp(`geo \\$openoig_api_allowed \\{[^}]*${ns.clientAddress(1).replaceAll('.', '\\.')}/32`));
  });

  it('refuses a list that would shut out the administrator making it, and changes nothing', async () => {
    const before = await trusted.view();
    const reloads = nginxReloads;
    await expect(trusted.change([entry(ns.clientAddress(2), true, true)], ns.clientAddress(1))).rejects.toMatchObject({
      code: 'OIG_TRUSTED_NETWORKS_LOCKOUT',
      message: expect.stringContaining(`your address ${ns.clientAddress(1)} would no longer reach the server manager`),
    });
    expect((await trusted.view()).networks).toEqual(before.networks);
    expect(nginxReloads).toBe(reloads);
    expect(await ns.connects(ns.clientAddress(2), 22)).toBe('refused');
  });

  it('puts the previous rules back, in the firewall and for nginx, when nginx does not take the new ones', async () => {
    const accessBefore = await readFile(path.join(dir, NGINX_ACCESS_FILE), 'utf8');
    nginxFails = true;
    try {
      await expect(trusted.change([entry('10.231.0.0/16', true, true)], ns.clientAddress(1))).rejects.toMatchObject({ code: 'OIG_TRUSTED_NETWORKS_NOT_APPLIED' });
    } finally {
      nginxFails = false;
    }
    expect(await readFile(path.join(dir, NGINX_ACCESS_FILE), 'utf8')).toBe(accessBefore);
    expect(await ns.connects(ns.clientAddress(3), 443)).toBe('refused');
    expect((await trusted.view()).networks.map((n) => n.network)).toEqual([`${ns.clientAddress(1)}/32`, `${ns.clientAddress(2)}/32`]);
  });

  it('refuses a list with a bad network before anything is loaded', async () => {
    await expect(trusted.change([entry('10.231.0.1/16', true, true)], ns.clientAddress(1))).rejects.toMatchObject({ code: 'OIG_TRUSTED_NETWORKS_INVALID', message: expect.stringContaining('the network is 10.231.0.0/16') });
  });

  it('first boot: the appliance’s own network for everything, the APIs from anywhere', async () => {
    const subnet = `${ns.applianceAddress.replace(/\.1$/, '.0')}/24`;
    const reloads = nginxReloads;
    await trusted.setAtFirstBoot([subnet]);
    // nginx starts after first boot and reads the file then; a reload now would wait for that start.
    expect(nginxReloads).toBe(reloads);
    expect((await trusted.view()).networks).toEqual([
      { network: subnet, description: 'This appliance’s network (first boot)', admin: true, api: true },
      { network: '0.0.0.0/0', description: 'Applications from anywhere (IPv4)', admin: false, api: true },
      { network: '::/0', description: 'Applications from anywhere (IPv6)', admin: false, api: true },
    ]);
    expect(await reach(3)).toEqual({ ssh: 'open', https: 'open', http: 'open', other: 'open' });
  });
});

/**
 * The appliance's own nginx site (appliance/nginx/openoig.conf, its paths moved into a scratch
 * directory) run by Debian's nginx in the appliance namespace, with a stand-in for the gateway
 * behind it: the access file the helper writes splits the server manager from the APIs by path.
 */
describe('Trusted networks: nginx splits the server manager from the APIs', () => {
  let ns: NamespacePair;
  let dir: string;
  let trusted: TrustedNetworks;
  let nginxConf: string;

  beforeAll(async () => {
    if (!existsSync('/usr/sbin/nginx')) await installDebianPackages(['nginx'], 'The Trusted networks tests run the appliance’s nginx site', { noStart: true });
    ns = await namespacePair('tw');
    dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-trusted-nginx-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'gateway.key'), '-out', path.join(dir, 'gateway.crt'), '-days', '2', '-subj', '/CN=oig.lab.test'], { stdio: 'ignore' });
    const site = (await readFile(path.join(REPO, 'appliance/nginx/openoig.conf'), 'utf8'))
      .replace('/etc/openoig-firewall/', `${dir}/`)
      .replaceAll('/etc/openoig/tls/', `${dir}/`)
      .replace(/listen \[::\]:\d+[^;]*;/g, '')
      .replace(/listen (80|443)/g, `listen ${ns.applianceAddress}:$1`);
    await writeFile(path.join(dir, 'site.conf'), site);
    nginxConf = path.join(dir, 'nginx.conf');
    await writeFile(nginxConf, `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${dir}/site.conf;\n}\n`);
    trusted = new TrustedNetworks({ dir, nft: ns.nft, reloadNginx: async () => void (await run('ip', ['netns', 'exec', ns.appliance, 'nginx', '-c', nginxConf, '-s', 'reload'])), log: quietLog });
    await trusted.writeFiles();
    // The gateway's stand-in: says which path reached it.
    await ns.start(process.execPath, ['-e', "require('http').createServer((q,s)=>s.end('gateway '+q.url)).listen(8080,'127.0.0.1',()=>console.log('ready'))"], 'ready');
    await ns.start('nginx', ['-c', nginxConf, '-g', 'daemon off;']);
    // Until a list is set, the package's files: everyone reaches everything.
    for (let tries = 0; (await fetchFrom(1, 'https', '/admin/').catch(() => '')) !== '200 gateway /admin/'; tries++) {
      if (tries > 100) throw new Error(`nginx did not answer in ${ns.appliance}: ${await readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    await ns?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** "status body" of a request from client address n, or "refused" when the firewall resets it. */
  async function fetchFrom(n: number, scheme: 'http' | 'https', pathname: string): Promise<string> {
    try {
      const out = await ns.fromClients('curl', ['-sk', '--max-time', '5', '--interface', ns.clientAddress(n), '-w', '\n%{http_code}', `${scheme}://${ns.applianceAddress}${pathname}`]);
      const lines = out.trimEnd().split('\n');
      return `${lines.pop()} ${lines.join('\n').trim()}`;
    } catch (err) {
      if (/\(exit code 7\)/.test((err as Error).message)) return 'refused';
      throw err;
    }
  }

  it('serves a server-manager network the admin UI and its API but not the APIs, an API network the reverse', async () => {
    await trusted.change([entry(ns.clientAddress(1), true, false), entry(ns.clientAddress(2), false, true)], ns.clientAddress(1));
    const smDenied = '403 This address is not on a network trusted with the OpenOIG server manager: add it under Server Manager, Trusted networks, from an address that is.';
    const apiDenied = '403 This address is not on a network trusted with the OpenOIG APIs (Server Manager, Trusted networks).';
    await expect.poll(() => fetchFrom(2, 'https', '/admin/'), { timeout: 10_000 }).toBe(smDenied);
    expect(await fetchFrom(1, 'https', '/admin/')).toBe('200 gateway /admin/');
    expect(await fetchFrom(1, 'https', '/api/admin/overview')).toBe('200 gateway /api/admin/overview');
    expect(await fetchFrom(1, 'https', '/axis2/services/SessionManagementService')).toBe(apiDenied);
    expect(await fetchFrom(1, 'http', '/axis2/services/SessionManagementService?wsdl')).toBe(apiDenied);
    expect(await fetchFrom(2, 'https', '/api/admin/overview')).toBe(smDenied);
    expect(await fetchFrom(2, 'https', '/axis2/services/SessionManagementService')).toBe('200 gateway /axis2/services/SessionManagementService');
    expect(await fetchFrom(2, 'http', '/axis2/services/SessionManagementService?wsdl')).toBe('200 gateway /axis2/services/SessionManagementService?wsdl');
    // Neither: the firewall resets the connection before nginx sees it.
    expect(await fetchFrom(3, 'https', '/admin/')).toBe('refused');
  });
});
