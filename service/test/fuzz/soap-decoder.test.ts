import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OigError } from '../../src/errors';
import { eventHandlerCCService } from '../../src/transport/soap/catalogue/event-handler-service';
import { sessionService } from '../../src/transport/soap/catalogue/session-service';
import { standardCCService } from '../../src/transport/soap/catalogue/standard-cc-service';
import { decodeRequest } from '../../src/transport/soap/envelope';
import { readXml, type XmlElement } from '../../src/transport/soap/xml-reader';
import { nearValidEnvelope, validEnvelope, xmlSoup } from './support/envelopes';
import { fuzzParameters, runsOf, timeoutFor } from './support/settings';

/**
 * The SOAP envelope decoder (XML reader, envelope, codec) over every operation of the catalogue:
 * a valid request decodes to exactly what was sent; anything else is refused with an OIG_SOAP_*
 * error (a fault), never another exception; and nothing the reader accepts holds a character
 * XML 1.0 forbids, so no NUL can reach PostgreSQL through SOAP.
 */
const SERVICES = [sessionService, standardCCService, eventHandlerCCService];
// The gateway's default caps (OIG_SOAP_MAX_DEPTH, OIG_SOAP_MAX_NODES).
const LIMITS = { maxDepth: 32, maxNodes: 10_000 };
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decodeOrRefuse(service: (typeof SERVICES)[number], xml: string, soapAction: string | undefined): void {
  try {
    const { operation } = decodeRequest(service, xml, soapAction, LIMITS);
    expect(service.operations).toContain(operation);
  } catch (err) {
    if (!(err instanceof OigError) || !err.code.startsWith('OIG_SOAP_')) throw new Error(`decodeRequest threw ${String(err)} for ${JSON.stringify(xml.slice(0, 300))}`, { cause: err });
  }
}

function forbiddenIn(element: XmlElement): string | undefined {
  const values = [element.text, ...element.attributes.values(), ...element.qualifiedAttributes.values()];
  if (values.some((v) => FORBIDDEN.test(v))) return element.local;
  for (const child of element.children) {
    const found = forbiddenIn(child);
    if (found) return found;
  }
  return undefined;
}

describe('SOAP envelope decoder', () => {
  for (const service of SERVICES) {
    it(`decodes every valid ${service.name} request to exactly what was sent`, () => {
      fc.assert(
        fc.property(validEnvelope(service), (envelope) => {
          const decoded = decodeRequest(service, envelope.xml, envelope.soapAction, LIMITS);
          expect(decoded.operation).toBe(envelope.operation);
          expect(decoded.input).toEqual(envelope.expected);
        }),
        fuzzParameters(150),
      );
    }, timeoutFor(runsOf(150), 5));

    it(`refuses every near-valid ${service.name} request it cannot decode with an OIG_SOAP_ fault`, () => {
      fc.assert(
        fc.property(nearValidEnvelope(service), (envelope) => decodeOrRefuse(service, envelope.xml, envelope.soapAction)),
        fuzzParameters(400),
      );
    }, timeoutFor(runsOf(400), 10));
  }

  it('refuses XML soup and arbitrary text with an OIG_SOAP_ fault', () => {
    fc.assert(
      fc.property(xmlSoup, fc.option(fc.string(), { nil: undefined }), (xml, soapAction) => decodeOrRefuse(sessionService, xml, soapAction)),
      fuzzParameters(500),
    );
  }, timeoutFor(runsOf(500), 5));

  it('never accepts a character XML 1.0 forbids, so no NUL reaches storage through SOAP', () => {
    // As the HTTP layer hands it over: a body decoded from UTF-8 holds no lone surrogate (a
    // mutation that splits a pair here would test a string no request can carry).
    const suspicious = fc.oneof(nearValidEnvelope(sessionService).map((e) => e.xml), xmlSoup).map((xml) => Buffer.from(xml, 'utf8').toString('utf8'));
    fc.assert(
      fc.property(suspicious, (xml) => {
        let root: XmlElement;
        try {
          root = readXml(xml, LIMITS);
        } catch (err) {
          expect(err).toBeInstanceOf(OigError);
          return;
        }
        expect(forbiddenIn(root)).toBeUndefined();
      }),
      fuzzParameters(400),
    );
  }, timeoutFor(runsOf(400), 10));
});
