import { createSign } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { issueCertificate, loadOrCreateCa, type IssueOptions, type KeyAndCertificate } from './ca';
import { DEFAULT_MCS_FIXTURE, type LabApplication, type McsFixture } from './fixture';
import { hashApplicationPassword } from './password-hash';

/**
 * The lab Mitel Certificate Server: serves the signed ACL over HTTPS on loopback and issues
 * application certificates from its CA. Startable as a program (main.ts) or in-process.
 */
export interface LabMcsOptions {
  readonly host?: string;
  readonly port?: number;
  readonly fixture?: McsFixture;
  /** Keeps the CA across runs (ca.key.pem, ca.crt.pem); without it a fresh CA is made. */
  readonly stateDir?: string;
  /** More addresses the TLS certificate names besides 127.0.0.1 (e.g. 10.0.2.2, the host as a QEMU guest sees it). */
  readonly tlsAddresses?: readonly string[];
}

export interface LabMcs {
  readonly url: string;
  readonly ca: KeyAndCertificate;
  /** Applications currently in the ACL. */
  applications(): LabApplication[];
  upsertApplication(app: LabApplication): void;
  revoke(companyName: string, applicationName: string): void;
  issueApplicationCertificate(companyName: string, applicationName: string, options?: Partial<IssueOptions>): KeyAndCertificate;
  /** Refuses ACL requests with HTTP 503 while true, as an unreachable or failing server would. */
  setFailing(failing: boolean): void;
  /** Requests served on /acl so far. */
  aclRequests(): number;
  stop(): Promise<void>;
}

export async function startLabMcs(options: LabMcsOptions = {}): Promise<LabMcs> {
  const stateDir = options.stateDir;
  const ca = await loadOrCreateCa(stateDir ? { keyFile: path.join(stateDir, 'ca.key.pem'), certFile: path.join(stateDir, 'ca.crt.pem') } : undefined);
  const tls = issueCertificate(ca, {
    subject: { commonName: 'localhost' },
    serverNames: { dns: ['localhost'], ip: ['127.0.0.1', ...(options.tlsAddresses ?? [])] },
  });
  const apps = new Map<string, LabApplication & { applicationPasswordHash: string }>();
  const key = (c: string, a: string): string => `${c}\u0000${a}`;
  const upsert = (app: LabApplication): void => {
    apps.set(key(app.companyName, app.applicationName), { ...app, applicationPasswordHash: hashApplicationPassword(app.applicationPassword) });
  };
  (options.fixture ?? DEFAULT_MCS_FIXTURE).applications.forEach(upsert);
  let failing = false;
  let served = 0;
  let lastIssuedAt = 0;

  const signedAcl = (): string => {
    // Strictly increasing issue times, so the gateway can refuse a replayed older list.
    lastIssuedAt = Math.max(Date.now(), lastIssuedAt + 1);
    const payload = Buffer.from(
      JSON.stringify({
        format: 'openoig-acl/1',
        issuedAt: new Date(lastIssuedAt).toISOString(),
        applications: [...apps.values()].map((a) => ({
          companyName: a.companyName,
          applicationName: a.applicationName,
          applicationPasswordHash: a.applicationPasswordHash,
          type: a.type,
          revoked: a.revoked ?? false,
        })),
      }),
      'utf8',
    );
    const signature = createSign('sha256').update(payload).sign(ca.keyPem);
    return JSON.stringify({ payload: payload.toString('base64'), signature: signature.toString('base64') });
  };

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (req.method === 'GET' && url.pathname === '/acl') {
      served += 1;
      if (failing) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"lab MCS is set to fail"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(signedAcl());
      return;
    }
    if (req.method === 'GET' && url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://${host}:${port}`,
    ca,
    applications: () => [...apps.values()].map(({ applicationPasswordHash: _hash, ...app }) => app),
    upsertApplication: upsert,
    revoke(companyName, applicationName) {
      const app = apps.get(key(companyName, applicationName));
      if (!app) throw new Error(`no application ${applicationName} of ${companyName}`);
      apps.set(key(companyName, applicationName), { ...app, revoked: true });
    },
    issueApplicationCertificate(companyName, applicationName, issue = {}) {
      return issueCertificate(ca, { ...issue, subject: { commonName: applicationName, organizationName: companyName } });
    },
    setFailing(value) {
      failing = value;
    },
    aclRequests: () => served,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
