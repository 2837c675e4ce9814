import type { BackupInfo, JobRecord, RestoreOutcome } from '@openoig/helper/protocol';

export type { BackupInfo, JobRecord, RestoreOutcome };

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
}
