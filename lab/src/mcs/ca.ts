import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';

/**
 * The lab certificate server's CA: issues application certificates (subject CN=<application>,
 * O=<company>, as the real MCS does) and the TLS certificate the lab serves on loopback.
 * Keys come from node:crypto; node-forge only assembles and signs the certificates.
 */
export interface KeyAndCertificate {
  readonly keyPem: string;
  readonly certPem: string;
}

function newRsaKey(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

function serial(): string {
  // Positive, 16 bytes: the first byte's top bit clear.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}

export function createCertificateAuthority(commonName = 'OpenOIG Lab Mitel Certificate Server CA'): KeyAndCertificate {
  const key = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(key.publicPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 25 * 365 * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'OpenOIG Lab' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(key.privatePem), forge.md.sha256.create());
  return { keyPem: key.privatePem, certPem: forge.pki.certificateToPem(cert) };
}

/**
 * A lab CA kept in two files across runs (the key readable by its owner only), so a gateway
 * configured with its certificate keeps trusting it; made and written on first use. Without
 * files, a fresh CA for this run.
 */
export async function loadOrCreateCa(files: { keyFile: string; certFile: string } | undefined, commonName?: string): Promise<KeyAndCertificate> {
  if (!files) return createCertificateAuthority(commonName);
  if (existsSync(files.keyFile) && existsSync(files.certFile)) {
    return { keyPem: await readFile(files.keyFile, 'utf8'), certPem: await readFile(files.certFile, 'utf8') };
  }
  const ca = createCertificateAuthority(commonName);
  await mkdir(path.dirname(files.keyFile), { recursive: true });
  await writeFile(files.keyFile, ca.keyPem, { mode: 0o600 });
  await writeFile(files.certFile, ca.certPem);
  return ca;
}

export interface IssueOptions {
  readonly subject: { commonName: string; organizationName?: string };
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** TLS server certificate for these loopback names/addresses instead of an application certificate. */
  readonly serverNames?: { dns: string[]; ip: string[] };
}

export function issueCertificate(ca: KeyAndCertificate, options: IssueOptions): KeyAndCertificate {
  const key = newRsaKey();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(key.publicPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 25 * 365 * 24 * 3600 * 1000);
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: options.subject.commonName }];
  if (options.subject.organizationName) subject.push({ name: 'organizationName', value: options.subject.organizationName });
  cert.setSubject(subject);
  cert.setIssuer(caCert.subject.attributes);
  const extensions: unknown[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (options.serverNames) {
    extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true });
    extensions.push({ name: 'extKeyUsage', serverAuth: true });
    extensions.push({
      name: 'subjectAltName',
      altNames: [...options.serverNames.dns.map((value) => ({ type: 2, value })), ...options.serverNames.ip.map((ip) => ({ type: 7, ip }))],
    });
  } else {
    extensions.push({ name: 'keyUsage', digitalSignature: true, nonRepudiation: true });
  }
  cert.setExtensions(extensions as never[]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { keyPem: key.privatePem, certPem: forge.pki.certificateToPem(cert) };
}
