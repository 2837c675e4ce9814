import net from 'node:net';
import { PassThrough } from 'node:stream';
import { HELPER_PROTOCOL_VERSION, type Frame, type HelperRequest } from '@openoig/helper/protocol';
import type { BackupInfo, JobRecord, PrivilegedHelper, ProgressListener, RemoteBackup, RestoreOutcome, ScannedHostKey, Schedule, ScheduleView, SftpTarget } from '../domain/backups/ports';
import type { ApplianceControl, CertificateInstall, CertificateRequestFields, CertificateView, LogDownload, LogLines, LogSource, NetworkChange, NetworkChanged, NetworkView, PowerAction, PowerOutcome, TimeChange, TimeView, TrustedNetwork, TrustedNetworksView, BladesView } from '../domain/system/ports';
import { oigError, type OigErrorCode } from '../errors';

/**
 * The privileged helper over its unix socket (/run/openoig-helper.sock, root:oig 0660): one
 * request per connection, answered in JSON lines (appliance/helper/src/protocol.ts).
 */
type Body<R> = R extends { version: number } ? Omit<R, 'version'> : never;
/** A frame after which the rest of the connection is a file's bytes (a backup, a log's text). */
type DownloadFrame = Extract<Frame, { type: 'download' | 'log' }>;

// The helper's codes are the gateway's own, apart from the job one (a job id the admin API named).
const codeOf = (code: string): OigErrorCode => (code === 'OIG_HELPER_JOB_NOT_FOUND' ? 'OIG_ADMIN_JOB_NOT_FOUND' : (code as OigErrorCode));

export class HelperSocketClient implements PrivilegedHelper, ApplianceControl {
  constructor(private readonly socketPath: string) {}

  /**
   * Sends one request (and an upload's bytes) and reads frames; a `download` or `log` frame hands
   * the rest of the connection to the caller as the file's bytes.
   */
  private call<T>(request: Body<HelperRequest>, options: { progress?: ProgressListener; upload?: AsyncIterable<Uint8Array>; download?: (frame: DownloadFrame, bytes: PassThrough) => void } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const socket = net.createConnection(this.socketPath);
      let buffered = '';
      let settled = false;
      let downloading: PassThrough | undefined;
      const settle = (fn: () => void) => {
        if (!settled) {
          settled = true;
          fn();
        }
      };
      socket.once('error', (err: NodeJS.ErrnoException) => {
        downloading?.destroy(err);
        settle(() => reject(oigError('OIG_HELPER_UNAVAILABLE', `The privileged helper cannot be reached at ${this.socketPath} (${err.code ?? err.message}).`)));
      });
      socket.once('connect', () => {
        socket.write(`${JSON.stringify({ version: HELPER_PROTOCOL_VERSION, ...request })}\n`);
        if (!options.upload) return void socket.end();
        void (async () => {
          try {
            for await (const chunk of options.upload as AsyncIterable<Uint8Array>) if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
            socket.end();
          } catch (err) {
            socket.destroy();
            settle(() => reject(err));
          }
        })();
      });
      socket.on('data', (chunk: Buffer) => {
        if (downloading) return void downloading.write(chunk);
        buffered += chunk.toString('latin1');
        let newline: number;
        while (!downloading && (newline = buffered.indexOf('\n')) >= 0) {
          const frame = JSON.parse(Buffer.from(buffered.slice(0, newline), 'latin1').toString('utf8')) as Frame;
          buffered = buffered.slice(newline + 1);
          if (frame.type === 'progress') options.progress?.(frame.step, frame.percent);
          else if (frame.type === 'result') settle(() => resolve(frame.value as T));
          else if (frame.type === 'error') settle(() => reject(oigError(codeOf(frame.code), frame.message)));
          else if ((frame.type === 'download' || frame.type === 'log') && options.download) {
            downloading = new PassThrough();
            const bytes = downloading;
            if (buffered.length > 0) bytes.write(Buffer.from(buffered, 'latin1'));
            buffered = '';
            options.download(frame, bytes);
            settle(() => resolve(undefined as T));
          }
        }
      });
      socket.once('end', () => {
        downloading?.end();
        settle(() => reject(oigError('OIG_HELPER_INTERNAL', 'The privileged helper ended the connection without an answer.')));
      });
    });
  }

  listBackups(): Promise<BackupInfo[]> {
    return this.call({ command: 'backup.list' });
  }

  createBackup(jobId: string, passphrase: string | undefined, progress: ProgressListener): Promise<BackupInfo> {
    return this.call({ command: 'backup.create', jobId, ...(passphrase ? { passphrase } : {}) }, { progress });
  }

  async readBackup(name: string): Promise<{ info: BackupInfo; bytes: AsyncIterable<Uint8Array> }> {
    let found: { info: BackupInfo; bytes: AsyncIterable<Uint8Array> } | undefined;
    await this.call({ command: 'backup.read', name }, { download: (frame, bytes) => frame.type === 'download' && (found = { info: frame.info, bytes }) });
    return found as { info: BackupInfo; bytes: AsyncIterable<Uint8Array> };
  }

  async deleteBackup(name: string): Promise<void> {
    await this.call({ command: 'backup.delete', name });
  }

  restoreStored(jobId: string, name: string, passphrase: string | undefined, progress: ProgressListener): Promise<RestoreOutcome> {
    return this.call({ command: 'restore.stored', jobId, name, ...(passphrase ? { passphrase } : {}) }, { progress });
  }

  restoreUpload(jobId: string, size: number, bytes: AsyncIterable<Uint8Array>, passphrase: string | undefined, progress: ProgressListener): Promise<RestoreOutcome> {
    return this.call({ command: 'restore.upload', jobId, size, ...(passphrase ? { passphrase } : {}) }, { progress, upload: bytes });
  }

  jobStatus(jobId: string): Promise<JobRecord> {
    return this.call({ command: 'job.status', jobId });
  }

  schedule(): Promise<ScheduleView> {
    return this.call({ command: 'schedule.get' });
  }

  setSchedule(schedule: Schedule, passphrase: string | null | undefined): Promise<ScheduleView> {
    return this.call({ command: 'schedule.set', schedule, ...(passphrase !== undefined ? { passphrase } : {}) });
  }

  scanTarget(host: string, port: number): Promise<ScannedHostKey[]> {
    return this.call({ command: 'target.scan', host, port });
  }

  setTarget(target: SftpTarget): Promise<ScheduleView> {
    return this.call({ command: 'target.set', target });
  }

  clearTarget(): Promise<ScheduleView> {
    return this.call({ command: 'target.clear' });
  }

  listRemoteBackups(): Promise<RemoteBackup[]> {
    return this.call({ command: 'target.list' });
  }

  restoreRemote(jobId: string, name: string, passphrase: string | undefined, progress: ProgressListener): Promise<RestoreOutcome> {
    return this.call({ command: 'restore.remote', jobId, name, ...(passphrase ? { passphrase } : {}) }, { progress });
  }

  power(action: PowerAction): Promise<PowerOutcome> {
    return this.call({ command: 'power.action', action });
  }

  time(): Promise<TimeView> {
    return this.call({ command: 'time.get' });
  }

  setTime(change: TimeChange): Promise<TimeView> {
    return this.call({ command: 'time.set', change });
  }

  readLog(source: LogSource, filter: string | undefined, lines: number): Promise<LogLines> {
    return this.call({ command: 'logs.read', source, lines, ...(filter ? { filter } : {}) });
  }

  async downloadLog(source: LogSource, lastMiB: number | undefined): Promise<{ info: LogDownload; bytes: AsyncIterable<Uint8Array> }> {
    let found: { info: LogDownload; bytes: AsyncIterable<Uint8Array> } | undefined;
    await this.call({ command: 'logs.download', source, ...(lastMiB ? { lastMiB } : {}) }, { download: (frame, bytes) => frame.type === 'log' && (found = { info: frame.info, bytes }) });
    if (!found) throw oigError('OIG_HELPER_INTERNAL', 'The privileged helper answered a log download with something else.');
    return found;
  }

  network(): Promise<NetworkView> {
    return this.call({ command: 'network.get' });
  }

  changeNetwork(change: NetworkChange): Promise<NetworkChanged> {
    return this.call({ command: 'network.set', change });
  }

  confirmNetwork(token: string): Promise<NetworkView> {
    return this.call({ command: 'network.confirm', token });
  }

  certificate(): Promise<CertificateView> {
    return this.call({ command: 'certificate.get' });
  }

  installCertificate(install: CertificateInstall): Promise<CertificateView> {
    return this.call({ command: 'certificate.install', install });
  }

  requestCertificate(fields: CertificateRequestFields): Promise<CertificateView> {
    return this.call({ command: 'certificate.request', fields });
  }

  trustedNetworks(): Promise<TrustedNetworksView> {
    return this.call({ command: 'trusted.get' });
  }

  setTrustedNetworks(networks: readonly TrustedNetwork[], requester: string): Promise<TrustedNetworksView> {
    return this.call({ command: 'trusted.set', change: { networks: [...networks] }, requester });
  }

  blades(): Promise<BladesView> {
    return this.call({ command: 'blades.get' });
  }

  updateBladeList(): Promise<BladesView> {
    return this.call({ command: 'blades.update' });
  }
}

/** No helper configured (npm start, tests): every call says so, in words. */
export const unavailableHelper: PrivilegedHelper & ApplianceControl = new Proxy({} as PrivilegedHelper & ApplianceControl, {
  get: () => () =>
    Promise.reject(oigError('OIG_HELPER_UNAVAILABLE', 'Backup and restore, the network, the certificate, the trusted networks, the blades, the log files, date and time, reboot and shut down need the appliance’s privileged helper (OIG_HELPER_SOCKET), which this gateway does not have.')),
});
