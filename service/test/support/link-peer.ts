import net from 'node:net';
import tls from 'node:tls';

/**
 * A scriptable controller end of the PBX link (docs/pbx-link-protocol.md) for tests of the
 * gateway's `src/pbx/`. Its framing is written here on purpose, apart from the gateway's codec.
 */
export type JsonObject = Record<string, unknown>;
export type PeerAnswer = { result: JsonObject } | { error: { code: string; message: string } };
export type HelloAnswer = 'welcome' | 'ignore' | { refuse: { code: string; message: string } };

export interface LinkPeerOptions {
  host?: string;
  /** Serve TLS with this key and certificate. */
  tls?: { keyPem: string; certPem: string };
  heartbeatMs?: number;
  controller?: Partial<{ name: string; address: string; version: string; clusterId: string }>;
  /** What to do with a hello (default: welcome). */
  hello?: (hello: JsonObject, conn: PeerConnection) => HelloAnswer;
  /** Answer to a request; undefined: no answer (default: BAD_REQUEST). */
  request?: (request: { id: number; op: string; args: JsonObject }, conn: PeerConnection) => PeerAnswer | undefined;
}

export function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  return Buffer.concat([header, body]);
}

export class PeerConnection {
  readonly received: JsonObject[] = [];
  /** Answers nothing (no pong, no response): the controller hangs. */
  silent = false;
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly waiters: Array<{ test: (m: JsonObject) => boolean; resolve: (m: JsonObject) => void }> = [];
  readonly closed: Promise<void>;

  constructor(
    readonly socket: net.Socket,
    private readonly peer: LinkPeer,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4) {
        const length = this.buffer.readUInt32BE(0);
        if (this.buffer.length < 4 + length) break;
        const message = JSON.parse(this.buffer.subarray(4, 4 + length).toString('utf8')) as JsonObject;
        this.buffer = this.buffer.subarray(4 + length);
        this.handle(message);
      }
    });
  }

  send(message: unknown): void {
    if (!this.socket.destroyed) this.socket.write(frame(message));
  }

  sendBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends an event with the next `seq` (or the one given, to make a gap). */
  event(monitorId: number, event: JsonObject, seq = this.seq + 1): void {
    this.seq = seq;
    this.send({ type: 'event', seq, monitorId, event });
  }

  /** The first message received (already or later) that passes `test`. */
  waitFor(test: (m: JsonObject) => boolean, timeoutMs = 5_000): Promise<JsonObject> {
    const seen = this.received.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the peer did not receive the expected message')), timeoutMs);
      this.waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private handle(message: JsonObject): void {
    this.received.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
    if (this.silent) return;
    const options = this.peer.options;
    if (message.type === 'hello') {
      const answer = options.hello?.(message, this) ?? 'welcome';
      if (answer === 'welcome') {
        const address = this.socket.localAddress ?? '127.0.0.1';
        this.send({
          type: 'welcome',
          version: 1,
          heartbeatMs: options.heartbeatMs ?? 1_000,
          controller: { name: 'ICP-TEST', address, version: '10.1.0.12', clusterId: 'test-cluster', ...options.controller },
        });
      } else if (answer !== 'ignore') {
        this.send({ type: 'refused', ...answer.refuse });
        this.socket.end();
      }
    } else if (message.type === 'ping') {
      this.send({ type: 'pong', n: message.n });
    } else if (message.type === 'request') {
      const request = message as unknown as { id: number; op: string; args: JsonObject };
      const answer = options.request ? options.request(request, this) : { error: { code: 'BAD_REQUEST', message: `unknown op ${request.op}` } };
      if (answer) this.send({ type: 'response', id: request.id, ...('result' in answer ? { ok: true, result: answer.result } : { ok: false, error: answer.error }) });
    }
  }
}

export class LinkPeer {
  readonly connections: PeerConnection[] = [];
  private readonly server: net.Server;
  private readonly arrivals: Array<() => void> = [];
  port = 0;

  private constructor(public options: LinkPeerOptions) {
    const accept = (socket: net.Socket): void => {
      this.connections.push(new PeerConnection(socket, this));
      for (const arrived of this.arrivals.splice(0)) arrived();
    };
    this.server = options.tls ? tls.createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, accept) : net.createServer(accept);
    // A client refusing our certificate is what some tests want.
    this.server.on('tlsClientError', () => {});
  }

  static async start(options: LinkPeerOptions = {}): Promise<LinkPeer> {
    const peer = new LinkPeer(options);
    await peer.listen();
    return peer;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** Listens (again, on the same port after stopListening). */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops accepting connections at once (the open ones stay): connects are refused. */
  async stopListening(): Promise<void> {
    // close() drops the listening socket now; its callback would wait for open connections too.
    this.server.close();
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Connection number `index` (0-based), once it has arrived. */
  async connection(index: number, timeoutMs = 5_000): Promise<PeerConnection> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections.length <= index) {
      if (Date.now() > deadline) throw new Error(`connection ${index} did not arrive`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(deadline - Date.now(), 0));
        this.arrivals.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.connections[index] as PeerConnection;
  }

  /** The newest connection. */
  get last(): PeerConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
