import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { oigError } from '../../errors';

export type SessionType = 'Standard' | 'Advanced';
export type SessionProtocol = 'soap' | 'rest';
export type SessionEndReason = 'logout' | 'expired' | 'shutdown';

/** A live application communication session. Ids are 63-bit xs:long values kept as decimal strings. */
export interface Session {
  readonly id: string;
  readonly companyName: string;
  readonly applicationName: string;
  type: SessionType;
  readonly protocol: SessionProtocol;
  readonly version: string | null;
  readonly createdAt: Date;
  lastKeepAliveAt: Date;
  haCallbackUri: string | null;
  readonly clientAddress: string | null;
  /** Set between a certificate login and authenticate; used once. */
  challenge: { readonly data: string; readonly publicKey: KeyObject } | null;
}

/** An unguessable, positive 63-bit id from the CSPRNG. */
export function newSessionId(): string {
  let id = 0n;
  while (id === 0n) id = randomBytes(8).readBigUInt64BE() & 0x7fff_ffff_ffff_ffffn;
  return id.toString();
}

/** Canonical form of a session id from the wire (SOAP xs:long, REST text). */
export function parseSessionId(raw: unknown): string {
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^\+?\d{1,19}$/.test(text)) throw oigError('OIG_SESSION_INVALID_ID', 'The session id must be a positive 63-bit integer');
  const id = BigInt(text);
  if (id <= 0n || id > 0x7fff_ffff_ffff_ffffn) throw oigError('OIG_SESSION_INVALID_ID', 'The session id must be a positive 63-bit integer');
  return id.toString();
}
