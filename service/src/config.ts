import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import path from 'node:path';
import cron from 'node-cron';
import { oigError } from './errors';

/**
 * The one configuration schema, checked at start. Only this module reads the environment.
 * Environment variable → field mapping is listed in `ENVIRONMENT` so the README can name them.
 */
const Port = Type.Integer({ minimum: 0, maximum: 65535 });

export const ConfigSchema = Type.Object({
  http: Type.Object({
    host: Type.String({ minLength: 1, default: '127.0.0.1' }),
    port: Port,
    /** Addresses of a reverse proxy (the appliance's nginx) whose X-Forwarded-* headers are believed. */
    trustProxy: Type.Optional(Type.String({ minLength: 1 })),
  }),
  /** Optional HTTPS listener on the same host, serving the same routes. */
  tls: Type.Object({
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8443 }),
    certFile: Type.Optional(Type.String({ minLength: 1 })),
    keyFile: Type.Optional(Type.String({ minLength: 1 })),
  }),
  database: Type.Object({
    /** postgres://… of an existing server; absent → start the embedded PostgreSQL. */
    url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    /** Where the SQL migrations are; the bundled blade sets it, the source tree finds its own. */
    migrationsDir: Type.Optional(Type.String({ minLength: 1 })),
  }),
  /** Set by systemd for Type=notify services (readiness and watchdog through systemd-notify). */
  systemd: Type.Object({
    notifySocket: Type.Optional(Type.String({ minLength: 1 })),
    watchdogUsec: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  /** Where the embedded PostgreSQL and lab files live in local runs. */
  dataDir: Type.String({ minLength: 1 }),
  /** The appliance's privileged helper (backup and restore); absent: those admin calls answer 503. */
  helper: Type.Object({
    socket: Type.Optional(Type.String({ minLength: 1 })),
  }),
  admin: Type.Object({
    password: Type.String({ minLength: 1 }),
    /** The built admin UI (admin-ui/dist); default: the one of the source checkout. The blade sets it. */
    uiDir: Type.Optional(Type.String({ minLength: 1 })),
    /** An administrator login with no action for this long ends (30 minutes). */
    idleTimeoutMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 1_800_000 }),
    /**
     * The console's one-time password notice (first boot writes it when no password was given);
     * removed once the administrator has changed the password.
     */
    consoleNoticeFile: Type.Optional(Type.String({ minLength: 1 })),
  }),
  sessions: Type.Object({
    /** The keep-alive window: a session not reset within it ends (seed: 10 s). */
    timeoutMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 10_000 }),
    /** Concurrent application sessions (seed: 1500). */
    max: Type.Integer({ minimum: 1, maximum: 100_000, default: 1500 }),
  }),
  /**
   * Application login backoff (issue #11): so many wrong passwords within the window lock the
   * application, or the client address, for lockMs; each further lock of it lasts twice as long,
   * up to maxLockMs. Only failures count: good logins are never slowed.
   */
  logins: Type.Object({
    applicationFailures: Type.Integer({ minimum: 1, maximum: 10_000, default: 5 }),
    addressFailures: Type.Integer({ minimum: 1, maximum: 100_000, default: 50 }),
    windowMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 600_000 }),
    lockMs: Type.Integer({ minimum: 100, maximum: 86_400_000, default: 30_000 }),
    maxLockMs: Type.Integer({ minimum: 100, maximum: 86_400_000, default: 900_000 }),
  }),
  soap: Type.Object({
    maxBodyBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024 }),
    maxDepth: Type.Integer({ minimum: 4, maximum: 256, default: 32 }),
    maxNodes: Type.Integer({ minimum: 16, maximum: 1_000_000, default: 10_000 }),
    /**
     * No OIG request element carries more than 3 attributes and envelopes add a few xmlns
     * declarations, while each attribute costs parse time (issue #11). The XML reader's
     * DEFAULT_ATTRIBUTE_LIMITS are these defaults.
     */
    maxAttributesPerElement: Type.Integer({ minimum: 8, maximum: 100_000, default: 64 }),
    maxAttributes: Type.Integer({ minimum: 16, maximum: 1_000_000, default: 1000 }),
  }),
  mcs: Type.Object({
    /** Base URL of the certificate server (HTTPS); absent: no ACL can be fetched, logins are refused. */
    url: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** PEM of the certificate server's CA: trusts its TLS, its ACL signature and application certificates. */
    caFile: Type.Optional(Type.String({ minLength: 1 })),
    refreshCron: Type.String({ minLength: 9, default: '0 */4 * * *' }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  }),
  /** The licensing server (AMC) and this installation's identity towards it. */
  licensing: Type.Object({
    /** Base URL of the licensing server (HTTPS); absent: no ARID can be activated. */
    amcUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** PEM of the licensing server's CA: trusts its TLS and the certificate that signs entitlements. */
    amcCaFile: Type.Optional(Type.String({ minLength: 1 })),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
    /** The OVA is a virtual appliance; an ISO install on a server is physical. */
    platform: Type.Union([Type.Literal('virtual'), Type.Literal('physical')], { default: 'virtual' }),
    /** A physical server's hardware id (default: /etc/machine-id). */
    hardwareId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' })),
    /** Days the last good entitlement stays in force while the licensing server cannot be reached. */
    graceDays: Type.Integer({ minimum: 0, maximum: 365, default: 30 }),
    syncCron: Type.String({ minLength: 9, default: '17 3 * * *' }),
  }),
  /** Usage records and the monthly usage report (SMTP settings and recipient are in the database, set through the admin API). */
  usage: Type.Object({
    flushIntervalMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 5_000 }),
    /** When the previous month's report goes out (UTC): the 1st at midnight. */
    reportCron: Type.String({ minLength: 9, default: '0 0 1 * *' }),
    reportAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
    reportRetryMs: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 60_000 }),
    smtpTimeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 30_000 }),
    /** The gateway's name in the report (default: the host name). */
    gatewayName: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  }),
  /** Links to the MiVoice Business controllers (docs/pbx-link-protocol.md). */
  pbx: Type.Object({
    /** TCP port of the link on every controller. */
    linkPort: Type.Integer({ minimum: 1, maximum: 65535, default: 7001 }),
    /** PEM of the CA that signs the controllers' link certificates; set → the link runs over TLS. */
    caFile: Type.Optional(Type.String({ minLength: 1 })),
    requestTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5_000 }),
    /** Reconnect backoff: doubles from min to max, with jitter. */
    reconnectMinMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 250 }),
    reconnectMaxMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 30_000 }),
    /** How long an operation that needs a new link (getIcpId) waits for it to come up. */
    connectWaitMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 3_000 }),
    /** Controllers one gateway talks to (seed: 250). */
    maxControllers: Type.Integer({ minimum: 1, maximum: 250, default: 250 }),
  }),
  callControl: Type.Object({
    /** Events kept per session before overflow is reported. */
    eventQueueLimit: Type.Integer({ minimum: 10, maximum: 1_000_000, default: 1_000 }),
    /** Push delivery to a registered event handler: attempts per event and time per attempt. */
    pushAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
    pushTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  }),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export type Config = Static<typeof ConfigSchema>;

type Env = Record<string, string | undefined>;

/** Environment variable → config path. */
export const ENVIRONMENT: Record<string, string> = {
  HOST: 'http.host',
  PORT: 'http.port',
  OIG_TRUST_PROXY: 'http.trustProxy',
  HTTPS_PORT: 'tls.port',
  OIG_TLS_CERT_FILE: 'tls.certFile',
  OIG_TLS_KEY_FILE: 'tls.keyFile',
  DATABASE_URL: 'database.url',
  OIG_MIGRATIONS_DIR: 'database.migrationsDir',
  NOTIFY_SOCKET: 'systemd.notifySocket',
  WATCHDOG_USEC: 'systemd.watchdogUsec',
  OIG_DATA_DIR: 'dataDir',
  OIG_ADMIN_PASSWORD: 'admin.password',
  OIG_ADMIN_UI_DIR: 'admin.uiDir',
  OIG_HELPER_SOCKET: 'helper.socket',
  OIG_ADMIN_IDLE_TIMEOUT_MS: 'admin.idleTimeoutMs',
  OIG_CONSOLE_NOTICE_FILE: 'admin.consoleNoticeFile',
  OIG_SESSION_TIMEOUT_MS: 'sessions.timeoutMs',
  OIG_MAX_SESSIONS: 'sessions.max',
  OIG_LOGIN_APPLICATION_FAILURES: 'logins.applicationFailures',
  OIG_LOGIN_ADDRESS_FAILURES: 'logins.addressFailures',
  OIG_LOGIN_FAILURE_WINDOW_MS: 'logins.windowMs',
  OIG_LOGIN_LOCK_MS: 'logins.lockMs',
  OIG_LOGIN_MAX_LOCK_MS: 'logins.maxLockMs',
  OIG_SOAP_MAX_BODY_BYTES: 'soap.maxBodyBytes',
  OIG_SOAP_MAX_DEPTH: 'soap.maxDepth',
  OIG_SOAP_MAX_NODES: 'soap.maxNodes',
  OIG_SOAP_MAX_ATTRIBUTES_PER_ELEMENT: 'soap.maxAttributesPerElement',
  OIG_SOAP_MAX_ATTRIBUTES: 'soap.maxAttributes',
  OIG_MCS_URL: 'mcs.url',
  OIG_MCS_CA_FILE: 'mcs.caFile',
  OIG_ACL_REFRESH_CRON: 'mcs.refreshCron',
  OIG_MCS_TIMEOUT_MS: 'mcs.timeoutMs',
  OIG_AMC_URL: 'licensing.amcUrl',
  OIG_AMC_CA_FILE: 'licensing.amcCaFile',
  OIG_AMC_TIMEOUT_MS: 'licensing.timeoutMs',
  OIG_PLATFORM: 'licensing.platform',
  OIG_HARDWARE_ID: 'licensing.hardwareId',
  OIG_LICENCE_GRACE_DAYS: 'licensing.graceDays',
  OIG_LICENCE_SYNC_CRON: 'licensing.syncCron',
  OIG_USAGE_FLUSH_MS: 'usage.flushIntervalMs',
  OIG_USAGE_REPORT_CRON: 'usage.reportCron',
  OIG_USAGE_REPORT_ATTEMPTS: 'usage.reportAttempts',
  OIG_USAGE_REPORT_RETRY_MS: 'usage.reportRetryMs',
  OIG_SMTP_TIMEOUT_MS: 'usage.smtpTimeoutMs',
  OIG_GATEWAY_NAME: 'usage.gatewayName',
  OIG_PBX_LINK_PORT: 'pbx.linkPort',
  OIG_PBX_CA_FILE: 'pbx.caFile',
  OIG_PBX_REQUEST_TIMEOUT_MS: 'pbx.requestTimeoutMs',
  OIG_PBX_RECONNECT_MIN_MS: 'pbx.reconnectMinMs',
  OIG_PBX_RECONNECT_MAX_MS: 'pbx.reconnectMaxMs',
  OIG_PBX_CONNECT_WAIT_MS: 'pbx.connectWaitMs',
  OIG_PBX_MAX_CONTROLLERS: 'pbx.maxControllers',
  OIG_CC_EVENT_QUEUE_LIMIT: 'callControl.eventQueueLimit',
  OIG_CC_PUSH_ATTEMPTS: 'callControl.pushAttempts',
  OIG_CC_PUSH_TIMEOUT_MS: 'callControl.pushTimeoutMs',
  LOG_LEVEL: 'logLevel',
};

const DEFAULTS = { http: { port: 8080 }, tls: {}, database: {}, systemd: {}, sessions: {}, logins: {}, soap: {}, mcs: {}, licensing: {}, usage: {}, pbx: {}, callControl: {}, admin: {}, helper: {}, dataDir: '.openoig' };

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (typeof base !== 'object' || base === null || typeof over !== 'object' || over === null) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}

/**
 * Builds the configuration from the environment (plus optional overrides, used by the lab
 * runner and tests) and checks it; any problem is one coded error naming every bad field.
 */
export function loadConfig(env: Env = process.env, overrides: unknown = {}): Config {
  const fromEnv: Record<string, unknown> = {};
  for (const [name, dotted] of Object.entries(ENVIRONMENT)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') setPath(fromEnv, dotted, raw);
  }
  const raw = deepMerge(deepMerge(structuredClone(DEFAULTS), fromEnv), overrides);
  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  const problems = [...Value.Errors(ConfigSchema, withDefaults)].map((e) => {
    const field = e.path.replace(/^\//, '').replaceAll('/', '.');
    const envName = Object.entries(ENVIRONMENT).find(([, p]) => p === field)?.[0];
    return `${field}${envName ? ` (${envName})` : ''}: ${e.message}`;
  });
  // Schedules are checked here, with their variable named, not first when a job is scheduled.
  const schedules: Array<[string, unknown]> = [
    ['mcs.refreshCron', (withDefaults as Config).mcs?.refreshCron],
    ['licensing.syncCron', (withDefaults as Config).licensing?.syncCron],
    ['usage.reportCron', (withDefaults as Config).usage?.reportCron],
  ];
  for (const [field, expression] of schedules) {
    if (typeof expression === 'string' && !cron.validate(expression)) {
      const envName = Object.entries(ENVIRONMENT).find(([, p]) => p === field)?.[0];
      problems.push(`${field} (${envName}): '${expression.slice(0, 64)}' is not a cron schedule`);
    }
  }
  if (problems.length > 0) {
    throw oigError('OIG_CONFIG_INVALID', `Invalid configuration: ${[...new Set(problems)].join('; ')}`);
  }
  const config = withDefaults as Config;
  if ((config.mcs.url === undefined) !== (config.mcs.caFile === undefined)) {
    throw oigError('OIG_CONFIG_INVALID', 'Invalid configuration: OIG_MCS_URL and OIG_MCS_CA_FILE go together; set both or neither');
  }
  if ((config.licensing.amcUrl === undefined) !== (config.licensing.amcCaFile === undefined)) {
    throw oigError('OIG_CONFIG_INVALID', 'Invalid configuration: OIG_AMC_URL and OIG_AMC_CA_FILE go together; set both or neither');
  }
  if ((config.tls.certFile === undefined) !== (config.tls.keyFile === undefined)) {
    throw oigError('OIG_CONFIG_INVALID', 'Invalid configuration: OIG_TLS_CERT_FILE and OIG_TLS_KEY_FILE go together; set both or neither');
  }
  config.dataDir = path.resolve(config.dataDir);
  return config;
}
