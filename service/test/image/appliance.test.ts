import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabAmc, type LabAmc } from '@openoig/lab/amc';
import { startLabMcs, LAB_COMPANY, type LabMcs } from '@openoig/lab/mcs';
import * as soap from 'soap';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskWithTestKey, findOva, ovfEnvironmentIso, unpackOva, type OvaContents } from './support/artefact';
import { checkServerManagerPanels, checkTrustedNetworks } from './support/server-manager';
import { driveSerialConsole, enter, no, typed, type TerminalStep } from './support/serial-wizard';
import { bootVm, type Vm } from './support/vm';

/**
 * Tests of the artefact (issue #3, "Tests of the artefact"): the built OVA's disk booted in QEMU
 * (TCG, -snapshot, forwards on 127.0.0.1 only) and checked from the outside. Every copy starts
 * with first boot (issue #13): copy A zero-touch from an OVF environment ISO (static address,
 * ARID, MiVoice Business); B from a minimal one (DHCP, one-time password) and restored through
 * its admin API; C zero-touch with a restore from a URL; D through the console wizard on the
 * serial console.
 */
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const ARCH = process.env.OIG_IMAGE_ARCH ?? 'i386';
const QEMU = ARCH === 'i386' ? 'qemu-system-i386' : 'qemu-system-x86_64';
const REFERENCE_WSDL = path.join(REPO, '../shared/reference/oig-wsdl-4.0/sessionManagement/SessionService.wsdl');
const BOOT_TIMEOUT_MS = 8 * 60_000;
const BACKUP_PASSPHRASE = 'image test passphrase';
/** A's encrypted backup and what it holds, for copy C. */
let backupOfA: { name: string; bytes: Buffer; settings: string; guid: string; elements: string[] };
/** Copy A's administrator password, an OVF property. */
const ADMIN_A = 'Image-test-admin1';
const ZERO_TOUCH_A = {
  'oig.hostname': 'oig-a',
  'oig.domain': 'lab.test',
  'oig.network.mode': 'static',
  'oig.ipv4.address': '10.0.2.20',
  'oig.ipv4.prefix': '24',
  'oig.ipv4.gateway': '10.0.2.2',
  'oig.dns.servers': '10.0.2.3',
  'oig.ntp.servers': '10.0.2.2',
  'oig.timezone': 'Europe/London',
  'oig.admin_password': ADMIN_A,
  'oig.arid': 'ARID-LAB-0001',
  'oig.mivb.address': '10.0.2.50',
};

let work: string;
let ova: string;
let contents: OvaContents;
let vm: Vm;
let mcs: LabMcs;
let amc: LabAmc;
let gatewayCa: string;
/** The OVA's disk with the test's SSH key, and the key: every copy the tests boot starts from it. */
let testDisk: string;
let testKey: string;
const say = (line: string) => process.stdout.write(`image-test: ${line}\n`);

async function waitForHealth(vmRef: Vm, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const res = await vmRef.ssh('curl -fsS --cacert /etc/openoig/tls/gateway.crt https://127.0.0.1/health', { allowFailure: true, timeoutMs: 20_000 });
    if (res.code === 0 && res.stdout.includes('"status":"ok"')) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`the gateway did not answer /health within ${timeoutMs} ms`);
}

async function httpsGet(pathname: string): Promise<{ status: number; body: string }> {
  const dispatcher = new Agent({ connect: { ca: gatewayCa } });
  try {
    const res = await request(`https://127.0.0.1:${vm.ports.https}${pathname}`, { dispatcher });
    return { status: res.statusCode, body: await res.body.text() };
  } finally {
    await dispatcher.close();
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'openoig-image-test-'));
  ova = await findOva(path.join(REPO, 'dist'), ARCH);
  say(`OVA ${path.basename(ova)}: ${((await stat(ova)).size / 1024 / 1024).toFixed(1)} MiB`);
  contents = await unpackOva(ova, path.join(work, 'ova'));
  // The lab certificate server on the build host; the guest reaches it as 10.0.2.2 (QEMU user network).
  mcs = await startLabMcs({ tlsAddresses: ['10.0.2.2'] });
  // ServiceLink (issue #14): the blade repository of this tree's blade, signed with the key the blade carries.
  const repository = path.join(work, 'repo');
  execFileSync('bash', [path.join(REPO, 'scripts/build-repo.sh'), '--debs', path.join(REPO, 'dist'), '--out', repository], { stdio: ['ignore', 'ignore', 'inherit'] });
  amc = await startLabAmc({ tlsAddresses: ['10.0.2.2'], repositoryDir: repository });
  // Where a real appliance knows Mitel's certificate and licensing servers, the test's copies
  // know the lab's: their addresses and CAs are on the disk before first boot.
  const lab = [
    `OIG_MCS_URL=https://10.0.2.2:${new URL(mcs.url).port}`,
    'OIG_MCS_CA_FILE=/etc/openoig/mcs-ca.pem',
    `OIG_AMC_URL=https://10.0.2.2:${new URL(amc.url).port}`,
    'OIG_AMC_CA_FILE=/etc/openoig/amc-ca.pem',
  ];
  ({ disk: testDisk, key: testKey } = await diskWithTestKey(contents.vmdk, work, [
    { path: 'etc/openoig/mcs-ca.pem', content: mcs.ca.certPem },
    { path: 'etc/openoig/amc-ca.pem', content: amc.ca.certPem },
    { path: 'etc/openoig/gateway.env', content: `# The lab's servers (image test)\n${lab.join('\n')}\n`, append: true },
    { path: 'etc/openoig/servicelink.env', content: `OIG_SERVICELINK_URL=https://10.0.2.2:${new URL(amc.url).port}/servicelink/debian/\nOIG_SERVICELINK_CA_FILE=/etc/openoig/amc-ca.pem\n` },
  ]));
  const started = Date.now();
  const iso = await ovfEnvironmentIso(work, 'ovf-env-a', ZERO_TOUCH_A);
  vm = await bootVm({ qemu: QEMU, disk: testDisk, format: 'raw', key: testKey, serialLog: path.join(work, 'serial.log'), cdrom: iso, guestAddress: '10.0.2.20' });
  await vm.waitForSsh(BOOT_TIMEOUT_MS);
  say(`boot to SSH: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await waitForHealth(vm, BOOT_TIMEOUT_MS);
  say(`boot to health: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  gatewayCa = (await vm.ssh('cat /etc/openoig/tls/gateway.crt')).stdout;
}, 2 * BOOT_TIMEOUT_MS);

afterAll(async () => {
  await vm?.stop();
  await mcs?.stop();
  await amc?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the OVA file', () => {
  it('is a tar with the OVF first, its manifest verifies, and the OVF names the VMDK it carries', () => {
    expect(contents.members[0]).toMatch(/\.ovf$/);
    expect(path.basename(ova)).not.toMatch(/\s/);
    expect(contents.manifestProblems).toEqual([]);
    expect(contents.members).toContain(contents.ovf.diskHref);
    expect(contents.ovf).toMatchObject({ osId: ARCH === 'i386' ? '95' : '96', cpus: '2', memoryMb: '2048' });
    // The deployment properties first boot reads (appliance/README.md lists them).
    expect(contents.ovf.properties.sort()).toEqual([...Object.keys(ZERO_TOUCH_A), 'oig.restore.url', 'oig.restore.passphrase'].sort());
    say(`OVF: ${JSON.stringify(contents.ovf)}`);
  });
});

describe('zero-touch first boot from an OVF environment ISO (issue #13)', () => {
  it('comes up with the static address, names, time zone and NTP server of its properties, with no console input', async () => {
    // The forwards go to 10.0.2.20: SSH and HTTPS answering at all shows the static address is in use.
    const addresses = JSON.parse((await vm.ssh('ip -j -4 addr show')).stdout) as Array<{ ifname: string; addr_info: Array<{ local: string; prefixlen: number; dynamic?: boolean }> }>;
    const nic = addresses.find((a) => a.ifname !== 'lo');
    expect(nic?.addr_info.map((i) => `${i.local}/${i.prefixlen}${i.dynamic ? ' dynamic' : ''}`)).toEqual(['10.0.2.20/24']);
    expect((await vm.ssh('ip -4 route show default')).stdout).toContain('default via 10.0.2.2');
    expect((await vm.ssh('resolvectl dns')).stdout).toContain('10.0.2.3');
    expect((await vm.ssh('hostname; hostname --fqdn')).stdout.trim().split('\n')).toEqual(['oig-a', 'oig-a.lab.test']);
    expect((await vm.ssh('readlink /etc/localtime')).stdout.trim()).toBe('/usr/share/zoneinfo/Europe/London');
    expect((await vm.ssh('cat /etc/systemd/timesyncd.conf.d/openoig.conf')).stdout).toContain('NTP=10.0.2.2');
    // Its own certificate names it; the administrator password is the property's, so no console notice.
    expect((await vm.ssh('openssl x509 -noout -subject -in /etc/openoig/tls/gateway.crt')).stdout).toContain('CN=oig-a.lab.test');
    expect((await vm.ssh("sed -n 's/^OIG_ADMIN_PASSWORD=//p' /etc/openoig/secrets.env")).stdout.trim()).toBe(ADMIN_A);
    expect((await vm.ssh('ls /etc/issue.d/ /var/lib/openoig/')).stdout).not.toMatch(/openoig-admin\.issue|console-notice/);
    const journal = (await vm.ssh('journalctl -u openoig-firstboot --no-pager -o cat')).stdout;
    say(`first boot of A:\n${journal}`);
    expect(journal).toMatch(/OVF environment from ovf-env\.xml on \/dev\/sr0/);
    expect(journal).not.toContain(ADMIN_A);
    const result = JSON.parse((await vm.ssh('cat /var/lib/openoig/firstboot-result.json')).stdout);
    expect(result).toMatchObject({ zeroTouch: true, settings: { hostname: 'oig-a', network: { mode: 'static', address: '10.0.2.20' } }, tasks: { licence: { ok: true, state: 'active' }, mivb: { ok: true } } });
    expect(JSON.stringify(result)).not.toContain(ADMIN_A);
    // The login prompts came after first boot, on both consoles.
    for (const unit of ['serial-getty@ttyS0', 'getty@tty1']) expect((await vm.ssh(`systemctl is-active ${unit}`)).stdout.trim()).toBe('active');
  });

  it('activated the ARID against the lab licensing server and recorded the MiVoice Business as a network element', async () => {
    const a = await adminOf(vm);
    try {
      const licence = (await a.call('GET', '/licence')).json.licence;
      expect(licence).toMatchObject({ state: 'active', arid: 'ARID-LAB-0001', platform: 'virtual' });
      say(`licence ARID-LAB-0001 activated at first boot, appliance GUID ${licence.binding.guid}`);
      const elements = (await a.call('GET', '/network-elements')).json as Array<{ address: string; type: string }>;
      expect(elements.map((e) => `${e.type} ${e.address}`)).toContain('MI_VB 10.0.2.50');
    } finally {
      await a.close();
    }
  });
});

describe('the booted appliance', () => {
  it('carries nothing of the build: no packer account, an own machine-id and own SSH host keys', async () => {
    expect((await vm.ssh('getent passwd packer', { allowFailure: true })).stdout.trim()).toBe('');
    expect((await vm.ssh('ls /etc/sudoers.d/')).stdout).not.toContain('packer');
    expect((await vm.ssh('cat /etc/machine-id')).stdout.trim()).toMatch(/^[0-9a-f]{32}$/);
    expect((await vm.ssh('ls /etc/ssh/')).stdout).toContain('ssh_host_ed25519_key');
  });

  it('has no failed units; the gateway, PostgreSQL, nginx, the helper socket, the backup timer and the firewall are active; node is 32-bit', async () => {
    const failed = (await vm.ssh('systemctl list-units --failed --no-legend --plain')).stdout.trim();
    say(`failed units: ${failed || 'none'}`);
    expect(failed).toBe('');
    for (const unit of ['openoig-gateway', 'nginx', 'postgresql@17-main', 'openoig-helper.socket', 'openoig-helper-schedule.timer', 'openoig-firewall']) {
      expect((await vm.ssh(`systemctl is-active ${unit}`)).stdout.trim()).toBe('active');
    }
    const arch = (await vm.ssh('node -p process.arch')).stdout.trim();
    say(`node arch: ${arch}`);
    expect(arch).toBe(ARCH === 'i386' ? 'ia32' : 'x64');
  });

  it('answers /health over HTTPS with its own certificate, the SessionService and StandardCCService ?wsdl over HTTP, and redirects the rest to HTTPS', async () => {
    expect(await httpsGet('/health')).toMatchObject({ status: 200, body: expect.stringContaining('"status":"ok"') });
    for (const servicePath of ['/axis2/services/SessionService?wsdl', '/mitel/oig/cc/StandardCCService?wsdl']) {
      const wsdl = await request(`http://127.0.0.1:${vm.ports.http}${servicePath}`);
      expect(await wsdl.body.text()).toContain('wsdl:definitions');
    }
    const plain = await request(`http://127.0.0.1:${vm.ports.http}/health`);
    await plain.body.dump();
    expect(plain.statusCode).toBe(301);
    expect(String(plain.headers.location)).toMatch(/^https:\/\//);
  });

  it('serves the admin UI from the blade over HTTPS, with its security headers (issue #6)', async () => {
    const page = await httpsGet('/admin/oig/overview');
    expect(page).toMatchObject({ status: 200, body: expect.stringContaining('<div id="root">') });
    const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script, page.body).toBeDefined();
    expect(await httpsGet(script as string)).toMatchObject({ status: 200 });
  });

  it('with the licence first boot activated, a client from the reference WSDL logs in as an application the test registers, keeps alive and logs out', async () => {
    const admin = await adminOf(vm);
    const created = await admin.call('POST', '/accounts', { companyName: LAB_COMPANY, applicationName: 'LabStandard', localPassword: 'image-test-local' });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    await admin.close();
    const base = `https://127.0.0.1:${vm.ports.https}`;

    const client = (await soap.createClientAsync(REFERENCE_WSDL)) as soap.Client & Record<string, (a: unknown, o?: unknown) => Promise<[any]>>;
    client.setEndpoint(`${base}/mitel/oig/session/SessionService`);
    const options = { httpsAgent: new https.Agent({ ca: gatewayCa }) };
    const [res] = await client.loginExAsync(
      { req: { applicationName: 'LabStandard', companyName: LAB_COMPANY, applicationPassword: 'lab-standard-secret', localPassword: 'image-test-local', version: '4.0' } },
      options,
    );
    expect(res.return.attributes.result).toBe('true');
    const sessionId = res.return.attributes.sessionId;
    say(`loginEx over HTTPS: session ${sessionId}`);
    expect((await client.resetSessionTimerAsync({ sessionId }, options))[0].return.attributes.result).toBe('true');

    // Issue #11: a PostgreSQL restart on the appliance costs no session. The gateway process stays
    // (no restart through unit dependencies), and keep-alives every 2 s (10 s timeout) go on answering.
    const mainPid = async () => (await vm.ssh('systemctl show -p MainPID --value openoig-gateway')).stdout.trim();
    const pidBefore = await mainPid();
    const answers: string[] = [];
    let keeping = true;
    const keepAlive = (async () => {
      while (keeping) {
        const [reset] = await client.resetSessionTimerAsync({ sessionId }, options).catch((err: Error) => [{ return: { attributes: { result: err.message } } }]);
        answers.push(String(reset.return.attributes.result));
        await new Promise((r) => setTimeout(r, 2_000));
      }
    })();
    const t = Date.now();
    await vm.ssh('systemctl restart postgresql', { timeoutMs: 300_000 });
    await waitForHealth(vm, 120_000);
    keeping = false;
    await keepAlive;
    say(`PostgreSQL restart to a healthy gateway: ${((Date.now() - t) / 1000).toFixed(0)} s, ${answers.length} keep-alives meanwhile`);
    expect(await mainPid()).toBe(pidBefore);
    expect(answers.filter((a) => a !== 'true')).toEqual([]);
    expect((await client.resetSessionTimerAsync({ sessionId }, options))[0].return.attributes.result).toBe('true');
    expect((await client.logoutAsync({ sessionId }, options))[0].return.attributes.result).toBe('true');
  });

  it('Blades: Update List through the sandboxed helper takes the lab ServiceLink’s signed index; the installed blade is the one offered (issue #14)', async () => {
    const admin = await adminOf(vm);
    try {
      const updated = await admin.call('POST', '/blades/update-list');
      expect(updated.status, JSON.stringify(updated.json)).toBe(200);
      expect(updated.json.lastUpdate, JSON.stringify(updated.json)).toMatchObject({ ok: true, message: null });
      const version = JSON.parse(readFileSync(path.join(REPO, 'service/package.json'), 'utf8')).version as string;
      expect(updated.json.blades).toEqual([{ name: 'openoig-gateway', installed: version, available: version, upgradable: false, installable: false }]);
      say(`Update List on the appliance: openoig-gateway ${version} installed and offered by ServiceLink`);
    } finally {
      await admin.close();
    }
  });

  it('comes back healthy after systemctl restart and after a reboot, without running first boot again', async () => {
    const fingerprint = async () => (await vm.ssh('openssl x509 -noout -fingerprint -sha256 -in /etc/openoig/tls/gateway.crt')).stdout.trim();
    const before = { cert: await fingerprint(), done: (await vm.ssh('cat /var/lib/openoig/firstboot.done')).stdout.trim() };

    let t = Date.now();
    await vm.ssh('systemctl restart openoig-gateway', { timeoutMs: 300_000 });
    await waitForHealth(vm, 300_000);
    say(`restart to health: ${((Date.now() - t) / 1000).toFixed(0)} s`);

    // Server Manager, Reboot (issue #13): through the admin API and the privileged helper.
    const bootBefore = (await vm.ssh('cat /proc/sys/kernel/random/boot_id')).stdout.trim();
    t = Date.now();
    const admin = await adminOf(vm);
    const reboot = await admin.call('POST', '/system/power', { action: 'reboot', confirm: true });
    await admin.close();
    expect(reboot.status, JSON.stringify(reboot.json)).toBe(202);
    await new Promise((r) => setTimeout(r, 15_000));
    await vm.waitForSsh(BOOT_TIMEOUT_MS);
    await waitForHealth(vm, BOOT_TIMEOUT_MS);
    say(`reboot to health: ${((Date.now() - t) / 1000).toFixed(0)} s`);

    expect({ cert: await fingerprint(), done: (await vm.ssh('cat /var/lib/openoig/firstboot.done')).stdout.trim() }).toEqual(before);
    // Another boot: the helper's reboot, not a gateway restart.
    expect((await vm.ssh('cat /proc/sys/kernel/random/boot_id')).stdout.trim()).not.toBe(bootBefore);
    const firstboot = (await vm.ssh('systemctl show -p ConditionResult --value openoig-firstboot')).stdout.trim();
    expect(firstboot).toBe('no');
    expect((await vm.ssh('systemctl list-units --failed --no-legend --plain')).stdout.trim()).toBe('');
    // Trusted networks (issue #13): first boot's list is loaded again by the boot unit, before the network.
    expect((await vm.ssh('nft list set inet openoig admin_v4')).stdout).toMatch(/elements = \{ 10\.0\.2\.0\/24 \}/);
  });
});

/** An administrator login on a booted copy, with JSON calls through its HTTPS front. */
async function adminOf(target: Vm) {
  const ca = (await target.ssh('cat /etc/openoig/tls/gateway.crt')).stdout;
  const password = (await target.ssh("sed -n 's/^OIG_ADMIN_PASSWORD=//p' /etc/openoig/secrets.env")).stdout.trim();
  const dispatcher = new Agent({ connect: { ca } });
  const base = `https://127.0.0.1:${target.ports.https}`;
  const login = await request(`${base}/api/admin/login`, { dispatcher, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  expect(login.statusCode).toBe(200);
  const { csrfToken } = (await login.body.json()) as { csrfToken: string };
  const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
  const call = async (method: 'GET' | 'POST' | 'PUT', pathname: string, body?: object | Buffer) => {
    const isBytes = Buffer.isBuffer(body);
    const res = await request(`${base}/api/admin${pathname}`, {
      dispatcher,
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' } : {}) },
      ...(body ? { body: isBytes ? body : JSON.stringify(body) } : {}),
    });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, json: type.includes('json') ? (JSON.parse(bytes.toString()) as any) : undefined, bytes };
  };
  return { ca, call, close: () => dispatcher.close() };
}

/** Every settings file of a copy: mode, group and checksum, to compare byte for byte. */
async function settingsOf(target: Vm): Promise<string> {
  return (await target.ssh("cd /etc/openoig && find . -type f -printf '%p %m %g ' -exec sha256sum {} \\; | awk '{print $1, $2, $3, $4}' | sort")).stdout;
}

describe('backup and restore across copies of the OVA (issue #12)', () => {
  it('a backup made through the admin API (the privileged helper) and restored on a fresh copy brings the same settings byte for byte, the same GUID, and the restored local password logs in', async () => {
    // Copy A (the one booted above: activated, with LabStandard's local password): one more network element, then a backup.
    const a = await adminOf(vm);
    expect([200, 201]).toContain((await a.call('POST', '/network-elements', { type: 'MI_VB', address: '10.0.2.51', name: 'ICP-IMAGE', useDefaults: true })).status);
    let t = Date.now();
    let job = (await a.call('POST', '/backups', {})).json;
    while (job.state === 'running' && Date.now() - t < 600_000) {
      await new Promise((r) => setTimeout(r, 2000));
      job = (await a.call('GET', `/jobs/${job.id}`)).json;
    }
    expect(job, JSON.stringify(job)).toMatchObject({ state: 'succeeded', result: { holdsKeysInClear: true } });
    say(`backup through the helper: ${job.result.name}, ${job.result.size} bytes in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    const stored = `/var/lib/openoig-helper/backups/${job.result.name}`;
    expect((await vm.ssh(`stat -c '%U:%G %a' ${stored}`)).stdout.trim()).toBe('root:root 600');
    expect((await vm.ssh('journalctl -u openoig-helper --no-pager -o cat')).stdout).toContain('backup made');
    const download = await a.call('GET', `/backups/${job.result.name}`);
    expect(download.status).toBe(200);
    expect((await vm.ssh(`sha256sum ${stored}`)).stdout.split(' ')[0]).toBe(createHash('sha256').update(download.bytes).digest('hex'));
    // Scheduled backups: the hourly timer's unit runs as the gateway's user in its sandbox and asks the helper.
    const schedule = await a.call('PUT', '/backups/schedule', { frequency: 'daily', hour: (new Date().getUTCHours() + 12) % 24, weekday: 0, retention: 3, destination: 'local' });
    expect(schedule.status, JSON.stringify(schedule.json)).toBe(200);
    await vm.ssh('systemctl start openoig-helper-schedule.service');
    expect((await vm.ssh('systemctl show -p Result --value openoig-helper-schedule.service')).stdout.trim()).toBe('success');
    expect((await vm.ssh('journalctl -u openoig-helper-schedule --no-pager -o cat')).stdout).toContain('{"ran":false,"reason":"not-due"}');
    const settingsA = await settingsOf(vm);
    const guidA = (await a.call('GET', '/licence')).json.licence.binding.guid as string;
    const elementsA = ((await a.call('GET', '/network-elements')).json as Array<{ address: string; name: string }>).map((e) => `${e.address} ${e.name}`).sort();
    expect(elementsA).toContain('10.0.2.51 ICP-IMAGE');
    // An encrypted backup too, for copy C's zero-touch restore from a URL.
    t = Date.now();
    let encrypted = (await a.call('POST', '/backups', { passphrase: BACKUP_PASSPHRASE })).json;
    while (encrypted.state === 'running' && Date.now() - t < 600_000) {
      await new Promise((r) => setTimeout(r, 2000));
      encrypted = (await a.call('GET', `/jobs/${encrypted.id}`)).json;
    }
    expect(encrypted, JSON.stringify(encrypted)).toMatchObject({ state: 'succeeded', result: { holdsKeysInClear: false } });
    backupOfA = { name: encrypted.result.name, bytes: (await a.call('GET', `/backups/${encrypted.result.name}`)).bytes, settings: settingsA, guid: guidA, elements: elementsA };
    await a.close();
    await vm.stop();

    // Copy B: a fresh boot of the same OVA (its own certificate, secrets and database), restored from A's backup.
    t = Date.now();
    // The fewest properties zero-touch takes: a host name and DHCP; no password, so a one-time one on the console.
    const isoB = await ovfEnvironmentIso(work, 'ovf-env-b', { 'oig.hostname': 'oig-b', 'oig.network.mode': 'dhcp' });
    vm = await bootVm({ qemu: QEMU, disk: testDisk, format: 'raw', key: testKey, serialLog: path.join(work, 'serial-b.log'), cdrom: isoB });
    await vm.waitForSsh(BOOT_TIMEOUT_MS);
    await waitForHealth(vm, BOOT_TIMEOUT_MS);
    say(`copy B boot to health: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    expect(await settingsOf(vm)).not.toBe(settingsA);
    const oneTime = (await vm.ssh("sed -n 's/^OIG_ADMIN_PASSWORD=//p' /etc/openoig/secrets.env")).stdout.trim();
    expect((await vm.ssh('cat /etc/issue.d/openoig-admin.issue')).stdout).toContain(`(one-time, change it in the admin UI): ${oneTime}`);
    // The technician's command is on PATH (first boot restores with it); B keeps no backups yet.
    expect(JSON.parse((await vm.ssh('openoig-helper list')).stdout)).toEqual([]);
    // The restore a technician starts in B's Backup panel: the upload goes through the gateway to the sandboxed helper unit.
    const b0 = await adminOf(vm);
    t = Date.now();
    const started = await b0.call('POST', '/restore', download.bytes);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    await b0.close();
    // The restore restarts the gateway on A's state: A's administrator password (restored in secrets.env) logs in, and the job is still answered.
    let restoreJob: any;
    while (Date.now() - t < 900_000) {
      await new Promise((r) => setTimeout(r, 3000));
      const b1 = await adminOf(vm).catch(() => undefined);
      if (!b1) continue;
      restoreJob = (await b1.call('GET', `/jobs/${started.json.id}`)).json;
      await b1.close();
      if (restoreJob?.state && restoreJob.state !== 'running') break;
    }
    say(`restore on copy B through the admin API: ${((Date.now() - t) / 1000).toFixed(0)} s: ${JSON.stringify(restoreJob?.result ?? restoreJob)}`);
    expect(restoreJob, JSON.stringify(restoreJob)).toMatchObject({ state: 'succeeded', result: { guid: guidA, productVersion: contents.ovf.version } });
    expect((await vm.ssh('journalctl -u openoig-helper --no-pager -o cat')).stdout).toContain('restore done');
    await waitForHealth(vm, 300_000);

    expect(await settingsOf(vm)).toBe(settingsA);
    // A's administrator password now: B's one-time notice is gone from the console.
    expect((await vm.ssh('test -e /var/lib/openoig/console-notice.issue', { allowFailure: true })).code).not.toBe(0);
    const b = await adminOf(vm);
    expect((await b.call('GET', '/licence')).json.licence).toMatchObject({ state: 'active', binding: { guid: guidA } });
    expect(((await b.call('GET', '/network-elements')).json as Array<{ address: string; name: string }>).map((e) => `${e.address} ${e.name}`).sort()).toEqual(elementsA);
    await b.close();
    const previous = (await vm.ssh("runuser -u postgres -- psql -tAc \"SELECT datname FROM pg_database WHERE datname LIKE 'openoig_previous_%'\"")).stdout.trim();
    expect(previous.split('\n')).toHaveLength(1);

    const client = (await soap.createClientAsync(REFERENCE_WSDL)) as soap.Client & Record<string, (a: unknown, o?: unknown) => Promise<[any]>>;
    client.setEndpoint(`https://127.0.0.1:${vm.ports.https}/mitel/oig/session/SessionService`);
    const options = { httpsAgent: new https.Agent({ ca: b.ca }) };
    const [res] = await client.loginExAsync(
      { req: { applicationName: 'LabStandard', companyName: LAB_COMPANY, applicationPassword: 'lab-standard-secret', localPassword: 'image-test-local', version: '4.0' } },
      options,
    );
    expect(res.return.attributes.result).toBe('true');
    expect((await client.logoutAsync({ sessionId: res.return.attributes.sessionId }, options))[0].return.attributes.result).toBe('true');
    expect((await vm.ssh('systemctl list-units --failed --no-legend --plain')).stdout.trim()).toBe('');
  });
});

describe('zero-touch first boot that restores a backup (issue #13)', () => {
  it('copy C, from its OVF environment ISO alone: static address, A’s encrypted backup restored from a URL, the ARID already A’s, one more MiVoice Business paired', async () => {
    await vm.stop();
    // The backup on a web server of the technician's (here the build host, reached as 10.0.2.2).
    const files = http.createServer((req, res) => {
      if (req.url !== `/${backupOfA.name}`) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': backupOfA.bytes.length }).end(backupOfA.bytes);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    try {
      const port = (files.address() as AddressInfo).port;
      const iso = await ovfEnvironmentIso(work, 'ovf-env-c', {
        ...ZERO_TOUCH_A,
        'oig.hostname': 'oig-c',
        'oig.ipv4.address': '10.0.2.21',
        'oig.admin_password': 'Replaced-by-the-backup1',
        'oig.restore.url': `http://10.0.2.2:${port}/${backupOfA.name}`,
        'oig.restore.passphrase': BACKUP_PASSPHRASE,
        'oig.mivb.address': '10.0.2.52',
      });
      const t = Date.now();
      vm = await bootVm({ qemu: QEMU, disk: testDisk, format: 'raw', key: testKey, serialLog: path.join(work, 'serial-c.log'), cdrom: iso, guestAddress: '10.0.2.21' });
      await vm.waitForSsh(BOOT_TIMEOUT_MS);
      await waitForHealth(vm, BOOT_TIMEOUT_MS);
      say(`copy C boot, restore and first start to health: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    } finally {
      files.close();
    }
    const journal = (await vm.ssh('journalctl -u openoig-firstboot --no-pager -o cat')).stdout;
    say(`first boot of C:\n${journal}`);
    expect(journal).toMatch(/restore from backup: restored \(GUID /);
    expect(journal).not.toContain(BACKUP_PASSPHRASE);
    expect(JSON.parse((await vm.ssh('cat /var/lib/openoig/firstboot-result.json')).stdout)).toMatchObject({
      zeroTouch: true,
      restore: { ok: true },
      settings: { restore: { encrypted: true } },
      tasks: { licence: { ok: true, state: 'active', alreadyActive: true, guid: backupOfA.guid }, mivb: { ok: true, address: '10.0.2.52' } },
    });
    expect((await vm.ssh('hostname')).stdout.trim()).toBe('oig-c');
    // The backup's settings byte for byte (its administrator password among them), the same GUID, A's elements and the new one.
    expect(await settingsOf(vm)).toBe(backupOfA.settings);
    const c = await adminOf(vm);
    try {
      expect((await c.call('GET', '/licence')).json.licence).toMatchObject({ state: 'active', binding: { guid: backupOfA.guid } });
      const elements = ((await c.call('GET', '/network-elements')).json as Array<{ address: string; name: string }>).map((e) => `${e.address} ${e.name}`).sort();
      expect(elements).toEqual([...backupOfA.elements, '10.0.2.52 null'].sort());
    } finally {
      await c.close();
    }
    expect((await vm.ssh('systemctl list-units --failed --no-legend --plain')).stdout.trim()).toBe('');
  });
});

describe('Server Manager on copy C (issue #13)', () => {
  it('a static address changed through the admin API that the browser never confirms goes back by itself', async () => {
    // Copy C answers at 10.0.2.21 (its first boot's static address); the change moves it to 10.0.2.23.
    const c = await adminOf(vm);
    const before = (await c.call('GET', '/network')).json;
    expect(before).toMatchObject({ configured: { mode: 'static', address: '10.0.2.21' }, pending: null });
    const t = Date.now();
    const changed = await c.call('PUT', '/network', { mode: 'static', address: '10.0.2.23', prefix: 24, gateway: '10.0.2.2', dns: ['10.0.2.3'] });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    // The answer comes back over the old address; the change is made a moment after it.
    expect(changed.json.view).toMatchObject({ current: { addresses: ['10.0.2.21/24'] }, pending: { confirmBy: changed.json.confirmBy } });
    await c.close().catch(() => undefined);
    // The forwards go to 10.0.2.21, which the appliance gives up a few seconds later (networkd
    // under TCG is slow): then nothing answers there.
    let gone = false;
    for (let tries = 0; tries < 10 && !gone; tries += 1) {
      gone = (await vm.ssh('true', { allowFailure: true, timeoutMs: 8_000 })).code !== 0;
      if (!gone) await new Promise((r) => setTimeout(r, 2000));
    }
    expect(gone, 'the old address stops answering').toBe(true);
    say(`the old address stopped answering ${((Date.now() - t) / 1000).toFixed(0)} s after the change`);
    // Nobody confirms. After the 60 s window the transient timer puts the previous file back.
    await vm.waitForSsh(5 * 60_000);
    say(`unconfirmed network change taken back after ${((Date.now() - t) / 1000).toFixed(0)} s`);
    expect((await vm.ssh('ip -4 -o addr show scope global')).stdout).toContain('10.0.2.21/24');
    expect((await vm.ssh('cat /etc/systemd/network/10-openoig-static.network')).stdout).toContain('Address=10.0.2.21/24');
    expect((await vm.ssh('journalctl -u openoig-network-revert --no-pager -o cat')).stdout).toContain('network change not confirmed in time');
    await waitForHealth(vm, 120_000);
    const after = await adminOf(vm);
    expect((await after.call('GET', '/network')).json).toMatchObject({ configured: { address: '10.0.2.21' }, pending: null });
    await after.close();
  });

  it('Trusted networks: first boot’s list, a lockout refused, each change enforced at once by nftables and nginx', async () => {
    const c = await adminOf(vm);
    try {
      await checkTrustedNetworks(vm, c.call, say);
    } finally {
      await c.close();
    }
  });

  it('Date and time, View log files and Certificates work through the sandboxed helper', async () => {
    const c = await adminOf(vm);
    try {
      await checkServerManagerPanels(vm, c.call, say);
    } finally {
      await c.close();
    }
  });
});

describe('the console wizard on the serial console (issue #13)', () => {
  const PASSWORD = 'Wizard-admin-pass1';
  /** One bad answer at every step that can have one; a default gateway that does not answer, so the network is taken back and asked again. */
  const steps: TerminalStep[] = [
    enter('Press Enter to set it up on this console', 600),
    typed('Password of the OpenOIG administrator', 'short'),
    enter('must be 8 to 64 characters'),
    typed('Password of the OpenOIG administrator', PASSWORD),
    typed('Type the password again', 'not-the-same-one'),
    enter('The two passwords differ'),
    typed('Password of the OpenOIG administrator', PASSWORD),
    typed('Type the password again', PASSWORD),
    typed('Host name of this appliance', 'bad_name'),
    enter('The host name must be'),
    typed('Host name of this appliance', 'oig-d'),
    typed('DNS domain of this appliance', 'bad domain'),
    enter('The domain must be'),
    typed('DNS domain of this appliance', 'lab.test'),
    enter('How does this appliance get its IPv4'),
    typed('The IPv4 address of this appliance', '10.0.2.300'),
    enter('The address must be an IPv4'),
    typed('The IPv4 address of this appliance', '10.0.2.30'),
    typed('The prefix length (such as 24)', '33'),
    enter('prefix length must be 8 to 30'),
    typed('The prefix length (such as 24)', '24'),
    typed('The default gateway (a router', '10.0.3.1'),
    enter('is not on the subnet'),
    typed('The default gateway (a router', '10.0.2.9'),
    typed('One to three DNS server', 'dns.example'),
    enter('The DNS server must be'),
    typed('One to three DNS server', '10.0.2.3'),
    typed('NTP servers, separated', 'bad!'),
    enter('neither an IP address nor a host'),
    typed('NTP servers, separated', '10.0.2.2'),
    typed('Time zone, an IANA name', 'Mars/Base'),
    enter('is not a time zone'),
    typed('Time zone, an IANA name', 'Europe/Paris'),
    no('Restore the settings and data'),
    typed('The ARID to activate', 'ARID 2'),
    enter('The ARID must be 1 to 64'),
    // A physical server's ARID: the licensing server refuses it for a virtual appliance.
    typed('The ARID to activate', 'ARID-LAB-0002'),
    typed('The address of the MiVoice Business', 'mivb.lab'),
    enter("Give the MiVoice Business controller"),
    typed('The address of the MiVoice Business', '10.0.2.53'),
    enter('Apply these settings?'),
    // 10.0.2.9 does not answer: the static address is taken back and the questions come again, with the answers proposed.
    typed('Password of the OpenOIG administrator', PASSWORD, 300),
    typed('Type the password again', PASSWORD),
    enter('Host name of this appliance'),
    enter('DNS domain of this appliance'),
    enter('How does this appliance get its IPv4'),
    enter('The network did not come up'),
    enter('The IPv4 address of this appliance'),
    enter('The prefix length (such as 24)'),
    typed('The default gateway (a router', '10.0.2.2'),
    enter('One to three DNS server'),
    enter('NTP servers, separated'),
    enter('Time zone, an IANA name'),
    no('Restore the settings and data'),
    enter('The ARID to activate'),
    enter('The address of the MiVoice Business'),
    enter('Apply these settings?'),
  ];

  it('copy D: answered over the serial console by a scripted terminal, asks each step again after a bad answer, takes back a network that does not come up, applies the rest', async () => {
    await vm.stop();
    const socket = path.join(work, 'serial-d.sock');
    const t = Date.now();
    vm = await bootVm({ qemu: QEMU, disk: testDisk, format: 'raw', key: testKey, serialLog: path.join(work, 'serial-d.transcript'), serialSocket: socket, guestAddress: '10.0.2.30' });
    const driven = await driveSerialConsole(socket, steps, work, 'serial-d');
    say(`wizard over the serial console: ${steps.length} steps in ${((Date.now() - t) / 1000).toFixed(0)} s from power-on: ${driven.ok ? 'done' : `stopped at step ${driven.step} (${driven.expect})\n${driven.screen}`}`);
    expect(driven, JSON.stringify(driven)).toMatchObject({ ok: true });
    await vm.waitForSsh(BOOT_TIMEOUT_MS);
    await waitForHealth(vm, BOOT_TIMEOUT_MS);
    const journal = (await vm.ssh('journalctl -u openoig-firstboot --no-pager -o cat')).stdout;
    say(`first boot of D:\n${journal}`);
    expect(journal).toContain('no OVF environment: asking on the console');
    expect(journal).toContain('the wizard runs on ttyS0');
    expect(journal).toMatch(/network not applied: the default gateway 10\.0\.2\.9 does not answer on \S+: the previous network settings are back/);
    expect(journal).toMatch(/licence NOT activated: OIG_LICENCE_\w+: .*physical/i);
    expect(journal).toContain('MiVoice Business 10.0.2.53 added as a network element');
    expect(journal).not.toContain(PASSWORD);
    expect((await vm.ssh('hostname --fqdn')).stdout.trim()).toBe('oig-d.lab.test');
    expect((await vm.ssh('readlink /etc/localtime')).stdout.trim()).toBe('/usr/share/zoneinfo/Europe/Paris');
    expect((await vm.ssh('cat /etc/systemd/network/10-openoig-static.network')).stdout).toMatch(/Address=10\.0\.2\.30\/24\nGateway=10\.0\.2\.2\n/);
    expect(JSON.parse((await vm.ssh('cat /var/lib/openoig/firstboot-result.json')).stdout)).toMatchObject({ zeroTouch: false, settings: { hostname: 'oig-d', network: { mode: 'static', gateway: '10.0.2.2' } } });
    // The password typed in the wizard is the administrator's; the licence waits for the UI.
    const d = await adminOf(vm);
    try {
      expect((await d.call('GET', '/licence')).json.licence).toMatchObject({ state: 'unlicensed', arid: null });
    } finally {
      await d.close();
    }
    expect((await vm.ssh("sed -n 's/^OIG_ADMIN_PASSWORD=//p' /etc/openoig/secrets.env")).stdout.trim()).toBe(PASSWORD);
    expect((await vm.ssh('systemctl list-units --failed --no-legend --plain')).stdout.trim()).toBe('');
  });

  it('shuts down through Server Manager: the virtual machine powers off', async () => {
    const admin = await adminOf(vm);
    const t = Date.now();
    const off = await admin.call('POST', '/system/power', { action: 'poweroff', confirm: true });
    await admin.close();
    expect(off.status, JSON.stringify(off.json)).toBe(202);
    expect(await vm.waitForExit(300_000)).toBe(true);
    say(`shut down through the admin API to QEMU's exit: ${((Date.now() - t) / 1000).toFixed(0)} s`);
  });
});
