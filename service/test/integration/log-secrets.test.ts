import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { loginExEnvelope, postSoap } from '../support/soap';

/** Brief, "Security": passwords, local passwords, keys and certificates never reach a log. */
let gw: TestGateway;
let logs = '';
beforeAll(async () => {
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    logs += chunk.toString('utf8');
  });
  gw = await startTestGateway({ config: { logLevel: 'trace' }, logDestination: sink });
});
afterAll(async () => {
  await gw?.close();
});

it('logs of logins, failures, Advanced logins and admin calls carry no secret', async () => {
  const certificate = await readFile(gw.files.certificateFile, 'utf8');
  const key = await readFile(gw.files.privateKeyFile, 'utf8');
  const secrets = [LAB.standard.applicationPassword, LAB.advanced.applicationPassword, LAB.localPassword, 'wrong-local-pw', 'admin-attempt-pw'];

  for (const localPassword of [LAB.localPassword, 'wrong-local-pw']) {
    await postSoap(gw.url, loginExEnvelope({ companyName: LAB.company, ...LAB.advanced, localPassword, certificate }));
  }
  const q = new URLSearchParams({ companyName: LAB.company, applicationName: 'LabStandard', applicationPassword: LAB.standard.applicationPassword, localPassword: 'wrong-local-pw', version: '4.0' });
  await (await request(`${gw.url}/mitel/oig/rest/resources/v1/sessions?${q}`)).body.dump();
  await (
    await request(`${gw.url}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'admin-attempt-pw' }) })
  ).body.dump();
  await new Promise((r) => setTimeout(r, 200));

  expect(logs).toContain('session opened');
  expect(logs).toContain('Local Password Invalid');
  for (const secret of secrets) expect(logs).not.toContain(secret);
  const certBody = certificate.split('\n')[1] as string;
  const keyBody = key.split('\n')[1] as string;
  expect(logs).not.toContain(certBody.slice(0, 40));
  expect(logs).not.toContain(keyBody.slice(0, 40));
});
