import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { attrOf, envelope, loginExEnvelope, postSoap, textOf } from '../support/soap';

/**
 * Session Management rules from the seeds: the 10 s keep-alive (developer guide, "Mitel OIG
 * Session Management Service"), the 1500-session cap (design brief, "Numbers the seed
 * fixes"), the ACL and local passwords (installation guide, "Application Accounts Tab",
 * "Create Application Local Password panel").
 */
const started: TestGateway[] = [];
async function gateway(options: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  const gw = await startTestGateway(options);
  started.push(gw);
  return gw;
}
afterAll(async () => {
  for (const gw of started.reverse()) await gw.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function loginExXml(app: { applicationName: string; applicationPassword: string } = LAB.standard, localPassword: string = LAB.localPassword): string {
  return loginExEnvelope({ companyName: LAB.company, ...app, localPassword });
}

async function soapLogin(gw: TestGateway, app = LAB.standard, localPassword: string = LAB.localPassword) {
  const res = await postSoap(gw.url, loginExXml(app, localPassword), { action: 'urn:loginEx' });
  return { result: attrOf(res.body, 'return', 'result'), sessionId: attrOf(res.body, 'return', 'sessionId') as string, error: textOf(res.body, 'errorDesc') };
}

async function soapReset(gw: TestGateway, sessionId: string) {
  const res = await postSoap(gw.url, envelope(`<s:resetSessionTimer><s:sessionId>${sessionId}</s:sessionId></s:resetSessionTimer>`), {
    action: 'urn:resetSessionTimer',
  });
  return { result: attrOf(res.body, 'return', 'result'), error: textOf(res.body, 'errorDesc') };
}

async function endReason(gw: TestGateway, sessionId: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: gw.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT end_reason FROM app_session WHERE id = $1', [sessionId]);
    return rows[0]?.end_reason ?? null;
  } finally {
    await client.end();
  }
}

describe('keep-alive and expiry', () => {
  it('session-expires-after-the-timeout-without-keepalive, and its end frees what it held', async () => {
    const gw = await gateway({ config: { sessions: { timeoutMs: 400 } } });
    const ended: string[] = [];
    gw.gateway.sessions.onSessionEnded((s, reason) => ended.push(`${s.id}:${reason}`));
    const { sessionId } = await soapLogin(gw);
    expect(await soapReset(gw, sessionId)).toEqual({ result: 'true', error: undefined });
    await sleep(900);
    const after = await soapReset(gw, sessionId);
    expect(after.result).toBe('false');
    expect(after.error).toMatch(/does not exist or has ended/);
    expect(ended).toEqual([`${sessionId}:expired`]);
    expect(await endReason(gw, sessionId)).toBe('expired');
  });

  it('session-stays-alive-while-keepalives-come-within-the-timeout', async () => {
    const gw = await gateway({ config: { sessions: { timeoutMs: 400 } } });
    const { sessionId } = await soapLogin(gw);
    for (let i = 0; i < 8; i += 1) {
      await sleep(150);
      expect((await soapReset(gw, sessionId)).result).toBe('true');
    }
    expect(gw.gateway.sessions.get(sessionId).id).toBe(sessionId);
  });

  it('keep-alive times reach the database in batches', async () => {
    const gw = await gateway();
    const { sessionId } = await soapLogin(gw);
    await sleep(50);
    await soapReset(gw, sessionId);
    const resetAt = gw.gateway.sessions.get(sessionId).lastKeepAliveAt;
    await sleep(1500);
    const client = new pg.Client({ connectionString: gw.databaseUrl });
    await client.connect();
    const { rows } = await client.query('SELECT last_keepalive_at, created_at FROM app_session WHERE id = $1', [sessionId]);
    await client.end();
    expect(rows[0].last_keepalive_at.getTime()).toBe(resetAt.getTime());
    expect(rows[0].last_keepalive_at.getTime()).toBeGreaterThan(rows[0].created_at.getTime());
  });
});

describe('the session cap', () => {
  it('accepts 1500 sessions, refuses the 1501st with a clear reason, and accepts again after a logout', async () => {
    const gw = await gateway({ config: { sessions: { timeoutMs: 600_000 } } });
    const ids: string[] = [];
    for (let batch = 0; batch < 1500 / 50; batch += 1) {
      const results = await Promise.all(Array.from({ length: 50 }, () => soapLogin(gw)));
      for (const r of results) {
        expect(r.result).toBe('true');
        ids.push(r.sessionId);
      }
    }
    expect(new Set(ids).size).toBe(1500);
    const refused = await soapLogin(gw);
    expect(refused.result).toBe('false');
    expect(refused.error).toMatch(/maximum of 1500 sessions/);

    await postSoap(gw.url, envelope(`<s:logout><s:sessionId>${ids[0]}</s:sessionId></s:logout>`));
    expect((await soapLogin(gw)).result).toBe('true');
  });

  it('concurrent logins cannot overshoot a configured cap', async () => {
    const gw = await gateway({ config: { sessions: { max: 5 } } });
    const results = await Promise.all(Array.from({ length: 20 }, () => soapLogin(gw)));
    expect(results.filter((r) => r.result === 'true')).toHaveLength(5);
    expect(gw.gateway.sessions.count()).toBe(5);
  });
});

describe('ACL and local accounts', () => {
  let gw: TestGateway;
  afterEach(async () => {
    gw.mcs.setFailing(false);
  });

  it('a revoked application is refused at its next login; its current session continues', async () => {
    gw = await gateway();
    const live = await soapLogin(gw);
    gw.mcs.revoke(LAB.company, LAB.standard.applicationName);
    const status = await gw.gateway.acl.refresh();
    expect(status.lastError).toBeNull();
    const refused = await soapLogin(gw);
    expect(refused.result).toBe('false');
    expect(refused.error).toMatch(/has been revoked/);
    expect((await soapReset(gw, live.sessionId)).result).toBe('true');
  });

  it('a wrong local password is refused with "Local Password Invalid"', async () => {
    gw = await gateway();
    const refused = await soapLogin(gw, LAB.standard, 'not-the-local-password');
    expect(refused).toMatchObject({ result: 'false', sessionId: '0', error: 'Local Password Invalid' });
  });

  it('deleting a local password keeps the live session; the next login fails', async () => {
    gw = await gateway();
    const live = await soapLogin(gw);
    const account = (await gw.gateway.accounts.list()).find((a) => a.applicationName === LAB.standard.applicationName);
    expect(account?.activeSessions).toBe(1);
    await gw.gateway.accounts.delete(account!.id);
    expect((await soapReset(gw, live.sessionId)).result).toBe('true');
    const next = await soapLogin(gw);
    expect(next.result).toBe('false');
    expect(next.error).toMatch(/has no local password on this gateway/);
  });

  it('a disabled account is refused; enabling it again lets the application in', async () => {
    gw = await gateway();
    const account = (await gw.gateway.accounts.list()).find((a) => a.applicationName === LAB.standard.applicationName)!;
    await gw.gateway.accounts.update(account.id, { enabled: false });
    expect((await soapLogin(gw)).error).toMatch(/is disabled on this gateway/);
    await gw.gateway.accounts.update(account.id, { enabled: true });
    expect((await soapLogin(gw)).result).toBe('true');
  });

  it('with the certificate server offline, logins keep working on the last good ACL, also after a restart', async () => {
    gw = await gateway();
    gw.mcs.setFailing(true);
    const status = await gw.gateway.acl.refresh();
    expect(status.lastError).toMatch(/HTTP 503/);
    expect(status.loaded).toBe(true);
    expect((await soapLogin(gw)).result).toBe('true');

    // A second gateway process on the same database while the MCS is still failing.
    const restarted = await gateway({ databaseUrl: gw.databaseUrl, mcs: gw.mcs, amc: gw.amc });
    const acl = restarted.gateway.acl.status();
    expect(acl).toMatchObject({ loaded: true, source: 'stored' });
    expect(acl.lastError).toMatch(/HTTP 503/);
    expect((await soapLogin(restarted)).result).toBe('true');
  });

  it('a gateway that never received an ACL refuses logins with the reason, and lets them in once the MCS answers', async () => {
    const { startLabMcs } = await import('@openoig/lab/mcs');
    const mcs = await startLabMcs();
    mcs.setFailing(true);
    gw = await gateway({ mcs });
    try {
      expect(gw.gateway.acl.isLoaded()).toBe(false);
      // Accounts cannot be created before the ACL is known, so create the lab one after.
      const refused = await soapLogin(gw);
      expect(refused.result).toBe('false');
      expect(refused.error).toMatch(/No access control list has been received/);
      mcs.setFailing(false);
      await gw.gateway.acl.refresh();
      await gw.gateway.accounts.create(LAB.company, LAB.standard.applicationName, LAB.localPassword);
      expect((await soapLogin(gw)).result).toBe('true');
    } finally {
      await gw.close();
      started.splice(started.indexOf(gw), 1);
      await mcs.stop();
    }
  });

  it('without a certificate server configured, the gateway runs and refuses logins with the reason', async () => {
    gw = await gateway({ withoutMcs: true });
    expect(gw.gateway.acl.status()).toMatchObject({ loaded: false, lastError: expect.stringMatching(/No certificate server is configured/) });
    const refused = await soapLogin(gw);
    expect(refused.error).toMatch(/No access control list has been received/);
  });

  it('an ACL signed by another CA, or altered on the way, is refused', async () => {
    const { X509Certificate } = await import('node:crypto');
    const { McsAclClient } = await import('../../src/mcs/acl-client');
    const { startLabMcs } = await import('@openoig/lab/mcs');
    gw = await gateway();
    const impostor = await startLabMcs();
    // TLS to the impostor is trusted here on purpose, so only the ACL signature check is left.
    const client = new McsAclClient({ url: impostor.url, ca: new X509Certificate(gw.mcs.ca.certPem), caPem: impostor.ca.certPem, timeoutMs: 5000 });
    try {
      await expect(client.fetch()).rejects.toMatchObject({ code: 'OIG_ACL_SIGNATURE_INVALID' });
      const genuine = new McsAclClient({ url: gw.mcs.url, ca: new X509Certificate(gw.mcs.ca.certPem), caPem: gw.mcs.ca.certPem, timeoutMs: 5000 });
      const snapshot = await genuine.fetch();
      const altered = Buffer.from(Buffer.from(snapshot.payload, 'base64').toString('utf8').replace('"revoked":false', '"revoked":true')).toString('base64');
      expect(() => genuine.verify(altered, snapshot.signature)).toThrow(/signature does not verify/);
      await genuine.close();
    } finally {
      await client.close();
      await impostor.stop();
    }
  });
});
