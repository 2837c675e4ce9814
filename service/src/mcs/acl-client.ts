import { X509Certificate, verify } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Agent, request } from 'undici';
import { oigError } from '../errors';
import type { AclSnapshot } from '../domain/acl/acl';
import type { AclSource } from '../domain/acl/ports';
import { isPasswordHash } from '../domain/passwords';

/**
 * Client of the certificate server's ACL endpoint (protocol in lab/README.md, "MCS"):
 * `GET <mcs>/acl` answers `{ payload, signature }`, where payload is the base64 of the ACL's
 * JSON and signature the base64 RSA-SHA256 signature of those bytes by the MCS CA key.
 * TLS to the MCS is verified against the same CA.
 */
const AclPayload = Type.Object({
  format: Type.Literal('openoig-acl/1'),
  issuedAt: Type.String({ minLength: 10, maxLength: 40 }),
  applications: Type.Array(
    Type.Object({
      companyName: Type.String({ minLength: 1, maxLength: 256 }),
      applicationName: Type.String({ minLength: 1, maxLength: 256 }),
      applicationPasswordHash: Type.String({ minLength: 1, maxLength: 512 }),
      type: Type.Union([Type.Literal('Standard'), Type.Literal('Advanced')]),
      revoked: Type.Boolean(),
    }),
    { maxItems: 100_000 },
  ),
});

const AclEnvelope = Type.Object({ payload: Type.String({ maxLength: 64 * 1024 * 1024 }), signature: Type.String({ maxLength: 4096 }) });

export class McsAclClient implements AclSource {
  private readonly dispatcher: Agent;

  constructor(
    private readonly options: { url: string; ca: X509Certificate; caPem: string; timeoutMs: number },
  ) {
    this.dispatcher = new Agent({
      connect: { ca: options.caPem, timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async fetch(): Promise<AclSnapshot> {
    const url = new URL('acl', this.options.url.endsWith('/') ? this.options.url : `${this.options.url}/`);
    let body: unknown;
    try {
      const res = await request(url, { dispatcher: this.dispatcher, method: 'GET', headers: { accept: 'application/json' } });
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new Error(`HTTP ${res.statusCode}`);
      }
      body = await res.body.json();
    } catch (err) {
      throw oigError('OIG_ACL_FETCH_FAILED', `Could not get the ACL from the certificate server at ${url.origin}: ${(err as Error).message}`, err);
    }
    if (!Value.Check(AclEnvelope, body)) throw oigError('OIG_ACL_FORMAT_INVALID', 'The certificate server answered something other than a signed ACL');
    return this.verify(body.payload, body.signature);
  }

  verify(payload: string, signature: string): AclSnapshot {
    const bytes = Buffer.from(payload, 'base64');
    if (!verify('sha256', bytes, this.options.ca.publicKey, Buffer.from(signature, 'base64'))) {
      throw oigError('OIG_ACL_SIGNATURE_INVALID', 'The ACL signature does not verify against the certificate server CA');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw oigError('OIG_ACL_FORMAT_INVALID', 'The signed ACL is not JSON');
    }
    if (!Value.Check(AclPayload, parsed)) {
      const first = [...Value.Errors(AclPayload, parsed)][0];
      throw oigError('OIG_ACL_FORMAT_INVALID', `The signed ACL is malformed at ${first?.path || '/'}: ${first?.message ?? ''}`);
    }
    const acl = parsed as Static<typeof AclPayload>;
    const issuedAt = new Date(acl.issuedAt);
    if (Number.isNaN(issuedAt.getTime())) throw oigError('OIG_ACL_FORMAT_INVALID', 'The signed ACL has no valid issuedAt');
    const bad = acl.applications.find((a) => !isPasswordHash(a.applicationPasswordHash));
    if (bad) throw oigError('OIG_ACL_FORMAT_INVALID', `The ACL entry for '${bad.applicationName}' has no usable password hash`);
    return { issuedAt, entries: acl.applications, payload, signature };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** The ACL source when no certificate server is configured: every attempt says so. */
export class UnconfiguredAclSource implements AclSource {
  async fetch(): Promise<AclSnapshot> {
    throw oigError('OIG_ACL_FETCH_FAILED', 'No certificate server is configured (OIG_MCS_URL, OIG_MCS_CA_FILE)');
  }

  verify(): AclSnapshot {
    throw oigError('OIG_ACL_SIGNATURE_INVALID', 'No certificate server CA is configured to verify the ACL with (OIG_MCS_CA_FILE)');
  }

  async close(): Promise<void> {}
}
