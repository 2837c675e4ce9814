/**
 * What the call-control domain needs from the PBX link (docs/pbx-link-protocol.md), as plain
 * types: the adapter in `src/pbx/` implements it, the domain never sees sockets or frames.
 */

/** The OIG `connectionState` values, as the gateway reports a controller link. */
export type LinkState = 'NOT_CONNECTED' | 'CONNECTION_ATTEMPT' | 'CONNECTION_INITIALIZING' | 'CONNECTED' | 'CONNECTION_FAILURE';

export interface ControllerInfo {
  readonly name: string;
  readonly address: string;
  readonly version: string;
  readonly clusterId: string;
}

export interface PbxDevice {
  readonly role: string;
  readonly number: string;
  readonly name?: string | null;
  readonly deviceType?: string | null;
  readonly line?: number | null;
}

export interface PbxParty {
  readonly number: string;
  readonly name?: string | null;
  readonly deviceType?: string | null;
  readonly callId: number;
}

export interface PbxCallEvent {
  readonly class: 'call';
  readonly type: string;
  readonly cause: string;
  readonly state: string;
  readonly dn: string;
  readonly callId: number;
  readonly globalCallId?: string | null;
  readonly devices: readonly PbxDevice[];
  readonly parties: readonly PbxParty[];
  readonly dialedDigits?: string | null;
  readonly accountCode?: string | null;
  readonly featuresAllowed?: readonly string[];
}

export interface PbxFeatureEvent {
  readonly class: 'feature';
  readonly type: string;
  readonly dn: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export type PbxEvent = PbxCallEvent | PbxFeatureEvent;

/** Codes of docs/pbx-link-protocol.md, plus the gateway's own `LINK_DOWN` and `TIMEOUT`. */
export type PbxErrorCode =
  | 'BAD_REQUEST'
  | 'NO_SUCH_DEVICE'
  | 'NOT_IN_SERVICE'
  | 'COS_CALL_CONTROL_DENIED'
  | 'COS_MONITOR_DENIED'
  | 'NO_SUCH_MONITOR'
  | 'NO_SUCH_CALL'
  | 'INVALID_STATE'
  | 'DESTINATION_BUSY'
  | 'DESTINATION_DO_NOT_DISTURB'
  | 'NO_SUCH_NUMBER'
  | 'BAD_PIN'
  | 'NOT_LOGGED_IN'
  | 'ALREADY_LOGGED_IN'
  | 'INTERNAL'
  | 'LINK_DOWN'
  | 'TIMEOUT';

/** A request the controller refused, or one that never got an answer. */
export class PbxError extends Error {
  constructor(
    readonly code: PbxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PbxError';
  }
}

export interface PbxLinkListener {
  /** The link to `address` changed state; `info` is present once a welcome was received. */
  state?(address: string, state: LinkState, info: ControllerInfo | undefined): void;
  /** An event of monitor `monitorId` on the link to `address` (monitor ids are per link). */
  event?(address: string, monitorId: number, event: PbxEvent): void;
}

/** The gateway's links to the controllers of one cluster, keyed by controller IP address. */
export interface PbxLinks {
  /**
   * Makes sure a link to `address` exists and keeps trying (with backoff) until `release`.
   * Resolves once the link is CONNECTED or `waitMs` passed, with the state at that moment.
   */
  connect(address: string, waitMs: number): Promise<LinkState>;
  /** Stops keeping a link to `address` and closes it. */
  release(address: string): Promise<void>;
  state(address: string): LinkState;
  info(address: string): ControllerInfo | undefined;
  /** Addresses of every link kept. */
  addresses(): readonly string[];
  /** One request; rejects with a PbxError (the controller's code, or LINK_DOWN / TIMEOUT). */
  request<T = Record<string, unknown>>(address: string, op: string, args: Record<string, unknown>): Promise<T>;
  /** Registers a listener; returns a function that removes it. */
  listen(listener: PbxLinkListener): () => void;
  close(): Promise<void>;
}
