import net from 'node:net';
import tls from 'node:tls';
import type { Emission } from './events';
import { encodeFrame, FrameDecoder, FrameError } from './frame';

/**
 * One controller's end of the PBX link (docs/pbx-link-protocol.md): a TCP or TLS listener on the
 * controller's own address, and per gateway connection the handshake, heartbeat, requests, its
 * monitors and its event stream. What a request does is the host's business (link-ops.ts).
 */
export const PROTOCOL_VERSIONS = [1] as const;

export type MonitorKind = 'call' | 'feature' | 'prg';

export interface Monitor {
  readonly id: number;
  readonly kind: MonitorKind;
  /** Absent for a `prg` monitor of every ring group on the controller. */
  readonly dn?: string;
}

export interface LinkHost {
  readonly heartbeatMs: number;
  readonly clusterId: string;
  readonly version: string;
  /** Runs one request. `after` sends the events it caused, once the response is written. */
  handleRequest(link: ControllerLink, connection: LinkConnection, op: string, args: Record<string, unknown>): { body: object; after(): void };
}

export interface LinkFaults {
  /** Neither requests nor pings are answered, nothing is sent; the connections stay open. */
  stopAnswering: boolean;
  /** Every outgoing frame waits this long (order kept). */
  slowMs: number;
}

export class ControllerLink {
  readonly faults: LinkFaults = { stopAnswering: false, slowMs: 0 };
  private readonly server: net.Server;
  private readonly connections = new Set<LinkConnection>();
  private readonly index = new Map<string, Set<MonitorRef>>();
  private readonly allGroups = new Set<MonitorRef>();
  private listeningOn = false;

  constructor(
    readonly name: string,
    readonly address: string,
    public port: number,
    readonly host: LinkHost,
    credentials?: { cert: string; key: string },
  ) {
    const accept = (socket: net.Socket): void => {
      const connection = new LinkConnection(this, socket);
      this.connections.add(connection);
      socket.once('close', () => {
        this.connections.delete(connection);
        connection.dispose();
      });
    };
    this.server = credentials ? tls.createServer({ cert: credentials.cert, key: credentials.key }, accept) : net.createServer(accept);
    this.server.on('error', () => undefined);
  }

  get listening(): boolean {
    return this.listeningOn;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Listens on the controller's address; resolves with the port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      this.server.listen({ port: this.port, host: this.address, exclusive: true }, () => {
        this.server.off('error', onError);
        this.port = (this.server.address() as net.AddressInfo).port;
        this.listeningOn = true;
        resolve(this.port);
      });
    });
  }

  /** Stops listening (new connections are refused) and closes every connection. */
  close(): Promise<void> {
    this.listeningOn = false;
    this.dropLinks();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  /** Closes every connection at once (a network cut); the controller keeps listening. */
  dropLinks(): void {
    for (const c of this.connections) c.destroy();
  }

  resume(): void {
    this.faults.stopAnswering = false;
    this.faults.slowMs = 0;
    for (const c of this.connections) c.revive();
  }

  addMonitor(connection: LinkConnection, monitor: Monitor): void {
    const ref: MonitorRef = { connection, id: monitor.id };
    if (monitor.kind === 'prg' && monitor.dn === undefined) this.allGroups.add(ref);
    else {
      const key = `${monitor.kind}:${monitor.dn}`;
      const set = this.index.get(key) ?? new Set<MonitorRef>();
      set.add(ref);
      this.index.set(key, set);
    }
    connection.refs.set(monitor.id, ref);
  }

  removeMonitor(connection: LinkConnection, monitor: Monitor): void {
    const ref = connection.refs.get(monitor.id);
    if (!ref) return;
    connection.refs.delete(monitor.id);
    if (monitor.kind === 'prg' && monitor.dn === undefined) this.allGroups.delete(ref);
    else {
      const key = `${monitor.kind}:${monitor.dn}`;
      const set = this.index.get(key);
      set?.delete(ref);
      if (set && !set.size) this.index.delete(key);
    }
  }

  /** Sends an event to the monitors it concerns; the JSON is made once, only when someone listens. */
  deliver(emission: Emission): void {
    const refs = this.index.get(`${emission.group ? 'prg' : emission.event.class}:${emission.dn}`);
    const groups = emission.group ? this.allGroups : undefined;
    if (!refs?.size && !groups?.size) return;
    const json = JSON.stringify(emission.event);
    for (const ref of refs ?? []) ref.connection.sendEvent(ref.id, json);
    for (const ref of groups ?? []) ref.connection.sendEvent(ref.id, json);
  }
}

interface MonitorRef {
  readonly connection: LinkConnection;
  readonly id: number;
}

export class LinkConnection {
  readonly monitors = new Map<number, Monitor>();
  readonly refs = new Map<number, MonitorRef>();
  private readonly decoder = new FrameDecoder();
  private state: 'hello' | 'open' | 'closing' = 'hello';
  private seq = 0;
  private nextMonitorId = 1;
  private pings = 0;
  private lastReceived = Date.now();
  private lastSent = Date.now();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly queue: { at: number; frame: Buffer }[] = [];
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly link: ControllerLink,
    private readonly socket: net.Socket,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    const beat = link.host.heartbeatMs;
    this.heartbeat = setInterval(() => this.tick(beat), Math.max(10, Math.floor(beat / 4)));
  }

  openMonitor(kind: MonitorKind, dn?: string): number {
    const monitor: Monitor = dn === undefined ? { id: this.nextMonitorId++, kind } : { id: this.nextMonitorId++, kind, dn };
    this.monitors.set(monitor.id, monitor);
    this.link.addMonitor(this, monitor);
    return monitor.id;
  }

  closeMonitor(id: number): boolean {
    const monitor = this.monitors.get(id);
    if (!monitor) return false;
    this.monitors.delete(id);
    this.link.removeMonitor(this, monitor);
    return true;
  }

  sendEvent(monitorId: number, eventJson: string): void {
    this.seq += 1;
    // A controller that stopped answering loses its events; the gap in seq shows it.
    if (this.link.faults.stopAnswering || this.state !== 'open') return;
    this.write(`{"type":"event","seq":${this.seq},"monitorId":${monitorId},"event":${eventJson}}`);
  }

  destroy(): void {
    this.state = 'closing';
    this.socket.destroy();
  }

  /** After a stopAnswering period: the peer's silence so far does not count. */
  revive(): void {
    this.lastReceived = Date.now();
  }

  dispose(): void {
    this.state = 'closing';
    clearInterval(this.heartbeat);
    if (this.drainTimer) clearTimeout(this.drainTimer);
    for (const id of [...this.monitors.keys()]) this.closeMonitor(id);
  }

  private receive(chunk: Buffer): void {
    if (this.state === 'closing') return;
    this.lastReceived = Date.now();
    let frames: Record<string, unknown>[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      return this.protocolError((err as FrameError).message);
    }
    for (const frame of frames) {
      if (this.link.faults.stopAnswering || this.closing()) return;
      this.handle(frame);
    }
  }

  private closing(): boolean {
    return this.state === 'closing';
  }

  private handle(frame: Record<string, unknown>): void {
    if (this.state === 'hello') {
      if (frame.type !== 'hello') return this.protocolError(`expected hello, got ${String(frame.type)}`);
      const offered = Array.isArray(frame.versions) ? frame.versions.filter((v): v is number => Number.isInteger(v)) : [];
      const version = Math.max(...offered.filter((v) => (PROTOCOL_VERSIONS as readonly number[]).includes(v)));
      if (!Number.isFinite(version)) {
        this.write(JSON.stringify({ type: 'refused', code: 'UNSUPPORTED_VERSION', message: `controller speaks versions [${PROTOCOL_VERSIONS.join(',')}]` }));
        return this.end();
      }
      this.state = 'open';
      this.write(
        JSON.stringify({
          type: 'welcome',
          version,
          heartbeatMs: this.link.host.heartbeatMs,
          controller: { name: this.link.name, address: this.link.address, version: this.link.host.version, clusterId: this.link.host.clusterId },
        }),
      );
      return;
    }
    switch (frame.type) {
      case 'ping':
        return this.write(JSON.stringify({ type: 'pong', n: frame.n ?? null }));
      case 'pong':
        return;
      case 'request':
        return this.request(frame);
      default:
        return this.protocolError(`unexpected frame type ${String(frame.type)}`);
    }
  }

  private request(frame: Record<string, unknown>): void {
    const id = frame.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) return this.protocolError('request id must be a positive integer');
    const args = frame.args ?? {};
    if (typeof frame.op !== 'string' || typeof args !== 'object' || args === null || Array.isArray(args)) {
      this.write(JSON.stringify({ type: 'response', id, ok: false, error: { code: 'BAD_REQUEST', message: 'op must be a string and args an object' } }));
      return;
    }
    const { body, after } = this.link.host.handleRequest(this.link, this, frame.op, args as Record<string, unknown>);
    this.write(JSON.stringify({ type: 'response', id, ...body }));
    after();
  }

  private tick(beat: number): void {
    if (this.state === 'closing' || this.link.faults.stopAnswering) return;
    const now = Date.now();
    if (now - this.lastReceived >= 3 * beat) {
      this.destroy();
      return;
    }
    if (this.state === 'open' && now - this.lastSent >= beat) this.write(JSON.stringify({ type: 'ping', n: ++this.pings }));
  }

  private protocolError(message: string): void {
    this.write(JSON.stringify({ type: 'error', code: 'PROTOCOL_ERROR', message }));
    this.end();
  }

  private end(): void {
    this.state = 'closing';
    this.flushQueue(true);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private write(json: string): void {
    if (this.link.faults.stopAnswering) return;
    const frame = encodeFrame(json);
    this.lastSent = Date.now();
    const delay = this.link.faults.slowMs;
    if (delay <= 0 && !this.queue.length) {
      this.socket.write(frame);
      return;
    }
    this.queue.push({ at: Date.now() + delay, frame });
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainTimer || !this.queue.length) return;
    const wait = Math.max(0, (this.queue[0]?.at ?? 0) - Date.now());
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      this.flushQueue(false);
      this.scheduleDrain();
    }, wait);
  }

  private flushQueue(all: boolean): void {
    const now = Date.now();
    while (this.queue.length && (all || (this.queue[0]?.at ?? 0) <= now)) {
      const item = this.queue.shift() as { frame: Buffer };
      if (!this.socket.destroyed) this.socket.write(item.frame);
    }
  }
}
