import net from 'node:net';
import tls from 'node:tls';
import { encodeFrame, FrameDecoder, FrameError, type JsonObject } from './framing';

/**
 * The byte pipe to one controller: TCP, or TLS when a CA is configured, carrying frames.
 * Knows nothing of the messages: it hands decoded JSON objects up and sends objects down.
 */
export interface SocketTarget {
  /** An IP literal (the controller is addressed by IP; its certificate must name that IP). */
  readonly host: string;
  readonly port: number;
  /** PEM of the CA the controller's certificate must chain to; absent → plain TCP. */
  readonly caPem?: string | undefined;
  readonly connectTimeoutMs: number;
}

/** Opens the connection; with TLS, resolves once the certificate chain and IP SAN are verified. */
export function openSocket(target: SocketTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const where = `${net.isIPv6(target.host) ? `[${target.host}]` : target.host}:${target.port}`;
    // For an IP host node sends no SNI and checkServerIdentity matches the certificate's IP SANs.
    const socket = target.caPem
      ? tls.connect({ host: target.host, port: target.port, ca: target.caPem, rejectUnauthorized: true })
      : net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => fail(new Error(`no connection to ${where} within ${target.connectTimeoutMs} ms`)), target.connectTimeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', (err: NodeJS.ErrnoException) => {
      // A socket error's message repeats the address ("connect ECONNREFUSED 10.1.2.3:7001"); TLS errors say what is wrong.
      const detail = err.syscall && err.code ? err.code : err.message;
      fail(new Error(`cannot connect to ${where}: ${detail}`, { cause: err }));
    });
    socket.once(target.caPem ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

export interface FramedSocketHandlers {
  /** One decoded frame. */
  message(message: JsonObject): void;
  /** The byte stream broke the framing rules; the socket is still open (the caller may say why, then close). */
  malformed(error: FrameError): void;
  /** The socket closed, once, whoever closed it; `reason` says why when it was not our own close(). */
  closed(reason: Error): void;
}

/** How long a closing socket may take to flush its last frames before it is destroyed. */
const CLOSE_GRACE_MS = 1_000;

export class FramedSocket {
  private readonly decoder = new FrameDecoder();
  private closing = false;
  private reason: Error | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly handlers: FramedSocketHandlers,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('end', () => {
      if (this.closing) return;
      try {
        this.decoder.end();
        this.reason ??= new Error('the controller closed the connection');
      } catch (err) {
        this.reason ??= err as Error;
      }
      socket.destroy();
    });
    socket.on('error', (err) => {
      this.reason ??= err;
    });
    socket.once('close', () => handlers.closed(this.reason ?? new Error('connection closed')));
  }

  /** Sends one object as a frame; throws FrameError (TOO_LARGE) without sending anything. */
  send(message: JsonObject): void {
    if (this.closing || this.socket.destroyed) return;
    this.socket.write(encodeFrame(message));
  }

  /** Closes after the frames already written are flushed (bounded by a short grace period). */
  close(reason: Error): void {
    if (this.closing) return;
    this.closing = true;
    this.reason ??= reason;
    if (this.socket.destroyed) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    try {
      for (const message of this.decoder.push(chunk)) {
        this.handlers.message(message);
        if (this.closing) return;
      }
    } catch (err) {
      if (err instanceof FrameError) this.handlers.malformed(err);
      // A failing handler is a bug here, not the controller's: end this connection, not the process.
      else this.close(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
