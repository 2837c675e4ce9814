import pg from 'pg';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../support/admin-client';
import { CcSession, describeEvent } from '../support/cc-client';
import { ICP1, startCcEnv, type CcEnv } from '../support/cc-env';
import { createTestDatabase } from '../support/database';
import { createPool } from '../../src/storage/database';
import { startCrashablePostgres, type CrashablePostgres } from '../support/crashable-postgres';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { attrOf, envelope, loginExEnvelope, postSoap, textOf } from '../support/soap';

/**
 * Issue #11, defect 1: the gateway rides out a database restart. Sessions, monitors and event
 * queues live in memory; session records wait in order and reach PostgreSQL once it is back;
 * /health says "degraded" meanwhile and what needs the database answers 503.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function soapLogin(url: string): Promise<{ result: string | undefined; sessionId: string; error: string | undefined }> {
  const res = await postSoap(url, loginExEnvelope({ companyName: LAB.company, ...LAB.standard, localPassword: LAB.localPassword }), { action: 'urn:loginEx' });
  return { result: attrOf(res.body, 'return', 'result'), sessionId: attrOf(res.body, 'return', 'sessionId') as string, error: textOf(res.body, 'errorDesc') };
}

async function soapCall(url: string, operation: 'resetSessionTimer' | 'logout', sessionId: string): Promise<string | undefined> {
  const res = await postSoap(url, envelope(`<s:${operation}><s:sessionId>${sessionId}</s:sessionId></s:${operation}>`), { action: `urn:${operation}` });
  return attrOf(res.body, 'return', 'result');
}

async function health(url: string): Promise<{ status: number; json: any }> {
  const res = await request(`${url}/health`);
  return { status: res.statusCode, json: await res.body.json() };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('a database restart under load (issue #11)', () => {
  it('kill -9 of PostgreSQL loses no session, no event and no record; /health is degraded and admin answers 503 meanwhile', async () => {
    const db: CrashablePostgres = await startCrashablePostgres();
    cleanups.push(() => db.close());
    const env: CcEnv = await startCcEnv({ gateway: { databaseUrl: db.url }, config: { sessions: { timeoutMs: 3_000 } } });
    cleanups.push(() => env.close());
    const { url } = env;
    const admin = await AdminClient.login(url);

    // 40 sessions kept alive every 500 ms (the timeout is 3 s), two of them monitoring phones.
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const login = await soapLogin(url);
      expect(login.result).toBe('true');
      ids.push(login.sessionId);
    }
    const caller = await CcSession.open(url);
    const callee = await CcSession.open(url);
    const icp = await caller.icpId(ICP1);
    const from = await caller.monitor(icp, '1000');
    const to = await callee.monitor(icp, '1001');
    expect((await caller.events(1)).map(describeEvent)).toEqual([`${from} MONITOR_SET/MONITOR_SET/IDLE`]);
    expect((await callee.events(1)).map(describeEvent)).toEqual([`${to} MONITOR_SET/MONITOR_SET/IDLE`]);
    const loggedOut = ids.pop() as string;
    const leftToExpire = ids.pop() as string;
    let refusedKeepAlives = 0;
    let keepAlives = 0;
    let loading = true;
    let crashed = false;
    const load = (async () => {
      while (loading) {
        const answers = await Promise.all([...ids, leftToExpire].map((id) => (id === leftToExpire && crashed ? Promise.resolve('skip') : soapCall(url, 'resetSessionTimer', id))));
        await Promise.all([caller.keepAlive(), callee.keepAlive()]);
        for (const answer of answers) {
          if (answer === 'skip') continue;
          keepAlives += 1;
          if (answer !== 'true') refusedKeepAlives += 1;
        }
        await sleep(500);
      }
    })();
    await sleep(1_200);

    await db.crash();
    crashed = true;
    const crashedAt = Date.now();
    await until('a degraded /health', async () => (await health(url)).json.status === 'degraded');
    const degraded = await health(url);
    expect(degraded.status).toBe(200);
    expect(degraded.json.database.available).toBe(false);

    // What needs the database answers that it is away: 503 on the admin API, result="false" on a login.
    const adminAnswer = await admin.call('GET', '/accounts');
    expect(adminAnswer.status).toBe(503);
    expect(adminAnswer.json.code).toBe('OIG_STORAGE_UNAVAILABLE');
    const refusedLogin = await soapLogin(url);
    expect(refusedLogin.result).toBe('false');
    expect(refusedLogin.error).toMatch(/database/);

    // Calls go on: the monitored phones' events arrive while PostgreSQL is down.
    env.lab.dial('1000', '1001');
    await caller.until((e) => e.callEvent?.type === 'CALL_ORIGINATED');
    await callee.until((e) => e.callEvent?.type === 'CALL_DELIVERED');
    env.lab.answer('1001');
    await callee.until((e) => e.callEvent?.type === 'CALL_ESTABLISHED');
    env.lab.hangUp('1000');
    await callee.until((e) => e.callEvent?.type === 'CALL_CLEAR');
    expect(await soapCall(url, 'logout', loggedOut)).toBe('true');
    // Longer than the session timeout: only the session without keep-alives ends.
    await sleep(4_000);
    expect(() => env.gw.gateway.sessions.get(leftToExpire)).toThrow(/has ended/);
    expect(env.gw.gateway.writes.pending).toBeGreaterThan(0);

    await db.start();
    const downMs = Date.now() - crashedAt;
    await until('the database back and every record written', async () => {
      const h = await health(url);
      return h.json.status === 'ok' && h.json.database.pendingWrites === 0;
    });
    loading = false;
    await load;

    expect(refusedKeepAlives).toBe(0);
    expect(keepAlives).toBeGreaterThan(40 * 8);
    for (const id of ids) expect(env.gw.gateway.sessions.get(id).id).toBe(id);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; end_reason: string | null; last_keepalive_at: Date }>('SELECT id::text, end_reason, last_keepalive_at FROM app_session');
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(loggedOut)?.end_reason).toBe('logout');
      expect(byId.get(leftToExpire)?.end_reason).toBe('expired');
      // Every live session is open in the record, with a keep-alive time from during the outage or after.
      for (const id of ids) {
        expect(byId.get(id)?.end_reason).toBeNull();
        expect(byId.get(id)!.last_keepalive_at.getTime()).toBeGreaterThan(crashedAt);
      }
    } finally {
      await client.end();
    }
    expect((await soapLogin(url)).result).toBe('true');
    expect((await admin.call('GET', '/accounts')).status).toBe(200);
    process.stdout.write(`database restart: down ${downMs} ms, ${keepAlives} keep-alives, 0 refused, ${ids.length + 2} sessions kept, 0 lost\n`);
  }, 120_000);
});

describe('database connections that die while idle (issue #11)', () => {
  let gw: TestGateway;
  it('pg_terminate_backend of the gateway connections does not end the process, and the next statement reconnects', async () => {
    gw = await startTestGateway();
    cleanups.push(() => gw.close());
    const login = await soapLogin(gw.url);
    expect(login.result).toBe('true');
    const client = new pg.Client({ connectionString: gw.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = 'openoig-gateway' AND datname = current_database()`,
      );
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
    await sleep(300);
    expect(await soapCall(gw.url, 'resetSessionTimer', login.sessionId)).toBe('true');
    expect((await soapLogin(gw.url)).result).toBe('true');
    const admin = await AdminClient.login(gw.url);
    expect((await admin.call('GET', '/accounts')).status).toBe(200);
    expect((await health(gw.url)).json.status).toBe('ok');
  });
});

describe('closing the pool (issue #11)', () => {
  it('pool.end() resolves once every connection is closed, so PostgreSQL can be stopped right after without cutting one', async () => {
    const pool = createPool(await createTestDatabase());
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect(), pool.connect()]);
    let closed = 0;
    for (const client of clients) {
      client.once('end', () => (closed += 1));
      client.release();
    }
    await pool.end();
    expect(closed).toBe(clients.length);
  });
});
