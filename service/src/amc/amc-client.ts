import { X509Certificate, verify } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Agent, request } from 'undici';
import { oigError, type OigErrorCode } from '../errors';
import type { Binding, LicenceServer, Platform, SignedEntitlement } from '../domain/licensing/licence-server';

/**
 * Client of the licensing server (AMC) API (lab/README.md, "The lab AMC"): `POST
 * /api/v1/activate|sync|deactivate` with JSON; answers are `{ payload, signature, certificate }`
 * where payload is the base64 of the entitlement's JSON bytes, signature their RSA-SHA256
 * signature, and certificate the signing certificate, which must be issued by the configured
 * AMC CA. TLS to the AMC is verified against the same CA.
 */
const Envelope = Type.Object({
  payload: Type.String({ minLength: 1, maxLength: 1024 * 1024 }),
  signature: Type.String({ minLength: 1, maxLength: 4096 }),
  certificate: Type.String({ minLength: 1, maxLength: 64 * 1024 }),
});

const Payload = Type.Object({
  kind: Type.Union([Type.Literal('entitlement'), Type.Literal('deactivation')]),
  arid: Type.String({ minLength: 1, maxLength: 128 }),
  account: Type.String({ maxLength: 256 }),
  platform: Type.Union([Type.Literal('physical'), Type.Literal('virtual')]),
  binding: Type.Union([Type.Object({ hardwareId: Type.String({ minLength: 1, maxLength: 128 }) }), Type.Object({ guid: Type.String({ minLength: 1, maxLength: 64 }) })]),
  parts: Type.Array(
    Type.Object({ partNumber: Type.String({ pattern: '^[0-9]{8}$' }), quantity: Type.Integer({ minimum: 0, maximum: 10_000_000 }), description: Type.Optional(Type.String({ maxLength: 256 })) }),
    { maxItems: 1000 },
  ),
  ulmGroup: Type.Union([Type.String({ maxLength: 256 }), Type.Null()]),
  issuedAt: Type.String({ minLength: 10, maxLength: 40 }),
  expiresAt: Type.Union([Type.String({ minLength: 10, maxLength: 40 }), Type.Null()]),
  serial: Type.Integer({ minimum: 0 }),
});

const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String({ maxLength: 64 }), message: Type.String({ maxLength: 2048 }) }) });

/** The AMC's refusal codes, as the gateway's errors. */
const REFUSALS: Record<string, OigErrorCode> = {
  BAD_REQUEST: 'OIG_LICENCE_REQUEST_INVALID',
  UNKNOWN_ARID: 'OIG_LICENCE_UNKNOWN_ARID',
  ALREADY_BOUND: 'OIG_LICENCE_ALREADY_BOUND',
  NOT_BOUND: 'OIG_LICENCE_NOT_BOUND',
  PLATFORM_MISMATCH: 'OIG_LICENCE_PLATFORM_MISMATCH',
  TRIAL_EXPIRED: 'OIG_LICENCE_TRIAL_EXPIRED',
};

export class AmcClient implements LicenceServer {
  private readonly dispatcher: Agent;
  private readonly ca: X509Certificate;

  constructor(private readonly options: { url: string; caPem: string; timeoutMs: number; now?: () => Date }) {
    this.ca = new X509Certificate(options.caPem);
    this.dispatcher = new Agent({ connect: { ca: options.caPem, timeout: options.timeoutMs }, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  }

  async activate(req: { arid: string; platform: Platform; hardwareId?: string; guid?: string }): Promise<SignedEntitlement> {
    const entitlement = this.verify(await this.post('activate', req));
    if (entitlement.arid !== req.arid) throw oigError('OIG_LICENCE_SIGNATURE_INVALID', `The licensing server answered for ARID ${entitlement.arid}, not ${req.arid}`);
    return entitlement;
  }

  async sync(arid: string, binding: Binding): Promise<SignedEntitlement> {
    const entitlement = this.verify(await this.post('sync', { arid, ...binding }));
    if (entitlement.arid !== arid) throw oigError('OIG_LICENCE_SIGNATURE_INVALID', `The licensing server answered for ARID ${entitlement.arid}, not ${arid}`);
    return entitlement;
  }

  async deactivate(arid: string, binding: Binding): Promise<void> {
    const answer = await this.post('deactivate', { arid, ...binding });
    this.verifyPayload(answer, 'deactivation');
  }

  verify(envelope: SignedEntitlement['envelope'] | unknown): SignedEntitlement {
    const payload = this.verifyPayload(envelope, 'entitlement');
    const signed = envelope as SignedEntitlement['envelope'];
    const issuedAt = new Date(payload.issuedAt);
    const expiresAt = payload.expiresAt === null ? null : new Date(payload.expiresAt);
    if (Number.isNaN(issuedAt.getTime()) || (expiresAt && Number.isNaN(expiresAt.getTime()))) {
      throw oigError('OIG_LICENCE_FORMAT_INVALID', 'The signed entitlement has an invalid date');
    }
    return {
      arid: payload.arid,
      account: payload.account,
      platform: payload.platform,
      binding: payload.binding,
      parts: payload.parts,
      ulmGroup: payload.ulmGroup,
      issuedAt,
      expiresAt,
      serial: payload.serial,
      envelope: { payload: signed.payload, signature: signed.signature, certificate: signed.certificate },
    };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private verifyPayload(envelope: unknown, kind: 'entitlement' | 'deactivation'): Static<typeof Payload> {
    if (!Value.Check(Envelope, envelope)) throw oigError('OIG_LICENCE_FORMAT_INVALID', 'The licensing server answered something other than a signed entitlement');
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(envelope.certificate);
    } catch {
      throw oigError('OIG_LICENCE_SIGNATURE_INVALID', 'The entitlement carries no readable signing certificate');
    }
    const now = this.options.now?.() ?? new Date();
    if (!certificate.checkIssued(this.ca) || !certificate.verify(this.ca.publicKey)) {
      throw oigError('OIG_LICENCE_SIGNATURE_INVALID', 'The entitlement was not signed by a certificate of the configured licensing server CA');
    }
    if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
      throw oigError('OIG_LICENCE_SIGNATURE_INVALID', 'The licensing server signing certificate is not valid now');
    }
    const bytes = Buffer.from(envelope.payload, 'base64');
    if (!verify('sha256', bytes, certificate.publicKey, Buffer.from(envelope.signature, 'base64'))) {
      throw oigError('OIG_LICENCE_SIGNATURE_INVALID', 'The entitlement signature does not match its content: it was altered or forged');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw oigError('OIG_LICENCE_FORMAT_INVALID', 'The signed entitlement is not JSON');
    }
    if (!Value.Check(Payload, parsed)) {
      const first = [...Value.Errors(Payload, parsed)][0];
      throw oigError('OIG_LICENCE_FORMAT_INVALID', `The signed entitlement is malformed at ${first?.path || '/'}: ${first?.message ?? ''}`);
    }
    if (parsed.kind !== kind) throw oigError('OIG_LICENCE_FORMAT_INVALID', `Expected a signed ${kind}, got a ${parsed.kind}`);
    return parsed;
  }

  private async post(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const url = new URL(`api/v1/${operation}`, this.options.url.endsWith('/') ? this.options.url : `${this.options.url}/`);
    let status: number;
    let answer: unknown;
    try {
      const res = await request(url, {
        dispatcher: this.dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      status = res.statusCode;
      answer = await res.body.json().catch(() => undefined);
    } catch (err) {
      throw oigError('OIG_LICENCE_SERVER_UNREACHABLE', `Could not reach the licensing server at ${url.origin}: ${(err as Error).message}`, err);
    }
    if (status === 200) return answer;
    if (Value.Check(ErrorBody, answer)) {
      const code = REFUSALS[answer.error.code];
      if (code) throw oigError(code, answer.error.message);
      throw oigError('OIG_LICENCE_SERVER_UNREACHABLE', `The licensing server refused (${answer.error.code}): ${answer.error.message}`);
    }
    throw oigError('OIG_LICENCE_SERVER_UNREACHABLE', `The licensing server answered HTTP ${status}`);
  }
}

/** The licensing server when none is configured: every attempt says so. */
export class UnconfiguredLicenceServer implements LicenceServer {
  private refuse(): never {
    throw oigError('OIG_LICENCE_SERVER_UNREACHABLE', 'No licensing server is configured (OIG_AMC_URL, OIG_AMC_CA_FILE)');
  }

  async activate(): Promise<never> {
    this.refuse();
  }

  async sync(): Promise<never> {
    this.refuse();
  }

  async deactivate(): Promise<never> {
    this.refuse();
  }

  verify(): never {
    throw oigError('OIG_LICENCE_SIGNATURE_INVALID', 'No licensing server CA is configured to verify the stored entitlement with (OIG_AMC_CA_FILE)');
  }

  async close(): Promise<void> {}
}
