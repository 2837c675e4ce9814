import { writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { issueCertificate, type KeyAndCertificate } from '../mcs/ca';
import { LicenceAccounts, type ActivationInfo, type Clock } from './accounts';
import { checkActivate, checkBody, checkBound, ControlBodies } from './api';
import { AMC_ERROR_STATUS, AmcError } from './errors';
import { AmcFixtureError, DEFAULT_AMC_FIXTURE, type AmcFixture, type AridRecordFixture } from './fixture';
import { SERVICELINK_PREFIX, serveRepository } from './servicelink';
import { signPayload } from './signing';
import { loadOrCreateAmcCa, readAmcState, stateFiles, writeAmcState, type AmcStateFiles } from './state';

/**
 * The lab AMC licensing server: activation, sync and deactivation of Application Records over
 * HTTPS on loopback, every answer signed. Startable as a program (main.ts) or in-process.
 */
export interface LabAmcOptions {
  readonly host?: string;
  readonly port?: number;
  readonly fixture?: AmcFixture;
  /** Keeps the CA and the activations across runs; without it a fresh CA, nothing remembered. */
  readonly stateDir?: string;
  /** More addresses the TLS certificate names besides 127.0.0.1 (e.g. 10.0.2.2, the host as a QEMU guest sees it). */
  readonly tlsAddresses?: readonly string[];
  /** The AMC's time (issuedAt, trial expiry); the system clock by default. */
  readonly clock?: Clock;
  /** The blade repository served as ServiceLink at /servicelink/debian/ (scripts/build-repo.sh's output). */
  readonly repositoryDir?: string;
}

export interface AmcRequestRecord {
  readonly n: number;
  readonly at: string;
  readonly method: string;
  readonly path: string;
  /** The parsed JSON body, or null when there was none or it was not JSON. */
  readonly body: unknown;
  readonly status: number;
  readonly code?: string;
}

export interface LabAmc {
  readonly url: string;
  readonly ca: KeyAndCertificate;
  /** The certificate of the key that signs the answers (also in every answer). */
  readonly signingCertificatePem: string;
  /** Where the CA certificate, signing certificate and activations are, with a stateDir. */
  readonly files: AmcStateFiles | undefined;
  activations(): ActivationInfo[];
  /** The accounts as a fixture, edits included. */
  fixture(): AmcFixture;
  addArid(account: string, record: AridRecordFixture): void;
  addPart(arid: string, partNumber: string, quantity?: number, description?: string): void;
  removePart(arid: string, partNumber: string, quantity?: number): void;
  setUlmGroup(arid: string, ulmGroup: string | null): void;
  expireTrial(arid: string): void;
  clearBinding(arid: string): void;
  /** Answers the API with 503 UNAVAILABLE while true (control and /health still answer). */
  setFailing(failing: boolean): void;
  /** Stops listening (connections refused) while true; listens again on the same port after. */
  setUnreachable(unreachable: boolean): Promise<void>;
  /** Serves another repository from now on (a newer version, or a damaged copy in a test); null: none. */
  setRepository(dir: string | null): void;
  /** API requests so far (everything but /health and /control/…), oldest first. */
  requests(): AmcRequestRecord[];
  stop(): Promise<void>;
}

export const MAX_BODY_BYTES = 16 * 1024;

/** Reads the whole body (so the answer is not cut short), refusing it past the cap. */
function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reject(new AmcError('BODY_TOO_LARGE', `the body is over ${MAX_BODY_BYTES} bytes`));
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new AmcError('BAD_REQUEST', '(body): not JSON'));
      }
    });
    req.on('error', reject);
  });
}

export async function startLabAmc(options: LabAmcOptions = {}): Promise<LabAmc> {
  const clock = options.clock ?? { now: () => Date.now() };
  const ca = await loadOrCreateAmcCa(options.stateDir);
  const files = options.stateDir ? stateFiles(options.stateDir) : undefined;
  const tls = issueCertificate(ca, {
    subject: { commonName: 'localhost' },
    serverNames: { dns: ['localhost'], ip: ['127.0.0.1', ...(options.tlsAddresses ?? [])] },
  });
  const signer = issueCertificate(ca, { subject: { commonName: 'OpenOIG Lab AMC signing', organizationName: 'OpenOIG Lab' } });
  if (files) await writeFile(files.signingCertificateFile, signer.certPem);
  const accounts = new LicenceAccounts(
    options.fixture ?? DEFAULT_AMC_FIXTURE,
    clock,
    files ? readAmcState(files.stateFile) : undefined,
    files ? (state) => writeAmcState(files.stateFile, state) : undefined,
  );
  let failing = false;
  const log: AmcRequestRecord[] = [];

  const api: Record<string, (body: unknown) => unknown> = {
    '/api/v1/activate': (body) => signPayload(accounts.activate(checkActivate(body)), signer),
    '/api/v1/sync': (body) => signPayload(accounts.sync(checkBound(body)), signer),
    '/api/v1/deactivate': (body) => signPayload(accounts.deactivate(checkBound(body)), signer),
  };

  interface ControlRoute {
    readonly method: string;
    readonly pattern: RegExp;
    run(params: string[], body: unknown, query: URLSearchParams): unknown;
  }
  const CONTROL: readonly ControlRoute[] = [
    { method: 'GET', pattern: /^\/control\/activations$/, run: () => accounts.activations() },
    { method: 'GET', pattern: /^\/control\/requests$/, run: () => log },
    { method: 'GET', pattern: /^\/control\/fixture$/, run: () => accounts.fixture() },
    {
      method: 'POST',
      pattern: /^\/control\/arids$/,
      run: (_p, body) => {
        const { account, record } = checkBody(ControlBodies.addArid, body);
        accounts.addArid(account, record);
      },
    },
    {
      method: 'POST',
      pattern: /^\/control\/arids\/([^/]+)\/parts$/,
      run: ([arid], body) => {
        const { partNumber, quantity, description } = checkBody(ControlBodies.addPart, body);
        accounts.addPart(arid as string, partNumber, quantity, description);
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/control\/arids\/([^/]+)\/parts\/([0-9]+)$/,
      run: ([arid, partNumber], _b, query) => {
        const quantity = query.get('quantity');
        if (quantity !== null && !/^[1-9][0-9]*$/.test(quantity)) throw new AmcError('BAD_REQUEST', 'quantity: a whole number from 1');
        accounts.removePart(arid as string, partNumber as string, quantity === null ? undefined : Number(quantity));
      },
    },
    { method: 'PUT', pattern: /^\/control\/arids\/([^/]+)\/ulm-group$/, run: ([arid], body) => accounts.setUlmGroup(arid as string, checkBody(ControlBodies.ulmGroup, body).ulmGroup) },
    { method: 'POST', pattern: /^\/control\/arids\/([^/]+)\/expire-trial$/, run: ([arid]) => accounts.expireTrial(arid as string) },
    { method: 'POST', pattern: /^\/control\/arids\/([^/]+)\/clear-binding$/, run: ([arid]) => accounts.clearBinding(arid as string) },
    {
      method: 'PUT',
      pattern: /^\/control\/failing$/,
      run: (_p, body) => {
        failing = checkBody(ControlBodies.failing, body).failing;
      },
    },
  ];

  /** Answers one request; `seen.body` keeps the parsed body for the request log. */
  const handle = async (req: IncomingMessage, url: URL, seen: { body: unknown }): Promise<[number, unknown]> => {
    seen.body = (await readBody(req)) ?? null;
    if (req.method === 'GET' && url.pathname === '/health') return [200, { status: 'ok' }];
    for (const route of CONTROL) {
      const match = route.method === req.method ? route.pattern.exec(url.pathname) : null;
      if (match) return [200, route.run(match.slice(1).map(decodeURIComponent), seen.body, url.searchParams) ?? {}];
    }
    const operation = req.method === 'POST' ? api[url.pathname] : undefined;
    if (!operation) throw new AmcError('NOT_FOUND', `no route ${req.method} ${url.pathname}`);
    if (failing) throw new AmcError('UNAVAILABLE', 'the lab AMC is set to fail');
    return [200, operation(seen.body)];
  };

  let repositoryDir = options.repositoryDir ?? null;
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (url.pathname.startsWith(SERVICELINK_PREFIX)) {
      if (!repositoryDir) res.writeHead(404, { 'content-type': 'text/plain' }).end('This lab AMC serves no blade repository.\n');
      else void serveRepository(repositoryDir, req, res, url.pathname).catch(() => res.destroy());
      return;
    }
    const seen: { body: unknown } = { body: null };
    void handle(req, url, seen)
      .catch((e: unknown): [number, unknown] => {
        if (e instanceof AmcError) return [e.status, { error: { code: e.code, message: e.message } }];
        if (e instanceof AmcFixtureError) return [AMC_ERROR_STATUS.INVALID_RECORD, { error: { code: 'INVALID_RECORD', message: e.message } }];
        return [500, { error: { code: 'INTERNAL', message: (e as Error).message } }];
      })
      .then(([status, value]) => {
        if (url.pathname !== '/health' && !url.pathname.startsWith('/control/')) {
          const code = (value as { error?: { code?: string } }).error?.code;
          log.push({ n: log.length + 1, at: new Date(clock.now()).toISOString(), method: req.method ?? '', path: url.pathname, body: seen.body, status, ...(code ? { code } : {}) });
        }
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      });
  });
  const host = options.host ?? '127.0.0.1';
  const listen = (port: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await listen(options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  let listening = true;

  return {
    url: `https://${host}:${port}`,
    ca,
    signingCertificatePem: signer.certPem,
    files,
    activations: () => accounts.activations(),
    fixture: () => accounts.fixture(),
    addArid: (account, record) => accounts.addArid(account, record),
    addPart: (arid, partNumber, quantity, description) => accounts.addPart(arid, partNumber, quantity, description),
    removePart: (arid, partNumber, quantity) => accounts.removePart(arid, partNumber, quantity),
    setUlmGroup: (arid, ulmGroup) => accounts.setUlmGroup(arid, ulmGroup),
    expireTrial: (arid) => accounts.expireTrial(arid),
    clearBinding: (arid) => accounts.clearBinding(arid),
    setFailing(value) {
      failing = value;
    },
    async setUnreachable(unreachable) {
      if (unreachable === !listening) return;
      if (unreachable) await close();
      else await listen(port);
      listening = !unreachable;
    },
    setRepository(dir) {
      repositoryDir = dir;
    },
    requests: () => log.map((r) => ({ ...r })),
    async stop() {
      if (listening) await close();
      listening = false;
    },
  };
}
