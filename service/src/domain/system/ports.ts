import type { NetworkChange, NetworkChanged, NetworkView, PowerAction, PowerOutcome } from '@openoig/helper/protocol';

export type { NetworkChange, NetworkChanged, NetworkView, PowerAction, PowerOutcome };

/**
 * The appliance itself as Server Manager changes it, done by the privileged helper (design
 * decision 6): reboot and shut down, the network; certificates and time come next.
 */
export interface ApplianceControl {
  /** Refused while a backup or restore runs (OIG_HELPER_BUSY). */
  power(action: PowerAction): Promise<PowerOutcome>;
  network(): Promise<NetworkView>;
  /** Applied and checked; it goes back unless confirmed with the answered token within 60 s. */
  changeNetwork(change: NetworkChange): Promise<NetworkChanged>;
  confirmNetwork(token: string): Promise<NetworkView>;
}
