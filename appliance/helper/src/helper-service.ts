import { spawn } from 'node:child_process';
import { run } from './run';
import { NetworkPanel } from './system/network-panel';
import { LogFiles } from './system/log-files';
import { DateTimePanel } from './system/date-time';
import { applianceCertificates, type Certificates } from './system/certificates';
import { TrustedNetworks } from './system/trusted-networks';
import { BladeCatalogue } from './blades/blade-catalogue';
import { createBackup, type Progress } from './backup';
import { BackupStore } from './backup-store';
import { jobsDir, type HelperConfig } from './config';
import { failureOf, helperError } from './errors';
import type { GatewayControl } from './gateway-control';
import { JobJournal } from './job-journal';
import { PostgresAdmin } from './postgres-admin';
import type { BackupInfo, JobKind, JobRecord, PowerAction, PowerOutcome, RestoreOutcome } from './protocol';
import { restoreBackup } from './restore';
import { ScheduledBackups } from './schedule/scheduled-backups';

const POWER_DELAY_MS = 1500;
const REVERT_UNIT = 'openoig-network-revert';

/**
 * The Networks panel on the appliance: networkd's files under /, and the take-back armed as a
 * transient systemd timer, so it fires even when the helper has exited meanwhile.
 */
function applianceNetworkPanel(config: HelperConfig, log: HelperLog): NetworkPanel {
  return new NetworkPanel({
    sys: { root: '/', run: (program, args) => run(program, args) },
    stateDir: config.stateDir,
    log,
    scheduleRevert: async (afterMs) => {
      await run('systemctl', ['stop', `${REVERT_UNIT}.timer`]).catch(() => undefined);
      await run('systemd-run', [
        `--unit=${REVERT_UNIT}`,
        '--collect',
        `--on-active=${Math.ceil(afterMs / 1000)}s`,
        '--timer-property=AccuracySec=1s',
        '--description=OpenOIG: take back a network change the browser did not confirm',
        '/usr/libexec/openoig/openoig-helper',
        'network-revert',
      ]);
    },
    cancelRevert: async () => {
      await run('systemctl', ['stop', `${REVERT_UNIT}.timer`]).catch(() => undefined);
    },
  });
}

/** The appliance's own Trusted networks: nft on the host, nginx reloaded as for a certificate. */
export function applianceTrustedNetworks(config: HelperConfig, log: HelperLog): TrustedNetworks {
  const [program, ...args] = config.tls.reloadCommand as [string, ...string[]];
  const [nft, ...nftFirst] = config.firewall.nftCommand as [string, ...string[]];
  return new TrustedNetworks({
    dir: config.firewall.dir,
    nft: (nftArgs) => run(nft, [...nftFirst, ...nftArgs]),
    reloadNginx: async () => {
      await run(program, args);
    },
    log,
  });
}

/** The Server Manager's parts that touch the system; the appliance's own unless a test gives one on a scratch tree. */
export interface HelperParts {
  readonly network?: NetworkPanel;
  readonly certificates?: Certificates;
  readonly dateTime?: DateTimePanel;
  readonly trustedNetworks?: TrustedNetworks;
  readonly blades?: BladeCatalogue;
}

function applianceBlades(config: HelperConfig, log: HelperLog): BladeCatalogue {
  const { url, keyring, caFile, aptDir, packages } = config.blades;
  return new BladeCatalogue({ aptDir, packages, source: url ? { url, keyring, ...(caFile ? { caFile } : {}) } : null, run: (program, args) => run(program, args), log });
}

export interface HelperLog {
  info(o: object, m: string): void;
  error(o: object, m: string): void;
}

/**
 * What the helper does, apart from how it is asked: backup and restore jobs (one at a time:
 * a backup during a restore would copy a half-swapped state), the stored backups, and the
 * journal of jobs. The socket server and the command line both call this.
 */
export class HelperService {
  readonly store: BackupStore;
  readonly journal: JobJournal;
  readonly scheduled: ScheduledBackups;
  /** View log files: reads only, so not one of the jobs (a log can be read during a restore). */
  readonly logs: LogFiles;
  private readonly pg: PostgresAdmin;
  private running: JobRecord | undefined;

  readonly network: NetworkPanel;
  /** Server Manager, Date and time: not a job (a zone or NTP change stops nothing). */
  readonly dateTime: DateTimePanel;
  /** Server Manager, Certificates: not a job either (nginx reloads gracefully, nothing else stops). */
  readonly certificates: Certificates;
  /** Server Manager, Trusted networks: not a job (nothing stops; nginx reloads gracefully). */
  readonly trustedNetworks: TrustedNetworks;
  /** Server Manager, Blades: Update List is no job (it changes only ServiceLink's lists). */
  readonly blades: BladeCatalogue;

  constructor(
    private readonly config: HelperConfig,
    private readonly gateway: GatewayControl,
    private readonly log: HelperLog,
    parts: HelperParts = {},
  ) {
    this.network = parts.network ?? applianceNetworkPanel(config, log);
    this.dateTime = parts.dateTime ?? new DateTimePanel({ sys: { root: '/', run: (program, args) => run(program, args) }, log });
    this.certificates = parts.certificates ?? applianceCertificates(config, log);
    this.trustedNetworks = parts.trustedNetworks ?? applianceTrustedNetworks(config, log);
    this.blades = parts.blades ?? applianceBlades(config, log);
    this.store = new BackupStore(config);
    this.journal = new JobJournal(jobsDir(config));
    this.pg = new PostgresAdmin(config.database);
    this.scheduled = new ScheduledBackups(config, this, log);
    this.logs = new LogFiles(config.logs, log);
  }

  /** Refuses a second job while one runs, before anything of it starts (an upload included). */
  checkIdle(): void {
    if (this.running) throw helperError('OIG_HELPER_BUSY', `A ${this.running.kind} is running (started ${this.running.startedAt}); try again when it has ended.`);
  }

  private async job<T extends BackupInfo | RestoreOutcome>(kind: JobKind, jobId: string | undefined, progress: Progress, work: (progress: Progress) => Promise<T>): Promise<T> {
    this.checkIdle();
    let job = await this.journal.begin(kind, jobId);
    this.running = job;
    let journaled = Promise.resolve();
    const step: Progress = (name, percent) => {
      job = { ...job, step: name, percent };
      this.running = job;
      const snapshot = job;
      journaled = journaled.then(() => this.journal.write(snapshot)).catch(() => {});
      progress(name, percent);
    };
    try {
      const result = await work(step);
      await journaled;
      await this.journal.write({ ...job, state: 'succeeded', percent: 100, endedAt: new Date().toISOString(), result });
      return result;
    } catch (err) {
      const failure = failureOf(err);
      await journaled;
      await this.journal.write({ ...job, state: 'failed', endedAt: new Date().toISOString(), error: { code: failure.code, message: failure.message } });
      throw failure;
    } finally {
      this.running = undefined;
    }
  }

  async backup(passphrase: string | undefined, progress: Progress, jobId?: string): Promise<BackupInfo> {
    const info = await this.job('backup', jobId, progress, (p) => createBackup({ config: this.config, pg: this.pg, store: this.store }, passphrase, p));
    this.log.info({ backup: info.name, size: info.size, encrypted: info.encrypted }, 'backup made');
    return info;
  }

  async restore(file: string, label: string, passphrase: string | undefined, progress: Progress, jobId?: string): Promise<RestoreOutcome> {
    this.log.info({ from: label }, 'restore started');
    const outcome = await this.job('restore', jobId, progress, (p) => restoreBackup({ config: this.config, pg: this.pg, gateway: this.gateway, log: this.log }, file, label, passphrase, p));
    this.log.info({ from: label, guid: outcome.guid, productVersion: outcome.productVersion, migrated: outcome.migrated }, 'restore done');
    return outcome;
  }

  /**
   * Reboot or shut down (Server Manager). Not during a backup or restore, which would be cut in
   * half. systemd gets it a moment after the answer, so the administrator sees it was taken; the
   * gateway is then stopped like any unit, telling its sessions OIG_SHUTDOWN.
   */
  power(action: PowerAction): PowerOutcome {
    this.checkIdle();
    const at = new Date(Date.now() + POWER_DELAY_MS);
    this.log.info({ action }, action === 'reboot' ? 'reboot requested' : 'shut down requested');
    const [program, ...args] = this.config.powerCommand as [string, ...string[]];
    setTimeout(() => {
      const child = spawn(program, [...args, action], { stdio: 'ignore', detached: true });
      child.once('error', (err) => this.log.error({ action, err: err.message }, 'the power action could not be started'));
      child.unref();
    }, POWER_DELAY_MS).unref();
    return { action, at: at.toISOString() };
  }

  async jobStatus(id: string): Promise<JobRecord> {
    if (this.running?.id === id) return this.running;
    const job = await this.journal.read(id);
    if (!job) throw helperError('OIG_HELPER_JOB_NOT_FOUND', `The helper knows no job ${id}.`);
    return job;
  }
}
