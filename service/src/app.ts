import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import cookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Config } from './config';
import { AccountService } from './domain/accounts/account-service';
import { AclRegistry } from './domain/acl/acl-registry';
import { PasswordVerifier } from './domain/passwords';
import { SessionManager } from './domain/sessions/session-manager';
import { oigError } from './errors';
import { scheduleAclRefresh } from './jobs/acl-refresh-job';
import type { Logger } from './log';
import { McsAclClient } from './mcs/acl-client';
import { PgAccountStore } from './storage/account-store';
import { PgAclSnapshotStore } from './storage/acl-store';
import { PgAdminSessionStore } from './storage/admin-session-store';
import { createPool, migrate } from './storage/database';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './storage/embedded-postgres';
import { PgSessionStore } from './storage/session-store';
import { createAdminAuth } from './transport/admin/admin-auth';
import { registerAdminApi } from './transport/admin/admin-routes';
import { registerRestSessions } from './transport/rest/sessions-routes';
import { sessionServiceBinding } from './transport/soap/session-handlers';
import { registerSoapService, type SoapBinding } from './transport/soap/soap-routes';
import { GATEWAY_VERSION, OIG_CONTRACT_VERSION } from './version';

/** A running gateway: what main.ts, the lab runner, tests and benchmarks hold on to. */
export interface Gateway {
  readonly url: string;
  readonly http: FastifyInstance;
  readonly pool: pg.Pool;
  readonly sessions: SessionManager;
  readonly acl: AclRegistry;
  readonly accounts: AccountService;
  close(): Promise<void>;
}

async function readCertificateAuthority(file: string): Promise<{ pem: string; cert: X509Certificate }> {
  try {
    const pem = await readFile(file, 'utf8');
    return { pem, cert: new X509Certificate(pem) };
  } catch (err) {
    throw oigError('OIG_CONFIG_INVALID', `Cannot read the certificate server CA from ${file} (OIG_MCS_CA_FILE): ${(err as Error).message}`, err);
  }
}

/** Wires storage, domain and transports, runs migrations, and starts listening. */
export async function startGateway(config: Config, log: Logger): Promise<Gateway> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log.error({ err }, 'error while shutting down');
      }
    }
  };
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres(config.dataDir, log);
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const pool = createPool(databaseUrl);
    cleanups.push(() => pool.end());
    await migrate(pool, 'up', log);

    const ca = await readCertificateAuthority(config.mcs.caFile);
    const aclClient = new McsAclClient({ url: config.mcs.url, ca: ca.cert, caPem: ca.pem, timeoutMs: config.mcs.timeoutMs });
    cleanups.push(() => aclClient.close());
    const acl = new AclRegistry({ source: aclClient, store: new PgAclSnapshotStore(pool), log: log.child({ area: 'acl' }) });
    await acl.loadStored();
    await acl.refresh();

    const accountStore = new PgAccountStore(pool);
    const sessionStore = new PgSessionStore(pool);
    const abandoned = await sessionStore.closeAbandoned(new Date());
    if (abandoned > 0) log.info({ sessions: abandoned }, 'closed sessions left open by an earlier run');
    const sessions = new SessionManager({
      acl,
      accounts: accountStore,
      store: sessionStore,
      passwords: new PasswordVerifier(),
      certificateAuthority: ca.cert,
      timeoutMs: config.sessions.timeoutMs,
      maxSessions: config.sessions.max,
      log: log.child({ area: 'sessions' }),
    });
    cleanups.push(() => sessions.close());
    const accounts = new AccountService({
      store: accountStore,
      acl,
      activeSessions: (company, app) => sessions.countFor(company, app),
    });

    // Per-request access logs are off: a keep-alive every few seconds per session would flood the journal.
    const http: FastifyInstance = Fastify({
      loggerInstance: log.child({ area: 'http' }) as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: 64 * 1024,
      // A client that never finishes its request must not hold a connection for ever.
      requestTimeout: 30_000,
      // Unknown fields are an error the caller should hear about, not something to drop silently.
      ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    });
    cleanups.push(() => http.close());
    await http.register(cookie);

    const soapServices: SoapBinding[] = [];
    const serviceVersions = (): string => soapServices.map((b) => `${b.service.name}=${OIG_CONTRACT_VERSION}`).join(';');
    soapServices.push(sessionServiceBinding(sessions, serviceVersions));
    for (const binding of soapServices) await registerSoapService(http, binding, config.soap);
    await registerRestSessions(http, sessions, config.sessions.timeoutMs);
    await registerAdminApi(http, { auth: createAdminAuth(new PgAdminSessionStore(pool), config.admin.password), accounts, acl, sessions });
    http.get('/health', async () => ({
      status: 'ok',
      version: GATEWAY_VERSION,
      sessions: sessions.count(),
      acl: { loaded: acl.isLoaded(), fetchedAt: acl.status().fetchedAt },
    }));

    const job = scheduleAclRefresh(acl, config.mcs.refreshCron, log.child({ area: 'jobs' }));
    cleanups.push(() => job.stop());

    await http.listen({ host: config.http.host, port: config.http.port });
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
    log.info({ url, version: GATEWAY_VERSION }, 'gateway ready');
    return { url, http, pool, sessions, acl, accounts, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
