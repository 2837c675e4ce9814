import net from 'node:net';
import tls from 'node:tls';
import { encodeFrame, FrameDecoder } from '../../src/mivb/frame';

export type Frame = Record<string, unknown> & { type: string };

/** A bare gateway end of the PBX link for tests: raw frames in, frames out, nothing hidden. */
export class TestLinkClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<void>;
  private readonly decoder = new FrameDecoder();
  private readonly waiters = new Set<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }>();
  private nextId = 1;
  answerPings = true;

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk) as Frame[]) {
        this.frames.push(f);
        if (f.type === 'ping' && this.answerPings) this.send({ type: 'pong', n: f.n });
        for (const w of this.waiters) {
          if (w.match(f)) {
            this.waiters.delete(w);
            w.resolve(f);
          }
        }
      }
    });
  }

  static connect(host: string, port: number, options: { ca?: string } = {}): Promise<TestLinkClient> {
    return new Promise((resolve, reject) => {
      const socket = options.ca ? tls.connect({ host, port, ca: options.ca }) : net.connect({ host, port });
      socket.once(options.ca ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        resolve(new TestLinkClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Connects and completes the handshake; returns the client and the welcome frame. */
  static async open(host: string, port: number, options: { ca?: string } = {}): Promise<{ client: TestLinkClient; welcome: Frame }> {
    const client = await TestLinkClient.connect(host, port, options);
    client.send({ type: 'hello', versions: [1], client: 'test/1' });
    return { client, welcome: await client.waitFor((f) => f.type === 'welcome' || f.type === 'refused') };
  }

  send(frame: object): void {
    this.socket.write(encodeFrame(JSON.stringify(frame)));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The first frame received (so far or later) that matches. */
  waitFor(match: (f: Frame) => boolean, ms = 3000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve };
      this.waiters.add(waiter);
      setTimeout(() => {
        if (this.waiters.delete(waiter)) reject(new Error(`no matching frame in ${ms} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`));
      }, ms).unref();
    });
  }

  /** Sends a request and resolves with its response frame. */
  async request(op: string, args: Record<string, unknown> = {}): Promise<Frame & { ok: boolean; result?: Record<string, unknown>; error?: { code: string; message: string; callId?: number } }> {
    const id = this.nextId++;
    this.send({ type: 'request', id, op, args });
    return (await this.waitFor((f) => f.type === 'response' && f.id === id)) as never;
  }

  /** The result of a request that must succeed. */
  async ok(op: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const response = await this.request(op, args);
    if (!response.ok) throw new Error(`${op} failed: ${JSON.stringify(response.error)}`);
    return response.result ?? {};
  }

  events(): (Frame & { seq: number; monitorId: number; event: Record<string, unknown> & { type: string; dn: string } })[] {
    return this.frames.filter((f) => f.type === 'event') as never;
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }
}

/** Resolves when the predicate holds (checked every 10 ms), else fails after ms. */
export async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
