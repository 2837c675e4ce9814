import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabAmc, type LabAmc } from '@openoig/lab/amc';
import { startLabMcs, LAB_COMPANY, type LabMcs } from '@openoig/lab/mcs';
import * as soap from 'soap';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskWithTestKey, findOva, unpackOva, type OvaContents } from './support/artefact';
import { bootVm, type Vm } from './support/vm';

/**
 * Tests of the artefact (issue #3, "Tests of the artefact"): the built OVA's disk booted in QEMU
 * (TCG, -snapshot, forwards on 127.0.0.1 only) and checked from the outside.
 */
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const ARCH = process.env.OIG_IMAGE_ARCH ?? 'i386';
const QEMU = ARCH === 'i386' ? 'qemu-system-i386' : 'qemu-system-x86_64';
const REFERENCE_WSDL = path.join(REPO, '../shared/reference/oig-wsdl-4.0/sessionManagement/SessionService.wsdl');
const BOOT_TIMEOUT_MS = 8 * 60_000;

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
  amc = await startLabAmc({ tlsAddresses: ['10.0.2.2'] });
  ({ disk: testDisk, key: testKey } = await diskWithTestKey(contents.vmdk, work));
  const started = Date.now();
  vm = await bootVm({ qemu: QEMU, disk: testDisk, format: 'raw', key: testKey, serialLog: path.join(work, 'serial.log') });
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
    say(`OVF: ${JSON.stringify(contents.ovf)}`);
  });
});

describe('the booted appliance', () => {
  it('carries nothing of the build: no packer account, an own machine-id and own SSH host keys', async () => {
    expect((await vm.ssh('getent passwd packer', { allowFailure: true })).stdout.trim()).toBe('');
    expect((await vm.ssh('ls /etc/sudoers.d/')).stdout).not.toContain('packer');
    expect((await vm.ssh('cat /etc/machine-id')).stdout.trim()).toMatch(/^[0-9a-f]{32}$/);
    expect((await vm.ssh('ls /etc/ssh/')).stdout).toContain('ssh_host_ed25519_key');
  });

  it('has no failed units; the gateway, PostgreSQL, nginx, the helper socket and the backup timer are active; node is 32-bit', async () => {
    const failed = (await vm.ssh('systemctl list-units --failed --no-legend --plain')).stdout.trim();
    say(`failed units: ${failed || 'none'}`);
    expect(failed).toBe('');
    for (const unit of ['openoig-gateway', 'nginx', 'postgresql@17-main', 'openoig-helper.socket', 'openoig-helper-schedule.timer']) {
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

  it('after its licence is activated, a client from the reference WSDL logs in as an application the test registers, keeps alive and logs out', async () => {
    // Point the appliance at the lab certificate and licensing servers, activate the lab's
    // virtual ARID and create the application's local password.
    await writeFile(path.join(work, 'mcs-ca.pem'), mcs.ca.certPem);
    const port = new URL(mcs.url).port;
    const amcPort = new URL(amc.url).port;
    await vm.ssh(
      `cat > /etc/openoig/mcs-ca.pem <<'PEM'\n${mcs.ca.certPem}PEM\n` +
        `cat > /etc/openoig/amc-ca.pem <<'PEM'\n${amc.ca.certPem}PEM\n` +
        `sed -i '/^OIG_MCS_/d; /^OIG_AMC_/d' /etc/openoig/gateway.env && ` +
        `printf 'OIG_MCS_URL=https://10.0.2.2:${port}\\nOIG_MCS_CA_FILE=/etc/openoig/mcs-ca.pem\\nOIG_AMC_URL=https://10.0.2.2:${amcPort}\\nOIG_AMC_CA_FILE=/etc/openoig/amc-ca.pem\\n' >> /etc/openoig/gateway.env && ` +
        'systemctl restart openoig-gateway',
      { timeoutMs: 300_000 },
    );
    await waitForHealth(vm, 300_000);
    const adminPassword = (await vm.ssh("sed -n 's/^OIG_ADMIN_PASSWORD=//p' /etc/openoig/secrets.env")).stdout.trim();
    const dispatcher = new Agent({ connect: { ca: gatewayCa } });
    const base = `https://127.0.0.1:${vm.ports.https}`;
    const login = await request(`${base}/api/admin/login`, { dispatcher, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: adminPassword }) });
    const { csrfToken } = (await login.body.json()) as { csrfToken: string };
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const activated = await request(`${base}/api/admin/licence/activate`, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ arid: 'ARID-LAB-0001' }),
    });
    const licence = (await activated.body.json()) as { licence?: { state?: string; binding?: { guid?: string } } };
    expect(licence.licence?.state).toBe('active');
    say(`licence ARID-LAB-0001 activated, appliance GUID ${licence.licence?.binding?.guid}`);
    const created = await request(`${base}/api/admin/accounts`, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ companyName: LAB_COMPANY, applicationName: 'LabStandard', localPassword: 'image-test-local' }),
    });
    expect(created.statusCode).toBe(201);
    await dispatcher.close();

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

  it('comes back healthy after systemctl restart and after a reboot, without running first boot again', async () => {
    const fingerprint = async () => (await vm.ssh('openssl x509 -noout -fingerprint -sha256 -in /etc/openoig/tls/gateway.crt')).stdout.trim();
    const before = { cert: await fingerprint(), done: (await vm.ssh('cat /var/lib/openoig/firstboot.done')).stdout.trim() };

    let t = Date.now();
    await vm.ssh('systemctl restart openoig-gateway', { timeoutMs: 300_000 });
    await waitForHealth(vm, 300_000);
    say(`restart to health: ${((Date.now() - t) / 1000).toFixed(0)} s`);

    t = Date.now();
    await vm.ssh('systemctl reboot', { allowFailure: true, timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 10_000));
    await vm.waitForSsh(BOOT_TIMEOUT_MS);
    await waitForHealth(vm, BOOT_TIMEOUT_MS);
    say(`reboot to health: ${((Date.now() - t) / 1000).toFixed(0)} s`);

    expect({ cert: await fingerprint(), done: (await vm.ssh('cat /var/lib/openoig/firstboot.done')).stdout.trim() }).toEqual(before);
    const firstboot = (await vm.ssh('systemctl show -p ConditionResult --value openoig-firstboot')).stdout.trim();
    expect(firstboot).toBe('no');
    expect((await vm.ssh('systemctl list-units --failed --no-legend --plain')).stdout.trim()).toBe('');
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
    expect([200, 201]).toContain((await a.call('POST', '/network-elements', { type: 'MI_VB', address: '10.0.2.50', name: 'ICP-IMAGE', useDefaults: true })).status);
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
    expect(elementsA).toContain('10.0.2.50 ICP-IMAGE');
    await a.close();
    await vm.stop();

    // Copy B: a fresh boot of the same OVA (its own certificate, secrets and database), restored from A's backup.
    t = Date.now();
    vm = await bootVm({ qemu: QEMU, disk: testDisk, format: 'raw', key: testKey, serialLog: path.join(work, 'serial-b.log') });
    await vm.waitForSsh(BOOT_TIMEOUT_MS);
    await waitForHealth(vm, BOOT_TIMEOUT_MS);
    say(`copy B boot to health: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    expect(await settingsOf(vm)).not.toBe(settingsA);
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
