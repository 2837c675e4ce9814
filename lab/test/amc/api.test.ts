import { randomUUID, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../src/mcs/ca';
import { ManualClock } from '../../src/mivb/clock';
import { startLabAmc, verifyAmcEnvelope, type AmcEnvelope, type LabAmc } from '../../src/amc/index';
import { AmcTestClient, guidOf } from './client';

const DAY = 24 * 3600 * 1000;
const START = Date.UTC(2026, 10, 25, 10, 0, 0);

describe('lab AMC API', () => {
  let clock: ManualClock;
  let amc: LabAmc;
  let client: AmcTestClient;

  beforeEach(async () => {
    clock = new ManualClock(START);
    amc = await startLabAmc({ clock });
    client = new AmcTestClient(amc);
  });

  afterEach(async () => {
    await client.close();
    await amc.stop();
  });

  it('activates every base package kind: a physical server by its hardware id, a virtual appliance with a GUID the AMC issues', async () => {
    const physical = ['ARID-LAB-0002', 'ARID-LAB-0004', 'ARID-LAB-0005', 'ARID-LAB-0007', 'ARID-LAB-0009'];
    const virtual = ['ARID-LAB-0001', 'ARID-LAB-0003', 'ARID-LAB-0006', 'ARID-LAB-0008', 'ARID-LAB-0010', 'ARID-LAB-0011', 'ARID-LAB-0012'];
    const serials: number[] = [];
    for (const [i, arid] of physical.entries()) {
      const answer = await client.activate({ arid, platform: 'physical', hardwareId: `HW-${i}` });
      expect(answer.status, arid).toBe(200);
      expect(answer.payload).toMatchObject({ kind: 'entitlement', arid, platform: 'physical', binding: { hardwareId: `HW-${i}` } });
      serials.push(answer.payload.serial);
    }
    const guids = new Set<string>();
    for (const arid of virtual) {
      const answer = await client.activate({ arid, platform: 'virtual' });
      expect(answer.status, arid).toBe(200);
      expect(answer.payload).toMatchObject({ kind: 'entitlement', arid, platform: 'virtual' });
      expect(guidOf(answer)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      guids.add(guidOf(answer));
      serials.push(answer.payload.serial);
    }
    expect(guids.size).toBe(virtual.length);
    expect(serials).toEqual(serials.map((_, i) => i + 1));
    expect(client.verified).toBe(physical.length + virtual.length);

    const full = (await client.sync({ arid: 'ARID-LAB-0001', guid: [...guids][0] })).payload;
    expect(full).toEqual({
      format: 'openoig-amc/1',
      kind: 'entitlement',
      arid: 'ARID-LAB-0001',
      account: 'OpenOIG Lab',
      platform: 'virtual',
      binding: { guid: [...guids][0] },
      parts: [
        { partNumber: '54005785', quantity: 1, description: 'Mitel OIG Base Package - Virtual' },
        { partNumber: '54006214', quantity: 2, description: 'OIG Call Control - Std User (50 users)' },
        { partNumber: '54005793', quantity: 50, description: 'OIG Call Control - Adv User (1 user)' },
        { partNumber: '54006725', quantity: 1, description: 'MiVoice Integration for Salesforce User-Std (50 users)' },
        { partNumber: '54006724', quantity: 10, description: 'MiVoice Integration for Salesforce User-Adv (1 user)' },
        { partNumber: '54006703', quantity: 1, description: 'MiVoice Integration for Google User-Std (50 users)' },
      ],
      ulmGroup: null,
      issuedAt: new Date(START).toISOString(),
      expiresAt: null,
      serial: serials.length + 1,
    });
    const sp = await client.sync({ arid: 'ARID-LAB-0005', hardwareId: 'HW-2' });
    expect(sp.payload).toMatchObject({ account: 'OpenOIG Lab Service Provider', ulmGroup: 'LAB-ULM-SP' });
    expect(amc.activations().map((a) => a.arid).sort()).toEqual([...physical, ...virtual].sort());
  });

  it('a virtual appliance activates again with the GUID it kept (restore from backup); no GUID or another GUID is refused', async () => {
    const first = await client.activate({ arid: 'ARID-LAB-0001', platform: 'virtual' });
    const guid = guidOf(first);
    const again = await client.activate({ arid: 'ARID-LAB-0001', platform: 'virtual', guid: guid.toUpperCase() });
    expect(again.status).toBe(200);
    expect(again.payload.binding).toEqual({ guid });
    expect(again.payload.serial).toBeGreaterThan(first.payload.serial);

    const fresh = await client.activate({ arid: 'ARID-LAB-0001', platform: 'virtual' });
    expect(fresh.status).toBe(409);
    expect(fresh.body.error).toEqual({
      code: 'ALREADY_BOUND',
      message: 'ARID-LAB-0001 is already activated on another virtual appliance; deactivate it there, or clear its binding in the AMC',
    });
    const other = guidOf(await client.activate({ arid: 'ARID-LAB-0011', platform: 'virtual' }));
    expect((await client.activate({ arid: 'ARID-LAB-0001', platform: 'virtual', guid: other })).body.error?.code).toBe('ALREADY_BOUND');
    const unknown = await client.activate({ arid: 'ARID-LAB-0013', platform: 'virtual', guid: randomUUID() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('UNKNOWN_GUID');

    expect((await client.activate({ arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'HW-A' })).status).toBe(200);
    expect((await client.activate({ arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'HW-A' })).status).toBe(200);
    const taken = await client.activate({ arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'HW-B' });
    expect(taken.status).toBe(409);
    expect(taken.body.error?.message).toBe('ARID-LAB-0002 is already activated on another physical server; deactivate it there, or clear its binding in the AMC');
    expect((await client.activate({ arid: 'ARID-NOPE', platform: 'physical', hardwareId: 'HW-A' })).body.error).toEqual({
      code: 'UNKNOWN_ARID',
      message: 'no Application Record ARID-NOPE in this AMC',
    });
  });

  it('refuses a virtual-only ARID on a physical server and a physical-only ARID on a virtual appliance', async () => {
    const virtualOnPhysical = await client.activate({ arid: 'ARID-LAB-0001', platform: 'physical', hardwareId: 'HW-A' });
    expect(virtualOnPhysical.status).toBe(422);
    expect(virtualOnPhysical.body.error).toEqual({
      code: 'PLATFORM_MISMATCH',
      message: 'ARID-LAB-0001 holds Mitel OIG Base Package - Virtual (54005785), which activates only on a virtual appliance; this is a physical server',
    });
    const physicalOnVirtual = await client.activate({ arid: 'ARID-LAB-0004', platform: 'virtual' });
    expect(physicalOnVirtual.status).toBe(422);
    expect(physicalOnVirtual.body.error?.message).toBe(
      'ARID-LAB-0004 holds MiVoice Integrations Base Package - Physical (54006216), which activates only on a physical server; this is a virtual appliance',
    );
    expect((await client.activate({ arid: 'ARID-LAB-0002', platform: 'virtual' })).body.error?.code).toBe('PLATFORM_MISMATCH');
    const upgraded = await client.activate({ arid: 'ARID-LAB-0012', platform: 'physical', hardwareId: 'HW-A' });
    expect(upgraded.body.error?.message).toMatch(/\(54005784\) upgraded to virtual \(54005786\), which activates only on a virtual appliance/);
    expect(amc.activations()).toEqual([]);
  });

  it('deactivation frees the ARID: it activates elsewhere, and a trial appliance moves to a new ARID keeping its GUID', async () => {
    const trial = await client.activate({ arid: 'ARID-LAB-0010', platform: 'virtual' });
    const guid = guidOf(trial);
    const off = await client.deactivate({ arid: 'ARID-LAB-0010', guid });
    expect(off.status).toBe(200);
    expect(off.payload).toMatchObject({ kind: 'deactivation', arid: 'ARID-LAB-0010', platform: 'virtual', binding: { guid }, parts: [] });
    expect(off.payload.expiresAt).toBe(trial.payload.expiresAt);
    expect((await client.sync({ arid: 'ARID-LAB-0010', guid })).body.error).toEqual({ code: 'NOT_BOUND', message: 'ARID-LAB-0010 is not activated' });
    expect((await client.deactivate({ arid: 'ARID-LAB-0010', guid })).body.error?.code).toBe('NOT_BOUND');

    const purchased = await client.activate({ arid: 'ARID-LAB-0013', platform: 'virtual', guid });
    expect(purchased.status).toBe(200);
    expect(purchased.payload).toMatchObject({ arid: 'ARID-LAB-0013', binding: { guid }, expiresAt: null });
    expect(purchased.payload.parts.map((p) => p.partNumber)).toEqual(['54005785', '54006214']);

    // The freed trial activates on another (physical) appliance; its 60 days still run from the first activation.
    const elsewhere = await client.activate({ arid: 'ARID-LAB-0010', platform: 'physical', hardwareId: 'HW-OTHER' });
    expect(elsewhere.payload).toMatchObject({ platform: 'physical', binding: { hardwareId: 'HW-OTHER' }, expiresAt: trial.payload.expiresAt });

    // The technician's way (guide, "OIG 60-Day Trial - Database Migration"): clear the hardware id in the AMC.
    expect((await client.activate({ arid: 'ARID-LAB-0010', platform: 'physical', hardwareId: 'HW-NEW' })).body.error?.code).toBe('ALREADY_BOUND');
    amc.clearBinding('ARID-LAB-0010');
    expect((await client.activate({ arid: 'ARID-LAB-0010', platform: 'physical', hardwareId: 'HW-NEW' })).status).toBe(200);
    expect((await client.sync({ arid: 'ARID-LAB-0010', hardwareId: 'HW-OTHER' })).body.error).toEqual({
      code: 'NOT_BOUND',
      message: 'ARID-LAB-0010 is activated on another appliance, not on hardware id HW-OTHER',
    });
  });

  it('sync answers the entitlement as the account holds it now', async () => {
    await client.activate({ arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'HW-A' });
    amc.addPart('ARID-LAB-0002', '54006215', 2);
    amc.addPart('ARID-LAB-0002', '54005793', 5);
    amc.removePart('ARID-LAB-0002', '54006214');
    amc.addPart('ARID-LAB-0002', '99000001', 3, 'a part the gateway does not know');
    amc.setUlmGroup('ARID-LAB-0002', 'LAB-ULM-2');
    clock.advance(1000);
    const synced = await client.sync({ arid: 'ARID-LAB-0002', hardwareId: 'HW-A' });
    expect(synced.payload.parts).toEqual([
      { partNumber: '54005784', quantity: 1, description: 'Mitel OIG Base Package - Physical' },
      { partNumber: '54005793', quantity: 10, description: 'OIG Call Control - Adv User (1 user)' },
      { partNumber: '54006215', quantity: 2, description: 'OIG Call Control - Adv User (50 users)' },
      { partNumber: '99000001', quantity: 3, description: 'a part the gateway does not know' },
    ]);
    expect(synced.payload).toMatchObject({ ulmGroup: 'LAB-ULM-2', issuedAt: new Date(START + 1000).toISOString() });
    expect(() => amc.removePart('ARID-LAB-0002', '54005784')).toThrow('ARID-LAB-0002: has no base package');
    expect(() => amc.addPart('ARID-LAB-0002', '54005785')).toThrow('ARID-LAB-0002: has 2 base packages (54005784, 54005785); an ARID holds exactly one');
    expect(() => amc.addPart('ARID-LAB-0002', '12345678')).toThrow('part 12345678 is not in the lab catalogue');
    expect(() => amc.removePart('ARID-LAB-0002', '54005793', 11)).toThrow('ARID-LAB-0002 holds only 10 of part 54005793');

    amc.addArid('OpenOIG Lab', { arid: 'ARID-TEST-1', parts: [{ partNumber: '54005785', quantity: 1 }] });
    const added = await client.activate({ arid: 'ARID-TEST-1', platform: 'virtual' });
    expect(added.payload).toMatchObject({ account: 'OpenOIG Lab', parts: [{ partNumber: '54005785', quantity: 1 }], ulmGroup: null });
    expect(() => amc.addArid('Other', { arid: 'ARID-TEST-1', parts: [{ partNumber: '54005785', quantity: 1 }] })).toThrow('ARID ARID-TEST-1 already exists');
  });

  it('signs every answer with the certificate the AMC CA issued; a tampered payload or a foreign certificate fails', async () => {
    const answer = await client.activate({ arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'HW-A' });
    const envelope = answer.body as AmcEnvelope;
    const certificate = new X509Certificate(envelope.certificate);
    const ca = new X509Certificate(amc.ca.certPem);
    expect(certificate.checkIssued(ca) && certificate.verify(ca.publicKey)).toBe(true);
    expect(certificate.subject).toBe('CN=OpenOIG Lab AMC signing\nO=OpenOIG Lab');
    expect(envelope.certificate).toBe(amc.signingCertificatePem);
    const bytes = Buffer.from(envelope.payload, 'base64');
    expect(verify('sha256', bytes, certificate.publicKey, Buffer.from(envelope.signature, 'base64'))).toBe(true);

    const tampered = Buffer.from(bytes.toString('utf8').replace('"quantity":5', '"quantity":500'));
    expect(tampered.equals(bytes)).toBe(false);
    expect(verify('sha256', tampered, certificate.publicKey, Buffer.from(envelope.signature, 'base64'))).toBe(false);
    expect(() => verifyAmcEnvelope({ ...envelope, payload: tampered.toString('base64') }, amc.ca.certPem)).toThrow('the signature does not match the payload');

    const foreign = createCertificateAuthority('Someone else');
    expect(() => verifyAmcEnvelope(envelope, foreign.certPem)).toThrow('was not issued by the AMC CA');
    const impostor = issueCertificate(foreign, { subject: { commonName: 'OpenOIG Lab AMC signing' } });
    expect(() => verifyAmcEnvelope({ ...envelope, certificate: impostor.certPem }, amc.ca.certPem)).toThrow('was not issued by the AMC CA');

    const off = await client.deactivate({ arid: 'ARID-LAB-0002', hardwareId: 'HW-A' });
    expect(off.payload.kind).toBe('deactivation');
    expect(client.verified).toBe(2);
  });

  it('a trial expires 60 days after its first activation; it can still be deactivated', async () => {
    const first = await client.activate({ arid: 'ARID-LAB-0010', platform: 'virtual' });
    const guid = guidOf(first);
    expect(first.payload.expiresAt).toBe(new Date(START + 60 * DAY).toISOString());
    clock.advance(59 * DAY);
    expect((await client.sync({ arid: 'ARID-LAB-0010', guid })).payload.expiresAt).toBe(first.payload.expiresAt);
    await client.deactivate({ arid: 'ARID-LAB-0010', guid });
    expect((await client.activate({ arid: 'ARID-LAB-0010', platform: 'virtual', guid })).payload.expiresAt).toBe(first.payload.expiresAt);

    clock.advance(DAY);
    const expired = await client.sync({ arid: 'ARID-LAB-0010', guid });
    expect(expired.status).toBe(410);
    expect(expired.body.error).toEqual({
      code: 'TRIAL_EXPIRED',
      message: `the 60-day trial ARID-LAB-0010 expired at ${first.payload.expiresAt}; deactivate it and activate a purchased ARID`,
    });
    expect((await client.activate({ arid: 'ARID-LAB-0010', platform: 'virtual', guid })).status).toBe(410);
    expect((await client.deactivate({ arid: 'ARID-LAB-0010', guid })).status).toBe(200);
    expect((await client.activate({ arid: 'ARID-LAB-0013', platform: 'virtual', guid })).status).toBe(200);

    expect(() => amc.expireTrial('ARID-LAB-0001')).toThrow('ARID-LAB-0001 is not a trial (base package 54005785)');
  });

  it('expireTrial ends a trial at once, activated or not', async () => {
    amc.expireTrial('ARID-LAB-0010');
    const refused = await client.activate({ arid: 'ARID-LAB-0010', platform: 'physical', hardwareId: 'HW-A' });
    expect(refused.body.error?.code).toBe('TRIAL_EXPIRED');
    expect(refused.body.error?.message).toContain(`expired at ${new Date(START).toISOString()}`);
  });

  it('answers 503 while set failing and refuses connections while unreachable, then serves again', async () => {
    await client.activate({ arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'HW-A' });
    amc.setFailing(true);
    const failing = await client.sync({ arid: 'ARID-LAB-0002', hardwareId: 'HW-A' });
    expect(failing.status).toBe(503);
    expect(failing.body.error).toEqual({ code: 'UNAVAILABLE', message: 'the lab AMC is set to fail' });
    expect((await client.raw('GET', '/health')).status).toBe(200);
    expect((await client.raw('GET', '/control/activations')).body).toHaveLength(1);
    amc.setFailing(false);
    expect((await client.sync({ arid: 'ARID-LAB-0002', hardwareId: 'HW-A' })).status).toBe(200);

    await amc.setUnreachable(true);
    // The pooled keep-alive connection was closed under the client: the first try may fail on it, a new connection is refused.
    await expect(client.sync({ arid: 'ARID-LAB-0002', hardwareId: 'HW-A' })).rejects.toThrow();
    await expect(client.sync({ arid: 'ARID-LAB-0002', hardwareId: 'HW-A' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await amc.setUnreachable(false);
    expect((await client.sync({ arid: 'ARID-LAB-0002', hardwareId: 'HW-A' })).status).toBe(200);
    expect(amc.requests().map((r) => [r.path, r.status, r.code])).toEqual([
      ['/api/v1/activate', 200, undefined],
      ['/api/v1/sync', 503, 'UNAVAILABLE'],
      ['/api/v1/sync', 200, undefined],
      ['/api/v1/sync', 200, undefined],
    ]);
  });

  it('refuses a bad request naming the field, and a body over 16 KiB', async () => {
    const error = async (path: string, body: unknown) => (await client.post(path, body)).body.error;
    expect(await error('/api/v1/activate', { platform: 'virtual' })).toEqual({ code: 'BAD_REQUEST', message: 'arid: Expected required property' });
    expect((await error('/api/v1/activate', { arid: 'ARID LAB', platform: 'virtual' }))?.message).toMatch(/^arid: Expected string to match/);
    expect((await error('/api/v1/activate', { arid: 'ARID-LAB-0001', platform: 'cloud' }))?.message).toMatch(/^platform: /);
    expect((await error('/api/v1/activate', { arid: 'ARID-LAB-0002', platform: 'physical' }))?.message).toBe('hardwareId: required when platform is physical');
    expect((await error('/api/v1/activate', { arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'H', guid: randomUUID() }))?.message).toBe(
      'guid: only a virtual appliance has a GUID',
    );
    expect((await error('/api/v1/activate', { arid: 'ARID-LAB-0001', platform: 'virtual', hardwareId: 'H' }))?.message).toMatch(/^hardwareId: a virtual appliance/);
    expect((await error('/api/v1/activate', { arid: 'ARID-LAB-0001', platform: 'virtual', guid: 'not-a-guid' }))?.message).toMatch(/^guid: Expected string to match/);
    expect((await error('/api/v1/activate', { arid: 'ARID-LAB-0001', platform: 'virtual', hardwareID: 'H' }))?.message).toBe('hardwareID: Unexpected property');
    expect((await error('/api/v1/sync', { arid: 'ARID-LAB-0001' }))?.message).toMatch(/^hardwareId\/guid: give exactly one/);
    expect((await error('/api/v1/deactivate', { arid: 'ARID-LAB-0001', hardwareId: 'H', guid: randomUUID() }))?.message).toMatch(/^hardwareId\/guid: give exactly one/);
    expect(await error('/api/v1/sync', [])).toEqual({ code: 'BAD_REQUEST', message: '(body): Expected object' });
    expect(await client.raw('POST', '/api/v1/sync', '{"arid":')).toEqual({ status: 400, body: { error: { code: 'BAD_REQUEST', message: '(body): not JSON' } } });
    const big = await client.raw('POST', '/api/v1/activate', JSON.stringify({ arid: 'ARID-LAB-0001', platform: 'virtual', pad: 'x'.repeat(17 * 1024) }));
    expect(big).toEqual({ status: 413, body: { error: { code: 'BODY_TOO_LARGE', message: 'the body is over 16384 bytes' } } });
    expect((await client.raw('GET', '/api/v1/activate')).status).toBe(404);
    expect(amc.activations()).toEqual([]);
    expect(amc.requests()[0]).toEqual({ n: 1, at: new Date(START).toISOString(), method: 'POST', path: '/api/v1/activate', body: { platform: 'virtual' }, status: 400, code: 'BAD_REQUEST' });
  });

  it('the HTTP control API edits the accounts', async () => {
    await client.activate({ arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'HW-A' });
    expect((await client.raw('POST', '/control/arids/ARID-LAB-0002/parts', JSON.stringify({ partNumber: '54006215', quantity: 2 }))).status).toBe(200);
    expect((await client.raw('DELETE', '/control/arids/ARID-LAB-0002/parts/54005793?quantity=4')).status).toBe(200);
    expect((await client.raw('PUT', '/control/arids/ARID-LAB-0002/ulm-group', JSON.stringify({ ulmGroup: 'G' }))).status).toBe(200);
    const parts = (await client.sync({ arid: 'ARID-LAB-0002', hardwareId: 'HW-A' })).payload;
    expect(parts.parts.map((p) => [p.partNumber, p.quantity])).toEqual([
      ['54005784', 1],
      ['54006214', 1],
      ['54005793', 1],
      ['54006215', 2],
    ]);
    expect(parts.ulmGroup).toBe('G');
    const refused = await client.raw('DELETE', '/control/arids/ARID-LAB-0002/parts/54005784');
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'INVALID_RECORD' } } });
    expect((await client.raw('POST', '/control/arids/ARID-NONE/expire-trial')).status).toBe(404);
    expect((await client.raw('POST', '/control/arids', JSON.stringify({ account: 'X', record: { arid: 'ARID-X', parts: [] } }))).body).toEqual({
      error: { code: 'BAD_REQUEST', message: 'record.parts: Expected array length to be greater or equal to 1' },
    });
    await client.raw('POST', '/control/arids/ARID-LAB-0002/clear-binding');
    expect(amc.activations()).toEqual([]);
    await client.raw('PUT', '/control/failing', JSON.stringify({ failing: true }));
    expect((await client.activate({ arid: 'ARID-LAB-0002', platform: 'physical', hardwareId: 'HW-A' })).status).toBe(503);
    expect((await client.raw('GET', '/control/fixture')).body).toMatchObject({ accounts: [{ name: 'OpenOIG Lab' }, { name: 'OpenOIG Lab Service Provider' }] });
  });
});

describe('lab AMC state directory', () => {
  it('keeps its CA, the activations, issued GUIDs and the serial across restarts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'amc-state-'));
    try {
      const first = await startLabAmc({ stateDir: dir });
      const client = new AmcTestClient(first);
      const guid = guidOf(await client.activate({ arid: 'ARID-LAB-0001', platform: 'virtual' }));
      const trial = await client.activate({ arid: 'ARID-LAB-0010', platform: 'physical', hardwareId: 'HW-A' });
      await client.close();
      await first.stop();
      expect(await readFile(path.join(dir, 'amc-ca.crt.pem'), 'utf8')).toBe(first.ca.certPem);
      expect(first.files?.signingCertificateFile).toBe(path.join(dir, 'amc-signing.crt.pem'));

      const second = await startLabAmc({ stateDir: dir });
      const again = new AmcTestClient(second);
      try {
        expect(second.ca.certPem).toBe(first.ca.certPem);
        const synced = await again.sync({ arid: 'ARID-LAB-0001', guid });
        expect(synced.payload.serial).toBe(3);
        expect((await again.sync({ arid: 'ARID-LAB-0010', hardwareId: 'HW-A' })).payload.expiresAt).toBe(trial.payload.expiresAt);
        await again.deactivate({ arid: 'ARID-LAB-0001', guid });
        expect((await again.activate({ arid: 'ARID-LAB-0013', platform: 'virtual', guid })).status).toBe(200);
      } finally {
        await again.close();
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
