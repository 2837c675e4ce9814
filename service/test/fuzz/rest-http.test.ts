import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REST_SESSIONS_PATH } from '../../src/transport/rest/sessions-routes';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { expectJsonAnswer, FuzzClient, type FuzzRequest } from './support/invariants';
import { bodyText, hostileString, mutatedJson, type Json } from './support/json-values';
import { fuzzParameters, runsOf, timeoutFor } from './support/settings';
import { percentEncode, queryJunk, queryOf, rawEscapes } from './support/urls';

/**
 * The REST sessions resource over HTTP against a real gateway: logins, keep-alives and logouts
 * with near-valid and hostile query strings, JSON bodies (also on the GET) and path ids. Every
 * answer is JSON `{ code, message }` on error and no server error, in bounded time; the gateway
 * stays up and its memory bounded.
 */
/** Put in place of a live session's id when a request is sent. */
const LIVE_SESSION = '7000000000000000001';

let gw: TestGateway;
let client: FuzzClient;
let liveSession = '0';

async function ensureLiveSession(): Promise<void> {
  try {
    gw.gateway.sessions.get(liveSession);
  } catch {
    const { session } = await gw.gateway.sessions.login({ companyName: LAB.company, ...LAB.standard, localPassword: LAB.localPassword, version: '4.0', protocol: 'rest', clientAddress: '127.0.0.1' });
    liveSession = session.id;
  }
}

const login: fc.Arbitrary<Json> = fc.record(
  {
    companyName: fc.constant(LAB.company),
    applicationName: fc.constantFrom(LAB.standard.applicationName, LAB.standard.applicationName, LAB.standard.applicationName, 'LabRecorder'),
    applicationPassword: fc.constantFrom(LAB.standard.applicationPassword, LAB.standard.applicationPassword, LAB.standard.applicationPassword, 'wrong'),
    localPassword: fc.constantFrom(LAB.localPassword, LAB.localPassword, LAB.localPassword, 'wrong'),
    version: fc.constantFrom('4.0', '3.0'),
  },
  { requiredKeys: ['companyName', 'applicationName', 'applicationPassword', 'localPassword'] },
);
const sessionRef: fc.Arbitrary<Json> = fc.record({ sessionId: fc.oneof(fc.constantFrom(LIVE_SESSION, '0', '1', '-1'), fc.constant(Number.MAX_SAFE_INTEGER)) });
const segment = fc.oneof(
  { arbitrary: fc.constantFrom(LIVE_SESSION, '1', '0', '99999999999999999999'), weight: 4 },
  { arbitrary: hostileString.map((s) => percentEncode(s.slice(0, 200))), weight: 2 },
  { arbitrary: rawEscapes, weight: 1 },
);
const contentType = fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined);

const restRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.oneof({ arbitrary: fc.constantFrom('GET', 'GET', 'PUT', 'DELETE'), weight: 8 }, { arbitrary: fc.constantFrom('POST', 'PATCH', 'HEAD', 'OPTIONS'), weight: 1 }) as fc.Arbitrary<FuzzRequest['method']>,
    path: fc.oneof(
      { arbitrary: fc.constant(REST_SESSIONS_PATH), weight: 4 },
      { arbitrary: segment.map((s) => `${REST_SESSIONS_PATH}/${s}`), weight: 3 },
      { arbitrary: segment.map((s) => `${REST_SESSIONS_PATH}/${s}/${s}`), weight: 1 },
    ),
    query: fc.oneof({ arbitrary: mutatedJson(fc.oneof(login, sessionRef)), weight: 3 }, { arbitrary: fc.constant(undefined), weight: 1 }),
    junk: queryJunk,
    body: fc.oneof({ arbitrary: bodyText(mutatedJson(fc.oneof(login, sessionRef))), weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 }),
    contentType,
  })
  .map(({ method, path, query, junk, body, contentType: type }) => ({
    method,
    path: `${path}${query === undefined && junk === undefined ? '' : queryOf(query ?? {}, junk)}`,
    ...(type ? { headers: { 'content-type': type } } : {}),
    ...(body === undefined ? {} : { body }),
  }));

beforeAll(async () => {
  gw = await startTestGateway({ config: { sessions: { timeoutMs: 600_000 } } });
  client = new FuzzClient(gw.url);
});
afterAll(async () => {
  await client?.close();
  await gw?.close();
});

describe('REST sessions over HTTP', () => {
  const runs = runsOf(300);
  it(
    'answers every query, body and path with JSON and no server error, in bounded time',
    async () => {
      await fc.assert(
        fc
          .asyncProperty(restRequest, async (req) => {
            const sent = { ...req, path: req.path.replaceAll(LIVE_SESSION, liveSession), ...(typeof req.body === 'string' ? { body: req.body.replaceAll(LIVE_SESSION, liveSession) } : {}) };
            expectJsonAnswer(sent, await client.send(sent));
          })
          .beforeEach(ensureLiveSession),
        fuzzParameters(300),
      );
      await client.expectHealthyAfter('REST');
    },
    timeoutFor(runs, 100),
  );
});
