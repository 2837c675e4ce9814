import { hostname } from 'node:os';
import cookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Config } from './config';
import { AccountService } from './domain/accounts/account-service';
import { AclRegistry } from './domain/acl/acl-registry';
import { CallControl } from './domain/callcontrol/call-control';
import { Controllers } from './domain/callcontrol/controllers';
import { EventChannels } from './domain/callcontrol/event-channels';
import { Licensing } from './domain/licensing/licensing';
import { ReportService } from './domain/usage/report-service';
import { licenceSummary } from './domain/usage/usage-report';
import { UsageRecorder } from './domain/usage/usage-recorder';
import { scheduleUsageReport } from './jobs/usage-report-job';
import { SmtpMailer } from './mail/smtp-mailer';
import { PgUsageReportStore } from './storage/usage-report-store';
import { PgUsageStore } from './storage/usage-store';
import { PasswordVerifier } from './domain/passwords';
import { SessionManager } from './domain/sessions/session-manager';
import { scheduleAclRefresh } from './jobs/acl-refresh-job';
import { scheduleLicenceSync } from './jobs/licence-sync-job';
import { AmcClient, UnconfiguredLicenceServer } from './amc/amc-client';
import type { Logger } from './log';
import { McsAclClient, UnconfiguredAclSource } from './mcs/acl-client';
import { createPbxLinks } from './pbx/pbx-links';
import { PgAccountStore } from './storage/account-store';
import { PgAclSnapshotStore } from './storage/acl-store';
import { PgAdminCredentialStore } from './storage/admin-credential-store';
import { PgAdminSessionStore } from './storage/admin-session-store';
import { PgActivationStore } from './storage/licence-store';
import { PgNetworkElementStore } from './storage/network-element-store';
import { createPool, migrate } from './storage/database';
import { DatabaseAvailability } from './storage/database-availability';
import { WriteQueue } from './storage/write-queue';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './storage/embedded-postgres';
import { PgSessionStore } from './storage/session-store';
import { createAdminAuth } from './transport/admin/admin-auth';
import { registerAdminApi } from './transport/admin/admin-routes';
import { BackupJobs } from './domain/backups/backup-jobs';
import type { PrivilegedHelper } from './domain/backups/ports';
import { HelperSocketClient, unavailableHelper } from './helper/helper-socket-client';
import type { ApplianceControl } from './domain/system/ports';
import { NetworkElementAdmin } from './domain/callcontrol/network-element-admin';
import { LoginGuard } from './domain/logins/login-guard';
import { LoggingLevelOption } from './domain/options/logging-level';
import { PgOptionStore } from './storage/option-store';
import { defaultAdminUiDir, registerAdminUi } from './transport/admin-ui-static';
import { answerFrameworkErrors } from './transport/framework-errors';
import { registerRestSessions } from './transport/rest/sessions-routes';
import { standardCCServiceBinding } from './transport/soap/cc-handlers';
import { SoapEventPusher } from './transport/soap/event-handler-client';
import { sessionServiceBinding } from './transport/soap/session-handlers';
import { registerSoapService, type SoapBinding } from './transport/soap/soap-routes';
import { hardwareIdOf, readCertificateAuthority, readPem, readTlsFiles, consoleNoticeShows, removeConsoleNoticeFile } from './startup-files';
import { GATEWAY_VERSION, OIG_CONTRACT_VERSION } from './version';

/** How long a stopping gateway waits for the database to take the last session records. */
const SHUTDOWN_WRITE_WAIT_MS = 5_000;

/** A running gateway: what main.ts, the lab runner, tests and benchmarks hold on to. */
export interface Gateway {
  readonly url: string;
  /** Set when TLS is configured (OIG_TLS_CERT_FILE / OIG_TLS_KEY_FILE). */
  readonly httpsUrl: string | undefined;
  readonly http: FastifyInstance;
  readonly pool: pg.Pool;
  readonly database: DatabaseAvailability;
  readonly writes: WriteQueue;
  readonly sessions: SessionManager;
  /** The application login backoff (locks per application and address). */
  readonly logins: LoginGuard;
  readonly acl: AclRegistry;
  readonly accounts: AccountService;
  readonly licensing: Licensing;
  readonly usage: UsageRecorder;
  readonly reports: ReportService;
  readonly callControl: CallControl;
  readonly controllers: Controllers;
  readonly elements: NetworkElementAdmin;
  readonly logging: LoggingLevelOption;
  readonly events: EventChannels;
  /** The appliance's privileged helper (backup and restore), or one that says it is not there. */
  readonly helper: PrivilegedHelper;
  readonly appliance: ApplianceControl;
  readonly backups: BackupJobs;
  close(): Promise<void>;
}

async function listen(server: FastifyInstance, scheme: 'http' | 'https', host: string, port: number): Promise<string> {
  await server.listen({ host, port });
  const address = server.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound}`;
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
    const storageLog = log.child({ area: 'storage' });
    const database = new DatabaseAvailability({ log: storageLog });
    const pool = createPool(databaseUrl, { log: storageLog, availability: database });
    cleanups.push(() => pool.end());
    await migrate(pool, 'up', log, { dir: config.database.migrationsDir });
    database.watch(pool);
    cleanups.push(() => database.close());
    // Session records wait here while the database is away (and are written at once when it is back).
    const writes = new WriteQueue({ log: storageLog });
    database.onChange((available) => available && writes.retryNow());
    cleanups.push(async () => {
      await writes.close(SHUTDOWN_WRITE_WAIT_MS);
    });

    const { url: mcsUrl, caFile } = config.mcs;
    const ca = caFile ? await readCertificateAuthority(caFile) : undefined;
    if (!mcsUrl || !ca) log.warn('no certificate server configured (OIG_MCS_URL, OIG_MCS_CA_FILE): no ACL can be received and logins are refused');
    const aclClient = mcsUrl && ca ? new McsAclClient({ url: mcsUrl, ca: ca.cert, caPem: ca.pem, timeoutMs: config.mcs.timeoutMs }) : new UnconfiguredAclSource();
    cleanups.push(() => aclClient.close());
    const acl = new AclRegistry({ source: aclClient, store: new PgAclSnapshotStore(pool), log: log.child({ area: 'acl' }) });
    await acl.loadStored();
    await acl.refresh();

    const { licensing: lc } = config;
    const amcCaPem = lc.amcCaFile ? await readPem(lc.amcCaFile, 'licensing server CA', 'OIG_AMC_CA_FILE') : undefined;
    if (!lc.amcUrl || !amcCaPem) log.warn('no licensing server configured (OIG_AMC_URL, OIG_AMC_CA_FILE): no ARID can be activated and logins are refused');
    const licenceServer = lc.amcUrl && amcCaPem ? new AmcClient({ url: lc.amcUrl, caPem: amcCaPem, timeoutMs: lc.timeoutMs }) : new UnconfiguredLicenceServer();
    cleanups.push(() => licenceServer.close());
    const licensing = new Licensing({
      server: licenceServer,
      store: new PgActivationStore(pool),
      platform: lc.platform,
      hardwareId: await hardwareIdOf(lc.hardwareId),
      graceMs: lc.graceDays * 86_400_000,
      log: log.child({ area: 'licensing' }),
    });
    await licensing.start();

    const accountStore = new PgAccountStore(pool);
    const sessionStore = new PgSessionStore(pool, writes);
    const abandoned = await sessionStore.closeAbandoned(new Date());
    if (abandoned > 0) log.info({ sessions: abandoned }, 'closed sessions left open by an earlier run');
    const logins = config.logins;
    const backoff = (failures: number) => ({ failures, windowMs: logins.windowMs, lockMs: logins.lockMs, maxLockMs: Math.max(logins.lockMs, logins.maxLockMs), maxTracked: 10_000 });
    const loginGuard = new LoginGuard({ application: backoff(logins.applicationFailures), address: backoff(logins.addressFailures), log: log.child({ area: 'logins' }) });
    const sessions = new SessionManager({
      acl,
      guard: loginGuard,
      accounts: accountStore,
      store: sessionStore,
      passwords: new PasswordVerifier(),
      certificateAuthority: ca?.cert,
      timeoutMs: config.sessions.timeoutMs,
      maxSessions: config.sessions.max,
      admit: () => licensing.admitLogin(),
      log: log.child({ area: 'sessions' }),
    });
    cleanups.push(() => sessions.close());
    // Usage per application and day (installation guide "Send Mitel OIG Usage Report").
    const usage = new UsageRecorder({ store: new PgUsageStore(pool), log: log.child({ area: 'usage' }), flushIntervalMs: config.usage.flushIntervalMs });
    cleanups.push(() => usage.close());
    const reports = new ReportService({
      store: new PgUsageReportStore(pool),
      usage,
      mailer: new SmtpMailer({ timeoutMs: config.usage.smtpTimeoutMs }),
      gateway: { name: config.usage.gatewayName ?? hostname(), version: GATEWAY_VERSION, host: hostname() },
      licence: () => licenceSummary(licensing.status().overview),
      log: log.child({ area: 'usage-report' }),
      attempts: config.usage.reportAttempts,
      retryDelayMs: config.usage.reportRetryMs,
    });
    await reports.start();
    cleanups.push(() => reports.close());
    const appOf = (s: { companyName: string; applicationName: string }) => ({ companyName: s.companyName, applicationName: s.applicationName });
    sessions.onSessionStarted((session) => usage.sessionOpened(appOf(session)));
    sessions.onSessionEnded((session) => usage.sessionEnded(appOf(session)));
    // Call monitors held per application, for the usage peaks. The application is noted when a
    // session takes a monitor, because releases also come after the session has ended.
    const monitorsByApp = new Map<string, number>();
    const heldBySession = new Map<string, { key: string; app: { companyName: string; applicationName: string }; count: number }>();
    const countMonitors = (sessionId: string, delta: number): void => {
      let held = heldBySession.get(sessionId);
      if (!held) {
        const session = sessions.get(sessionId);
        held = { key: `${session.companyName}\u0000${session.applicationName}`, app: appOf(session), count: 0 };
        heldBySession.set(sessionId, held);
      }
      held.count += delta;
      if (held.count <= 0) heldBySession.delete(sessionId);
      const count = Math.max(0, (monitorsByApp.get(held.key) ?? 0) + delta);
      monitorsByApp.set(held.key, count);
      usage.concurrency(held.app, { monitors: count });
    };

    const accounts = new AccountService({
      store: accountStore,
      acl,
      activeSessions: (company, app) => sessions.countFor(company, app),
    });

    const links = await createPbxLinks(config.pbx, log.child({ area: 'pbx' }));
    cleanups.push(() => links.close());
    const elementStore = new PgNetworkElementStore(pool);
    const controllers = new Controllers({
      store: elementStore,
      links,
      connectWaitMs: config.pbx.connectWaitMs,
      maxControllers: config.pbx.maxControllers,
      log: log.child({ area: 'controllers' }),
    });
    await controllers.start();
    const elements = new NetworkElementAdmin({ store: elementStore, controllers, versionOf: (address) => links.info(address)?.version });
    const logging = new LoggingLevelOption(log, new PgOptionStore(pool));
    await logging.start();
    const events = new EventChannels({
      queueLimit: config.callControl.eventQueueLimit,
      pusher: new SoapEventPusher(config.callControl.pushTimeoutMs),
      pushAttempts: config.callControl.pushAttempts,
      log: log.child({ area: 'events' }),
    });
    const callControl = new CallControl({
      session: (id) => sessions.get(id),
      links,
      controllers,
      channels: events,
      pool: {
        acquire: (id, level) => {
          licensing.acquireMonitor(id, level);
          countMonitors(id, 1);
        },
        release: (id, level) => {
          licensing.releaseMonitor(id, level);
          countMonitors(id, -1);
        },
      },
      log: log.child({ area: 'callcontrol' }),
    });
    cleanups.push(() => callControl.close());
    sessions.onSessionEnded((session) => {
      licensing.sessionEnded(session.id);
      callControl.endSession(session.id).catch((err: unknown) => log.error({ err, sessionId: session.id }, 'could not release the monitors of an ended session'));
    });

    const soapServices: SoapBinding[] = [];
    const serviceVersions = (): string => soapServices.map((b) => `${b.service.name}=${OIG_CONTRACT_VERSION}`).join(';');
    soapServices.push(sessionServiceBinding(sessions, serviceVersions));
    soapServices.push(standardCCServiceBinding(sessions, callControl, events));
    const credentialStore = new PgAdminCredentialStore(pool);
    const removeConsoleNotice = () => removeConsoleNoticeFile(config.admin.consoleNoticeFile, log);
    // The notice is stale once the password was changed, or when it shows another password than
    // the one configured (a restored backup brings its own).
    const changed = Boolean((await credentialStore.load())?.changedAt);
    if (changed || !(await consoleNoticeShows(config.admin.consoleNoticeFile, config.admin.password))) await removeConsoleNotice();
    const adminAuth = createAdminAuth(new PgAdminSessionStore(pool), credentialStore, config.admin.password, config.admin.idleTimeoutMs, removeConsoleNotice);
    const helperClient = config.helper.socket ? new HelperSocketClient(config.helper.socket) : unavailableHelper;
    const helper: PrivilegedHelper = helperClient;
    const appliance: ApplianceControl = helperClient;
    const backups = new BackupJobs(helper);

    /** The same routes on every listener (HTTP, and HTTPS when configured). */
    const buildServer = async (https?: { key: string; cert: string }): Promise<FastifyInstance> => {
      const server = Fastify({
        ...(https ? { https } : {}),
        ...(config.http.trustProxy ? { trustProxy: config.http.trustProxy } : {}),
        loggerInstance: log.child({ area: https ? 'https' : 'http' }) as FastifyBaseLogger,
        // Per-request access logs are off: a keep-alive every few seconds per session would flood the journal.
        logController: new LogController({ disableRequestLogging: true }),
        bodyLimit: 64 * 1024,
        // A client that never finishes its request must not hold a connection for ever.
        requestTimeout: 30_000,
        // Unknown fields are an error the caller should hear about, not something to drop silently.
        ajv: { customOptions: { removeAdditional: false, allErrors: false } },
        frameworkErrors: answerFrameworkErrors(['/axis2/services', ...soapServices.flatMap((b) => b.service.paths)]),
      }) as unknown as FastifyInstance;
      cleanups.push(() => server.close());
      await server.register(cookie);
      for (const binding of soapServices) await registerSoapService(server, binding, config.soap);
      await registerRestSessions(server, sessions, config.sessions.timeoutMs);
      await registerAdminApi(server, { auth: adminAuth, accounts, acl, sessions, logins: loginGuard, callControl, licensing, reports, usage, elements, logging, helper, backups, appliance });
      await registerAdminUi(server, config.admin.uiDir ?? defaultAdminUiDir(), log);
      // Degraded, not refused, while the database is away: sessions, monitors and events carry on.
      server.get('/health', async () => ({
        status: database.available ? 'ok' : 'degraded',
        version: GATEWAY_VERSION,
        sessions: sessions.count(),
        acl: { loaded: acl.isLoaded(), fetchedAt: acl.status().fetchedAt },
        database: { ...database.status(), pendingWrites: writes.pending },
      }));
      return server;
    };
    const http = await buildServer();
    const tls = config.tls.certFile && config.tls.keyFile ? await readTlsFiles(config.tls.certFile, config.tls.keyFile) : undefined;
    const https = tls ? await buildServer(tls) : undefined;

    const job = scheduleAclRefresh(acl, config.mcs.refreshCron, log.child({ area: 'jobs' }));
    cleanups.push(() => job.stop());
    const licenceJob = scheduleLicenceSync(licensing.activation, lc.syncCron, log.child({ area: 'jobs' }));
    cleanups.push(() => licenceJob.stop());
    const reportJob = scheduleUsageReport(reports, { expression: config.usage.reportCron, log: log.child({ area: 'jobs' }) });
    cleanups.push(() => reportJob.stop());

    // Runs first on close (cleanups run in reverse): waiting getEvent requests still answer.
    cleanups.push(() => callControl.announceShutdown());
    const url = await listen(http, 'http', config.http.host, config.http.port);
    const httpsUrl = https ? await listen(https, 'https', config.http.host, config.tls.port) : undefined;
    log.info({ url, httpsUrl, version: GATEWAY_VERSION }, 'gateway ready');
    return { url, httpsUrl, http, pool, database, writes, sessions, logins: loginGuard, acl, accounts, licensing, usage, reports, callControl, controllers, elements, logging, events, helper, appliance, backups, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
