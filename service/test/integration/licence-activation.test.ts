import { createCertificateAuthority } from '@openoig/lab/mcs';
import { startLabAmc, type LabAmc } from '@openoig/lab/amc';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AmcClient } from '../../src/amc/amc-client';
import { LicenceActivation } from '../../src/domain/licensing/activation';
import type { Platform } from '../../src/domain/licensing/licence-server';
import { OigError } from '../../src/errors';
import { createLogger } from '../../src/log';
import { createPool, migrate } from '../../src/storage/database';
import { PgActivationStore } from '../../src/storage/licence-store';
import { createTestDatabase } from '../support/database';
import { rejection } from '../support/rejection';

/**
 * Licence activation against the lab licensing server (installation guide "License
 * Activation"; issue #5): each base package kind, platform mismatch, deactivation and a new
 * ARID, forged or tampered entitlements, the offline grace period and then restriction.
 */
const log = createLogger('silent');
const DAY = 86_400_000;
let amc: LabAmc;
let pool: pg.Pool;
let client: AmcClient;
let now = Date.now();

beforeAll(async () => {
  amc = await startLabAmc();
  pool = createPool(await createTestDatabase());
  await migrate(pool, 'up', log);
  client = new AmcClient({ url: amc.url, caPem: amc.ca.certPem, timeoutMs: 5_000 });
});

afterAll(async () => {
  await client?.close();
  await pool?.end();
  await amc?.stop();
});

afterEach(async () => {
  // Every test starts unlicensed, and every ARID free again.
  await pool.query('DELETE FROM licence_activation');
  await pool.query('DELETE FROM appliance_identity');
  for (const a of amc.activations()) amc.clearBinding(a.arid);
  now = Date.now();
});

function activation(platform: Platform, hardwareId = 'lab-server-0001'): LicenceActivation {
  return new LicenceActivation({ server: client, store: new PgActivationStore(pool), platform, hardwareId, graceMs: 30 * DAY, log, now: () => new Date(now) });
}


describe('licence activation', () => {
  it.each([
    { arid: 'ARID-LAB-0001', platform: 'virtual', kind: 'OIG virtual' },
    { arid: 'ARID-LAB-0002', platform: 'physical', kind: 'OIG physical' },
    { arid: 'ARID-LAB-0003', platform: 'virtual', kind: 'MiVoice Integrations virtual' },
    { arid: 'ARID-LAB-0004', platform: 'physical', kind: 'MiVoice Integrations physical' },
    { arid: 'ARID-LAB-0005', platform: 'virtual', kind: 'SP CAPEX' },
    { arid: 'ARID-LAB-0006', platform: 'physical', kind: 'SP OPEX' },
    { arid: 'ARID-LAB-0007', platform: 'virtual', kind: 'developer standard kit' },
    { arid: 'ARID-LAB-0009', platform: 'virtual', kind: 'demo kit' },
    { arid: 'ARID-LAB-0010', platform: 'virtual', kind: '60-day trial' },
  ] as const)('activates $arid ($kind, $platform) and keeps its signed entitlement across a restart', async ({ arid, platform }) => {
    const first = activation(platform);
    const status = await first.activate(arid);
    expect(status).toMatchObject({ state: 'active', arid, platform, restriction: null });
    expect(platform === 'virtual' ? 'guid' in (status.binding ?? {}) : status.binding).toEqual(platform === 'virtual' ? true : { hardwareId: 'lab-server-0001' });
    expect(first.inForce()?.parts.length).toBeGreaterThan(0);

    const restarted = activation(platform);
    await restarted.start();
    expect(restarted.status()).toMatchObject({ state: 'active', arid });
    expect(restarted.inForce()?.serial).toBe(first.inForce()?.serial);
  });

  it('refuses a virtual ARID on a physical server and a physical ARID on a virtual appliance, with the reason', async () => {
    const onPhysical = await rejection(activation('physical').activate('ARID-LAB-0001'), OigError);
    expect(onPhysical.code).toBe('OIG_LICENCE_PLATFORM_MISMATCH');
    expect(onPhysical.message).toMatch(/virtual/);
    const onVirtual = await rejection(activation('virtual').activate('ARID-LAB-0002'), OigError);
    expect(onVirtual.code).toBe('OIG_LICENCE_PLATFORM_MISMATCH');
    expect(activation('virtual').status().state).toBe('unlicensed');
  });

  it('deactivates the trial and activates a new ARID, keeping the GUID the licensing server issued', async () => {
    const licence = activation('virtual');
    const trial = await licence.activate('ARID-LAB-0010');
    expect(trial.expiresAt).not.toBeNull();
    const guid = (trial.binding as { guid: string }).guid;
    expect((await rejection(licence.activate('ARID-LAB-0013'), OigError)).message).toMatch(/deactivate it before activating ARID-LAB-0013/);

    expect((await licence.deactivate()).state).toBe('unlicensed');
    const purchased = await licence.activate('ARID-LAB-0013');
    expect(purchased).toMatchObject({ state: 'active', arid: 'ARID-LAB-0013', binding: { guid }, expiresAt: null });
  });

  it('sync brings the licences added to the ARID since activation', async () => {
    const licence = activation('virtual');
    await licence.activate('ARID-LAB-0013');
    const before = licence.inForce()?.parts.find((p) => p.partNumber === '54006214')?.quantity;
    amc.addPart('ARID-LAB-0013', '54006214', 2);
    await licence.sync();
    expect(licence.inForce()?.parts.find((p) => p.partNumber === '54006214')?.quantity).toBe((before ?? 0) + 2);
  });

  it('a tampered stored entitlement is not used: logins are restricted until a sync succeeds', async () => {
    await activation('virtual').activate('ARID-LAB-0001');
    const { rows } = await pool.query<{ payload: string }>('SELECT payload FROM licence_activation');
    const json = JSON.parse(Buffer.from(rows[0]?.payload ?? '', 'base64').toString('utf8'));
    json.parts = [...json.parts, { partNumber: '54006215', quantity: 1000, description: 'more advanced users' }];
    await pool.query('UPDATE licence_activation SET payload = $1', [Buffer.from(JSON.stringify(json)).toString('base64')]);

    const restarted = activation('virtual');
    await restarted.start();
    expect(restarted.status()).toMatchObject({ state: 'restricted', restriction: expect.stringMatching(/could not be verified/) });
    expect(restarted.inForce()).toBeUndefined();
    await restarted.sync();
    expect(restarted.status().state).toBe('active');
  });

  it('an entitlement signed by anyone but the licensing server CA is refused', async () => {
    const forger = createCertificateAuthority('Not the AMC');
    const trusting = new AmcClient({ url: amc.url, caPem: forger.certPem, timeoutMs: 5_000 });
    try {
      const licence = new LicenceActivation({ server: trusting, store: new PgActivationStore(pool), platform: 'virtual', hardwareId: 'x', graceMs: DAY, log });
      const err = await rejection(licence.activate('ARID-LAB-0001'), OigError);
      // TLS already fails: the server's certificate is not from the configured CA.
      expect(err.code).toBe('OIG_LICENCE_SERVER_UNREACHABLE');
    } finally {
      await trusting.close();
    }
    const valid = await client.activate({ arid: 'ARID-LAB-0001', platform: 'virtual' });
    expect(() => client.verify({ ...valid.envelope, certificate: forger.certPem })).toThrow(/not signed by a certificate of the configured licensing server CA/);
    expect(() => client.verify({ ...valid.envelope, signature: Buffer.alloc(256, 1).toString('base64') })).toThrow(/altered or forged/);
  });

  it('with the licensing server unreachable the last good entitlement holds for the grace period, then new logins are restricted', async () => {
    const licence = activation('virtual');
    await licence.activate('ARID-LAB-0001');
    await amc.setUnreachable(true);
    try {
      now += DAY;
      expect((await rejection(licence.sync(), OigError)).code).toBe('OIG_LICENCE_SERVER_UNREACHABLE');
      expect(licence.status()).toMatchObject({ state: 'grace', restriction: null, lastSyncError: expect.stringMatching(/Could not reach/) });
      expect(licence.inForce()).toBeDefined();

      now += 30 * DAY;
      expect(licence.status()).toMatchObject({ state: 'restricted', restriction: expect.stringMatching(/30-day grace period has ended/) });
      expect(licence.inForce()).toBeUndefined();
    } finally {
      await amc.setUnreachable(false);
    }
    await licence.sync();
    expect(licence.status()).toMatchObject({ state: 'active', restriction: null });
  });

  it('refuses a malformed ARID before asking the licensing server', async () => {
    const err = await rejection(activation('virtual').activate('ARID 1; DROP TABLE'), OigError);
    expect(err.code).toBe('OIG_LICENCE_REQUEST_INVALID');
  });
});
