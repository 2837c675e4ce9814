import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SINGLE_LINE_PATTERN, TEXT_DOCUMENT_PATTERN, useInputRules, withTextRules } from '../../src/transport/input-rules';
import { useJsonErrors } from '../../src/transport/json-errors';

/** The input rules of the JSON APIs (transport/input-rules.ts), on a bare fastify with the gateway's options. */
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify({ ajv: { customOptions: { removeAdditional: false, allErrors: false } } });
  await app.register(async (scope) => {
    useJsonErrors(scope, { fieldErrors: true });
    useInputRules(scope);
    const body = Type.Object(
      { name: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])), codes: Type.Optional(Type.Array(Type.String())), pem: Type.Optional(Type.String({ contentMediaType: 'application/x-pem-file' })) },
      { additionalProperties: false },
    );
    scope.put('/things/:id', { schema: { params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 100 }) }), querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })), q: Type.Optional(Type.String()) }), body } }, async (request) => ({ ...(request.body as object), params: request.params }));
  });
});
afterAll(async () => {
  await app?.close();
});

const put = (url: string, payload: unknown = {}) => app.inject({ method: 'PUT', url, payload: payload as object });

describe('input rules', () => {
  it('refuses a NUL in a body field with the field named, also nested in an array or a union', async () => {
    for (const payload of [{ name: 'a\u0000b' }, { codes: ['1', '2\u0000'] }]) {
      const res = await put('/things/1', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'OIG_ADMIN_INVALID_FIELDS', fields: { [Object.keys(payload)[0] as string]: 'Must not contain control characters' } });
    }
  });

  it('refuses every control character (C0, DEL, C1) in a one-line text, and lets other text through', async () => {
    for (let c = 0; c <= 0x9f; c += 1) {
      const control = c < 0x20 || c >= 0x7f;
      const res = await put('/things/1', { name: `x${String.fromCharCode(c)}y` });
      expect(res.statusCode, `U+${c.toString(16)}`).toBe(control ? 400 : 200);
    }
    expect((await put('/things/1', { name: 'Zoë 🙂 \u2028 \ud800' })).statusCode).toBe(200);
  });

  it('keeps TAB, CR and LF in a text document, but no other control character', async () => {
    expect((await put('/things/1', { pem: '-----BEGIN-----\r\n\tAB\n-----END-----\n' })).statusCode).toBe(200);
    expect((await put('/things/1', { pem: 'AB\u0000' })).json()).toMatchObject({ fields: { pem: 'Must not contain control characters' } });
    expect((await put('/things/1', { pem: 'AB\u000b' })).statusCode).toBe(400);
  });

  it('refuses a control character in a query string, naming it in words', async () => {
    const res = await put('/things/1?q=a%00b');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'OIG_REST_INVALID_REQUEST', message: 'Invalid request: querystring/q must not contain control characters' });
  });

  it('refuses 1e309 and Infinity in a path or query integer, which Ajv coerces to an unbounded number', async () => {
    for (const url of ['/things/1e309', '/things/Infinity', '/things/-Infinity', '/things/1?limit=1e309', '/things/1?limit=Infinity']) {
      const res = await put(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ code: 'OIG_REST_INVALID_REQUEST', message: expect.stringMatching(/must be a finite number/) });
    }
    expect((await put('/things/1e1?limit=5')).json()).toMatchObject({ params: { id: 10 } });
  });

  it('adds the rule to every open string of a schema copy, leaving the shared schema, patterns and enums alone', () => {
    const shared = Type.Object({ a: Type.String(), b: Type.String({ pattern: '^[0-9]+$' }), c: Type.Union([Type.Literal('x'), Type.Literal('y')]), d: Type.String({ contentMediaType: 'text/plain' }) });
    const ruled = withTextRules(shared) as { properties: Record<string, { pattern?: string; anyOf?: Array<{ pattern?: string }> }> };
    expect(ruled.properties.a?.pattern).toBe(SINGLE_LINE_PATTERN);
    expect(ruled.properties.b?.pattern).toBe('^[0-9]+$');
    expect(ruled.properties.c?.anyOf?.every((s) => s.pattern === undefined)).toBe(true);
    expect(ruled.properties.d?.pattern).toBe(TEXT_DOCUMENT_PATTERN);
    expect((shared.properties.a as { pattern?: string }).pattern).toBeUndefined();
  });
});
