import { createSign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';

/**
 * Contract: a node-soap client generated from the REFERENCE OIG 4.0 SessionService.wsdl
 * performs every Session Management operation against the running gateway
 * (developer guide, "Mitel OIG Session Management Service"; reference/README.md for the
 * Advanced login handshake).
 */
const REFERENCE_WSDL = fileURLToPath(new URL('../../../../shared/reference/oig-wsdl-4.0/sessionManagement/SessionService.wsdl', import.meta.url));

type Client = soap.Client & Record<string, (args: unknown) => Promise<[Record<string, any>, string]>>;

let gw: TestGateway;
let client: Client;
let clientAtMitelPath: Client;

async function referenceClient(endpoint: string): Promise<Client> {
  const c = (await soap.createClientAsync(REFERENCE_WSDL)) as Client;
  c.setEndpoint(endpoint);
  return c;
}

/** Java's Arrays.toString(byte[]) of an MD5withRSA signature: what OIG clients send. */
function javaSignedBytes(data: string, privateKeyPem: string, algorithm = 'md5'): string {
  const sig = createSign(algorithm).update(Buffer.from(data, 'utf8')).sign(privateKeyPem);
  return `[${[...sig].map((b) => (b > 127 ? b - 256 : b)).join(',')}]`;
}

const standardLogin = {
  applicationName: LAB.standard.applicationName,
  companyName: LAB.company,
  applicationPassword: LAB.standard.applicationPassword,
  localPassword: LAB.localPassword,
  version: '4.0',
};

beforeAll(async () => {
  gw = await startTestGateway();
  client = await referenceClient(`${gw.url}/axis2/services/SessionService`);
  clientAtMitelPath = await referenceClient(`${gw.url}/mitel/oig/session/SessionService`);
});

afterAll(async () => {
  await gw?.close();
});

describe('SessionService through a client built from the reference WSDL', () => {
  it('loginEx opens a Standard session with a 63-bit id, and logout ends it', async () => {
    const [res] = await client.loginExAsync({ req: standardLogin });
    expect(res.return.attributes.result).toBe('true');
    const sessionId = res.return.attributes.sessionId as string;
    expect(sessionId).toMatch(/^\d{1,19}$/);
    expect(BigInt(sessionId)).toBeGreaterThan(0n);
    expect(gw.gateway.sessions.get(sessionId).type).toBe('Standard');

    const [out] = await client.logoutAsync({ sessionId });
    expect(out.return.attributes.result).toBe('true');
    expect(() => gw.gateway.sessions.get(sessionId)).toThrow(/does not exist/);
  });

  it('login (no version) and loginApp open sessions too, at both service paths', async () => {
    const [a] = await client.loginAsync({ req: { ...standardLogin, version: undefined } });
    expect(a.return.attributes.result).toBe('true');
    const [b] = await clientAtMitelPath.loginAppAsync({ req: standardLogin });
    expect(b.return.attributes.result).toBe('true');
    for (const id of [a.return.attributes.sessionId, b.return.attributes.sessionId]) await client.logoutAsync({ sessionId: id });
  });

  it('resetSessionTimer, serviceVersions and registerHAClientCallback answer for a live session', async () => {
    const [login] = await client.loginExAsync({ req: standardLogin });
    const sessionId = login.return.attributes.sessionId as string;

    const [reset] = await client.resetSessionTimerAsync({ sessionId });
    expect(reset.return.attributes.result).toBe('true');

    const [versions] = await client.serviceVersionsAsync({ sessionId });
    expect(versions.return.attributes.result).toBe('true');
    expect(versions.return.attributes.sessionId).toBe(sessionId);
    expect(versions.return.serviceVersions).toContain('SessionService=4.0');

    const [ha] = await client.registerHAClientCallbackAsync({ sessionId, callbackUri: 'https://app.example.test/oig/ha' });
    expect(ha.return.attributes.result).toBe('true');
    expect(gw.gateway.sessions.get(sessionId).haCallbackUri).toBe('https://app.example.test/oig/ha');

    const [badHa] = await client.registerHAClientCallbackAsync({ sessionId, callbackUri: 'not a url' });
    expect(badHa.return.attributes.result).toBe('false');
    expect(badHa.return.errorDescription).toMatch(/callbackUri/);

    await client.logoutAsync({ sessionId });
  });

  it('operations on an unknown or ended session answer result="false" with an errorDesc', async () => {
    const [reset] = await client.resetSessionTimerAsync({ sessionId: '12345' });
    expect(reset.return.attributes.result).toBe('false');
    expect(reset.return.errorDesc).toMatch(/does not exist or has ended/);
    const [out] = await client.logoutAsync({ sessionId: '12345' });
    expect(out.return.attributes.result).toBe('false');
    const [versions] = await client.serviceVersionsAsync({ sessionId: '12345' });
    expect(versions.return.attributes.result).toBe('false');
    expect(versions.return.attributes.sessionId).toBe('0');
  });

  it('refuses a wrong application password, a wrong local password and an unknown application by reason', async () => {
    const [wrongApp] = await client.loginExAsync({ req: { ...standardLogin, applicationPassword: 'nope' } });
    expect(wrongApp.return.attributes).toEqual({ result: 'false', sessionId: '0' });
    expect(wrongApp.return.errorDesc).toMatch(/application password/i);

    const [wrongLocal] = await client.loginExAsync({ req: { ...standardLogin, localPassword: 'nope' } });
    expect(wrongLocal.return.attributes.result).toBe('false');
    expect(wrongLocal.return.errorDesc).toBe('Local Password Invalid');

    const [unknown] = await client.loginExAsync({ req: { ...standardLogin, applicationName: 'NotRegistered' } });
    expect(unknown.return.attributes.result).toBe('false');
    expect(unknown.return.errorDesc).toMatch(/not in the access control list/);
  });

  it('loginUser and validateToken answer an explicit "not available" fault', async () => {
    await expect(client.validateTokenAsync({ token: 'x' })).rejects.toMatchObject({
      root: { Envelope: { Body: { Fault: { faultstring: expect.stringMatching(/not available/) } } } },
    });
  });
});

describe('Advanced login (certificate + signed challenge)', () => {
  const advancedLogin = async (certificate: string) => {
    const [res] = await client.loginExAsync({
      req: {
        applicationName: LAB.advanced.applicationName,
        companyName: LAB.company,
        applicationPassword: LAB.advanced.applicationPassword,
        localPassword: LAB.localPassword,
        version: '4.0',
        certificate,
      },
    });
    return res.return;
  };

  it('loginEx with the certificate returns authenticationData; authenticate with MD5withRSA makes the session Advanced', async () => {
    const cert = await readFile(gw.files.certificateFile, 'utf8');
    const key = await readFile(gw.files.privateKeyFile, 'utf8');
    const login = await advancedLogin(cert);
    expect(login.attributes.result).toBe('true');
    expect(login.authenticationData).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    const sessionId = login.attributes.sessionId as string;
    expect(gw.gateway.sessions.get(sessionId).type).toBe('Standard');

    const [auth] = await client.authenticateAsync({
      req: { attributes: { sessionId }, signedAuthenticationData: javaSignedBytes(login.authenticationData, key) },
    });
    expect(auth.return.attributes).toEqual({ sessionId, result: 'true' });
    expect(gw.gateway.sessions.get(sessionId).type).toBe('Advanced');
    await client.logoutAsync({ sessionId });
  });

  it('accepts a base64 SHA256withRSA signature and a base64 DER certificate too', async () => {
    const certPem = await readFile(gw.files.certificateFile, 'utf8');
    const der = certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const key = await readFile(gw.files.privateKeyFile, 'utf8');
    const login = await advancedLogin(der);
    const sessionId = login.attributes.sessionId as string;
    const signature = createSign('sha256').update(login.authenticationData).sign(key).toString('base64');
    const [auth] = await client.authenticateAsync({ req: { attributes: { sessionId }, signedAuthenticationData: signature } });
    expect(auth.return.attributes.result).toBe('true');
    await client.logoutAsync({ sessionId });
  });

  it('a wrong signature is refused and the session stays Standard; the challenge cannot be retried', async () => {
    const cert = await readFile(gw.files.certificateFile, 'utf8');
    const otherKey = gw.mcs.issueApplicationCertificate(LAB.company, LAB.advanced.applicationName).keyPem;
    const login = await advancedLogin(cert);
    const sessionId = login.attributes.sessionId as string;
    const [auth] = await client.authenticateAsync({
      req: { attributes: { sessionId }, signedAuthenticationData: javaSignedBytes(login.authenticationData, otherKey) },
    });
    expect(auth.return.attributes.result).toBe('false');
    expect(auth.return.errorDescription).toMatch(/signature does not match/);
    expect(gw.gateway.sessions.get(sessionId).type).toBe('Standard');

    const key = await readFile(gw.files.privateKeyFile, 'utf8');
    const [again] = await client.authenticateAsync({
      req: { attributes: { sessionId }, signedAuthenticationData: javaSignedBytes(login.authenticationData, key) },
    });
    expect(again.return.attributes.result).toBe('false');
    expect(again.return.errorDescription).toMatch(/no authentication data/);
    await client.logoutAsync({ sessionId });
  });

  it('refuses a certificate from a foreign CA, an expired one, and one issued to another application', async () => {
    const { startLabMcs } = await import('@openoig/lab/mcs');
    const foreign = await startLabMcs();
    try {
      const foreignCert = foreign.issueApplicationCertificate(LAB.company, LAB.advanced.applicationName).certPem;
      expect((await advancedLogin(foreignCert)).errorDesc).toMatch(/not issued by the Mitel certificate server CA/);
    } finally {
      await foreign.stop();
    }
    const expired = gw.mcs.issueApplicationCertificate(LAB.company, LAB.advanced.applicationName, {
      notBefore: new Date(Date.now() - 3 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    }).certPem;
    const expiredAnswer = await advancedLogin(expired);
    expect(expiredAnswer.attributes.result).toBe('false');
    expect(expiredAnswer.errorDesc).toMatch(/not valid now/);

    const otherApp = gw.mcs.issueApplicationCertificate(LAB.company, 'SomeoneElse').certPem;
    expect((await advancedLogin(otherApp)).errorDesc).toMatch(/for 'SomeoneElse'/);
    expect((await advancedLogin('garbage')).errorDesc).toMatch(/not a PEM or base64 DER/);
  });

  it('a Standard-only application presenting a certificate is refused', async () => {
    const cert = gw.mcs.issueApplicationCertificate(LAB.company, LAB.standard.applicationName).certPem;
    const [res] = await client.loginExAsync({ req: { ...standardLogin, certificate: cert } });
    expect(res.return.attributes.result).toBe('false');
    expect(res.return.errorDesc).toMatch(/Standard services only/);
  });
});

// Keep the reference path visible in failure output: the contract is the file, not our copy of it.
export const referenceWsdl = path.relative(process.cwd(), REFERENCE_WSDL);

describe('Axis2 endpoint forms through a client built from the reference WSDL (issue #11)', () => {
  for (const path of ['/axis2/services/SessionService/', '/axis2/services/SessionService.SessionServiceHttpSoap11Endpoint/', '/axis2/services/SessionService.SessionServiceHttpSoap11Endpoint']) {
    it(`logs in and out with the endpoint set to ${path}`, async () => {
      const c = await referenceClient(`${gw.url}${path}`);
      const [login] = await c.loginExAsync({ req: standardLogin });
      expect(login.return.attributes.result).toBe('true');
      const [out] = await c.logoutAsync({ sessionId: login.return.attributes.sessionId });
      expect(out.return.attributes.result).toBe('true');
    });
  }
});
