import { X509Certificate, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readMcsFixture, startLabMcs } from '../src/mcs/index';

describe('lab MCS', () => {
  it('serves a signed ACL over TLS from its CA, with hashed passwords and increasing issue times', async () => {
    const mcs = await startLabMcs();
    const dispatcher = new Agent({ connect: { ca: mcs.ca.certPem } });
    try {
      const fetchAcl = async () => (await (await request(`${mcs.url}/acl`, { dispatcher })).body.json()) as { payload: string; signature: string };
      const first = await fetchAcl();
      const bytes = Buffer.from(first.payload, 'base64');
      expect(verify('sha256', bytes, new X509Certificate(mcs.ca.certPem).publicKey, Buffer.from(first.signature, 'base64'))).toBe(true);
      const acl = JSON.parse(bytes.toString('utf8'));
      expect(acl.format).toBe('openoig-acl/1');
      expect(acl.applications.map((a: { applicationName: string }) => a.applicationName)).toEqual(['LabStandard', 'LabAdvanced', 'LabRecorder']);
      expect(bytes.toString('utf8')).not.toContain('lab-standard-secret');
      const second = JSON.parse(Buffer.from((await fetchAcl()).payload, 'base64').toString('utf8'));
      expect(Date.parse(second.issuedAt)).toBeGreaterThan(Date.parse(acl.issuedAt));

      mcs.setFailing(true);
      expect((await request(`${mcs.url}/acl`, { dispatcher })).statusCode).toBe(503);
      expect((await request(`${mcs.url}/nothing`, { dispatcher })).statusCode).toBe(404);
    } finally {
      await dispatcher.close();
      await mcs.stop();
    }
  });

  it('issues application certificates naming the application and company', async () => {
    const mcs = await startLabMcs();
    try {
      const issued = new X509Certificate(mcs.issueApplicationCertificate('Acme', 'Rec').certPem);
      expect(issued.subject).toBe('CN=Rec\nO=Acme');
      expect(issued.checkIssued(new X509Certificate(mcs.ca.certPem))).toBe(true);
    } finally {
      await mcs.stop();
    }
  });

  it('explains what is wrong with a fixture file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mcs-fixture-'));
    const file = path.join(dir, 'f.json');
    try {
      await writeFile(file, JSON.stringify({ applications: [{ companyName: 'A', applicationName: 'B', applicationPassword: 'c', type: 'Gold' }] }));
      await expect(readMcsFixture(file)).rejects.toThrow(/applications\[0\]\.type must be Standard or Advanced/);
      await writeFile(file, '[]');
      await expect(readMcsFixture(file)).rejects.toThrow(/expected \{ "applications"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
