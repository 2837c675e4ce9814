import { Type, type Static } from '@sinclair/typebox';

/**
 * The helper's wire protocol, shared with the gateway's client (`@openoig/helper/protocol`).
 * One request per connection on the unix socket: the client writes one JSON line (a
 * HelperRequest), then for an upload the archive's bytes, then ends its side. The helper answers
 * with JSON lines (Frame): progress frames, then one result or error frame. A download answers
 * one `download` frame and then the archive's bytes until the socket ends; a log download the
 * same way, with a `log` frame (the text is streamed, so no JSON frame ever holds a whole log).
 *
 * The command set is deliberately narrow: each request is checked against this schema before
 * anything runs, and names a backup by its file name only (never a path).
 */
export const HELPER_PROTOCOL_VERSION = 1;

/** A backup's file name, as the helper makes them (no directory part, nothing to escape). */
export const BackupName = Type.String({ pattern: '^openoig-backup-[A-Za-z0-9.-]{1,64}-[0-9]+\\.[0-9]+\\.[0-9]+-[0-9]{8}T[0-9]{6}Z\\.tar\\.gz(\\.age)?$', maxLength: 160 });
/** The passphrase of an encrypted backup: never logged, never stored. */
export const Passphrase = Type.String({ minLength: 8, maxLength: 1024 });
/** Chosen by the gateway so that it can ask after a restore that restarted it. */
export const JobId = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

/**
 * Scheduled backups (issue #12): daily or weekly at an hour (UTC), kept on the appliance and, with
 * destination sftp, sent to the SFTP target too; the newest `retention` scheduled backups are kept
 * in each place (a backup made by hand is never pruned).
 */
export const Schedule = Type.Object(
  {
    frequency: Type.Union([Type.Literal('off'), Type.Literal('daily'), Type.Literal('weekly')]),
    /** The hour of the day, UTC. */
    hour: Type.Integer({ minimum: 0, maximum: 23 }),
    /** For weekly: 0 Sunday … 6 Saturday. */
    weekday: Type.Integer({ minimum: 0, maximum: 6 }),
    retention: Type.Integer({ minimum: 1, maximum: 100 }),
    destination: Type.Union([Type.Literal('local'), Type.Literal('sftp')]),
  },
  { additionalProperties: false },
);
export type Schedule = Static<typeof Schedule>;

/** A host name, an IPv4 or a bare IPv6 address; never starting with '-' (it is an argument to ssh). */
export const TargetHost = Type.String({ minLength: 1, maxLength: 253, pattern: '^([A-Za-z0-9][A-Za-z0-9.-]*|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$' });
export const TargetPort = Type.Integer({ minimum: 1, maximum: 65535 });

/** The remote backup target: an SFTP account and the server's host key, pinned. */
export const SftpTarget = Type.Object(
  {
    host: TargetHost,
    port: TargetPort,
    username: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' }),
    /** Where the backups go on the server; no spaces or quotes (it is written into sftp commands). */
    directory: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._/~-]+$' }),
    /** The server's public host key as known_hosts holds it: "<type> <base64>". */
    hostKey: Type.String({ maxLength: 4096, pattern: '^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}$' }),
  },
  { additionalProperties: false },
);
export type SftpTarget = Static<typeof SftpTarget>;

/** Server Manager, Reboot or Shut Down (issue #13). */
export const PowerAction = Type.Union([Type.Literal('reboot'), Type.Literal('poweroff')]);
export type PowerAction = Static<typeof PowerAction>;

export interface PowerOutcome {
  readonly action: PowerAction;
  /** When the helper hands it to systemd (shortly after answering, so the answer gets back). */
  readonly at: string;
}

/**
 * Server Manager, View log files (issue #13): a log is named by what it is, never by a path; where
 * each is read from is the helper's own table (config.ts).
 */
export const LOG_SOURCES = ['gateway', 'nginx-access', 'nginx-error', 'firstboot', 'helper'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];
export const LogSourceSchema = Type.Union(LOG_SOURCES.map((s) => Type.Literal(s)));
/** Case-insensitive substring; one line of text (no control characters). */
export const LOG_FILTER_MAX_LENGTH = 200;
export const LogFilter = Type.String({ minLength: 1, maxLength: LOG_FILTER_MAX_LENGTH, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' });
export const LOG_LINES_DEFAULT = 500;
export const LOG_LINES_MAX = 1000;
/** The largest tail a download may ask for; without `lastMiB` the whole log is streamed. */
export const LOG_DOWNLOAD_MAX_MIB = 256;

export interface LogLines {
  readonly source: LogSource;
  readonly filter: string | null;
  /** Oldest first, newest last; each cut at LOG_LINE_MAX_CHARS. */
  readonly lines: readonly string[];
  /** False when the search stopped before the log's beginning (enough lines, or the scan cap). */
  readonly complete: boolean;
}

export interface LogDownload {
  readonly source: LogSource;
  readonly fileName: string;
  readonly lastMiB: number | null;
}

/** Server Manager, Certificates (issue #13): PEM texts, each capped (a certificate with a long chain stays far below). */
const Pem = Type.String({ maxLength: 65_536, contentMediaType: 'application/x-pem-file' });
export const CertificateInstall = Type.Object(
  {
    certificate: Type.String({ minLength: 1, maxLength: 65_536, contentMediaType: 'application/x-pem-file' }),
    chain: Type.Optional(Pem),
    /** Left out: the key of the signing request made on the appliance. */
    key: Type.Optional(Pem),
  },
  { additionalProperties: false },
);
export type CertificateInstall = Static<typeof CertificateInstall>;
export const CertificateRequestFields = Type.Object(
  {
    commonName: Type.String({ minLength: 1, maxLength: 253 }),
    altNames: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 20 }),
    organization: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Two capital letters; checked by certificate-request.ts, which says so in words. */
    country: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type CertificateRequestFields = Static<typeof CertificateRequestFields>;
export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly altNames: readonly string[];
  readonly validFrom: string;
  readonly validTo: string;
  readonly daysLeft: number;
  /** Ends within EXPIRY_WARNING_DAYS (or has ended). */
  readonly expiring: boolean;
  readonly selfSigned: boolean;
  readonly fingerprintSha256: string;
}
export interface CertificateView {
  readonly certificate: CertificateFacts;
  readonly chain: readonly CertificateFacts[];
  /** A signing request made here whose certificate is not installed yet. */
  readonly request: { readonly pem: string; readonly commonName: string; readonly altNames: readonly string[]; readonly createdAt: string } | null;
}

/**
 * Server Manager, Date and time (issue #13): the time zone (checked against the appliance's tzdata
 * by the helper) and the NTP servers (none: Debian's pool, timesyncd's default).
 */
export const NTP_SERVERS_MAX = 4;
export const TimeChange = Type.Object(
  {
    timezone: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$' }),
    ntpServers: Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9][A-Za-z0-9.-]*$' }), { maxItems: NTP_SERVERS_MAX }),
  },
  { additionalProperties: false },
);
export type TimeChange = Static<typeof TimeChange>;

export interface TimeView {
  readonly timezone: string;
  /** The appliance's clock, UTC. */
  readonly now: string;
  /** timesyncd is on. */
  readonly ntpEnabled: boolean;
  readonly synchronized: boolean;
  /** Those the administrator set; empty: Debian's pool. */
  readonly ntpServers: readonly string[];
  /** The server timesyncd talks to now (name and address), when it has one. */
  readonly serverInUse: string | null;
  /** The zones the appliance knows, for the choice. */
  readonly zones: readonly string[];
}

/** Server Manager, Networks (issue #13): DHCP, or a static IPv4 address (checked as first boot checks it). */
const Ipv4 = Type.String({ pattern: '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$', maxLength: 15 });
export const NetworkChange = Type.Union([
  Type.Object({ mode: Type.Literal('dhcp') }, { additionalProperties: false }),
  Type.Object(
    { mode: Type.Literal('static'), address: Ipv4, prefix: Type.Integer({ minimum: 8, maximum: 30 }), gateway: Ipv4, dns: Type.Array(Ipv4, { minItems: 1, maxItems: 3 }) },
    { additionalProperties: false },
  ),
]);
export type NetworkChange = Static<typeof NetworkChange>;
/** The confirmation of a network change: base64url of 32 random bytes. */
export const NetworkToken = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' });

export interface NetworkView {
  readonly interface: string;
  readonly configured: NetworkChange;
  readonly current: { readonly addresses: readonly string[]; readonly gateway: string | null };
  /** A change that goes back unless confirmed by then. */
  readonly pending: { readonly confirmBy: string } | null;
  /** Why the last change was taken back at once (it did not come up). */
  readonly lastProblem: { readonly at: string; readonly message: string } | null;
}

/**
 * Server Manager, Trusted networks (issue #13; MSL's "Trusted Networks" of the seed's
 * certificate notes): the networks whose hosts may reach the server manager and admin UI (and
 * SSH), and those whose hosts may reach the APIs (SOAP, REST, the WSDL documents). Loopback always
 * may. A network is an IPv4 or IPv6 address with its prefix (a lone address: that host).
 */
export const TRUSTED_NETWORKS_MAX = 64;
export const TRUSTED_NETWORK_DESCRIPTION_MAX = 80;
export const TrustedNetwork = Type.Object(
  {
    network: Type.String({ minLength: 2, maxLength: 49, pattern: '^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$', description: 'e.g. 192.0.2.0/24, 2001:db8::/32, or one host: 192.0.2.7' }),
    description: Type.String({ maxLength: TRUSTED_NETWORK_DESCRIPTION_MAX, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' }),
    /** The server manager, the admin UI and its API, and SSH. */
    admin: Type.Boolean(),
    /** The applications' APIs: SOAP and REST on 443, the WSDL documents on 80. */
    api: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type TrustedNetwork = Static<typeof TrustedNetwork>;
export const TrustedNetworksChange = Type.Object({ networks: Type.Array(TrustedNetwork, { maxItems: TRUSTED_NETWORKS_MAX }) }, { additionalProperties: false });
export type TrustedNetworksChange = Static<typeof TrustedNetworksChange>;
/** The address a request came from, as the gateway saw it (an administrator may not shut out their own). */
export const RequesterAddress = Type.String({ minLength: 2, maxLength: 45, pattern: '^[0-9A-Fa-f.:]+$' });

export interface TrustedNetworksView {
  readonly networks: readonly TrustedNetwork[];
  /** False until first boot or an administrator set them: until then everyone may reach everything. */
  readonly configured: boolean;
  /** The firewall's table is loaded (nftables). */
  readonly enforced: boolean;
  /** Connections to the server manager, API or SSH ports the firewall refused since it was loaded. */
  readonly refusedConnections: number | null;
  /** Always allowed, whatever the list says. */
  readonly alwaysAllowed: readonly string[];
}

/** Server Manager, Blades (issue #14): a blade as installed and as ServiceLink offers it. */
export interface BladeView {
  readonly name: string;
  readonly installed: string | null;
  /** The newest version in ServiceLink's lists (after the last Update List). */
  readonly available: string | null;
  /** Installed, and ServiceLink offers a newer version. */
  readonly upgradable: boolean;
  /** Not installed, and ServiceLink offers it. */
  readonly installable: boolean;
}
export interface BladesView {
  /** ServiceLink's repository, null when none is configured. */
  readonly source: string | null;
  /** The last Update List: when, and what apt refused if it did. */
  readonly lastUpdate: { readonly at: string; readonly ok: boolean; readonly message: string | null } | null;
  readonly blades: readonly BladeView[];
}

export interface NetworkChanged {
  readonly view: NetworkView;
  /** Given only to the administrator who made the change, to confirm it from the new address. */
  readonly token: string;
  readonly confirmBy: string;
}

const request = <K extends string, P extends Record<string, import('@sinclair/typebox').TSchema>>(command: K, props: P) =>
  Type.Object({ version: Type.Literal(HELPER_PROTOCOL_VERSION), command: Type.Literal(command), ...props }, { additionalProperties: false });

export const HelperRequest = Type.Union([
  request('backup.create', { jobId: Type.Optional(JobId), passphrase: Type.Optional(Passphrase) }),
  request('backup.list', {}),
  request('backup.read', { name: BackupName }),
  request('backup.delete', { name: BackupName }),
  request('restore.stored', { jobId: Type.Optional(JobId), name: BackupName, passphrase: Type.Optional(Passphrase) }),
  /** The archive's bytes follow the request line; `size` says how many, so a cut upload is known. */
  request('restore.upload', { jobId: Type.Optional(JobId), size: Type.Integer({ minimum: 1, maximum: 8 * 1024 ** 3 }), passphrase: Type.Optional(Passphrase) }),
  request('job.status', { jobId: JobId }),
  request('schedule.get', {}),
  /** `passphrase` absent keeps the kept one, null drops it (scheduled backups are then unencrypted). */
  request('schedule.set', { schedule: Schedule, passphrase: Type.Optional(Type.Union([Passphrase, Type.Null()])) }),
  /** Makes a scheduled backup now, or (onlyIfDue: the hourly timer) only when a slot has come. */
  request('schedule.run', { onlyIfDue: Type.Boolean() }),
  request('target.scan', { host: TargetHost, port: TargetPort }),
  /** Checked (pinned key, the directory listed and written) before it is kept. */
  request('target.set', { target: SftpTarget }),
  request('target.clear', {}),
  request('target.list', {}),
  request('restore.remote', { jobId: Type.Optional(JobId), name: BackupName, passphrase: Type.Optional(Passphrase) }),
  request('logs.read', { source: LogSourceSchema, filter: Type.Optional(LogFilter), lines: Type.Optional(Type.Integer({ minimum: 1, maximum: LOG_LINES_MAX })) }),
  /** Answered by one `log` frame and then the text until the connection ends. */
  request('logs.download', { source: LogSourceSchema, lastMiB: Type.Optional(Type.Integer({ minimum: 1, maximum: LOG_DOWNLOAD_MAX_MIB })) }),
  request('time.get', {}),
  request('time.set', { change: TimeChange }),
  /** Refused while a backup or restore runs. */
  request('power.action', { action: PowerAction }),
  request('network.get', {}),
  request('network.set', { change: NetworkChange }),
  request('network.confirm', { token: NetworkToken }),
  request('certificate.get', {}),
  request('certificate.install', { install: CertificateInstall }),
  request('certificate.request', { fields: CertificateRequestFields }),
  request('blades.get', {}),
  request('blades.update', {}),
  request('trusted.get', {}),
  request('trusted.set', { change: TrustedNetworksChange, requester: RequesterAddress }),
]);
export type HelperRequest = Static<typeof HelperRequest>;
export type HelperCommand = HelperRequest['command'];

export interface BackupInfo {
  readonly name: string;
  readonly size: number;
  readonly createdAt: string;
  readonly encrypted: boolean;
  /** A backup carries the TLS key and the secrets; without a passphrase they are in clear. */
  readonly holdsKeysInClear: boolean;
}

export interface RestoreOutcome {
  readonly restoredFrom: string;
  readonly productVersion: string;
  readonly guid: string | null;
  readonly arid: string | null;
  readonly migrated: readonly string[];
}

export interface LastScheduledRun {
  readonly at: string;
  readonly state: 'succeeded' | 'failed';
  readonly backup: string | null;
  readonly uploaded: boolean;
  readonly error: { code: HelperErrorCode; message: string } | null;
}

/** What the Schedule panel shows; the passphrase itself never leaves the helper. */
export interface ScheduleView {
  readonly schedule: Schedule;
  readonly encrypted: boolean;
  readonly nextRun: string | null;
  readonly lastRun: LastScheduledRun | null;
  readonly target: SftpTarget | null;
  /** The appliance's own public key, for the target account's authorized_keys. */
  readonly publicKey: string;
}

export interface ScannedHostKey {
  readonly hostKey: string;
  readonly fingerprint: string;
}

export interface RemoteBackup {
  readonly name: string;
  readonly size: number;
  readonly createdAt: string;
  readonly encrypted: boolean;
}

export type JobKind = 'backup' | 'restore';
export type JobState = 'running' | 'succeeded' | 'failed';

/** What the helper keeps of a job, so a gateway restarted by a restore can still ask. */
export interface JobRecord {
  readonly id: string;
  readonly kind: JobKind;
  readonly state: JobState;
  readonly step: string;
  readonly percent: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly result: BackupInfo | RestoreOutcome | null;
  readonly error: { code: HelperErrorCode; message: string } | null;
}

export const HELPER_ERROR_CODES = [
  'OIG_HELPER_BAD_REQUEST',
  'OIG_HELPER_UNAVAILABLE',
  'OIG_HELPER_BUSY',
  'OIG_HELPER_JOB_NOT_FOUND',
  'OIG_BACKUP_NOT_FOUND',
  'OIG_BACKUP_CORRUPT',
  'OIG_BACKUP_PASSPHRASE_REQUIRED',
  'OIG_BACKUP_WRONG_PASSPHRASE',
  'OIG_BACKUP_INCOMPATIBLE',
  'OIG_RESTORE_FAILED',
  'OIG_BACKUP_TARGET_NOT_SET',
  'OIG_BACKUP_TARGET_HOST_KEY',
  'OIG_BACKUP_TARGET_REFUSED',
  'OIG_BACKUP_TARGET_UNREACHABLE',
  'OIG_LOG_UNREADABLE',
  'OIG_TIME_INVALID',
  'OIG_NETWORK_INVALID',
  'OIG_NETWORK_CONFIRM_REFUSED',
  'OIG_CERTIFICATE_INVALID',
  'OIG_CERTIFICATE_REFUSED',
  'OIG_CERTIFICATE_NOT_SERVED',
  'OIG_BLADES_NOT_CONFIGURED',
  'OIG_TRUSTED_NETWORKS_INVALID',
  'OIG_TRUSTED_NETWORKS_LOCKOUT',
  'OIG_TRUSTED_NETWORKS_NOT_APPLIED',
  'OIG_HELPER_INTERNAL',
] as const;
export type HelperErrorCode = (typeof HELPER_ERROR_CODES)[number];

export type Frame =
  | { readonly type: 'progress'; readonly step: string; readonly percent: number }
  | { readonly type: 'result'; readonly value: unknown }
  | { readonly type: 'download'; readonly info: BackupInfo }
  /** A log download: the text follows until the connection ends (its size is not known before). */
  | { readonly type: 'log'; readonly info: LogDownload }
  | { readonly type: 'error'; readonly code: HelperErrorCode; readonly message: string };
