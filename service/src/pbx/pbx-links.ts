import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { Config } from '../config';
import type { ControllerInfo, LinkState, PbxEvent, PbxLinkListener, PbxLinks } from '../domain/callcontrol/pbx-port';
import { PbxError } from '../domain/callcontrol/pbx-port';
import { oigError } from '../errors';
import type { Logger } from '../log';
import { GATEWAY_VERSION } from '../version';
import { controllerAddress } from './address';
import { ControllerLink } from './controller-link';

/**
 * The gateway's links to the controllers (the `PbxLinks` port): one kept link per controller
 * address from `connect` until `release`, reconnected forever with exponential backoff.
 *
 * States, as listeners see them: a new link goes CONNECTION_ATTEMPT → CONNECTION_INITIALIZING
 * (socket open, hello sent) → CONNECTED (welcome). Any failure, before or after the welcome,
 * reports CONNECTION_FAILURE and waits out the backoff; each retry starts at
 * CONNECTION_ATTEMPT again. `release` reports NOT_CONNECTED.
 */
export interface PbxLinkManagerOptions {
  readonly linkPort: number;
  /** PEM of the CA that signs the controllers' link certificates; set → TLS. */
  readonly caPem?: string | undefined;
  /** Per request, and for each handshake step (connect, welcome). */
  readonly requestTimeoutMs: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly maxControllers: number;
  /** `client` of the hello; default `OpenOIG/<gateway version>`. */
  readonly client?: string;
  /** Source of the backoff jitter, in [0, 1). */
  readonly random?: () => number;
}

/**
 * Delay before retry number `failures` (1 = first): doubles from min up to max; the jitter draws
 * it from the upper half of that step, never below min (so delays do not shrink below the cap).
 */
export function backoffDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(Math.max(minMs, maxMs), minMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.max(minMs, Math.round(ceiling * (0.5 + random() / 2)));
}

interface KeptLink {
  /** The address as the first `connect` spelled it: what listeners and `addresses()` report. */
  readonly address: string;
  /** Its one spelling (address.ts), the key of the map. */
  readonly key: string;
  readonly log: Logger;
  state: LinkState;
  /** The last welcome's controller; kept across a drop, cleared on release. */
  info: ControllerInfo | undefined;
  link: ControllerLink | undefined;
  retryTimer: NodeJS.Timeout | undefined;
  /** Consecutive failures since the last welcome (drives the backoff). */
  failures: number;
  /** Reason of the previous failure: a repeat of the same reason is logged at debug only. */
  lastReason: string | undefined;
  released: boolean;
  /** `connect` calls waiting for CONNECTED (or release). */
  readonly waiters: Set<() => void>;
}

export class PbxLinkManager implements PbxLinks {
  private readonly kept = new Map<string, KeptLink>();
  private readonly listeners = new Set<PbxLinkListener>();
  private readonly client: string;
  private readonly random: () => number;
  private closed = false;

  constructor(
    private readonly options: PbxLinkManagerOptions,
    private readonly log: Logger,
  ) {
    this.client = options.client ?? `OpenOIG/${GATEWAY_VERSION}`;
    this.random = options.random ?? Math.random;
  }

  async connect(address: string, waitMs: number): Promise<LinkState> {
    const key = controllerAddress(address);
    if (key === undefined) {
      throw oigError('OIG_PBX_ADDRESS_INVALID', `'${address.slice(0, 100)}' is not an IP address: controllers are named by their IPv4 or IPv6 address`);
    }
    if (this.closed) return 'NOT_CONNECTED';
    let kept = this.kept.get(key);
    if (!kept) {
      if (this.kept.size >= this.options.maxControllers) {
        throw oigError('OIG_PBX_CONTROLLER_LIMIT_REACHED', `Cannot link to controller ${address}: the gateway already has links to ${this.kept.size} controllers, its limit (OIG_PBX_MAX_CONTROLLERS)`);
      }
      kept = { address, key, log: this.log.child({ controller: address }), state: 'NOT_CONNECTED', info: undefined, link: undefined, retryTimer: undefined, failures: 0, lastReason: undefined, released: false, waiters: new Set() };
      this.kept.set(key, kept);
      kept.log.info({ port: this.options.linkPort, tls: this.options.caPem !== undefined }, 'linking to controller');
      this.attempt(kept);
    }
    if (kept.state === 'CONNECTED' || waitMs <= 0) return kept.state;
    const waiting = kept;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        waiting.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      waiting.waiters.add(done);
    });
    return waiting.released ? 'NOT_CONNECTED' : waiting.state;
  }

  async release(address: string): Promise<void> {
    const key = controllerAddress(address);
    const kept = key === undefined ? undefined : this.kept.get(key);
    if (!kept) return;
    kept.released = true;
    this.kept.delete(kept.key);
    clearTimeout(kept.retryTimer);
    const link = kept.link;
    kept.link = undefined;
    kept.info = undefined;
    kept.log.info('link to controller released');
    this.setState(kept, 'NOT_CONNECTED');
    for (const done of [...kept.waiters]) done();
    await link?.close('released by the gateway');
  }

  state(address: string): LinkState {
    return this.find(address)?.state ?? 'NOT_CONNECTED';
  }

  info(address: string): ControllerInfo | undefined {
    return this.find(address)?.info;
  }

  addresses(): readonly string[] {
    return [...this.kept.values()].map((kept) => kept.address);
  }

  async request<T = Record<string, unknown>>(address: string, op: string, args: Record<string, unknown>): Promise<T> {
    const kept = this.find(address);
    const link = kept?.link;
    if (!kept || kept.state !== 'CONNECTED' || !link?.isOpen) {
      throw new PbxError('LINK_DOWN', `No link to controller ${address} (${kept?.state ?? 'NOT_CONNECTED'})`);
    }
    return (await link.request(op, args)) as T;
  }

  listen(listener: PbxLinkListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.kept.keys()].map((key) => this.release(key)));
    this.listeners.clear();
  }

  private find(address: string): KeptLink | undefined {
    const key = controllerAddress(address);
    return key === undefined ? undefined : this.kept.get(key);
  }

  private attempt(kept: KeptLink): void {
    kept.retryTimer = undefined;
    if (kept.released) return;
    this.setState(kept, 'CONNECTION_ATTEMPT');
    if (kept.released) return;
    kept.log.debug({ attempt: kept.failures + 1 }, 'connecting to controller');
    const link: ControllerLink = new ControllerLink(
      {
        address: kept.address,
        port: this.options.linkPort,
        caPem: this.options.caPem,
        handshakeTimeoutMs: this.options.requestTimeoutMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        client: this.client,
        log: kept.log,
      },
      {
        initializing: () => {
          if (kept.link === link) this.setState(kept, 'CONNECTION_INITIALIZING');
        },
        connected: (info) => {
          if (kept.link !== link) return;
          kept.log.info({ controllerInfo: info, afterFailures: kept.failures }, 'link to controller up');
          kept.failures = 0;
          kept.lastReason = undefined;
          kept.info = info;
          this.setState(kept, 'CONNECTED');
          for (const done of [...kept.waiters]) done();
        },
        event: (monitorId, event) => {
          if (kept.link === link) this.emitEvent(kept, monitorId, event);
        },
        closed: (reason) => {
          if (kept.link === link) this.linkFailed(kept, reason);
        },
      },
    );
    kept.link = link;
    link.start();
  }

  private linkFailed(kept: KeptLink, reason: Error): void {
    const wasConnected = kept.state === 'CONNECTED';
    kept.link = undefined;
    kept.failures++;
    const retryInMs = backoffDelay(kept.failures, this.options.reconnectMinMs, this.options.reconnectMaxMs, this.random);
    // A controller that stays down would log the same reason at every retry: say it once.
    const repeat = !wasConnected && reason.message === kept.lastReason;
    kept.lastReason = reason.message;
    kept.log[repeat ? 'debug' : 'warn']({ reason: reason.message, failures: kept.failures, retryInMs }, wasConnected ? 'link to controller lost' : 'link to controller failed');
    kept.retryTimer = setTimeout(() => this.attempt(kept), retryInMs);
    this.setState(kept, 'CONNECTION_FAILURE');
  }

  private setState(kept: KeptLink, state: LinkState): void {
    if (kept.state === state) return;
    kept.state = state;
    for (const listener of [...this.listeners]) {
      try {
        listener.state?.(kept.address, state, kept.info);
      } catch (err) {
        kept.log.error({ err, state }, 'a link state listener failed');
      }
    }
  }

  private emitEvent(kept: KeptLink, monitorId: number, event: PbxEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener.event?.(kept.address, monitorId, event);
      } catch (err) {
        kept.log.error({ err, monitorId }, 'a link event listener failed');
      }
    }
  }
}

async function readControllerCa(file: string): Promise<string> {
  try {
    const pem = await readFile(file, 'utf8');
    new X509Certificate(pem);
    createSecureContext({ ca: pem });
    return pem;
  } catch (err) {
    throw oigError('OIG_CONFIG_INVALID', `Cannot use ${file} as the controllers' CA certificate (OIG_PBX_CA_FILE): ${(err as Error).message}`, err);
  }
}

/** The `PbxLinks` adapter from the `pbx` config; reads and checks the controller CA when one is set. */
export async function createPbxLinks(config: Config['pbx'], log: Logger): Promise<PbxLinkManager> {
  const caPem = config.caFile === undefined ? undefined : await readControllerCa(config.caFile);
  return new PbxLinkManager(
    {
      linkPort: config.linkPort,
      caPem,
      requestTimeoutMs: config.requestTimeoutMs,
      reconnectMinMs: config.reconnectMinMs,
      reconnectMaxMs: config.reconnectMaxMs,
      maxControllers: config.maxControllers,
    },
    log,
  );
}
