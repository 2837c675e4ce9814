import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sessionService } from '../../src/transport/soap/catalogue/session-service';
import { standardCCService } from '../../src/transport/soap/catalogue/standard-cc-service';
import type { ServiceDef } from '../../src/transport/soap/catalogue/types';
import { ICP1, ICP2, startCcEnv, type CcEnv } from '../support/cc-env';
import { LAB } from '../support/gateway';
import { attrOf, loginExEnvelope, postSoap } from '../support/soap';
import { hostileText, nearValidEnvelope, validEnvelope, xmlSoup, type Seeds } from './support/envelopes';
import { expectSoapAnswer, FuzzClient, type FuzzRequest } from './support/invariants';
import { fuzzParameters, runsOf, timeoutFor } from './support/settings';
import { percentEncode, rawEscapes } from './support/urls';

/**
 * SOAP over HTTP against a real gateway linked to a lab MiVoice Business: valid, near-valid and
 * arbitrary bodies to every path of every service, most near-valid ones carrying a live
 * session, the lab's credentials and its controllers, phones and object ids so they reach the
 * handlers and the controllers. Every answer is well-formed XML, a response or a Client fault,
 * in bounded time; the gateway stays up and its memory bounded.
 */
const SERVICES: readonly ServiceDef[] = [sessionService, standardCCService];
/**
 * Stand-ins replaced when a request is sent: the live session's id (a fuzzed logout ends it;
 * the next run logs in again) and ICP-1's icpId, known once the gateway runs.
 */
const LIVE_SESSION = '7000000000000000001';
const ICP1_ID = '7000000000000000002';
/** Long polls wait by contract (up to 25 s) for an event: they get no live session, so they answer at once. */
const LONG_POLLS = new Set(['getEvent', 'getNumberedEvent']);

let env: CcEnv;
let client: FuzzClient;
let liveSession = '0';
let icpId = '0';

async function ensureLiveSession(): Promise<void> {
  try {
    env.gw.gateway.sessions.get(liveSession);
    return;
  } catch {
    // ended by a fuzzed logout: log in again below
  }
  const res = await postSoap(env.url, loginExEnvelope({ companyName: LAB.company, ...LAB.standard, localPassword: LAB.localPassword }));
  liveSession = attrOf(res.body, 'return', 'sessionId') ?? '0';
}

const digits = (...values: string[]) => fc.constantFrom(...values);
const seeds: Seeds = {
  sessionId: fc.constantFrom(LIVE_SESSION, LIVE_SESSION, LIVE_SESSION, LIVE_SESSION, '0', '1'),
  restSessionId: fc.constantFrom(LIVE_SESSION, '1'),
  companyName: fc.constant(LAB.company),
  applicationName: fc.constantFrom(LAB.standard.applicationName, LAB.advanced.applicationName),
  applicationPassword: fc.constant(LAB.standard.applicationPassword),
  localPassword: fc.constant(LAB.localPassword),
  version: fc.constantFrom('4.0', '3.0'),
  icpIpAddress: fc.constantFrom(ICP1, ICP2, '127.1.0.99', '::1'),
  icpId: fc.constant(ICP1_ID),
  primeDn: digits('1000', '1001', '2000'),
  dn: digits('1000', '1001', '1002'),
  deviceDn: digits('1000', '1003'),
  remoteDn: digits('1001', '2001'),
  ringDn: digits('1002'),
  redirectDn: digits('1004'),
  number: digits('1001', '2001', '9'),
  hotDeskUserDn: digits('1005'),
  invokerDn: digits('1000'),
  objectId: digits('1000001', '1000002', '1000003'),
  objId: digits('1000001', '1000002'),
  timeout: digits('0', '1', '20'),
  eventHandlerURL: fc.constantFrom('', 'http://127.0.0.1:9/events'),
  callbackUri: fc.constantFrom('', 'http://127.0.0.1:9/ha'),
};
const seedsWithoutSession: Seeds = Object.fromEntries(Object.entries(seeds).filter(([name]) => name !== 'sessionId' && name !== 'restSessionId'));

function envelopes(service: ServiceDef): fc.Arbitrary<{ xml: string; soapAction: string | undefined }> {
  const polls = service.operations.filter((op) => LONG_POLLS.has(op.name));
  const others = service.operations.filter((op) => !LONG_POLLS.has(op.name));
  return fc.oneof(
    { arbitrary: nearValidEnvelope(service, { seeds, operations: others }), weight: 6 },
    { arbitrary: validEnvelope(service, { seeds, operations: others }), weight: 2 },
    ...(polls.length > 0 ? [{ arbitrary: nearValidEnvelope(service, { seeds: seedsWithoutSession, operations: polls }), weight: 1 }] : []),
    { arbitrary: xmlSoup.map((xml) => ({ xml, soapAction: undefined })), weight: 1 },
  );
}

/** Axis2's address forms (endpoint, operation in the path) and junk after a service's path. */
function pathSuffix(service: ServiceDef): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 8 },
    {
      arbitrary: fc.constantFrom('/', `.${service.name}HttpSoap11Endpoint`, `.${service.name}HttpSoap11Endpoint/`, `.${service.name}HttpSoap12Endpoint`, `.${service.name}HttpEndpoint`, `/${service.operations[0]?.name ?? ''}`, '.x', '/x/y'),
      weight: 2,
    },
    // Not a dot segment: the URL would be resolved to a path outside the service before it is sent.
    { arbitrary: fc.oneof(rawEscapes, hostileText.map((t) => percentEncode(t.slice(0, 300)))).filter((junk) => !/^(\.|%2e){1,2}$/i.test(junk)).map((junk) => `/${junk}`), weight: 1 },
  );
}

const contentType = fc.constantFrom('text/xml; charset=utf-8', 'text/xml; charset=utf-8', 'application/soap+xml', 'text/xml; charset=iso-8859-1', 'application/json', 'text/plain', '');

/** Now and then: `arbitrary` in place of what the envelope brings. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary, weight: 1 });

const soapRequest: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...SERVICES).chain((service) =>
  fc
    .record({
      path: fc.tuple(fc.constantFrom(...service.paths), pathSuffix(service)).map(([path, suffix]) => `${path}${suffix}`),
      envelope: envelopes(service),
      contentType,
      binary: rarely(fc.uint8Array({ maxLength: 512 })),
      action: rarely(hostileText.map((text) => text.slice(0, 2_000))),
    })
    .map(({ path, envelope, contentType: type, binary, action }) => {
      const soapAction = action ?? envelope.soapAction;
      return {
        method: 'POST' as const,
        path,
        // A header carries visible ASCII only (undici refuses the rest before sending).
        headers: { ...(type ? { 'content-type': type } : {}), ...(soapAction !== undefined ? { soapaction: soapAction.replace(/[^\t\u0020-\u007e]/g, '?') } : {}) },
        body: binary ? Buffer.from(binary) : envelope.xml,
      };
    }),
);

beforeAll(async () => {
  env = await startCcEnv({ config: { sessions: { timeoutMs: 600_000 } }, pbx: { connectWaitMs: 300, requestTimeoutMs: 1_000 } });
  client = new FuzzClient(env.url);
  await ensureLiveSession();
  icpId = String((await env.gw.gateway.callControl.getIcpId(liveSession, ICP1)).icpId);
});
afterAll(async () => {
  await client?.close();
  await env?.close();
});

describe('SOAP over HTTP', () => {
  const runs = runsOf(300);
  it(
    'answers every body to every service path with a response or a Client fault, in bounded time',
    async () => {
      await fc.assert(
        fc
          .asyncProperty(soapRequest, async (req) => {
            const body = typeof req.body === 'string' ? req.body.replaceAll(LIVE_SESSION, liveSession).replaceAll(ICP1_ID, icpId) : req.body;
            const sent = { ...req, body };
            expectSoapAnswer(sent, await client.send(sent));
          })
          .beforeEach(ensureLiveSession),
        fuzzParameters(300),
      );
      await client.expectHealthyAfter('SOAP');
    },
    timeoutFor(runs, 100),
  );
});
