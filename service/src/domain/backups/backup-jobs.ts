import { randomUUID } from 'node:crypto';
import { HELPER_ERROR_CODES, type HelperErrorCode } from '@openoig/helper/protocol';
import { oigError, OigError } from '../../errors';
import type { BackupInfo, JobRecord, PrivilegedHelper, RestoreOutcome } from './ports';

/**
 * Backup and restore as jobs the admin UI follows (GET /jobs/{id}): each runs in the helper
 * while this keeps its progress. A restore stops this gateway process; the job then lives on
 * in the helper's journal, which answers for ids this process does not know.
 */
const KEEP = 20;

export class BackupJobs {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly helper: PrivilegedHelper) {}

  private running(): JobRecord | undefined {
    return [...this.jobs.values()].find((j) => j.state === 'running');
  }

  private begin(kind: JobRecord['kind']): JobRecord {
    const busy = this.running();
    if (busy) throw oigError('OIG_HELPER_BUSY', `A ${busy.kind} is running (started ${busy.startedAt}); try again when it has ended.`);
    const job: JobRecord = { id: randomUUID(), kind, state: 'running', step: 'starting', percent: 0, startedAt: new Date().toISOString(), endedAt: null, result: null, error: null };
    this.jobs.set(job.id, job);
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - KEEP))) this.jobs.delete(id);
    return job;
  }

  private update(id: string, change: Partial<JobRecord>): void {
    const job = this.jobs.get(id);
    if (job) this.jobs.set(id, { ...job, ...change });
  }

  private follow<T extends BackupInfo | RestoreOutcome>(job: JobRecord, work: Promise<T>): Promise<T> {
    return work.then(
      (result) => {
        this.update(job.id, { state: 'succeeded', percent: 100, step: 'done', endedAt: new Date().toISOString(), result });
        return result;
      },
      (err: unknown) => {
        const e = err instanceof OigError ? err : oigError('OIG_HELPER_INTERNAL', (err as Error).message);
        const code = (HELPER_ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as HelperErrorCode) : 'OIG_HELPER_INTERNAL';
        this.update(job.id, { state: 'failed', endedAt: new Date().toISOString(), error: { code, message: e.message } });
        throw e;
      },
    );
  }

  private progress = (id: string) => (step: string, percent: number) => this.update(id, { step, percent });

  /** Starts a backup and answers at once with its job. */
  startBackup(passphrase: string | undefined): JobRecord {
    const job = this.begin('backup');
    this.follow(job, this.helper.createBackup(job.id, passphrase, this.progress(job.id))).catch(() => {});
    return job;
  }

  startRestore(name: string, passphrase: string | undefined): JobRecord {
    const job = this.begin('restore');
    this.follow(job, this.helper.restoreStored(job.id, name, passphrase, this.progress(job.id))).catch(() => {});
    return job;
  }

  /** Fetched from the SFTP target by the helper, then restored like a stored backup. */
  startRemoteRestore(name: string, passphrase: string | undefined): JobRecord {
    const job = this.begin('restore');
    this.follow(job, this.helper.restoreRemote(job.id, name, passphrase, this.progress(job.id))).catch(() => {});
    return job;
  }

  /**
   * Sends an upload to the helper; answers once the helper has all of it (and has begun to
   * check it), so the HTTP request ends before the restore stops this process.
   */
  async startUploadRestore(size: number, bytes: AsyncIterable<Uint8Array>, passphrase: string | undefined): Promise<JobRecord> {
    const job = this.begin('restore');
    let received!: () => void;
    const allThere = new Promise<void>((resolve) => (received = resolve));
    const progress = (step: string, percent: number) => {
      this.update(job.id, { step, percent });
      if (step !== 'receiving') received();
    };
    const work = this.follow(job, this.helper.restoreUpload(job.id, size, bytes, passphrase, progress));
    work.catch(() => {});
    await Promise.race([allThere, work.then(() => {}, () => {})]);
    return this.jobs.get(job.id) as JobRecord;
  }

  async status(id: string): Promise<JobRecord> {
    const known = this.jobs.get(id);
    if (known) return known;
    try {
      return await this.helper.jobStatus(id);
    } catch (err) {
      if (err instanceof OigError && err.code === 'OIG_ADMIN_JOB_NOT_FOUND') throw oigError('OIG_ADMIN_JOB_NOT_FOUND', `There is no backup or restore job ${id}.`);
      throw err;
    }
  }
}
