import type { StandardEvent } from './events';

export type NetworkElementType = 'MI_VB' | 'MI_CC';

/** A controller (or MiContact Center) the gateway knows; its id is the `icpId` applications use. */
export interface NetworkElement {
  readonly id: string;
  readonly type: NetworkElementType;
  readonly address: string;
  readonly name: string | null;
  /** true: added by the administrator; false: first reached through getIcpId. */
  readonly configured: boolean;
}

export interface NetworkElementStore {
  list(): Promise<NetworkElement[]>;
  /** The element at `address`, added as discovered (MI_VB) when there is none. */
  findOrAddDiscovered(address: string): Promise<NetworkElement>;
  /** Adds (or marks as configured) the element at `address`. */
  addConfigured(type: NetworkElementType, address: string, name: string | null): Promise<NetworkElement>;
}

/**
 * Monitors draw on a licence pool (each call-control user licence = 2 monitors). Until the
 * licensing issue provides the real pools, the size comes from configuration.
 */
export interface MonitorPool {
  /** Takes one monitor for the session; false when the pool is empty. */
  tryAcquire(sessionId: string): boolean;
  release(sessionId: string): void;
  readonly size: number;
  readonly used: number;
}

/** Sends one event to an application's event handler (EventHandlerCCService.handleEvent). */
export interface EventPusher {
  push(url: string, event: StandardEvent): Promise<void>;
}
