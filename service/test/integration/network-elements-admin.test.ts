import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../support/admin-client';
import { CcSession } from '../support/cc-client';
import { ICP1, ICP2, startCcEnv, type CcEnv } from '../support/cc-env';
import { startTestGateway } from '../support/gateway';

/**
 * Installation guide "Network Elements Tab" (add Default/Custom MiVoice Business and MiContact
 * Center, only one MiContact Center, edit, delete, Set Default Values) and "Options Tab"
 * ("General Options": the logging level), through the admin API the UI uses.
 */
let env: CcEnv;
let admin: AdminClient;
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

const CUSTOM = { outsidePrefix: '8', localCountryCode: '353', longDistancePrefix: '0', internationalPrefix: '00', localAreaCodes: ['1', '21'], maxExtensionLength: 5, inboundTrunkServiceDigits: '7' };

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const connections = (address: string): number => env.lab.controllers().find((c) => c.address === address)?.connections ?? 0;

beforeAll(async () => {
  env = await startCcEnv({ gateway: { logDestination: logSink }, config: { logLevel: 'info' } });
  admin = await AdminClient.login(env.url);
});
afterAll(async () => {
  await env?.close();
});

describe('network elements', () => {
  it('a Default MiVoice Business is linked at once, shows the default values and its version', async () => {
    const added = await admin.call('POST', '/network-elements', { type: 'MI_VB', address: ICP1, name: 'ICP-1', useDefaults: true });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ type: 'MI_VB', address: ICP1, configured: true, useDefaults: true, micc: null, mivb: { outsidePrefix: '9', localCountryCode: '1' } });
    const listed = await until('ICP-1 connected', async () => {
      const list = (await admin.call('GET', '/network-elements')).json as Array<{ icpId: string; connectionState: string; version: string | null }>;
      return list.find((e) => e.icpId === added.json.icpId && e.connectionState === 'CONNECTED');
    });
    expect(listed.version).toEqual(expect.any(String));
    expect(connections(ICP1)).toBe(1);
  });

  it('Set Default Values changes what every Default element uses, and only those', async () => {
    const custom = await admin.call('POST', '/network-elements', { type: 'MI_VB', address: '127.1.0.30', useDefaults: false, mivb: CUSTOM });
    expect(custom.json.mivb).toEqual(CUSTOM);
    const defaults = await admin.call('PUT', '/network-element-defaults/mivb', { ...CUSTOM, outsidePrefix: '0', localAreaCodes: [] });
    expect(defaults.json.mivb.outsidePrefix).toBe('0');
    const list = (await admin.call('GET', '/network-elements')).json as Array<{ address: string; mivb: { outsidePrefix: string } }>;
    expect(list.find((e) => e.address === ICP1)?.mivb.outsidePrefix).toBe('0');
    expect(list.find((e) => e.address === '127.1.0.30')?.mivb.outsidePrefix).toBe('8');
    expect((await admin.call('GET', '/network-element-defaults')).json).toEqual({ mivb: { ...CUSTOM, outsidePrefix: '0', localAreaCodes: [] }, micc: { transport: 'https' } });
    await admin.call('DELETE', `/network-elements/${custom.json.icpId}`);
  });

  it('refuses bad input field by field and stores nothing', async () => {
    const before = (await admin.call('GET', '/network-elements')).json.length;
    const bad = await admin.call('POST', '/network-elements', {
      type: 'MI_VB',
      address: '999.1.1.1',
      useDefaults: false,
      mivb: { ...CUSTOM, outsidePrefix: '9a', localAreaCodes: ['61x'], maxExtensionLength: 0, localCountryCode: '' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('OIG_ADMIN_INVALID_FIELDS');
    expect(Object.keys(bad.json.fields).sort()).toEqual(['address', 'localAreaCodes', 'localCountryCode', 'maxExtensionLength', 'outsidePrefix']);
    expect(bad.json.fields.outsidePrefix).toMatch(/Outside Prefix must be digits/);
    expect((await admin.call('POST', '/network-elements', { type: 'MI_CC', address: '127.1.0.40', useDefaults: false, micc: { transport: 'ftp' } })).json.fields).toEqual({
      transport: expect.stringMatching(/http or https/),
    });
    expect((await admin.call('POST', '/network-elements', { type: 'MI_VB', address: '127.1.0.41', useDefaults: false })).json.code).toBe('OIG_ADMIN_INVALID_FIELDS');
    expect((await admin.call('PUT', '/network-element-defaults/mivb', { ...CUSTOM, maxExtensionLength: 99 })).json.fields).toHaveProperty('maxExtensionLength');
    // What the schema refuses (a number as text, an overlong prefix) is named by its field too.
    expect((await admin.call('PUT', '/network-element-defaults/mivb', { ...CUSTOM, maxExtensionLength: 'seven' })).json).toMatchObject({
      code: 'OIG_ADMIN_INVALID_FIELDS',
      fields: { maxExtensionLength: 'Must be a whole number' },
    });
    expect((await admin.call('PUT', '/network-element-defaults/mivb', { ...CUSTOM, outsidePrefix: '9'.repeat(40) })).json.fields).toEqual({ outsidePrefix: 'Must be at most 32 characters' });
    // A property no form has is refused as a whole.
    expect((await admin.call('PUT', '/network-element-defaults/mivb', { ...CUSTOM, extra: 1 })).json.code).toBe('OIG_REST_INVALID_REQUEST');
    expect((await admin.call('GET', '/network-elements')).json.length).toBe(before);
  });

  it('allows one MiContact Center, refuses a taken address, and a second MiCC', async () => {
    const micc = await admin.call('POST', '/network-elements', { type: 'MI_CC', address: '127.1.0.50', useDefaults: false, micc: { transport: 'http' } });
    expect(micc.status).toBe(201);
    expect(micc.json).toMatchObject({ type: 'MI_CC', micc: { transport: 'http' }, mivb: null, connectionState: 'NOT_CONNECTED' });
    const second = await admin.call('POST', '/network-elements', { type: 'MI_CC', address: '127.1.0.51', useDefaults: true });
    expect([second.status, second.json.code]).toEqual([409, 'OIG_ADMIN_NE_MICC_LIMIT']);
    const taken = await admin.call('POST', '/network-elements', { type: 'MI_VB', address: ICP1, useDefaults: true });
    expect([taken.status, taken.json.code]).toEqual([409, 'OIG_ADMIN_NE_EXISTS']);
    await admin.call('DELETE', `/network-elements/${micc.json.icpId}`);
    expect((await admin.call('POST', '/network-elements', { type: 'MI_CC', address: '127.1.0.51', useDefaults: true })).status).toBe(201);
  });

  it('an element applications found through getIcpId keeps its icpId when the administrator adds it', async () => {
    const cc = await CcSession.open(env.url);
    try {
      const icpId = await cc.icpId(ICP2);
      const discovered = ((await admin.call('GET', '/network-elements')).json as Array<{ icpId: string; configured: boolean }>).find((e) => e.icpId === icpId);
      expect(discovered?.configured).toBe(false);
      const added = await admin.call('POST', '/network-elements', { type: 'MI_VB', address: ICP2, name: 'ICP-2', useDefaults: true });
      expect(added.json).toMatchObject({ icpId, configured: true, name: 'ICP-2' });
    } finally {
      await cc.logout();
    }
  });

  it('edit moves the link to the new address; delete stops it', async () => {
    const added = await admin.call('POST', '/network-elements', { type: 'MI_VB', address: '127.1.0.60', useDefaults: true });
    const moved = await admin.call('PUT', `/network-elements/${added.json.icpId}`, { address: ICP2, useDefaults: true });
    expect([moved.status, moved.json.code]).toEqual([409, 'OIG_ADMIN_NE_EXISTS']);
    const changed = await admin.call('PUT', `/network-elements/${added.json.icpId}`, { address: '127.1.0.61', name: 'Renamed', useDefaults: false, mivb: CUSTOM });
    expect(changed.json).toMatchObject({ icpId: added.json.icpId, address: '127.1.0.61', name: 'Renamed', useDefaults: false, mivb: CUSTOM });
    expect((await admin.call('PUT', '/network-elements/999999', { address: '127.1.0.62', useDefaults: true })).json.code).toBe('OIG_ADMIN_NE_NOT_FOUND');

    const icp1 = ((await admin.call('GET', '/network-elements')).json as Array<{ icpId: string; address: string }>).find((e) => e.address === ICP1)!;
    expect((await admin.call('DELETE', `/network-elements/${icp1.icpId}`)).status).toBe(204);
    await until('the link to ICP-1 closed', async () => (connections(ICP1) === 0 ? true : undefined));
    expect(((await admin.call('GET', '/network-elements')).json as Array<{ address: string }>).some((e) => e.address === ICP1)).toBe(false);
    expect((await admin.call('DELETE', `/network-elements/${icp1.icpId}`)).json.code).toBe('OIG_ADMIN_NE_NOT_FOUND');
  });
});

describe('the logging level', () => {
  it('applies at once to every logger, without a restart', async () => {
    expect((await admin.call('GET', '/options/logging')).json).toEqual({ level: 'INFO', effective: 'info' });
    const linkTrace = () => logLines.filter((l) => l.includes('"frame received"')).length;
    const before = linkTrace();
    await new Promise((r) => setTimeout(r, 700));
    expect(linkTrace()).toBe(before);
    expect((await admin.call('PUT', '/options/logging', { level: 'TRACE' })).json).toEqual({ level: 'TRACE', effective: 'trace' });
    // The links' heartbeats (every 500 ms in this lab) are logged at trace by the controller links' child loggers.
    await until('a trace line from a controller link', async () => (linkTrace() > before ? true : undefined));
    await admin.call('PUT', '/options/logging', { level: 'ERROR' });
    const quiet = logLines.length;
    await admin.call('GET', '/network-elements');
    await new Promise((r) => setTimeout(r, 700));
    expect(logLines.slice(quiet).filter((l) => !l.includes('"level":50') && !l.includes('"level":60'))).toEqual([]);
  });

  it('is kept across a restart', async () => {
    const again = await startTestGateway({ databaseUrl: env.gw.databaseUrl, config: { logLevel: 'info' } });
    try {
      const other = await AdminClient.login(again.url);
      expect((await other.call('GET', '/options/logging')).json.level).toBe('ERROR');
      await other.call('PUT', '/options/logging', { level: 'WARNING' });
      expect((await other.call('GET', '/options/logging')).json).toEqual({ level: 'WARNING', effective: 'warn' });
    } finally {
      await again.close();
    }
  });
});

describe('the administrator login', () => {
  it('GET /session gives a reloaded page its CSRF token; a background refresh does not extend the login', async () => {
    const session = await admin.call('GET', '/session');
    expect(session.json).toEqual({ csrfToken: admin.csrfToken, expiresInSeconds: expect.any(Number) });
    expect(session.json.expiresInSeconds).toBeGreaterThan(29 * 60);
    await new Promise((r) => setTimeout(r, 2_100));
    await admin.call('GET', '/sessions', undefined, { 'X-OIG-Background-Refresh': '1' });
    const left = (await admin.call('GET', '/session', undefined, { 'X-OIG-Background-Refresh': '1' })).json.expiresInSeconds;
    expect(left).toBeLessThanOrEqual(30 * 60 - 2);
    await admin.call('GET', '/sessions');
    expect((await admin.call('GET', '/session', undefined, { 'X-OIG-Background-Refresh': '1' })).json.expiresInSeconds).toBeGreaterThan(left);
  });
});
