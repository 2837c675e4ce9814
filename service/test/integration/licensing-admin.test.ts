import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcSession } from '../support/cc-client';
import { ICP1, startCcEnv, type CcEnv } from '../support/cc-env';
import { LAB } from '../support/gateway';

/**
 * Licensing through the admin API (installation guide "License Activation", "Overview Tab":
 * the Licensing panel; issue #5): a technician activates, syncs and deactivates an ARID;
 * applications are admitted or refused as the licence says; the Overview numbers follow use.
 */
let env: CcEnv;
let cookie: string;
let csrf: string;

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await request(`${env.url}/api/admin${path}`, {
    method: method as 'GET',
    headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
}

async function login(): Promise<CcSession | Error> {
  return CcSession.open(env.url).catch((err: Error) => err);
}

beforeAll(async () => {
  env = await startCcEnv({ gateway: { arid: null } });
  const res = await request(`${env.url}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: LAB.adminPassword }) });
  cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  csrf = ((await res.body.json()) as { csrfToken: string }).csrfToken;
});

afterAll(async () => {
  await env?.close();
});

describe('licensing through the admin API', () => {
  it('an unlicensed gateway refuses application logins with the reason', async () => {
    const { json } = await admin('GET', '/licence');
    expect(json.licence).toMatchObject({ state: 'unlicensed', arid: null, platform: 'virtual', restriction: expect.stringMatching(/no licence/) });
    const refused = await login();
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/This gateway has no licence: activate an ARID/);
  });

  it('refuses an unknown ARID and a physical ARID on this virtual appliance, saying why', async () => {
    const unknown = await admin('POST', '/licence/activate', { arid: 'ARID-NOPE-0000' });
    expect(unknown).toMatchObject({ status: 404, json: { code: 'OIG_LICENCE_UNKNOWN_ARID' } });
    const physical = await admin('POST', '/licence/activate', { arid: 'ARID-LAB-0002' });
    expect(physical).toMatchObject({ status: 422, json: { code: 'OIG_LICENCE_PLATFORM_MISMATCH', message: expect.stringMatching(/physical/) } });
    expect((await admin('POST', '/licence/activate', { arid: 'x'.repeat(65) })).status).toBe(400);
    expect((await admin('POST', '/licence/sync')).json).toMatchObject({ code: 'OIG_LICENCE_NOT_ACTIVATED' });
  });

  it('activation admits applications; monitors show in the Overview Licensing panel; sync and deactivate work', async () => {
    const activated = await admin('POST', '/licence/activate', { arid: LAB.arid });
    expect(activated.status).toBe(200);
    expect(activated.json.licence).toMatchObject({ state: 'active', arid: LAB.arid, restriction: null, graceDays: 30 });
    expect(activated.json.overview.standardCallControl).toMatchObject({ available: 100, used: 0 });
    expect(activated.json.overview.advancedCallControl).toMatchObject({ available: 50, used: 0 });

    const app = (await login()) as CcSession;
    expect(app).toBeInstanceOf(CcSession);
    const icp = await app.icpId(ICP1);
    for (const dn of ['1000', '1001', '1002']) await app.monitor(icp, dn);
    const overview = await admin('GET', '/overview');
    expect(overview.json).toMatchObject({ applications: 2, sessions: 1, networkElements: 1, version: expect.any(String) });
    // Three prime-line monitors take two user licences (each licence = 2 monitors).
    expect(overview.json.licensing.standardCallControl).toMatchObject({ available: 100, used: 2 });
    expect(overview.json.licensing.monitors.Standard).toEqual({ available: 200, used: 3 });

    const synced = await admin('POST', '/licence/sync');
    expect(synced.json.licence).toMatchObject({ state: 'active', lastSyncError: null });
    await app.logout();
    expect((await admin('GET', '/overview')).json.licensing.standardCallControl.used).toBe(0);

    expect((await admin('POST', '/licence/deactivate')).json.licence).toMatchObject({ state: 'unlicensed', arid: null });
    expect(await login()).toBeInstanceOf(Error);
  });

  it('a MiVoice-Integrations-only base package refuses third-party applications', async () => {
    const activated = await admin('POST', '/licence/activate', { arid: 'ARID-LAB-0003' });
    expect(activated.json.licence.state).toBe('active');
    const refused = await login();
    expect((refused as Error).message).toMatch(/Third-party applications cannot run on this gateway/);
    await admin('POST', '/licence/deactivate');
  });

  it('a standard server licence shows 25000 (Server) users', async () => {
    const activated = await admin('POST', '/licence/activate', { arid: 'ARID-LAB-0011' });
    expect(activated.json.overview.standardCallControl).toMatchObject({ available: 25_000, server: true, availableText: '25000 (Server)' });
    await admin('POST', '/licence/deactivate');
  });
});
