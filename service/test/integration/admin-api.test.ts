import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';

/**
 * Admin API for application accounts (installation guide, "Application Accounts Tab" and
 * "Create Application Local Password panel"): administrator login, CSRF protection,
 * local passwords per ACL application, the latest applications list from the MCS.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  gw.mcs.upsertApplication({ companyName: 'Acme Recorders', applicationName: 'AcmeRec', applicationPassword: 'acme-secret', type: 'Standard' });
  gw.mcs.upsertApplication({ companyName: 'Late Co', applicationName: 'LateApp', applicationPassword: 'late', type: 'Advanced' });
});
afterAll(async () => {
  await gw?.close();
});

interface Admin {
  cookie: string;
  csrf: string;
}

async function api(method: string, path: string, options: { admin?: Admin; body?: unknown; csrf?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.admin) headers.cookie = options.admin.cookie;
  const csrf = options.csrf === undefined ? options.admin?.csrf : options.csrf;
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await request(`${gw.url}/api/admin${path}`, { method: method as 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : undefined, setCookie: res.headers['set-cookie'] };
}

async function adminLogin(): Promise<Admin> {
  const res = await api('POST', '/login', { body: { password: LAB.adminPassword } });
  expect(res.status).toBe(200);
  const cookie = String(res.setCookie).split(';')[0] as string;
  expect(String(res.setCookie)).toMatch(/HttpOnly/i);
  expect(String(res.setCookie)).toMatch(/SameSite=Strict/i);
  return { cookie, csrf: res.json.csrfToken };
}

async function restLogin(applicationName: string, applicationPassword: string, localPassword: string) {
  const q = new URLSearchParams({ companyName: applicationName === 'AcmeRec' ? 'Acme Recorders' : LAB.company, applicationName, applicationPassword, localPassword, version: '4.0' });
  const res = await request(`${gw.url}/mitel/oig/rest/resources/v1/sessions?${q}`);
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, string> };
}

describe('administrator login', () => {
  it('refuses calls without a login (401) and a wrong password (401)', async () => {
    expect(await api('GET', '/accounts')).toMatchObject({ status: 401, json: { code: 'OIG_ADMIN_UNAUTHENTICATED' } });
    expect(await api('POST', '/login', { body: { password: 'wrong' } })).toMatchObject({ status: 401, json: { code: 'OIG_ADMIN_WRONG_PASSWORD' } });
    // Unknown fields are refused here too, before the password is even looked at.
    expect(await api('POST', '/login', { body: { password: LAB.adminPassword, remember: true } })).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });
    expect(await api('GET', '/accounts', { admin: { cookie: 'oig_admin=forged', csrf: '' } })).toMatchObject({ status: 401 });
  });

  it('refuses state changes without the CSRF token (403) and ends with logout', async () => {
    const admin = await adminLogin();
    expect((await api('GET', '/accounts', { admin })).status).toBe(200);
    expect(await api('POST', '/acl/refresh', { admin, csrf: null })).toMatchObject({ status: 403, json: { code: 'OIG_ADMIN_CSRF_REJECTED' } });
    expect(await api('POST', '/acl/refresh', { admin, csrf: 'wrong' })).toMatchObject({ status: 403 });
    expect((await api('POST', '/logout', { admin })).status).toBe(200);
    expect((await api('GET', '/accounts', { admin })).status).toBe(401);
  });
});

describe('application accounts', () => {
  it('lists the ACL applications with their account and session count', async () => {
    const admin = await adminLogin();
    await api('POST', '/acl/refresh', { admin });
    const live = await restLogin(LAB.standard.applicationName, LAB.standard.applicationPassword, LAB.localPassword);
    const apps = (await api('GET', '/applications', { admin })).json as Array<Record<string, unknown>>;
    expect(apps).toContainEqual(expect.objectContaining({ applicationName: 'AcmeRec', companyName: 'Acme Recorders', accountId: null, type: 'Standard' }));
    expect(apps.find((a) => a.applicationName === LAB.standard.applicationName)).toMatchObject({ activeSessions: 1, revoked: false });
    await request(`${gw.url}/mitel/oig/rest/resources/v1/sessions/${live.json.sessionId}`, { method: 'DELETE' });
  });

  it('creates a local password for an ACL application; the application can then log in', async () => {
    const admin = await adminLogin();
    await api('POST', '/acl/refresh', { admin });
    expect((await restLogin('AcmeRec', 'acme-secret', 'acme-local')).json.code).toBe('OIG_SESSION_NO_LOCAL_ACCOUNT');
    const created = await api('POST', '/accounts', { admin, body: { companyName: 'Acme Recorders', applicationName: 'AcmeRec', localPassword: 'acme-local' } });
    expect(created).toMatchObject({ status: 201, json: { applicationName: 'AcmeRec', enabled: true, activeSessions: 0, inAcl: true } });
    expect(JSON.stringify(created.json)).not.toMatch(/scrypt|acme-local/);
    expect((await restLogin('AcmeRec', 'acme-secret', 'acme-local')).status).toBe(200);

    const again = await api('POST', '/accounts', { admin, body: { companyName: 'Acme Recorders', applicationName: 'AcmeRec', localPassword: 'other-pw' } });
    expect(again).toMatchObject({ status: 409, json: { code: 'OIG_ACCOUNT_EXISTS' } });
  });

  it('validates input: unknown application, short password, extra fields', async () => {
    const admin = await adminLogin();
    expect(await api('POST', '/accounts', { admin, body: { companyName: 'Nobody', applicationName: 'Ghost', localPassword: 'long-enough' } })).toMatchObject({
      status: 422,
      json: { code: 'OIG_ACCOUNT_APPLICATION_NOT_IN_ACL' },
    });
    const short = await api('POST', '/accounts', { admin, body: { companyName: LAB.company, applicationName: 'X', localPassword: 'abc' } });
    // Refused by the schema, answered like the domain's field checks: a message for the form's field.
    expect(short).toMatchObject({ status: 400, json: { code: 'OIG_ADMIN_INVALID_FIELDS', fields: { localPassword: 'Must be at least 4 characters' } } });
    expect(short.json.message).toMatch(/localPassword/);
    const extra = await api('POST', '/accounts', { admin, body: { companyName: 'a', applicationName: 'b', localPassword: 'long-enough', admin: true } });
    expect(extra.status).toBe(400);
    expect(await api('PATCH', '/accounts/999999', { admin, body: { enabled: false } })).toMatchObject({ status: 404, json: { code: 'OIG_ACCOUNT_NOT_FOUND' } });
    expect(await api('PATCH', '/accounts/abc', { admin, body: { enabled: false } })).toMatchObject({ status: 400 });
    expect(await api('PATCH', '/accounts/1', { admin, body: {} })).toMatchObject({ status: 400 });
  });

  it('a change of password and state is applied whole or not at all', async () => {
    const admin = await adminLogin();
    const created = await api('POST', '/acl/refresh', { admin }).then(() =>
      api('POST', '/accounts', { admin, body: { companyName: 'Late Co', applicationName: 'LateApp', localPassword: 'late-local' } }),
    );
    const id = created.json.id as number;
    const refused = await api('PATCH', `/accounts/${id}`, { admin, body: { localPassword: 'bad\u0001pw', enabled: false } });
    expect(refused).toMatchObject({ status: 400, json: { code: 'OIG_ADMIN_INVALID_FIELDS', fields: { localPassword: 'Must not contain control characters' } } });
    expect((await api('GET', `/accounts/${id}`, { admin })).json).toMatchObject({ enabled: true });
    const both = await api('PATCH', `/accounts/${id}`, { admin, body: { localPassword: 'late-local-2', enabled: false } });
    expect(both).toMatchObject({ status: 200, json: { enabled: false } });
    expect(new Date(both.json.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.json.updatedAt).getTime());
  });

  it('edits take effect at the next login; disable refuses; delete keeps the live session', async () => {
    const admin = await adminLogin();
    const accounts = (await api('GET', '/accounts', { admin })).json as Array<{ id: number; applicationName: string }>;
    const std = accounts.find((a) => a.applicationName === LAB.standard.applicationName)!;
    const live = await restLogin(LAB.standard.applicationName, LAB.standard.applicationPassword, LAB.localPassword);
    expect(live.status).toBe(200);

    expect((await api('PATCH', `/accounts/${std.id}`, { admin, body: { localPassword: 'changed-local' } })).status).toBe(200);
    expect((await restLogin(LAB.standard.applicationName, LAB.standard.applicationPassword, LAB.localPassword)).status).toBe(401);
    expect((await restLogin(LAB.standard.applicationName, LAB.standard.applicationPassword, 'changed-local')).status).toBe(200);

    expect((await api('PATCH', `/accounts/${std.id}`, { admin, body: { enabled: false } })).json).toMatchObject({ enabled: false });
    expect((await restLogin(LAB.standard.applicationName, LAB.standard.applicationPassword, 'changed-local')).json.code).toBe('OIG_SESSION_ACCOUNT_DISABLED');

    expect((await api('DELETE', `/accounts/${std.id}`, { admin })).status).toBe(204);
    expect(gw.gateway.sessions.get(live.json.sessionId as string).applicationName).toBe(LAB.standard.applicationName);
    expect((await restLogin(LAB.standard.applicationName, LAB.standard.applicationPassword, 'changed-local')).json.code).toBe('OIG_SESSION_NO_LOCAL_ACCOUNT');
    expect((await api('DELETE', `/accounts/${std.id}`, { admin })).status).toBe(404);
  });

  it('"get latest applications list" fetches the ACL on demand and reports when', async () => {
    const admin = await adminLogin();
    gw.mcs.upsertApplication({ companyName: 'Later Co', applicationName: 'LaterApp', applicationPassword: 'later', type: 'Advanced' });
    const before = gw.mcs.aclRequests();
    const status = await api('POST', '/acl/refresh', { admin });
    expect(status).toMatchObject({ status: 200, json: { loaded: true, source: 'mcs', lastError: null } });
    expect(gw.mcs.aclRequests()).toBe(before + 1);
    expect(new Date(status.json.fetchedAt).getTime()).toBeGreaterThan(Date.now() - 10_000);
    const apps = (await api('GET', '/applications', { admin })).json as Array<{ applicationName: string }>;
    expect(apps.map((a) => a.applicationName)).toContain('LaterApp');
  });

  it('lists live sessions', async () => {
    const admin = await adminLogin();
    const live = await restLogin(LAB.advanced.applicationName, LAB.advanced.applicationPassword, LAB.localPassword);
    const sessions = (await api('GET', '/sessions', { admin })).json as Array<Record<string, unknown>>;
    expect(sessions).toContainEqual(expect.objectContaining({ sessionId: live.json.sessionId, applicationName: 'LabAdvanced', type: 'Standard', protocol: 'rest' }));
  });
});
