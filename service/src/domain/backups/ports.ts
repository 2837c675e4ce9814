import type { BackupInfo, JobRecord, RemoteBackup, RestoreOutcome, ScannedHostKey, Schedule, ScheduleView, SftpTarget } from '@openoig/helper/protocol';

export type { BackupInfo, JobRecord, RemoteBackup, RestoreOutcome, ScannedHostKey, Schedule, ScheduleView, SftpTarget };

export type ProgressListener = (step: string, percent: number) => void;

/**
 * The appliance's privileged helper as the gateway uses it (design decision 6): the gateway stays
 * unprivileged and asks; backups live where only the helper can read them. The adapter is the
 * unix-socket client (helper/helper-socket-client.ts); without a helper every call answers
 * OIG_HELPER_UNAVAILABLE (helper/unavailable-helper.ts).
 */
export interface PrivilegedHelper {
  listBackups(): Promise<BackupInfo[]>;
  createBackup(jobId: string, passphrase: string | undefined, progress: ProgressListener): Promise<BackupInfo>;
  /** The archive's bytes, for a download. */
  readBackup(name: string): Promise<{ info: BackupInfo; bytes: AsyncIterable<Uint8Array> }>;
  deleteBackup(name: string): Promise<void>;
  restoreStored(jobId: string, name: string, passphrase: string | undefined, progress: ProgressListener): Promise<RestoreOutcome>;
  /** Sends an uploaded archive (exactly `size` bytes) and restores it. */
  restoreUpload(jobId: string, size: number, bytes: AsyncIterable<Uint8Array>, passphrase: string | undefined, progress: ProgressListener): Promise<RestoreOutcome>;
  /** A job the helper keeps (one that outlived the gateway process that started it). */
  jobStatus(jobId: string): Promise<JobRecord>;
  /** Scheduled backups and the SFTP target (the passphrase for them: absent keeps, null drops). */
  schedule(): Promise<ScheduleView>;
  setSchedule(schedule: Schedule, passphrase: string | null | undefined): Promise<ScheduleView>;
  /** The host keys the server shows now, to compare with the server's own and pin one. */
  scanTarget(host: string, port: number): Promise<ScannedHostKey[]>;
  /** Kept only once the helper logged in with the pinned key and wrote to the directory. */
  setTarget(target: SftpTarget): Promise<ScheduleView>;
  clearTarget(): Promise<ScheduleView>;
  listRemoteBackups(): Promise<RemoteBackup[]>;
  restoreRemote(jobId: string, name: string, passphrase: string | undefined, progress: ProgressListener): Promise<RestoreOutcome>;
}
