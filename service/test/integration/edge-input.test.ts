import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../support/admin-client';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { envelope, loginExEnvelope, postSoap } from '../support/soap';

/**
 * Issue #11 "Hardening": what the edge of every API refuses before it can reach storage as an
 * OIG_INTERNAL failure. A NUL (PostgreSQL text cannot hold one) or another control character in
 * a text field, naming the field; and what the fuzz suite found: an unbounded number coerced
 * from a path or query (`1e309`), and a path the router refuses itself, which answered in
 * fastify's own JSON.
 */
let gw: TestGateway;
let admin: AdminClient;

beforeAll(async () => {
  gw = await startTestGateway();
  admin = await AdminClient.login(gw.url);
});
afterAll(async () => {
  await gw?.close();
});

const REST_PATH = '/mitel/oig/rest/resources/v1/sessions';
const credentials = {
  companyName: LAB.company,
  applicationName: LAB.standard.applicationName,
  applicationPassword: LAB.standard.applicationPassword,
  localPassword: LAB.localPassword,
  version: '4.0',
};

async function rest(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, json: await res.body.json() };
}

const invalidFields = (fields: Record<string, unknown>) => ({ status: 400, json: { code: 'OIG_ADMIN_INVALID_FIELDS', fields } });
const CONTROL_MESSAGE = 'Must not contain control characters';

describe('admin API', () => {
  it('refuses a NUL in a network element name with 400 naming the field, and stores nothing', async () => {
    const res = await admin.call('POST', '/network-elements', { type: 'MI_VB', address: '127.1.0.40', name: 'ICP\u0000-40', useDefaults: true });
    expect(res).toMatchObject(invalidFields({ name: CONTROL_MESSAGE }));
    expect((await admin.call('GET', '/network-elements')).json).toEqual([]);
  });

  it('refuses a NUL in the usage report recipient with 400 naming the field', async () => {
    expect(await admin.call('PUT', '/usage-report/recipient', { recipient: 'ops\u0000@example.com' })).toMatchObject(invalidFields({ recipient: CONTROL_MESSAGE }));
    expect((await admin.call('GET', '/usage-report')).json.recipient).toBeNull();
  });

  it('refuses any control character in a name or address, also in nested settings', async () => {
    for (const bad of ['\u0001', '\t', '\n', '\u001f', '\u007f', '\u0085']) {
      expect(await admin.call('PUT', '/usage-report/smtp', { host: `mail${bad}.example.com`, port: 25, security: 'none', sender: 'oig@example.com' })).toMatchObject(
        invalidFields({ host: CONTROL_MESSAGE }),
      );
    }
    expect(await admin.call('POST', '/accounts', { companyName: `${LAB.company}\n`, applicationName: LAB.standard.applicationName, localPassword: 'abcd' })).toMatchObject(
      invalidFields({ companyName: CONTROL_MESSAGE }),
    );
    const mivb = { outsidePrefix: '9', localCountryCode: '1', longDistancePrefix: '1', internationalPrefix: '011', localAreaCodes: ['613', '6\u00001'], maxExtensionLength: 5, inboundTrunkServiceDigits: '' };
    expect(await admin.call('PUT', '/network-element-defaults/mivb', mivb)).toMatchObject(invalidFields({ localAreaCodes: CONTROL_MESSAGE }));
  });

  it('keeps the line breaks of a PEM text but refuses a NUL in it', async () => {
    const smtp = { host: 'mail.example.com', port: 25, security: 'none', sender: 'oig@example.com' };
    const pem = (await readFile(gw.files.caFile, 'utf8')).trim().replaceAll('\n', '\r\n');
    expect(await admin.call('PUT', '/usage-report/smtp', { ...smtp, caPem: `${pem}\u0000` })).toMatchObject(invalidFields({ caPem: CONTROL_MESSAGE }));
    const saved = await admin.call('PUT', '/usage-report/smtp', { ...smtp, caPem: pem });
    expect(saved.status).toBe(200);
    expect(saved.json.smtp.caPem).toBe(`${pem}\n`);
  });

  it('refuses a NUL in a query string', async () => {
    expect(await admin.call('GET', '/usage-report/deliveries?limit=1%00')).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });
  });
});

describe('REST sessions', () => {
  it('refuses a NUL in a login field of the query with 400 naming the field', async () => {
    const res = await rest('GET', `${REST_PATH}?${new URLSearchParams({ ...credentials, version: '4.0\u0000' })}`);
    expect(res).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });
    expect(res.json.message).toMatch(/version must not contain control characters/);
    expect(gw.gateway.sessions.count()).toBe(0);
  });

  it('refuses a NUL in a login field of a JSON body on the GET, with the query string rules', async () => {
    const res = await rest('GET', REST_PATH, { ...credentials, companyName: `${LAB.company}\u0000` });
    expect(res).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });
    expect(res.json.message).toMatch(/companyName must not contain control characters/);
    const tooLong = await rest('GET', REST_PATH, { ...credentials, version: 'v'.repeat(257) });
    expect(tooLong).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });
    expect(gw.gateway.sessions.count()).toBe(0);
  });

  it('refuses a NUL in the session id of a PUT body or query', async () => {
    expect(await rest('PUT', REST_PATH, { sessionId: '1\u0000' })).toMatchObject({ status: 400 });
    expect(await rest('PUT', `${REST_PATH}?sessionId=1%00`)).toMatchObject({ status: 400 });
  });
});

describe('SOAP', () => {
  const codeOf = (body: string) => /code="(OIG_[A-Z_]+)"/.exec(body)?.[1];

  it('answers a NUL or another C0 control, raw or as a character reference, with the malformed XML fault', async () => {
    const sessionsBefore = gw.gateway.sessions.count();
    for (const bad of ['&#0;', '&#x0;', '\u0000', '&#1;', '\u001b', '&#x7;']) {
      const res = await postSoap(gw.url, loginExEnvelope({ ...credentials, version: `4.0${bad}` }));
      expect(res.status, bad).toBe(500);
      expect(codeOf(res.body), bad).toBe('OIG_SOAP_MALFORMED_XML');
      expect(res.body).toContain('<faultcode>soapenv:Client</faultcode>');
    }
    const inAttribute = await postSoap(gw.url, envelope('<s:logout x="&#0;"><s:sessionId>1</s:sessionId></s:logout>'));
    expect(codeOf(inAttribute.body)).toBe('OIG_SOAP_MALFORMED_XML');
    expect(gw.gateway.sessions.count()).toBe(sessionsBefore);
  });
});

describe('numbers and paths', () => {
  it('refuses 1e309 and Infinity as an admin path id or query limit with 400, not 500', async () => {
    for (const [method, path] of [
      ['GET', '/accounts/1e309'],
      ['DELETE', '/accounts/Infinity'],
      ['GET', '/usage-report/deliveries?limit=1e309'],
    ] as const) {
      expect(await admin.call(method, path), path).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });
    }
  });

  it('answers a path the router refuses in the form of its API: JSON for REST and admin, a SOAP fault for SOAP', async () => {
    expect(await rest('PUT', `${REST_PATH}/${'1'.repeat(101)}`)).toMatchObject({ status: 414, json: { code: 'OIG_REST_INVALID_REQUEST' } });
    expect(await rest('DELETE', `${REST_PATH}/%zz`)).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });
    expect(await admin.call('GET', '/accounts/%')).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });
    const soap = await postSoap(gw.url, envelope('<s:logout><s:sessionId>1</s:sessionId></s:logout>'), { path: '/axis2/services/SessionService/%zz' });
    expect(soap.status).toBe(404);
    expect(/code="(OIG_[A-Z_]+)"/.exec(soap.body)?.[1]).toBe('OIG_SOAP_UNKNOWN_ENDPOINT');
  });
});
