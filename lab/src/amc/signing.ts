import { createSign, verify, X509Certificate } from 'node:crypto';
import type { KeyAndCertificate } from '../mcs/ca';
import type { AmcPayload } from './accounts';

/**
 * Every successful AMC answer: the payload's exact JSON bytes, their RSA-SHA256 signature by the
 * AMC's signing key, and that key's certificate (issued by the AMC CA), so a copy the gateway
 * stores can be verified again later with nothing but the CA certificate.
 */
export interface AmcEnvelope {
  readonly payload: string;
  readonly signature: string;
  readonly certificate: string;
}

export function signPayload(payload: AmcPayload, signer: KeyAndCertificate): AmcEnvelope {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  return {
    payload: bytes.toString('base64'),
    signature: createSign('sha256').update(bytes).sign(signer.keyPem).toString('base64'),
    certificate: signer.certPem,
  };
}

/**
 * What the gateway's AMC client must do, for the lab's tests: the certificate was issued by the
 * CA and is valid now, the signature covers the payload bytes. Throws saying which check failed.
 */
export function verifyAmcEnvelope(envelope: AmcEnvelope, caCertPem: string, now = new Date()): AmcPayload {
  const ca = new X509Certificate(caCertPem);
  const certificate = new X509Certificate(envelope.certificate);
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) throw new Error('the signing certificate was not issued by the AMC CA');
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) throw new Error('the signing certificate is not valid now');
  const bytes = Buffer.from(envelope.payload, 'base64');
  if (!verify('sha256', bytes, certificate.publicKey, Buffer.from(envelope.signature, 'base64'))) throw new Error('the signature does not match the payload');
  return JSON.parse(bytes.toString('utf8')) as AmcPayload;
}
