import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * The lab SMTP server: a mail sink on loopback that keeps every message it accepts, so tests
 * can read back what the gateway sent. Optional AUTH (PLAIN, LOGIN), STARTTLS or implicit TLS,
 * and refusals on demand to exercise retries.
 */
export interface LabSmtpOptions {
  readonly host?: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  /**
   * Offers STARTTLS with this certificate; with `implicit: true` the connection is TLS from the
   * first byte instead (SMTPS, as on port 465). Without it the server speaks clear text only.
   */
  readonly tls?: { readonly cert: string; readonly key: string; readonly implicit?: boolean };
  /** Set → AUTH PLAIN/LOGIN is required with one of these user names and passwords. */
  readonly users?: Readonly<Record<string, string>>;
  /** Refuses the first n messages, as failNext(n) would. */
  readonly failNext?: number;
}

export interface LabSmtpAttachment {
  readonly filename: string | undefined;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface LabSmtpMessage {
  /** 1, 2, … in the order accepted. */
  readonly n: number;
  readonly receivedAt: Date;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** The user that authenticated, if any. */
  readonly user: string | undefined;
  /** Whether the message travelled over TLS (STARTTLS or implicit). */
  readonly secure: boolean;
  /** The message as received (RFC 5322). */
  readonly raw: Buffer;
  readonly subject: string | undefined;
  readonly from: string | undefined;
  readonly to: readonly string[];
  readonly text: string | undefined;
  readonly attachments: readonly LabSmtpAttachment[];
}

export interface LabSmtp {
  readonly host: string;
  readonly port: number;
  /** Messages accepted so far, oldest first. */
  messages(): LabSmtpMessage[];
  /** The first accepted message (already there or still to come) that matches; rejects after timeoutMs. */
  waitForMessage(predicate?: (m: LabSmtpMessage) => boolean, timeoutMs?: number): Promise<LabSmtpMessage>;
  /** Refuses the next n messages at the end of DATA with `code` (default 451, a temporary failure; 5xx is permanent). */
  failNext(n: number, code?: number): void;
  /** Messages refused so far (failNext), and failed AUTH attempts. */
  refusals(): { messages: number; authentications: number };
  /** Forgets received messages, pending refusals and counters. */
  reset(): void;
  stop(): Promise<void>;
}

interface Waiter {
  readonly predicate: (m: LabSmtpMessage) => boolean;
  readonly resolve: (m: LabSmtpMessage) => void;
}

function addressesOf(field: unknown): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a: { value?: Array<{ address?: string }> }) => (a.value ?? []).map((v) => v.address ?? ''));
}

export async function startLabSmtp(options: LabSmtpOptions = {}): Promise<LabSmtp> {
  const host = options.host ?? '127.0.0.1';
  const received: LabSmtpMessage[] = [];
  const waiters = new Set<Waiter>();
  let failures: { remaining: number; code: number } = { remaining: options.failNext ?? 0, code: 451 };
  let refusedMessages = 0;
  let refusedAuth = 0;

  const users = options.users;
  const server = new SMTPServer({
    name: 'lab-smtp.openoig.test',
    logger: false,
    disableReverseLookup: true,
    secure: options.tls?.implicit === true,
    ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
    // Without a certificate there is no STARTTLS to offer; with users but no TLS, AUTH is allowed in clear (lab only).
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(users ? [] : ['AUTH'])],
    allowInsecureAuth: users !== undefined && options.tls === undefined,
    authOptional: users === undefined,
    authMethods: ['PLAIN', 'LOGIN'],
    size: 10 * 1024 * 1024,
    closeTimeout: 1000,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
      const expected = auth.username === undefined ? undefined : users?.[auth.username];
      if (expected === undefined || auth.password !== expected) {
        refusedAuth += 1;
        callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (failures.remaining > 0) {
          failures.remaining -= 1;
          refusedMessages += 1;
          const code = failures.code;
          const text = code >= 500 ? 'Mailbox unavailable (lab refusal)' : 'Try again later (lab refusal)';
          callback(Object.assign(new Error(text), { responseCode: code }));
          return;
        }
        const raw = Buffer.concat(chunks);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(raw)
          .then((parsed) => {
            const message: LabSmtpMessage = {
              n: received.length + 1,
              receivedAt: new Date(),
              envelope,
              user: typeof session.user === 'string' ? session.user : undefined,
              secure: session.secure,
              raw,
              subject: parsed.subject,
              from: addressesOf(parsed.from)[0],
              to: addressesOf(parsed.to),
              text: parsed.text,
              attachments: parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
            };
            received.push(message);
            for (const w of [...waiters]) {
              if (w.predicate(message)) {
                waiters.delete(w);
                w.resolve(message);
              }
            }
            callback();
          })
          .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Client sockets that go away mid-session must not take the lab down.
  server.on('error', () => {});
  const port = (server.server.address() as AddressInfo).port;

  return {
    host,
    port,
    messages: () => [...received],
    waitForMessage(predicate = () => true, timeoutMs = 10_000) {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`lab SMTP: no matching message within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    failNext(n, code = 451) {
      if (!Number.isInteger(n) || n < 0) throw new Error('failNext needs a count ≥ 0');
      if (!Number.isInteger(code) || code < 400 || code > 599) throw new Error('failNext needs a 4xx or 5xx code');
      failures = { remaining: n, code };
    },
    refusals: () => ({ messages: refusedMessages, authentications: refusedAuth }),
    reset() {
      received.length = 0;
      failures = { remaining: 0, code: 451 };
      refusedMessages = 0;
      refusedAuth = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
