import type { PowerAction, PowerOutcome } from '@openoig/helper/protocol';

export type { PowerAction, PowerOutcome };

/**
 * The appliance itself as Server Manager changes it, done by the privileged helper (design
 * decision 6): reboot and shut down today; the network, certificates and time come next.
 */
export interface ApplianceControl {
  /** Refused while a backup or restore runs (OIG_HELPER_BUSY). */
  power(action: PowerAction): Promise<PowerOutcome>;
}
