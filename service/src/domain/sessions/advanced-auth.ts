import { X509Certificate, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { oigError } from '../../errors';

/**
 * Advanced login: the application presents a certificate issued by the certificate server's
 * CA for its company and application, receives a random challenge, and proves it holds the
 * private key by signing it (MD5withRSA as OIG clients do; SHA256withRSA also accepted).
 */
export function parseCertificate(text: string): X509Certificate {
  const trimmed = text.trim();
  try {
    if (trimmed.includes('-----BEGIN CERTIFICATE-----')) return new X509Certificate(trimmed);
    const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
    return new X509Certificate(der);
  } catch {
    throw oigError('OIG_SESSION_CERTIFICATE_INVALID', 'The certificate is not a PEM or base64 DER X.509 certificate');
  }
}

function subjectField(subject: string, key: string): string | undefined {
  return subject
    .split('\n')
    .map((line) => line.split('='))
    .find(([k]) => k === key)?.[1];
}

export function verifyApplicationCertificate(
  certificateText: string,
  ca: X509Certificate,
  expected: { companyName: string; applicationName: string },
  now: Date,
): KeyObject {
  const cert = parseCertificate(certificateText);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    throw oigError('OIG_SESSION_CERTIFICATE_UNTRUSTED', 'The certificate was not issued by the Mitel certificate server CA this gateway trusts');
  }
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
    throw oigError('OIG_SESSION_CERTIFICATE_EXPIRED', `The certificate is not valid now (valid ${cert.validFrom} to ${cert.validTo})`);
  }
  const cn = subjectField(cert.subject, 'CN');
  const o = subjectField(cert.subject, 'O');
  if (cn !== expected.applicationName || o !== expected.companyName) {
    throw oigError('OIG_SESSION_CERTIFICATE_MISMATCH', `The certificate is for '${cn ?? '?'}' of '${o ?? '?'}', not for this application`);
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw oigError('OIG_SESSION_CERTIFICATE_INVALID', 'The certificate must carry an RSA public key');
  }
  return createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' }));
}

export function newChallenge(): string {
  return randomBytes(32).toString('base64');
}

/** `[12,-5,…]` (a Java byte[] printed as signed bytes) or base64 → the signature bytes. */
export function parseSignature(text: string): Buffer {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    if (!/^\[\s*-?\d{1,3}(\s*,\s*-?\d{1,3})*\s*\]$/.test(trimmed)) {
      throw oigError('OIG_SESSION_SIGNATURE_INVALID', 'signedAuthenticationData is not a list of signed bytes like [12,-5,…]');
    }
    const bytes = trimmed.slice(1, -1).split(',').map((b) => Number(b.trim()));
    if (bytes.some((b) => b < -128 || b > 255)) throw oigError('OIG_SESSION_SIGNATURE_INVALID', 'signedAuthenticationData has a value outside a byte');
    return Buffer.from(bytes.map((b) => b & 0xff));
  }
  if (!/^[A-Za-z0-9+/=\s]+$/.test(trimmed)) {
    throw oigError('OIG_SESSION_SIGNATURE_INVALID', 'signedAuthenticationData is neither [signed bytes] nor base64');
  }
  return Buffer.from(trimmed, 'base64');
}

export function signatureMatches(publicKey: KeyObject, challenge: string, signature: Buffer): boolean {
  const data = Buffer.from(challenge, 'utf8');
  return ['md5', 'sha256'].some((algorithm) => {
    try {
      return verify(algorithm, data, publicKey, signature);
    } catch {
      return false;
    }
  });
}
