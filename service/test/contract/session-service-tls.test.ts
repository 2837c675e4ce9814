import https from 'node:https';
import { fileURLToPath } from 'node:url';
import * as soap from 'soap';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';

/**
 * SOAP 1.1 over HTTPS (developer guide: applications reach `https://<OIG>/mitel/oig/session/SessionService`):
 * a client built from the reference WSDL logs in over real TLS.
 */
const REFERENCE_WSDL = fileURLToPath(new URL('../../../../shared/reference/oig-wsdl-4.0/sessionManagement/SessionService.wsdl', import.meta.url));

let gw: TestGateway;
let agent: https.Agent;
beforeAll(async () => {
  gw = await startTestGateway({ tls: true });
  agent = new https.Agent({ ca: gw.mcs.ca.certPem });
});
afterAll(async () => {
  agent?.destroy();
  await gw?.close();
});

describe('SessionService over HTTPS', () => {
  it('a reference-WSDL client logs in, keeps alive and logs out over TLS', async () => {
    expect(gw.gateway.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const client = (await soap.createClientAsync(REFERENCE_WSDL)) as soap.Client & Record<string, (a: unknown, o?: unknown) => Promise<[any]>>;
    client.setEndpoint(`${gw.gateway.httpsUrl}/mitel/oig/session/SessionService`);
    const options = { httpsAgent: agent };
    const [login] = await client.loginExAsync(
      { req: { applicationName: 'LabStandard', companyName: LAB.company, applicationPassword: LAB.standard.applicationPassword, localPassword: LAB.localPassword, version: '4.0' } },
      options,
    );
    expect(login.return.attributes.result).toBe('true');
    const sessionId = login.return.attributes.sessionId;
    expect((await client.resetSessionTimerAsync({ sessionId }, options))[0].return.attributes.result).toBe('true');
    expect((await client.logoutAsync({ sessionId }, options))[0].return.attributes.result).toBe('true');
  });

  it('the WSDL fetched over HTTPS gives an https address, and an untrusting client is refused', async () => {
    const dispatcher = new Agent({ connect: { ca: gw.mcs.ca.certPem } });
    const wsdl = await (await request(`${gw.gateway.httpsUrl}/axis2/services/SessionService?wsdl`, { dispatcher })).body.text();
    expect(wsdl).toContain(`location="${gw.gateway.httpsUrl}/axis2/services/SessionService"`);
    await dispatcher.close();
    await expect(request(`${gw.gateway.httpsUrl}/health`)).rejects.toThrow(/certificate/i);
  });

  it('the administrator cookie is Secure over HTTPS', async () => {
    const dispatcher = new Agent({ connect: { ca: gw.mcs.ca.certPem } });
    const res = await request(`${gw.gateway.httpsUrl}/api/admin/login`, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: LAB.adminPassword }),
    });
    await res.body.dump();
    expect(String(res.headers['set-cookie'])).toMatch(/;\s*Secure/i);
    await dispatcher.close();
  });
});
