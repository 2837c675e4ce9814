import type { CertificateInstall, CertificateRequestFields, CertificateView, LogDownload, LogLines, LogSource, NetworkChange, NetworkChanged, NetworkView, PowerAction, PowerOutcome, TimeChange, TimeView, TrustedNetwork, TrustedNetworksView, BladesView } from '@openoig/helper/protocol';

export type { CertificateInstall, CertificateRequestFields, CertificateView, LogDownload, LogLines, LogSource, NetworkChange, NetworkChanged, NetworkView, PowerAction, PowerOutcome, TimeChange, TimeView, TrustedNetwork, TrustedNetworksView, BladesView };

/**
 * The appliance itself as Server Manager changes it, done by the privileged helper (design
 * decision 6): reboot and shut down, its logs, date and time, the network, the TLS certificate.
 */
export interface ApplianceControl {
  /** Refused while a backup or restore runs (OIG_HELPER_BUSY). */
  power(action: PowerAction): Promise<PowerOutcome>;
  /** The newest `lines` lines of a log, those holding `filter` (case-insensitive) when given. */
  readLog(source: LogSource, filter: string | undefined, lines: number): Promise<LogLines>;
  /** The whole log, or about its last `lastMiB` MiB in whole lines, streamed. */
  downloadLog(source: LogSource, lastMiB: number | undefined): Promise<{ info: LogDownload; bytes: AsyncIterable<Uint8Array> }>;
  time(): Promise<TimeView>;
  /** The zone checked against the appliance's tzdata (OIG_TIME_INVALID), the NTP servers written for timesyncd. */
  setTime(change: TimeChange): Promise<TimeView>;
  network(): Promise<NetworkView>;
  /** Applied and checked; it goes back unless confirmed with the answered token within 60 s. */
  changeNetwork(change: NetworkChange): Promise<NetworkChanged>;
  confirmNetwork(token: string): Promise<NetworkView>;
  certificate(): Promise<CertificateView>;
  /** Checked (key, validity, chain), installed, and nginx reloaded; taken back when nginx does not present it. */
  installCertificate(install: CertificateInstall): Promise<CertificateView>;
  /** A new key kept on the appliance, and its signing request. */
  requestCertificate(fields: CertificateRequestFields): Promise<CertificateView>;
  trustedNetworks(): Promise<TrustedNetworksView>;
  /** Refused (OIG_TRUSTED_NETWORKS_LOCKOUT) when `requester`, the administrator's own address, could no longer reach the server manager. */
  setTrustedNetworks(networks: readonly TrustedNetwork[], requester: string): Promise<TrustedNetworksView>;
  /** The blades installed and those ServiceLink offers, as of the last Update List. */
  blades(): Promise<BladesView>;
  /** Update List: ServiceLink's signed indexes fetched again (what apt refused is in lastUpdate). */
  updateBladeList(): Promise<BladesView>;
}
