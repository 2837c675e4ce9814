import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, expectText, keepScreenshotOnFailure } from '../../../admin-ui/test/support/browser';
import { Certificates, servedFingerprint } from '../src/system/certificates';
import { adminSession } from './support/admin-session';
import { quietLog, startPanelHarness, type PanelHarness } from './support/panel-harness';

/**
 * Server Manager > Certificates (issue #13), in Debian's Chromium against the real gateway and the
 * real helper. A TLS server in this test stands in for nginx: it presents gateway.crt/gateway.key
 * and loads them again on SIGUSR2, which is what its reload sends here (`kill -USR2`; Playwright closes the browser on SIGHUP), so the
 * helper's check of what is presented after a reload is real. A test CA (root, intermediate) made
 * with openssl signs the certificates.
 */
let harness: PanelHarness;
let page: Page;
let tlsDir: string;
let work: string;
let nginx: tls.Server;
let nginxPort = 0;
/** The helper's clock: moved forward to see the expiry warning. */
let clockOffsetMs = 0;
/** Off: the stand-in ignores the reload, as an nginx that refuses the new files keeps the old ones. */
let reloadTakes = true;

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const file = (name: string) => readFileSync(path.join(work, name), 'utf8');

function loadPair(): void {
  nginx.setSecureContext({ cert: readFileSync(path.join(tlsDir, 'gateway.crt')), key: readFileSync(path.join(tlsDir, 'gateway.key')) });
}

/** A CA (root → intermediate) and certificates it signs. */
function makeTestCa(): void {
  const ext = (name: string, text: string) => writeFileSyncIn(name, text);
  ext('ca.ext', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  ext('leaf.ext', 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:oig.lab.test,IP:10.0.2.20\n');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-days', '30', '-subj', '/O=Lab/CN=Lab Root CA');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/O=Lab/CN=Lab Issuing CA');
  openssl('x509', '-req', '-in', 'int.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.crt', '-days', '30', '-extfile', 'ca.ext');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/O=Lab/CN=oig.lab.test');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'int.crt', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '20', '-extfile', 'leaf.ext');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.csr', '-subj', '/CN=other.lab.test');
}

function writeFileSyncIn(name: string, text: string): void {
  writeFileSync(path.join(work, name), text);
}

beforeAll(async () => {
  harness = await startPanelHarness('certificates', async (app) => {
    tlsDir = app.config.tls.dir;
    work = app.scratch;
    makeTestCa();
    // First boot's kind of certificate: self-signed for the host name.
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(tlsDir, 'gateway.key'), '-out', path.join(tlsDir, 'gateway.crt'), '-days', '3650', '-subj', '/O=OpenOIG/CN=oig-a.lab.test');
    nginx = tls.createServer({ cert: readFileSync(path.join(tlsDir, 'gateway.crt')), key: readFileSync(path.join(tlsDir, 'gateway.key')) }, (socket) => socket.end());
    await new Promise<void>((resolve) => nginx.listen(0, '127.0.0.1', resolve));
    nginxPort = (nginx.address() as { port: number }).port;
    process.on('SIGUSR2', () => reloadTakes && loadPair());
    const certificates = new Certificates({
      tlsDir,
      stateDir: app.config.stateDir,
      log: quietLog,
      now: () => Date.now() + clockOffsetMs,
      reload: async () => void execFileSync('kill', ['-USR2', String(process.pid)]),
      served: () => servedFingerprint('127.0.0.1', nginxPort),
      makeCsr: async (keyFile, subject, altNames) => openssl('req', '-new', '-sha256', '-key', keyFile, '-subj', subject, '-addext', `subjectAltName=${altNames.join(',')}`),
    });
    return { certificates };
  });
  ({ page } = harness);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await new Promise((r) => nginx?.close(r));
});

const presented = () => servedFingerprint('127.0.0.1', nginxPort);
const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;
const outcome = () => page.locator('.pf-v6-c-alert').first();

/** Pastes into the install form and presses Install. */
async function install(certificate: string, chain: string, key: string): Promise<void> {
  await page.locator('#certificate-pem').fill(certificate);
  await page.locator('#certificate-chain').fill(chain);
  await page.locator('#certificate-key').fill(key);
  await page.getByRole('button', { name: 'Install', exact: true }).click();
}

describe('Server Manager, Certificates', () => {
  keepScreenshotOnFailure(() => page);

  it('shows the self-signed certificate first boot made', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Certificates' }).click();
    await page.getByRole('heading', { name: 'Certificates', level: 1 }).waitFor();
    await expectText(page.locator('#certificate-now'), 'oig-a.lab.test (self-signed)');
    await expectText(page.locator('#certificate-now'), fingerprintOf(await readFile(path.join(tlsDir, 'gateway.crt'), 'utf8')));
    await expectNoSeriousA11yViolations(page, 'the Certificates page');
  });

  it('refuses, with the reason, a key that is not the certificate’s, a chain out of order, and text that is not PEM; nothing changes', async () => {
    const before = await readFile(path.join(tlsDir, 'gateway.crt'), 'utf8');
    const form = page.locator('#certificate-install');
    await install(file('leaf.crt'), file('int.crt'), file('other.key'));
    await expectText(form, 'The key does not belong to the certificate.');
    await install(file('leaf.crt'), file('root.crt') + file('int.crt'), file('leaf.key'));
    await expectText(form, 'The chain is not in order: "oig.lab.test" was not issued by "Lab Root CA"');
    await install('not a certificate', '', file('leaf.key'));
    await expectText(form, 'has text that is not a PEM certificate');
    expect(await readFile(path.join(tlsDir, 'gateway.crt'), 'utf8')).toBe(before);
    expect(await presented()).toBe(fingerprintOf(before));
  });

  it('installs a CA-signed certificate with its chain and key: nginx presents it, the key stays root’s only', async () => {
    await install(file('leaf.crt'), file('int.crt') + file('root.crt'), file('leaf.key'));
    await expectText(outcome(), 'The certificate for oig.lab.test is installed and presented now (issued by Lab Issuing CA).');
    await expectText(page.locator('#certificate-now'), 'Lab Issuing CA → Lab Root CA');
    await expectText(page.locator('#certificate-now'), 'DNS:oig.lab.test, IP Address:10.0.2.20');
    expect(await presented()).toBe(fingerprintOf(file('leaf.crt')));
    // Served with its chain, so a client that trusts only the root accepts it.
    const chain = await new Promise<string[]>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: nginxPort, servername: 'oig.lab.test', ca: file('root.crt') }, () => {
        const names: string[] = [];
        for (let c = s.getPeerCertificate(true); c && !names.includes(String(c.subject.CN)); c = c.issuerCertificate) names.push(String(c.subject.CN));
        s.end();
        resolve(names);
      });
      s.once('error', reject);
    });
    expect(chain).toEqual(['oig.lab.test', 'Lab Issuing CA', 'Lab Root CA']);
    expect((await stat(path.join(tlsDir, 'gateway.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(tlsDir, 'gateway.crt.previous'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('takes the previous certificate back when nginx does not present the new one after the reload', async () => {
    const before = await readFile(path.join(tlsDir, 'gateway.crt'), 'utf8');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'int.crt', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'leaf2.crt', '-days', '20', '-extfile', 'leaf.ext');
    reloadTakes = false;
    try {
      await install(file('leaf2.crt'), file('int.crt'), file('leaf.key'));
      await expectText(page.locator('#certificate-install'), 'nginx did not take the certificate, so the previous one is back');
    } finally {
      reloadTakes = true;
    }
    expect(await readFile(path.join(tlsDir, 'gateway.crt'), 'utf8')).toBe(before);
    expect(await presented()).toBe(fingerprintOf(before));
  });

  it('makes a key and signing request here; the certificate signed for it installs without a key', async () => {
    const panel = page.locator('#certificate-request');
    await page.locator('#csr-common-name').fill('oig a');
    await page.locator('#csr-alt-names').fill('oig.lab.test, 10.0.2.300');
    await page.locator('#csr-country').fill('Canada');
    await page.getByRole('button', { name: 'Make a request' }).click();
    await expectText(panel, 'The common name has to be the host name clients use');
    await expectText(panel, 'Not a host name or IPv4 address: 10.0.2.300');
    await expectText(panel, 'The country is two capital letters');

    await page.locator('#csr-common-name').fill('oig-b.lab.test');
    await page.locator('#csr-alt-names').fill('oig.lab.test, 10.0.2.21');
    await page.locator('#csr-country').fill('CA');
    await page.locator('#csr-organization').fill('Lab Co');
    await page.getByRole('button', { name: 'Make a request' }).click();
    await expectText(outcome(), 'A new key and its signing request are made');
    await expectText(panel, 'for oig-b.lab.test, oig.lab.test, 10.0.2.21');
    const csr = (await harness.helper.certificates.view()).request!.pem;
    writeFileSyncIn('made.csr', csr);
    expect(openssl('req', '-noout', '-subject', '-in', 'made.csr')).toContain('C = CA, O = Lab Co, CN = oig-b.lab.test');
    // The CA signs it (with the names it asked for); pasted without a key.
    writeFileSyncIn('made.ext', 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:oig-b.lab.test,DNS:oig.lab.test,IP:10.0.2.21\n');
    openssl('x509', '-req', '-in', 'made.csr', '-CA', 'int.crt', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'made.crt', '-days', '20', '-extfile', 'made.ext');
    await install(file('leaf.crt'), '', '');
    await expectText(page.locator('#certificate-install'), 'The certificate is not for the key of the signing request made here');
    await install(file('made.crt'), file('int.crt'), '');
    await expectText(outcome(), 'The certificate for oig-b.lab.test is installed and presented now');
    expect(await presented()).toBe(fingerprintOf(file('made.crt')));
    expect((await harness.helper.certificates.view()).request).toBeNull();
    await expectText(panel, 'Makes a new key on the appliance');
  });

  it('warns on the Overview when the certificate ends within 30 days; the API refuses bad bodies field by field', async () => {
    const admin = await adminSession(harness.app.baseUrl, harness.app.adminPassword);
    expect((await admin.call('GET', '/overview')).json.certificate).toMatchObject({ subject: 'oig-b.lab.test', expiring: true, selfSigned: false });
    await page.getByRole('link', { name: 'OIG', exact: true }).first().click().catch(() => page.goto(`${harness.app.baseUrl}/admin/`));
    await expectText(page.locator('#overview-certificate-warning'), /The TLS certificate for oig-b\.lab\.test expires in (19|20) days/);
    clockOffsetMs = 25 * 86_400_000;
    await page.reload();
    await expectText(page.locator('#overview-certificate-warning'), 'The TLS certificate for oig-b.lab.test has expired');
    // An expired certificate is refused (the clock says it ended).
    const expired = await admin.call('PUT', '/certificate', { certificate: file('leaf.crt'), chain: file('int.crt'), key: file('leaf.key') });
    expect([expired.status, expired.json.code, expired.json.message]).toEqual([422, 'OIG_CERTIFICATE_REFUSED', expect.stringContaining('The certificate expired on')]);
    clockOffsetMs = 0;
    const unknown = await admin.call('PUT', '/certificate', { certificate: file('leaf.crt'), path: '/etc/shadow' });
    expect([unknown.status, unknown.json.code]).toEqual([400, 'OIG_REST_INVALID_REQUEST']);
    const csr = await admin.call('POST', '/certificate/request', { commonName: 'oig.lab.test/CN=evil', altNames: [] });
    expect([csr.status, Object.keys(csr.json.fields)]).toEqual([400, ['commonName']]);
  });
});
