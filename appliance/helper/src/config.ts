import path from 'node:path';
import { helperError } from './errors';
import type { LogSource } from './protocol';

/**
 * Where the helper finds what it backs up and restores. The appliance uses the defaults; the
 * tests point every path at a scratch tree and a test PostgreSQL cluster. Only this module reads
 * the environment.
 */
export interface HelperConfig {
  /** Backups, job records and scratch space (root only: 0700). */
  readonly stateDir: string;
  /** The gateway's settings: backed up whole, and restored whole. */
  readonly etcDir: string;
  readonly database: {
    readonly name: string;
    /** The gateway's login role; it owns the database and its objects. */
    readonly role: string;
    /** The OS user PostgreSQL trusts by peer authentication on its unix socket. */
    readonly osUser: string;
    readonly socketDir: string;
    readonly port: number;
    /** Where pg_dump, pg_restore and psql are; empty: from PATH (Debian's pg_wrapper picks the cluster's version). */
    readonly binDir: string;
  };
  readonly gateway: {
    readonly unit: string;
    /** The unprivileged user the gateway runs as; the restored database is migrated as it. */
    readonly user: string;
    /** Runs the gateway's migrations on the database DATABASE_URL names, then exits. */
    readonly migrateCommand: readonly string[];
    readonly migrationsDir: string;
    readonly healthUrl: string;
    readonly healthTimeoutMs: number;
  };
  /** Reboot and shut down: this program with `reboot` or `poweroff` as its last argument. */
  readonly powerCommand: readonly string[];
  /** View log files: where each log the panel offers is read from. */
  readonly logs: {
    /** journalctl, run with `-u UNIT -o short-iso --no-pager --quiet` and `-r`/`-n N`. */
    readonly journalCommand: readonly string[];
    readonly sources: Readonly<Record<LogSource, LogPlace>>;
  };
  /** Certificates: the files nginx presents on 443 and how it is told to load them again. */
  readonly tls: {
    readonly dir: string;
    /** Makes nginx read its files again without dropping connections (systemctl reload nginx). */
    readonly reloadCommand: readonly string[];
    /** Where nginx answers TLS, to see the certificate it presents after the reload. */
    readonly servedAt: { readonly host: string; readonly port: number };
  };
  /** Trusted networks: the list and the nftables and nginx files made from it (not in backups: it belongs to the site). */
  readonly firewall: {
    readonly dir: string;
    /** nft, given its arguments after these. */
    readonly nftCommand: readonly string[];
  };
  /** Blades (issue #14): ServiceLink, the blade repository, and where apt keeps its lists for it. */
  readonly blades: {
    readonly packages: readonly string[];
    /** Unset: no ServiceLink on this appliance (Update List says so). */
    readonly url: string | null;
    readonly keyring: string;
    readonly caFile: string | null;
    readonly aptDir: string;
  };
  /** This release; a backup from a newer one is refused. */
  readonly productVersion: string;
}

/** A journald unit's messages, or a plain file (nginx writes its own). */
export type LogPlace = { readonly unit: string } | { readonly file: string };

/**
 * The logs of View log files, as data: the source names of the protocol, each with its unit or
 * its file under the log directory (nginx's paths are Debian's defaults: appliance/nginx/openoig.conf
 * sets none of its own).
 */
export function logSources(gatewayUnit: string, nginxLogDir: string): Record<LogSource, LogPlace> {
  return {
    gateway: { unit: gatewayUnit },
    'nginx-access': { file: path.join(nginxLogDir, 'access.log') },
    'nginx-error': { file: path.join(nginxLogDir, 'error.log') },
    firstboot: { unit: 'openoig-firstboot.service' },
    helper: { unit: 'openoig-helper.service' },
  };
}

const DEFAULTS = {
  stateDir: '/var/lib/openoig-helper',
  etcDir: '/etc/openoig',
  database: 'openoig',
  role: 'oig',
  osUser: 'postgres',
  socketDir: '/var/run/postgresql',
  port: '5432',
  gatewayUnit: 'openoig-gateway.service',
  gatewayUser: 'oig',
  migrateCommand: '/usr/libexec/openoig/openoig-gateway migrate',
  migrationsDir: '/usr/lib/openoig-gateway/migrations',
  healthUrl: 'http://127.0.0.1:8080/health',
  healthTimeoutMs: '300000',
  powerCommand: '/usr/bin/systemctl',
  journalCommand: '/usr/bin/journalctl',
  nginxLogDir: '/var/log/nginx',
  tlsDir: '/etc/openoig/tls',
  firewallDir: '/etc/openoig-firewall',
  nftCommand: '/usr/sbin/nft',
  nginxReloadCommand: '/usr/bin/systemctl reload nginx.service',
  tlsPort: '443',
  bladePackages: 'openoig-gateway',
  // Outside the 0700 state directory: apt's _apt user has to reach the lists it downloads.
  serviceLinkDir: '/var/cache/openoig-helper/servicelink',
  serviceLinkKeyring: '/usr/share/keyrings/openoig-archive-keyring.gpg',
};

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw helperError('OIG_HELPER_BAD_REQUEST', `${name} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

function absolute(name: string, value: string): string {
  if (!path.isAbsolute(value)) throw helperError('OIG_HELPER_BAD_REQUEST', `${name} must be an absolute path, not "${value}"`);
  return path.normalize(value);
}

export function loadHelperConfig(env: NodeJS.ProcessEnv, productVersion: string): HelperConfig {
  const get = (name: string, fallback: string): string => env[name] ?? fallback;
  const gatewayUnit = get('OIG_HELPER_GATEWAY_UNIT', DEFAULTS.gatewayUnit);
  return {
    stateDir: absolute('OIG_HELPER_STATE_DIR', get('OIG_HELPER_STATE_DIR', DEFAULTS.stateDir)),
    etcDir: absolute('OIG_HELPER_ETC_DIR', get('OIG_HELPER_ETC_DIR', DEFAULTS.etcDir)),
    database: {
      name: get('OIG_HELPER_DATABASE', DEFAULTS.database),
      role: get('OIG_HELPER_DATABASE_ROLE', DEFAULTS.role),
      osUser: get('OIG_HELPER_PG_OS_USER', DEFAULTS.osUser),
      socketDir: absolute('OIG_HELPER_PG_SOCKET_DIR', get('OIG_HELPER_PG_SOCKET_DIR', DEFAULTS.socketDir)),
      port: integer('OIG_HELPER_PG_PORT', get('OIG_HELPER_PG_PORT', DEFAULTS.port), 1, 65535),
      binDir: env.OIG_HELPER_PG_BIN_DIR ? absolute('OIG_HELPER_PG_BIN_DIR', env.OIG_HELPER_PG_BIN_DIR) : '',
    },
    gateway: {
      unit: gatewayUnit,
      user: get('OIG_HELPER_GATEWAY_USER', DEFAULTS.gatewayUser),
      migrateCommand: get('OIG_HELPER_MIGRATE_COMMAND', DEFAULTS.migrateCommand).split(' ').filter(Boolean),
      migrationsDir: absolute('OIG_HELPER_MIGRATIONS_DIR', get('OIG_HELPER_MIGRATIONS_DIR', DEFAULTS.migrationsDir)),
      healthUrl: get('OIG_HELPER_HEALTH_URL', DEFAULTS.healthUrl),
      healthTimeoutMs: integer('OIG_HELPER_HEALTH_TIMEOUT_MS', get('OIG_HELPER_HEALTH_TIMEOUT_MS', DEFAULTS.healthTimeoutMs), 1000, 3_600_000),
    },
    powerCommand: get('OIG_HELPER_POWER_COMMAND', DEFAULTS.powerCommand).split(' ').filter(Boolean),
    logs: {
      journalCommand: get('OIG_HELPER_JOURNAL_COMMAND', DEFAULTS.journalCommand).split(' ').filter(Boolean),
      sources: logSources(gatewayUnit, absolute('OIG_HELPER_NGINX_LOG_DIR', get('OIG_HELPER_NGINX_LOG_DIR', DEFAULTS.nginxLogDir))),
    },
    tls: {
      dir: absolute('OIG_HELPER_TLS_DIR', get('OIG_HELPER_TLS_DIR', DEFAULTS.tlsDir)),
      reloadCommand: get('OIG_HELPER_NGINX_RELOAD_COMMAND', DEFAULTS.nginxReloadCommand).split(' ').filter(Boolean),
      servedAt: { host: '127.0.0.1', port: integer('OIG_HELPER_TLS_PORT', get('OIG_HELPER_TLS_PORT', DEFAULTS.tlsPort), 1, 65535) },
    },
    firewall: {
      dir: absolute('OIG_HELPER_FIREWALL_DIR', get('OIG_HELPER_FIREWALL_DIR', DEFAULTS.firewallDir)),
      nftCommand: get('OIG_HELPER_NFT_COMMAND', DEFAULTS.nftCommand).split(' ').filter(Boolean),
    },
    blades: {
      packages: get('OIG_HELPER_BLADE_PACKAGES', DEFAULTS.bladePackages).split(' ').filter(Boolean),
      url: env.OIG_SERVICELINK_URL ? env.OIG_SERVICELINK_URL : null,
      keyring: absolute('OIG_SERVICELINK_KEYRING', get('OIG_SERVICELINK_KEYRING', DEFAULTS.serviceLinkKeyring)),
      caFile: env.OIG_SERVICELINK_CA_FILE ? absolute('OIG_SERVICELINK_CA_FILE', env.OIG_SERVICELINK_CA_FILE) : null,
      aptDir: absolute('OIG_HELPER_SERVICELINK_DIR', get('OIG_HELPER_SERVICELINK_DIR', DEFAULTS.serviceLinkDir)),
    },
    productVersion,
  };
}

export const backupsDir = (config: HelperConfig): string => path.join(config.stateDir, 'backups');
export const jobsDir = (config: HelperConfig): string => path.join(config.stateDir, 'jobs');
export const workDir = (config: HelperConfig): string => path.join(config.stateDir, 'work');
