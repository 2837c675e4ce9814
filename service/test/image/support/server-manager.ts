import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { expect } from 'vitest';
import type { Vm } from './vm';

type Call = (method: 'GET' | 'POST' | 'PUT', pathname: string, body?: object) => Promise<{ status: number; json: any; bytes: Buffer }>;

/** A lab CA (root → issuing) with openssl, and a certificate it signs for `name` and 127.0.0.1 (the forwards). */
export function labCertificate(name: string): { certificate: string; chain: string; key: string; root: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'openoig-image-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(path.join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(path.join(dir, 'leaf.ext'), `basicConstraints=CA:FALSE\nsubjectAltName=DNS:${name},IP:127.0.0.1\n`);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-days', '365', '-subj', '/O=Lab/CN=Lab Root CA');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/O=Lab/CN=Lab Issuing CA');
  openssl('x509', '-req', '-in', 'int.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.crt', '-days', '365', '-extfile', 'ca.ext');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/O=Lab/CN=${name}`);
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'int.crt', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '90', '-extfile', 'leaf.ext');
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return { certificate: read('leaf.crt'), chain: read('int.crt') + read('root.crt'), key: read('leaf.key'), root: read('root.crt') };
}

/** The certificate nginx presents at the forwarded HTTPS port, checked against `ca`. */
function presented(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

/**
 * Date and time, View log files and Certificates (issue #13) on a booted appliance, through the
 * admin API: what the browser tests cannot show, that the sandboxed helper may do these things
 * there (timedated over the bus, the journal, nginx's reload). The certificate goes last: once
 * nginx presents the lab CA's, the calls' client (which trusts the old one) cannot connect again.
 */
export async function checkServerManagerPanels(vm: Vm, call: Call, say: (line: string) => void): Promise<void> {
  // Date and time: the zone through timedated, the NTP servers in timesyncd's drop-in.
  const time = await call('PUT', '/system/time', { timezone: 'Europe/Paris', ntpServers: ['10.0.2.2'] });
  expect(time.status, JSON.stringify(time.json)).toBe(200);
  expect(time.json).toMatchObject({ timezone: 'Europe/Paris', ntpServers: ['10.0.2.2'] });
  expect((await vm.ssh('readlink /etc/localtime; stat -c %a /etc/systemd/timesyncd.conf.d/openoig.conf; cat /etc/systemd/timesyncd.conf.d/openoig.conf')).stdout).toMatch(/Europe\/Paris\n644\n[\s\S]*NTP=10\.0\.2\.2/);
  expect((await call('PUT', '/system/time', { timezone: 'Mars/Olympus', ntpServers: [] })).status).toBe(400);

  // View log files: each source answers; a filter keeps its lines; the download is the log.
  for (const source of ['gateway', 'nginx-access', 'nginx-error', 'firstboot', 'helper']) {
    const log = await call('GET', `/system/logs/${source}?lines=50`);
    expect(log.status, `${source}: ${JSON.stringify(log.json)}`).toBe(200);
    if (source !== 'nginx-error') expect(log.json.lines.length, `${source} has lines`).toBeGreaterThan(0);
  }
  const filtered = await call('GET', `/system/logs/helper?filter=${encodeURIComponent('HELPER REQUEST')}`);
  expect(filtered.json.lines.length).toBeGreaterThan(0);
  expect(filtered.json.lines.every((l: string) => l.toLowerCase().includes('helper request'))).toBe(true);
  expect((await call('GET', '/system/logs/nginx-access')).json.lines.join('\n')).toContain('/api/admin/system/time');
  const download = await call('GET', '/system/logs/firstboot/download');
  expect([download.status, download.bytes.toString()]).toEqual([200, expect.stringContaining('openoig-firstboot')]);

  // Certificates: a signing request made on the appliance (openssl there); a CA-signed certificate installed, nginx presents it.
  const csr = await call('POST', '/certificate/request', { commonName: 'oig-c.lab.test', altNames: ['10.0.2.21'] });
  expect(csr.status, JSON.stringify(csr.json)).toBe(200);
  expect(csr.json.request.pem).toContain('-----BEGIN CERTIFICATE REQUEST-----');
  // The Overview reads the same helper answer; asked before the swap, as the calls' client trusts only the first certificate.
  expect((await call('GET', '/overview')).json.certificate).toMatchObject({ expiring: false, selfSigned: true });
  const lab = labCertificate('oig-c.lab.test');
  // The certificate starts now by the host's clock; a guest under TCG runs behind it and has no
  // NTP server to follow in the lab (10.0.2.2 answers none), so it would be "not valid yet" there.
  const lag = Date.now() / 1000 - Number((await vm.ssh('date +%s')).stdout.trim());
  await vm.ssh(`date -u -s @${Math.ceil(Date.now() / 1000) + 2} >/dev/null`);
  say(`the guest's clock was ${lag.toFixed(0)} s behind the host's; set to it`);
  const t = Date.now();
  const installed = await call('PUT', '/certificate', { certificate: lab.certificate, chain: lab.chain, key: lab.key });
  expect(installed.status, JSON.stringify(installed.json)).toBe(200);
  say(`CA-signed certificate installed and presented in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  expect(await presented(vm.ports.https, lab.root)).toBe(new X509Certificate(lab.certificate).fingerprint256);
  expect((await vm.ssh('stat -c %a /etc/openoig/tls/gateway.key; systemctl is-active nginx')).stdout).toBe('600\nactive\n');
  expect(installed.json.certificate).toMatchObject({ subject: 'oig-c.lab.test', issuer: 'Lab Issuing CA', expiring: false, selfSigned: false });
  // No more calls through `call` after this: its client trusts the certificate that was replaced.
}

const PROBE = { appliance: '192.168.77.1', probe: '192.168.77.2' };
const SM_DENIED = 'This address is not on a network trusted with the OpenOIG server manager';
const API_DENIED = 'This address is not on a network trusted with the OpenOIG APIs';

/**
 * Trusted networks (issue #13) on a booted appliance: first boot's list (the appliance's own
 * network for everything, the APIs from anywhere), a list that would shut out the test's own
 * address (10.0.2.2, QEMU's host) refused, and each change enforced at once by nftables and nginx.
 * The forwards all come from 10.0.2.2, so a second client is made inside the guest: a network
 * namespace joined by a veth pair, whose traffic enters through the veth like any other host's.
 */
export async function checkTrustedNetworks(vm: Vm, call: Call, say: (line: string) => void): Promise<void> {
  const seeded = (await call('GET', '/trusted-networks')).json;
  expect(seeded).toMatchObject({ configured: true, enforced: true, yourAddress: '10.0.2.2' });
  const own = { network: '10.0.2.0/24', description: 'This appliance’s network (first boot)', admin: true, api: true };
  // With the IPv6 link-local network (fe80::/64) too when the NIC had it then.
  for (const expected of [own, { network: '0.0.0.0/0', description: 'Applications from anywhere (IPv4)', admin: false, api: true }, { network: '::/0', description: 'Applications from anywhere (IPv6)', admin: false, api: true }]) {
    expect(seeded.networks).toContainEqual(expected);
  }
  say(`first boot's trusted networks: ${seeded.networks.map((n: { network: string }) => n.network).join(', ')}`);
  await vm.ssh(
    [
      'ip netns add probe',
      'ip link add oigprobe0 type veth peer name oigprobe1 netns probe',
      `ip addr add ${PROBE.appliance}/30 dev oigprobe0`,
      'ip link set oigprobe0 up',
      `ip -n probe addr add ${PROBE.probe}/30 dev oigprobe1`,
      'ip -n probe link set oigprobe1 up',
      'ip -n probe link set lo up',
    ].join(' && '),
  );
  /** What the probe gets: "<status> <body>" of an HTTPS request, "refused" when the firewall resets it. */
  const fromProbe = async (pathname: string) => {
    const res = await vm.ssh(`ip netns exec probe curl -sk --max-time 10 -w '\\n%{http_code}' https://${PROBE.appliance}${pathname}`, { allowFailure: true });
    if (res.code === 7) return 'refused';
    const lines = res.stdout.trimEnd().split('\n');
    return `${lines.pop()} ${lines.join(' ')}`;
  };
  const sshFromProbe = async () => ((await vm.ssh(`ip netns exec probe timeout 10 bash -c 'exec 3<>/dev/tcp/${PROBE.appliance}/22'`, { allowFailure: true })).code === 0 ? 'open' : 'refused');
  const put = (networks: object[]) => call('PUT', '/trusted-networks', { networks });
  try {
    // First boot's list: the probe is not on the appliance's network, so only the APIs.
    expect(await fromProbe('/health')).toMatch(/^200 .*"status":"ok"/);
    expect(await fromProbe('/admin/')).toContain(`403 ${SM_DENIED}`);
    expect(await sshFromProbe()).toBe('refused');

    const lockout = await put([{ network: PROBE.probe, description: 'probe', admin: true, api: true }]);
    expect(lockout.status, JSON.stringify(lockout.json)).toBe(409);
    expect(lockout.json.code).toBe('OIG_TRUSTED_NETWORKS_LOCKOUT');

    const t = Date.now();
    const admins = await put([own, { network: PROBE.probe, description: 'technician probe', admin: true, api: false }]);
    expect(admins.status, JSON.stringify(admins.json)).toBe(200);
    say(`trusted networks changed through the helper (nft, nginx reload) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    expect(await fromProbe('/admin/')).toMatch(/^200 .*<div id="root">/);
    expect(await fromProbe('/health')).toContain(`403 ${API_DENIED}`);
    expect(await sshFromProbe()).toBe('open');

    const refusedBefore = admins.json.refusedConnections as number;
    expect((await put([own])).status).toBe(200);
    expect(await fromProbe('/admin/')).toBe('refused');
    expect(await sshFromProbe()).toBe('refused');
    const after = (await call('GET', '/trusted-networks')).json;
    expect(after.refusedConnections).toBeGreaterThanOrEqual(refusedBefore + 2);
    // What the boot unit loads next time is what the helper loaded now.
    expect((await vm.ssh('nft list set inet openoig admin_v4')).stdout).toMatch(/elements = \{ 10\.0\.2\.0\/24 \}/);
    expect((await vm.ssh('grep -c 192.168.77 /etc/openoig-firewall/openoig.nft /etc/openoig-firewall/nginx-access.conf', { allowFailure: true })).stdout).toMatch(/openoig\.nft:0\n.*nginx-access\.conf:0/);
  } finally {
    await put(seeded.networks);
    await vm.ssh('ip netns delete probe', { allowFailure: true });
  }
}
