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
  const t = Date.now();
  const installed = await call('PUT', '/certificate', { certificate: lab.certificate, chain: lab.chain, key: lab.key });
  expect(installed.status, JSON.stringify(installed.json)).toBe(200);
  say(`CA-signed certificate installed and presented in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  expect(await presented(vm.ports.https, lab.root)).toBe(new X509Certificate(lab.certificate).fingerprint256);
  expect((await vm.ssh('stat -c %a /etc/openoig/tls/gateway.key; systemctl is-active nginx')).stdout).toBe('600\nactive\n');
  expect(installed.json.certificate).toMatchObject({ subject: 'oig-c.lab.test', issuer: 'Lab Issuing CA', expiring: false, selfSigned: false });
  // No more calls through `call` after this: its client trusts the certificate that was replaced.
}
