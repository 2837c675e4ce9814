import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import type { HelperConfig } from '../config';
import { helperError } from '../errors';
import type { HelperLog } from '../helper-service';
import { run } from '../run';
import type { CertificateInstall, CertificateRequestFields, CertificateView, CertificateFacts } from '../protocol';
import { IPV4, requestProblems } from './certificate-request';

/**
 * Server Manager, Certificates (issue #13): the certificate nginx presents on 443. First boot
 * makes a self-signed one (libexec/openoig-firstboot-secrets); here the administrator installs a
 * CA-signed one with its chain and key, or makes a key and a certificate signing request on the
 * appliance (the key never leaves it) and installs the signed certificate later without a key.
 *
 * Everything is checked before nginx sees it: PEM that parses, the key belongs to the
 * certificate, the certificate is valid now, each chain certificate issued and signed the one
 * before it. Then the files are swapped whole (the previous pair kept beside them), nginx is
 * reloaded (a graceful reload: the old workers finish their connections) and the certificate it
 * then presents is compared with the new one; when it is not the new one, the previous pair goes
 * back and nginx is reloaded again.
 */
export interface CertificateDeps {
  /** gateway.crt (the certificate, then its chain) and gateway.key, as nginx's configuration names them. */
  readonly tlsDir: string;
  /** The key and request made by `makeRequest`, until a certificate for it is installed (0700). */
  readonly stateDir: string;
  /** Tells nginx to load the files again (systemctl reload nginx). */
  readonly reload: () => Promise<void>;
  /** The SHA-256 fingerprint of the certificate nginx presents now. */
  readonly served: () => Promise<string>;
  /** Makes a PKCS#10 request for the key file (openssl req). */
  readonly makeCsr: (keyFile: string, subject: string, altNames: readonly string[]) => Promise<string>;
  readonly log: HelperLog;
  readonly now?: () => number;
}

/** How long before its end a certificate is reported as expiring (Overview shows a warning). */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----/g;

const refused = (message: string) => helperError('OIG_CERTIFICATE_REFUSED', message);

function certificatesIn(text: string, what: string): X509Certificate[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  const leftover = text.replace(PEM_CERTIFICATE, '').trim();
  if (leftover !== '') throw refused(`The ${what} has text that is not a PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----).`);
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw refused(`Certificate ${i + 1} of the ${what} does not parse.`);
    }
  });
}

function privateKey(pem: string): KeyObject {
  if (/ENCRYPTED/.test(pem)) throw refused('The key is protected by a passphrase: give it without one (openssl pkey -in key.pem -out plain.pem).');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw refused('The key is not a PEM private key.');
  }
  const type = key.asymmetricKeyType;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (type === 'rsa' ? bits < 2048 : type !== 'ec') throw refused('The key has to be RSA of 2048 bits or more, or EC.');
  return key;
}

const commonName = (dn: string): string => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');

export function factsOf(cert: X509Certificate, now: number): CertificateFacts {
  const notAfter = new Date(cert.validTo).getTime();
  return {
    subject: commonName(cert.subject),
    issuer: commonName(cert.issuer),
    altNames: (cert.subjectAltName ?? '').split(', ').filter(Boolean),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(notAfter).toISOString(),
    daysLeft: Math.floor((notAfter - now) / DAY_MS),
    expiring: notAfter - now < EXPIRY_WARNING_DAYS * DAY_MS,
    selfSigned: cert.checkIssued(cert) && cert.verify(cert.publicKey),
    fingerprintSha256: cert.fingerprint256,
  };
}

export class Certificates {
  private readonly now: () => number;

  constructor(private readonly deps: CertificateDeps) {
    this.now = deps.now ?? Date.now;
  }

  private at(name: string): string {
    return path.join(this.deps.tlsDir, name);
  }

  private get requestKeyFile(): string {
    return path.join(this.deps.stateDir, 'certificate-request.key');
  }

  private get requestFile(): string {
    return path.join(this.deps.stateDir, 'certificate-request.json');
  }

  async view(): Promise<CertificateView> {
    const now = this.now();
    const [first, ...chain] = certificatesIn(await readFile(this.at('gateway.crt'), 'utf8'), 'installed certificate');
    if (!first) throw helperError('OIG_HELPER_INTERNAL', 'The installed certificate file has no certificate.');
    const request = await readFile(this.requestFile, 'utf8').catch(() => null);
    return {
      certificate: factsOf(first, now),
      chain: chain.map((c) => factsOf(c, now)),
      request: request ? (JSON.parse(request) as CertificateView['request']) : null,
    };
  }

  /**
   * A new key (RSA 2048, made here and kept in the helper's state directory) and its request;
   * a request made before is replaced (its key is gone, so its signed certificate would be refused).
   */
  async makeRequest(fields: CertificateRequestFields): Promise<CertificateView> {
    const problems = requestProblems(fields);
    if (Object.keys(problems).length > 0) throw helperError('OIG_CERTIFICATE_INVALID', Object.values(problems).join(' '));
    const { privateKey: key } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await mkdir(this.deps.stateDir, { recursive: true, mode: 0o700 });
    const keyFile = `${this.requestKeyFile}.new`;
    await writeFile(keyFile, key.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    const subject = [fields.country && `/C=${fields.country}`, fields.organization && `/O=${fields.organization}`, `/CN=${fields.commonName}`].filter(Boolean).join('');
    const altNames = [fields.commonName, ...fields.altNames.filter((n) => n !== fields.commonName)];
    const pem = await this.deps.makeCsr(keyFile, subject, altNames.map((n) => (IPV4.test(n) ? `IP:${n}` : `DNS:${n}`)));
    await rename(keyFile, this.requestKeyFile);
    const request = { pem, commonName: fields.commonName, altNames, createdAt: new Date(this.now()).toISOString() };
    await writeFile(this.requestFile, JSON.stringify(request), { mode: 0o600 });
    this.deps.log.info({ commonName: fields.commonName }, 'certificate signing request made');
    return this.view();
  }

  /** Checks the certificate, its chain and its key (given, or the request's), installs them and makes nginx present them. */
  async install(given: CertificateInstall): Promise<CertificateView> {
    const now = this.now();
    const [leaf, ...rest] = certificatesIn(given.certificate, 'certificate');
    if (!leaf) throw refused('The certificate is empty: paste the PEM certificate (-----BEGIN CERTIFICATE-----).');
    const chain = [...rest, ...certificatesIn(given.chain ?? '', 'chain')];
    const fromRequest = given.key === undefined || given.key.trim() === '';
    const keyPem = fromRequest ? await readFile(this.requestKeyFile, 'utf8').catch(() => null) : (given.key as string);
    if (keyPem === null) throw refused('No key was given and there is no certificate signing request made here: give the key too.');
    const key = privateKey(keyPem);
    if (!leaf.checkPrivateKey(key)) {
      throw refused(fromRequest ? 'The certificate is not for the key of the signing request made here (was it signed for another request?).' : 'The key does not belong to the certificate.');
    }
    if (new Date(leaf.validFrom).getTime() > now) throw refused(`The certificate is not valid before ${new Date(leaf.validFrom).toISOString()}.`);
    if (new Date(leaf.validTo).getTime() <= now) throw refused(`The certificate expired on ${new Date(leaf.validTo).toISOString()}.`);
    [leaf, ...chain].forEach((cert, i, all) => {
      const issuer = all[i + 1];
      if (issuer && !(cert.checkIssued(issuer) && cert.verify(issuer.publicKey))) {
        throw refused(`The chain is not in order: "${commonName(cert.subject)}" was not issued by "${commonName(issuer.subject)}", the next certificate of the chain.`);
      }
    });

    const bundle = [leaf, ...chain].map((c) => c.toString().trim()).join('\n') + '\n';
    const wanted = leaf.fingerprint256;
    const before = await this.currentPair();
    await this.writePair(bundle, key.export({ type: 'pkcs8', format: 'pem' }) as string);
    try {
      await this.deps.reload();
      // The reload returns once nginx has the signal; its new workers take over a moment later.
      let served = '';
      for (let tries = 0; tries < 20 && served !== wanted; tries += 1) {
        if (tries > 0) await new Promise((r) => setTimeout(r, 250));
        served = await this.deps.served().catch((err: Error) => `nothing (${err.message})`);
      }
      if (served !== wanted) throw new Error(`it still presents ${served} after the reload`);
    } catch (err) {
      await this.writePair(before.certificate, before.key);
      await this.deps.reload().catch(() => undefined);
      this.deps.log.error({ err: (err as Error).message }, 'certificate not taken by nginx; the previous one is back');
      throw helperError('OIG_CERTIFICATE_NOT_SERVED', `nginx did not take the certificate, so the previous one is back: ${(err as Error).message}`);
    }
    if (fromRequest) await Promise.all([rm(this.requestKeyFile, { force: true }), rm(this.requestFile, { force: true })]);
    await writeFile(this.at('gateway.crt.previous'), before.certificate, { mode: 0o644 });
    await writeFile(this.at('gateway.key.previous'), before.key, { mode: 0o600 });
    this.deps.log.info({ subject: commonName(leaf.subject), issuer: commonName(leaf.issuer), validTo: new Date(leaf.validTo).toISOString(), fingerprintSha256: wanted }, 'certificate installed');
    return this.view();
  }

  private async currentPair(): Promise<{ certificate: string; key: string }> {
    return { certificate: await readFile(this.at('gateway.crt'), 'utf8'), key: await readFile(this.at('gateway.key'), 'utf8') };
  }

  /** The key first, then the certificate: each renamed into place whole; the key root's only, the certificate public. */
  private async writePair(certificate: string, key: string): Promise<void> {
    for (const [name, text, mode] of [['gateway.key', key, 0o600], ['gateway.crt', certificate, 0o644]] as const) {
      const next = this.at(`${name}.new`);
      await writeFile(next, text, { mode });
      await chmod(next, mode);
      await rename(next, this.at(name));
    }
  }
}

/** The SHA-256 fingerprint of the certificate presented at host:port (what clients see). */
export function servedFingerprint(host: string, port: number, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    // Only the presented certificate is wanted here; trust is the clients' business.
    const socket = tls.connect({ host, port, rejectUnauthorized: false, timeout: timeoutMs }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256;
      socket.end();
      if (fingerprint) resolve(fingerprint);
      else reject(new Error(`no certificate presented at ${host}:${port}`));
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TLS answer at ${host}:${port}`)));
    socket.once('error', reject);
  });
}

/** The appliance's: nginx reloaded by systemd, the request made by openssl. */
export function applianceCertificates(config: HelperConfig, log: HelperLog): Certificates {
  const [program, ...args] = config.tls.reloadCommand as [string, ...string[]];
  return new Certificates({
    tlsDir: config.tls.dir,
    stateDir: config.stateDir,
    log,
    reload: async () => {
      await run(program, args);
    },
    served: () => servedFingerprint(config.tls.servedAt.host, config.tls.servedAt.port),
    makeCsr: (keyFile, subject, altNames) => run('openssl', ['req', '-new', '-sha256', '-key', keyFile, '-subj', subject, '-addext', `subjectAltName=${altNames.join(',')}`]),
  });
}
