import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { infoOf } from '../backup-store';
import { workDir, type HelperConfig } from '../config';
import { failureOf, helperError } from '../errors';
import type { Progress } from '../backup';
import type { HelperLog, HelperService } from '../helper-service';
import type { RemoteBackup, RestoreOutcome, ScannedHostKey, Schedule, ScheduleView, SftpTarget } from '../protocol';
import { isDue, nextRun, ScheduleStore, type ScheduleState } from './schedule';
import { applianceKey, scanHostKeys, SftpClient } from './sftp-target';

export type ScheduledRun =
  | { readonly ran: false; readonly reason: 'not-due' | 'off' | 'busy' }
  | { readonly ran: true; readonly state: 'succeeded' | 'failed'; readonly backup: string | null; readonly uploaded: boolean };

/**
 * Scheduled backups and the SFTP target (issue #12; installation guide, "Back up Mitel OIG
 * Server"): the hourly timer asks whether a backup is due and makes it, sends it to the target
 * when the schedule says so, and keeps the newest `retention` of the scheduled backups on the
 * appliance and on the target. A failed run is recorded (the Backup panel shows it) and tried
 * again at the next slot; a run refused because another job is running is tried at the next tick.
 */
export class ScheduledBackups {
  private readonly store: ScheduleStore;
  /** State changes one at a time: a run that ends while an administrator saves must not lose either. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: HelperConfig,
    private readonly service: HelperService,
    private readonly log: HelperLog,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.store = new ScheduleStore(config.stateDir);
  }

  private get sshDir(): string {
    return path.join(this.config.stateDir, 'ssh');
  }

  private update<T>(change: (state: ScheduleState) => Promise<T> | T): Promise<T> {
    const next = this.changes.then(async () => {
      const state = await this.store.read();
      const answer = await change(state);
      await this.store.write(state);
      return answer;
    });
    this.changes = next.catch(() => {});
    return next;
  }

  async view(): Promise<ScheduleView> {
    const state = await this.store.read();
    const next = nextRun(state, this.now());
    return {
      schedule: state.schedule,
      encrypted: state.passphrase !== null,
      nextRun: next ? next.toISOString() : null,
      lastRun: state.lastRun,
      target: state.target,
      publicKey: (await applianceKey(this.sshDir)).publicKey,
    };
  }

  async setSchedule(schedule: Schedule, passphrase: string | null | undefined): Promise<ScheduleView> {
    await this.update((state) => {
      if (schedule.destination === 'sftp' && !state.target) throw helperError('OIG_BACKUP_TARGET_NOT_SET', 'Scheduled backups cannot go to the SFTP target: no target is set. Set the target first.');
      state.schedule = schedule;
      state.setAt = this.now().toISOString();
      if (passphrase !== undefined) state.passphrase = passphrase;
    });
    this.log.info({ frequency: schedule.frequency, hour: schedule.hour, weekday: schedule.weekday, retention: schedule.retention, destination: schedule.destination }, 'backup schedule set');
    return this.view();
  }

  scanTarget(host: string, port: number): Promise<ScannedHostKey[]> {
    return scanHostKeys(host, port);
  }

  /** Kept only once the appliance logged in with its key, the server showed the pinned key, and the directory took a file. */
  async setTarget(target: SftpTarget): Promise<ScheduleView> {
    await new SftpClient(target, this.sshDir).check();
    await this.update((state) => {
      state.target = target;
    });
    this.log.info({ host: target.host, port: target.port, username: target.username, directory: target.directory }, 'backup target set');
    return this.view();
  }

  async clearTarget(): Promise<ScheduleView> {
    await this.update((state) => {
      if (state.schedule.frequency !== 'off' && state.schedule.destination === 'sftp') {
        throw helperError('OIG_BACKUP_TARGET_NOT_SET', 'Scheduled backups go to this target: change the schedule to keep them on the appliance (or turn it off) before removing the target.');
      }
      state.target = null;
    });
    this.log.info({}, 'backup target removed');
    return this.view();
  }

  private async client(): Promise<SftpClient> {
    const { target } = await this.store.read();
    if (!target) throw helperError('OIG_BACKUP_TARGET_NOT_SET', 'No SFTP target is set.');
    return new SftpClient(target, this.sshDir);
  }

  async listRemote(): Promise<RemoteBackup[]> {
    return (await this.client()).list();
  }

  /** Fetched into the helper's scratch area, then restored like a stored backup (checked whole first). */
  async restoreRemote(name: string, passphrase: string | undefined, progress: Progress, jobId?: string): Promise<RestoreOutcome> {
    this.service.checkIdle();
    const client = await this.client();
    await mkdir(workDir(this.config), { recursive: true, mode: 0o700 });
    const file = path.join(workDir(this.config), `remote-${Date.now()}-${name}`);
    try {
      progress('downloading', 1);
      await client.download(name, file);
      return await this.service.restore(file, `${name} from the SFTP target`, passphrase, progress, jobId);
    } finally {
      await rm(file, { force: true });
    }
  }

  async run(onlyIfDue: boolean, progress: Progress): Promise<ScheduledRun> {
    const state = await this.store.read();
    if (onlyIfDue) {
      if (state.schedule.frequency === 'off') return { ran: false, reason: 'off' };
      if (!isDue(state, this.now())) return { ran: false, reason: 'not-due' };
    }
    try {
      this.service.checkIdle();
    } catch {
      return { ran: false, reason: 'busy' };
    }
    const at = this.now().toISOString();
    let backup: string | null = null;
    let uploaded = false;
    try {
      const info = await this.service.backup(state.passphrase ?? undefined, progress);
      backup = info.name;
      await this.update((s) => {
        s.scheduled = [...s.scheduled, info.name];
      });
      if (state.schedule.destination === 'sftp') {
        progress('uploading', 90);
        const client = await this.client();
        await client.upload(this.service.store.pathOf(info.name), info.name);
        uploaded = true;
      }
      await this.prune(state.schedule.retention, state.schedule.destination === 'sftp');
      await this.update((s) => {
        s.lastRun = { at, state: 'succeeded', backup, uploaded, error: null };
      });
      this.log.info({ backup, uploaded }, 'scheduled backup made');
      return { ran: true, state: 'succeeded', backup, uploaded };
    } catch (err) {
      const failure = failureOf(err);
      await this.update((s) => {
        s.lastRun = { at, state: 'failed', backup, uploaded, error: { code: failure.code, message: failure.message } };
      });
      this.log.error({ backup, code: failure.code, err: failure.message }, 'scheduled backup failed');
      return { ran: true, state: 'failed', backup, uploaded };
    }
  }

  /** Keeps the newest `retention` scheduled backups here and on the target; a backup made by hand is never touched. */
  private async prune(retention: number, remote: boolean): Promise<void> {
    const { scheduled } = await this.store.read();
    const newestFirst = [...scheduled].sort((a, b) => infoOf(b, 0).createdAt.localeCompare(infoOf(a, 0).createdAt));
    const kept = newestFirst.slice(0, retention);
    const dropped = new Set(newestFirst.slice(retention));
    for (const name of dropped) await this.service.store.delete(name).catch(() => {});
    if (remote) {
      const client = await this.client();
      for (const backup of await client.list()) if (dropped.has(backup.name)) await client.remove(backup.name);
    }
    await this.update((s) => {
      s.scheduled = s.scheduled.filter((n) => kept.includes(n));
    });
    if (dropped.size > 0) this.log.info({ pruned: [...dropped] }, 'scheduled backups pruned');
  }
}
