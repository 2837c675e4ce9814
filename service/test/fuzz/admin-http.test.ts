import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../src/storage/embedded-postgres';
import { AdminClient } from '../support/admin-client';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { expectJsonAnswer, FuzzClient, type FuzzRequest } from './support/invariants';
import { bodyText, hostileJson, hostileString, mutatedJson, valueOf, type Json, type JsonSeeds } from './support/json-values';
import { fuzzParameters, runsOf, timeoutFor } from './support/settings';
import { percentEncode, queryJunk, queryOf, rawEscapes } from './support/urls';

/**
 * The admin API over HTTP against a real gateway, logged in as the administrator: every route
 * of the OpenAPI document it serves, with bodies made from the route's schema (seeded with
 * values that pass the domain's checks) and mutated (wrong types, huge strings, unicode, NUL,
 * deep nesting, extra and missing fields), hostile path parameters and query strings, and now
 * and then a missing CSRF token or cookie. Every answer is JSON `{ code, message }` on error and
 * no server error, in bounded time; the gateway stays up and its memory bounded.
 */
/** Stand-in for the administrator password in a body, replaced when sent (a fuzzed change of it succeeds now and then). */
const PASSWORD = '__ADMIN_PASSWORD__';
const thisMonth = new Date().toISOString().slice(0, 7);

let gw: TestGateway;
let client: FuzzClient;
let admin: AdminClient;
let password: string = LAB.adminPassword;
let operations: Operation[] = [];
let labCaPem = '';

interface Operation {
  readonly method: FuzzRequest['method'];
  readonly path: string;
  readonly parameters: ReadonlyArray<{ name: string; in: string; schema: unknown }>;
  readonly body: unknown;
}

async function operationsOf(url: string): Promise<Operation[]> {
  const res = await request(`${url}/api/admin/openapi.json`);
  const document = (await res.body.json()) as { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: unknown }> } }>> };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase() as FuzzRequest['method'],
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
    })),
  );
}

const seeds: JsonSeeds = {
  password: fc.constantFrom(PASSWORD, PASSWORD, 'wrong-password'),
  currentPassword: fc.constantFrom(PASSWORD, PASSWORD, 'wrong-password'),
  newPassword: fc.constantFrom('fuzzed-admin-password', 'short', PASSWORD),
  companyName: fc.constant(LAB.company),
  applicationName: fc.constantFrom('LabRecorder', LAB.standard.applicationName),
  localPassword: fc.constantFrom('fuzz-local', 'abc'),
  enabled: fc.boolean(),
  arid: fc.constantFrom(LAB.arid, 'ARID-UNKNOWN'),
  recipient: fc.constantFrom('ops@example.com', '', null),
  host: fc.constantFrom('127.0.0.1', 'localhost'),
  port: fc.constant(9),
  security: fc.constantFrom('none', 'starttls', 'tls'),
  sender: fc.constant('oig@example.com'),
  username: fc.constantFrom(null, 'reports'),
  caPem: fc.constant(null).map(() => (labCaPem === '' ? null : labCaPem)),
  month: fc.constantFrom(thisMonth, '2020-01'),
  type: fc.constantFrom('MI_VB', 'MI_CC'),
  address: fc.constantFrom('127.1.0.50', '127.1.0.51', '::1'),
  name: fc.constantFrom('ICP-50', null),
  useDefaults: fc.boolean(),
  outsidePrefix: fc.constantFrom('9', '8'),
  localCountryCode: fc.constantFrom('1', '353'),
  longDistancePrefix: fc.constantFrom('1', '0'),
  internationalPrefix: fc.constantFrom('011', '00'),
  localAreaCodes: fc.constantFrom<Json>(['613'], ['1', '21'], []),
  maxExtensionLength: fc.constantFrom(5, 7),
  inboundTrunkServiceDigits: fc.constantFrom('', '7'),
  transport: fc.constantFrom('http', 'https'),
};

/** Path parameters: the ids that exist (small numbers) mostly, else hostile. */
const pathParameter = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 6 }).map(String), weight: 4 },
  { arbitrary: fc.constantFrom('0', '-1', '2147483648', '99999999999999999999', '1.5', '1e3', 'abc', '', ' 1'), weight: 1 },
  { arbitrary: hostileString.map((s) => percentEncode(s.slice(0, 150))), weight: 1 },
  { arbitrary: rawEscapes, weight: 1 },
);

type Auth = 'ok' | 'noCsrf' | 'badCookie' | 'none';
const auth = fc.oneof({ arbitrary: fc.constant<Auth>('ok'), weight: 12 }, { arbitrary: fc.constantFrom<Auth>('noCsrf', 'badCookie', 'none'), weight: 1 });
const contentType = fc.oneof({ arbitrary: fc.constant('application/json'), weight: 10 }, { arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''), weight: 1 });

interface AdminCall {
  readonly operation: Operation;
  readonly path: string;
  readonly body: string | undefined;
  readonly auth: Auth;
  readonly contentType: string;
}

function callOf(operation: Operation): fc.Arbitrary<AdminCall> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const query = operation.parameters.filter((p) => p.in === 'query');
  const queryValue: fc.Arbitrary<Json | undefined> =
    query.length > 0
      ? fc.option(mutatedJson(fc.record(Object.fromEntries(query.map((p) => [p.name, valueOf(p.schema, seeds, p.name)])), { requiredKeys: [] }) as fc.Arbitrary<Json>), { nil: undefined })
      : fc.constant(undefined);
  const body: fc.Arbitrary<string | undefined> =
    operation.body !== undefined
      ? bodyText(mutatedJson(valueOf(operation.body, seeds)))
      : fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: bodyText(hostileJson), weight: 1 });
  return fc
    .record({ parameters: fc.tuple(...pathParameters.map(() => pathParameter)), query: queryValue, junk: queryJunk, body, auth, contentType })
    .map(({ parameters, query: q, junk, body: text, auth: a, contentType: type }) => {
      let path = operation.path;
      pathParameters.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, parameters[i] ?? '');
      });
      const search = q === undefined && junk === undefined ? '' : queryOf(q ?? {}, junk);
      return { operation, path: `${path}${search}`, body: text, auth: a, contentType: type };
    });
}

async function logIn(): Promise<void> {
  admin = await AdminClient.login(gw.url, password);
}

function requestOf(call: AdminCall): FuzzRequest {
  const headers: Record<string, string> = {};
  if (call.auth !== 'none') headers.cookie = call.auth === 'badCookie' ? 'oig_admin=forged' : admin.cookie;
  if (call.auth === 'ok' || call.auth === 'badCookie') headers['x-csrf-token'] = admin.csrfToken;
  if (call.body !== undefined && call.contentType !== '') headers['content-type'] = call.contentType;
  return { method: call.operation.method, path: call.path, headers, ...(call.body === undefined ? {} : { body: call.body.replaceAll(PASSWORD, password) }) };
}

/** Keeps the run logged in: a fuzzed logout ends the login, a fuzzed password change changes the password. */
async function afterCall(call: AdminCall, req: FuzzRequest, status: number): Promise<void> {
  const route = `${call.operation.method} ${call.operation.path}`;
  if (route === 'PUT /api/admin/password' && status === 200 && call.auth === 'ok') password = (JSON.parse(String(req.body)) as { newPassword: string }).newPassword;
  if ((route === 'POST /api/admin/logout' && status === 200) || (status === 401 && call.auth === 'ok')) await logIn();
}

beforeAll(async () => {
  const linkPort = await freeLoopbackPort();
  gw = await startTestGateway({ config: { pbx: { linkPort, connectWaitMs: 300 }, usage: { reportAttempts: 1, smtpTimeoutMs: 1_000 } } });
  labCaPem = await readFile(gw.files.caFile, 'utf8');
  client = new FuzzClient(gw.url);
  operations = await operationsOf(gw.url);
  await logIn();
});
afterAll(async () => {
  await client?.close();
  await gw?.close();
});

describe('admin API over HTTP', () => {
  const runs = runsOf(400);
  it(
    'answers every route of its OpenAPI document with JSON and no server error, in bounded time',
    async () => {
      expect(operations.length).toBeGreaterThan(30);
      await fc.assert(
        fc.asyncProperty(
          // Routes that take a body weigh more: they hold most of what can go wrong.
          fc.constant(null).chain(() => fc.oneof(...operations.map((op) => ({ arbitrary: callOf(op), weight: op.body === undefined ? 1 : 3 })))),
          async (call) => {
            const req = requestOf(call);
            const answer = await client.send(req);
            expectJsonAnswer(req, answer);
            await afterCall(call, req, answer.status);
          },
        ),
        fuzzParameters(400),
      );
      await client.expectHealthyAfter('admin');
    },
    timeoutFor(runs, 100),
  );
});
