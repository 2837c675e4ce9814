import type { ControllerInfo, PbxErrorCode, PbxEvent } from '../domain/callcontrol/pbx-port';
import { PbxError } from '../domain/callcontrol/pbx-port';
import type { Logger } from '../log';
import { parseMessage, PROTOCOL_VERSIONS, ProtocolError, type EventMessage, type LinkMessage, type Response } from './protocol/messages';
import type { FrameError, JsonObject } from './transport/framing';
import { FramedSocket, openSocket } from './transport/link-socket';

/**
 * One connection to one controller, from connect to close (docs/pbx-link-protocol.md): hello
 * and welcome, heartbeat, requests matched to responses by id, events checked for `seq` gaps.
 * Used once: after `closed` a new ControllerLink is made for the next attempt (pbx-links.ts).
 */
export interface ControllerLinkOptions {
  /** The controller's IP literal. */
  readonly address: string;
  readonly port: number;
  /** PEM of the CA the controller's certificate must chain to; absent → plain TCP. */
  readonly caPem?: string | undefined;
  /** Time for the TCP (and TLS) connect, and again for the welcome after the hello. */
  readonly handshakeTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** `client` of the hello, e.g. `OpenOIG/0.1.0`. */
  readonly client: string;
  readonly log: Logger;
}

export interface ControllerLinkHandlers {
  /** The socket is open and the hello sent: the handshake runs. */
  initializing(): void;
  /** The controller welcomed us: requests may go. */
  connected(info: ControllerInfo): void;
  event(monitorId: number, event: PbxEvent): void;
  /** Called once when the link ends for any reason, also when it never came up. */
  closed(reason: Error): void;
}

/** The link ended because the controller refused it, broke the protocol, went silent, or left. */
export class LinkFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LinkFailure';
  }
}

const CONTROLLER_CODES = new Set<string>([
  'BAD_REQUEST',
  'NO_SUCH_DEVICE',
  'NOT_IN_SERVICE',
  'COS_CALL_CONTROL_DENIED',
  'COS_MONITOR_DENIED',
  'NO_SUCH_MONITOR',
  'NO_SUCH_CALL',
  'INVALID_STATE',
  'DESTINATION_BUSY',
  'DESTINATION_DO_NOT_DISTURB',
  'NO_SUCH_NUMBER',
  'BAD_PIN',
  'NOT_LOGGED_IN',
  'ALREADY_LOGGED_IN',
  'INTERNAL',
] satisfies PbxErrorCode[]);

/** The controller's error as a PbxError; a code outside the protocol's list becomes INTERNAL, named in the message. */
export function controllerError(code: string, message: string): PbxError {
  if (CONTROLLER_CODES.has(code)) return new PbxError(code as PbxErrorCode, message);
  return new PbxError('INTERNAL', `${code}: ${message}`);
}

const SECRET_KEY = /pin|password/i;

/** A frame for trace logs, with PINs and passwords (hot desking) censored. */
function forLog(message: unknown): string {
  return JSON.stringify(message, (key, value: unknown) => (SECRET_KEY.test(key) ? '[redacted]' : value));
}

interface Pending {
  readonly op: string;
  readonly resolve: (result: Record<string, unknown>) => void;
  readonly reject: (err: PbxError) => void;
  readonly timer: NodeJS.Timeout;
}

type Phase = 'connecting' | 'handshake' | 'open' | 'closed';

export class ControllerLink {
  private phase: Phase = 'connecting';
  private socket: FramedSocket | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextPing = 1;
  private expectedSeq = 1;
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** Fires when we have sent nothing for heartbeatMs: send a ping. */
  private idleTimer: NodeJS.Timeout | undefined;
  /** Fires when we have received nothing for 3 × heartbeatMs: the link is dead. */
  private silenceTimer: NodeJS.Timeout | undefined;
  private readonly socketClosed: Promise<void>;
  private markSocketClosed!: () => void;

  constructor(
    private readonly options: ControllerLinkOptions,
    private readonly handlers: ControllerLinkHandlers,
  ) {
    this.socketClosed = new Promise((resolve) => {
      this.markSocketClosed = resolve;
    });
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  start(): void {
    const { address, port, caPem, handshakeTimeoutMs } = this.options;
    openSocket({ host: address, port, caPem, connectTimeoutMs: handshakeTimeoutMs }).then(
      (raw) => {
        if (this.phase === 'closed') {
          raw.destroy();
          return;
        }
        this.socket = new FramedSocket(raw, {
          message: (frame) => this.receive(frame),
          malformed: (err) => this.protocolError(err),
          closed: (reason) => {
            this.markSocketClosed();
            this.fail(reason instanceof LinkFailure ? reason : new LinkFailure(reason.message, { cause: reason }));
          },
        });
        this.phase = 'handshake';
        this.handshakeTimer = setTimeout(() => this.fail(new LinkFailure(`no welcome within ${handshakeTimeoutMs} ms`)), handshakeTimeoutMs);
        this.handlers.initializing();
        if (this.phase === 'handshake') this.send({ type: 'hello', versions: [...PROTOCOL_VERSIONS], client: this.options.client });
      },
      (err: Error) => {
        this.markSocketClosed();
        this.fail(new LinkFailure(err.message, { cause: err }));
      },
    );
  }

  /** One request; rejects with the controller's code, TIMEOUT, or LINK_DOWN. */
  request(op: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.phase !== 'open') return Promise.reject(new PbxError('LINK_DOWN', `The link to controller ${this.options.address} is not up`));
    const id = this.nextId++;
    const timeoutMs = this.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.options.log.warn({ op, id, timeoutMs }, 'controller did not answer a request in time');
        reject(new PbxError('TIMEOUT', `Controller ${this.options.address} did not answer ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { op, resolve, reject, timer });
      try {
        this.send({ type: 'request', id, op, args });
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new PbxError('INTERNAL', `Cannot send ${op} to controller ${this.options.address}: ${(err as Error).message}`));
      }
    });
  }

  /** Ends the link (pending requests fail with LINK_DOWN); resolves once its socket, if any, is closed. */
  close(reason = 'closed by the gateway'): Promise<void> {
    this.fail(new LinkFailure(reason));
    // A connect still under way is abandoned: its socket is destroyed as soon as it opens.
    if (!this.socket) this.markSocketClosed();
    return this.socketClosed;
  }

  private send(message: JsonObject): void {
    if (this.phase === 'closed') return;
    const log = this.options.log;
    if (log.isLevelEnabled('trace')) log.trace({ frame: forLog(message) }, 'frame sent');
    this.socket?.send(message);
    this.idleTimer?.refresh();
  }

  private receive(frame: JsonObject): void {
    if (this.phase === 'closed') return;
    this.silenceTimer?.refresh();
    const log = this.options.log;
    if (log.isLevelEnabled('trace')) log.trace({ frame: forLog(frame) }, 'frame received');
    let message: LinkMessage;
    try {
      message = parseMessage(frame);
    } catch (err) {
      if (err instanceof ProtocolError) return this.protocolError(err);
      throw err;
    }
    if (message.type === 'error') {
      const what = [message.code, message.message].filter((s) => s !== undefined).join(': ') || 'no details';
      return this.fail(new LinkFailure(`the controller reported a protocol error: ${what}`));
    }
    if (this.phase === 'handshake') {
      if (message.type === 'welcome') return this.welcome(message.version, message.heartbeatMs, message.controller);
      if (message.type === 'refused') return this.fail(new LinkFailure(`the controller refused the link: ${message.code}: ${message.message}`));
      return this.protocolError(new ProtocolError(`expected welcome or refused, got ${message.type}`));
    }
    switch (message.type) {
      case 'response':
        return this.settle(message);
      case 'event':
        return this.deliver(message);
      case 'ping':
        return this.send({ type: 'pong', n: message.n });
      case 'pong':
        return;
      default:
        return this.protocolError(new ProtocolError(`unexpected ${message.type} message on an open link`));
    }
  }

  private welcome(version: number, heartbeatMs: number, controller: ControllerInfo): void {
    if (!(PROTOCOL_VERSIONS as readonly number[]).includes(version)) {
      return this.protocolError(new ProtocolError(`the controller chose version ${version}, which the hello did not offer`));
    }
    clearTimeout(this.handshakeTimer);
    this.phase = 'open';
    this.idleTimer = setTimeout(() => this.send({ type: 'ping', n: this.nextPing++ }), heartbeatMs);
    this.silenceTimer = setTimeout(() => this.fail(new LinkFailure(`nothing received for ${3 * heartbeatMs} ms (3 heartbeats)`)), 3 * heartbeatMs);
    const { name, address, version: controllerVersion, clusterId } = controller;
    this.options.log.debug({ version, heartbeatMs }, 'controller welcomed the link');
    this.handlers.connected({ name, address, version: controllerVersion, clusterId });
  }

  private settle(response: Response): void {
    const pending = this.pending.get(response.id);
    if (!pending) {
      this.options.log.debug({ id: response.id }, 'response to an abandoned or unknown request ignored');
      return;
    }
    clearTimeout(pending.timer);
    this.pending.delete(response.id);
    if (response.ok) pending.resolve(response.result ?? {});
    else if (response.error) pending.reject(controllerError(response.error.code, response.error.message));
  }

  private deliver(message: EventMessage): void {
    if (message.seq !== this.expectedSeq) {
      // Monitors may have lost events: only a fresh connection (and fresh monitors) is trustworthy.
      this.options.log.warn({ expected: this.expectedSeq, got: message.seq }, 'event sequence gap; closing the link to reconnect');
      return this.fail(new LinkFailure(`event sequence gap: expected seq ${this.expectedSeq}, got ${message.seq}`));
    }
    this.expectedSeq++;
    this.handlers.event(message.monitorId, message.event);
  }

  private protocolError(err: ProtocolError | FrameError): void {
    if (this.phase === 'closed') return;
    try {
      this.send({ type: 'error', code: 'PROTOCOL_ERROR', message: err.message });
    } catch {
      // Nothing more to say: the link closes anyway.
    }
    this.fail(new LinkFailure(`protocol error: ${err.message}`, { cause: err }));
  }

  private fail(reason: LinkFailure): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.silenceTimer);
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new PbxError('LINK_DOWN', `The link to controller ${this.options.address} closed before ${pending.op} was answered: ${reason.message}`));
      this.pending.delete(id);
    }
    this.socket?.close(reason);
    this.handlers.closed(reason);
  }
}
