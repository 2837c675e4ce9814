import type { SessionType } from '../sessions/session';
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
  /** true: the type's default settings apply ("Default"); false: `settings` ("Custom"). */
  readonly useDefaults: boolean;
  /** The element's own settings (element-settings.ts), used when useDefaults is false. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** What the administrator gives when adding or editing an element. */
export interface NetworkElementChange {
  readonly address: string;
  readonly name: string | null;
  readonly useDefaults: boolean;
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface NetworkElementStore {
  list(): Promise<NetworkElement[]>;
  /** The element at `address`, added as discovered (MI_VB) when there is none. */
  findOrAddDiscovered(address: string): Promise<NetworkElement>;
  /** Adds (or marks as configured) the element at `address`. */
  addConfigured(type: NetworkElementType, address: string, name: string | null): Promise<NetworkElement>;
  /** Adds an element (a discovered one at that address becomes configured); refuses a taken address or a second MiCC. */
  add(type: NetworkElementType, change: NetworkElementChange): Promise<NetworkElement>;
  update(id: string, change: NetworkElementChange): Promise<NetworkElement | undefined>;
  remove(id: string): Promise<boolean>;
  /** The per-type defaults the administrator set ("Set Default Values"); absent types use the factory ones. */
  defaults(): Promise<Partial<Record<NetworkElementType, Record<string, unknown>>>>;
  setDefaults(type: NetworkElementType, settings: Record<string, unknown>): Promise<void>;
}

/**
 * Call monitors draw on the licence pools (domain/licensing): each call-control user licence
 * = 2 monitors; a Standard session takes from the standard pool, an Advanced one from the
 * advanced pool. The level travels with the release because a session may become Advanced
 * after it took monitors as Standard.
 */
export interface MonitorPool {
  /** Takes one call monitor for the session from its level's pool, or throws the coded reason. */
  acquire(sessionId: string, level: SessionType): void;
  release(sessionId: string, level: SessionType): void;
}

/** Sends one event to an application's event handler (EventHandlerCCService.handleEvent). */
export interface EventPusher {
  push(url: string, event: StandardEvent): Promise<void>;
}
