import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SessionManager } from '../../domain/sessions/session-manager';
import { parseSessionId } from '../../domain/sessions/session';
import { oigError } from '../../errors';
import { useJsonErrors } from '../json-errors';
import { formatValidation, useInputRules } from '../input-rules';

/**
 * REST/JSON Session Management (developer guide, "REST / JSON Data Access Web Service"):
 * GET logs in, PUT resets the inactivity timer, DELETE logs out.
 */
export const REST_SESSIONS_PATH = '/mitel/oig/rest/resources/v1/sessions';

const Text = Type.String({ maxLength: 256 });
const LoginFields = Type.Object(
  {
    companyName: Type.Optional(Text),
    applicationName: Type.Optional(Text),
    applicationPassword: Type.Optional(Text),
    localPassword: Type.Optional(Text),
    version: Type.Optional(Text),
  },
  { additionalProperties: true },
);
const SessionRef = Type.Object({ sessionId: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Integer()])) }, { additionalProperties: true });
const SessionAnswer = Type.Object({
  result: Type.Boolean(),
  sessionId: Type.String({ description: '63-bit id as a decimal string (JSON numbers cannot hold it exactly)' }),
  sessionType: Type.Optional(Type.String()),
  timeoutSeconds: Type.Optional(Type.Number()),
});

const GET_BODY_LIMIT = 16 * 1024;

/**
 * Fastify does not parse bodies of GET requests, but OIG REST clients may send the login
 * fields as JSON on the GET; read it here, bounded, and only when it says it is JSON. Its fields
 * are checked by the query's schema (lengths, text rules), as the query is.
 */
async function jsonBodyOfGet(request: FastifyRequest): Promise<Record<string, unknown>> {
  const body = await readJsonBodyOfGet(request);
  if (!request.validateInput(body, 'querystring')) {
    const errors = request.getValidationFunction('querystring')?.errors ?? [];
    throw oigError('OIG_REST_INVALID_REQUEST', `Invalid request: ${formatValidation(errors, 'body').message}`);
  }
  return body;
}

async function readJsonBodyOfGet(request: FastifyRequest): Promise<Record<string, unknown>> {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return {};
  let text = '';
  for await (const chunk of request.raw) {
    text += String(chunk);
    if (text.length > GET_BODY_LIMIT) throw oigError('OIG_REST_INVALID_REQUEST', `The JSON body is larger than ${GET_BODY_LIMIT} bytes`);
  }
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw oigError('OIG_REST_INVALID_REQUEST', 'The body is not a JSON object');
}

/** The id from the path, the query or a JSON body, in that order. */
function sessionIdOf(request: FastifyRequest<{ Params: { sessionId?: string }; Querystring: { sessionId?: string | number }; Body: unknown }>): string {
  const body = request.body && typeof request.body === 'object' ? (request.body as { sessionId?: unknown }) : {};
  const raw = request.params.sessionId ?? request.query.sessionId ?? body.sessionId;
  if (raw === undefined) throw oigError('OIG_SESSION_INVALID_ID', 'Give the session id in the path, as ?sessionId= or in a JSON body');
  return parseSessionId(raw);
}

export async function registerRestSessions(app: FastifyInstance, sessions: SessionManager, timeoutMs: number): Promise<void> {
  await app.register(async (scope) => {
    useJsonErrors(scope);
    useInputRules(scope);

    scope.get(
      REST_SESSIONS_PATH,
      { schema: { querystring: LoginFields, response: { 200: SessionAnswer } } },
      async (request) => {
        const query = request.query as Record<string, string | undefined>;
        const body = await jsonBodyOfGet(request);
        const pick = (k: string): string | undefined => query[k] ?? (typeof body[k] === 'string' ? (body[k] as string) : undefined);
        const { session } = await sessions.login({
          companyName: pick('companyName'),
          applicationName: pick('applicationName'),
          applicationPassword: pick('applicationPassword'),
          localPassword: pick('localPassword'),
          version: pick('version'),
          protocol: 'rest',
          clientAddress: request.ip,
        });
        return { result: true, sessionId: session.id, sessionType: session.type, timeoutSeconds: timeoutMs / 1000 };
      },
    );

    for (const path of [REST_SESSIONS_PATH, `${REST_SESSIONS_PATH}/:sessionId`]) {
      scope.put(path, { schema: { querystring: SessionRef } }, async (request) => {
        const id = sessionIdOf(request as never);
        sessions.keepAlive(id);
        return { result: true, sessionId: id };
      });
      scope.delete(path, { schema: { querystring: SessionRef } }, async (request) => {
        const id = sessionIdOf(request as never);
        await sessions.logout(id);
        return { result: true, sessionId: id };
      });
    }
  });
}
