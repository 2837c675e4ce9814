import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asOigError, oigError, type OigError } from '../../errors';
import type { ServiceDef } from './catalogue/types';
import type { Decoded } from './codec';
import { endpointFormParser, type EndpointForm } from './endpoint-forms';
import { decodeRequest, encodeFailure, encodeFault, encodeResponse, isFault } from './envelope';
import { renderDocs, renderWsdl, renderXsd } from './wsdl';
import type { XmlLimits } from './xml-reader';

export interface SoapContext {
  readonly request: FastifyRequest;
}

/** Does one operation's work; business failures are thrown as OigError. */
export type SoapHandler = (input: Decoded, ctx: SoapContext) => Promise<Decoded>;

export interface SoapBinding {
  readonly service: ServiceDef;
  /** Operations without a handler answer an explicit "not available" fault. */
  readonly handlers: Readonly<Record<string, SoapHandler>>;
}

export interface SoapLimits extends XmlLimits {
  readonly maxBodyBytes: number;
}

const XML_TYPE = 'text/xml; charset=utf-8';
const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
/** Axis2's service container: a path under it that names no service is still a SOAP client's call. */
const AXIS2_SERVICES = '/axis2/services';
/** Refusals whose HTTP status means something to a client; every other fault is 500, as SOAP 1.1 over HTTP says. */
const HTTP_LEVEL_STATUSES: ReadonlySet<number> = new Set([404, 405, 413]);

function endpointUrl(request: FastifyRequest, path: string): string {
  // The WSDL's address is where the client reached us; a malformed Host falls back to loopback.
  const host = HOST_PATTERN.test(request.host) ? request.host : '127.0.0.1';
  return `${request.protocol}://${host}${path}`;
}

function sendFault(reply: FastifyReply, error: OigError): FastifyReply {
  return reply.code(HTTP_LEVEL_STATUSES.has(error.spec.http) ? error.spec.http : 500).type(XML_TYPE).send(encodeFault(error));
}

function logError(request: FastifyRequest, error: OigError, operation?: string): void {
  const entry = { code: error.code, operation, err: error.code === 'OIG_INTERNAL' ? error.cause : undefined };
  request.log[error.spec.level](entry, error.message);
}

function refuse(request: FastifyRequest, reply: FastifyReply, error: OigError): FastifyReply {
  logError(request, error);
  return sendFault(reply, error);
}

function unknownEndpoint(request: FastifyRequest): OigError {
  const path = request.url.split('?')[0] ?? '';
  return oigError('OIG_SOAP_UNKNOWN_ENDPOINT', `No SOAP service at ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`);
}

/** A SOAP 1.2 or plain-XML Axis2 endpoint: named, so the client learns what to use instead. */
function unsupportedEndpoint(service: ServiceDef, form: EndpointForm, soap11Url: string): OigError {
  const name = `${service.name}.${form.endpoint ?? ''}`;
  return form.binding === 'soap12'
    ? oigError('OIG_SOAP_VERSION_MISMATCH', `${name} is a SOAP 1.2 endpoint; this gateway speaks SOAP 1.1 only: use ${soap11Url}`)
    : oigError('OIG_SOAP_ENDPOINT_NOT_SUPPORTED', `${name} is Axis2's plain-XML endpoint, which OIG services do not declare; POST SOAP 1.1 to ${soap11Url}`);
}

/**
 * Serves one SOAP service at each of its paths and at every address form Axis2 answers
 * (endpoint-forms.ts): POST for SOAP 1.1 calls, GET `?wsdl`, `?xsd=<file>` and `?doc`. Runs in
 * its own plugin scope so the XML body parser and the fault-writing error handler apply to SOAP
 * routes only. Any other path under /axis2/services/ answers a SOAP fault (404), not JSON.
 */
export async function registerSoapService(app: FastifyInstance, binding: SoapBinding, limits: SoapLimits): Promise<void> {
  const { service, handlers } = binding;
  const missing = Object.keys(handlers).filter((name) => !service.operations.some((op) => op.name === name));
  if (missing.length > 0) throw new Error(`${service.name}: handlers for unknown operations ${missing.join(', ')}`);
  const formOf = endpointFormParser(service);

  const serveDocuments = (request: FastifyRequest, reply: FastifyReply, form: EndpointForm, path: string): FastifyReply => {
    if (form.operation) {
      return refuse(request, reply, oigError('OIG_SOAP_METHOD_NOT_ALLOWED', `${service.name}.${form.operation.name}: POST a SOAP 1.1 envelope; GET serves only ?wsdl, ?xsd= and ?doc`));
    }
    const query = Object.fromEntries(Object.entries(request.query as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    if ('wsdl' in query) return reply.type(XML_TYPE).send(renderWsdl(service, endpointUrl(request, path)));
    if (typeof query.xsd === 'string') {
      const xsd = renderXsd(service, query.xsd);
      if (xsd) return reply.type(XML_TYPE).send(xsd);
      return reply.code(404).type('text/plain').send(`${service.name} has no schema '${query.xsd}'\n`);
    }
    if ('doc' in query) return reply.type('text/markdown; charset=utf-8').send(renderDocs(service));
    const where = form.binding === 'soap11' ? 'here' : `to ${endpointUrl(request, path)}`;
    return reply.type('text/plain; charset=utf-8').send(`${service.name}: POST SOAP 1.1 requests ${where}. WSDL: ${endpointUrl(request, path)}?wsdl\n`);
  };

  const call = async (request: FastifyRequest, reply: FastifyReply, form: EndpointForm, path: string): Promise<FastifyReply> => {
    if (form.binding !== 'soap11') return refuse(request, reply, unsupportedEndpoint(service, form, endpointUrl(request, path)));
    if (form.documentAlias) return refuse(request, reply, unknownEndpoint(request));
    const xml = typeof request.body === 'string' ? request.body : '';
    const soapAction = request.headers.soapaction;
    let decoded;
    try {
      decoded = decodeRequest(service, xml, Array.isArray(soapAction) ? soapAction[0] : soapAction, limits, form.operation);
    } catch (err) {
      return refuse(request, reply, asOigError(err));
    }
    const { operation, input } = decoded;
    const handler = handlers[operation.name];
    try {
      if (!handler) {
        throw oigError('OIG_SOAP_OPERATION_NOT_AVAILABLE', `${service.name}.${operation.name} is not available on this gateway`);
      }
      const output = await handler(input, { request });
      return reply.type(XML_TYPE).send(encodeResponse(service, operation, output));
    } catch (err) {
      const error = asOigError(err);
      logError(request, error, operation.name);
      if (isFault(error)) return sendFault(reply, error);
      return reply.type(XML_TYPE).send(encodeFailure(service, operation, error));
    }
  };

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limits.maxBodyBytes }, (_req, body, done) => done(null, body));

    scope.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request, reply) => {
      const error =
        err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? oigError('OIG_SOAP_BODY_TOO_LARGE', `Request body larger than ${limits.maxBodyBytes} bytes`)
          : err.statusCode !== undefined && err.statusCode < 500 && !(err.name === 'OigError')
            ? oigError('OIG_SOAP_MALFORMED_XML', `Bad request: ${err.message}`)
            : asOigError(err);
      return refuse(request, reply, error);
    });

    for (const path of service.paths) {
      // One wildcard route per path: it matches the path itself too, and endpoint-forms.ts
      // decides what follows it (find-my-way prefers it to the container's catch-all below).
      scope.route({
        method: ['GET', 'POST'],
        url: `${path}*`,
        handler: async (request, reply) => {
          const form = formOf((request.params as { '*'?: string })['*'] ?? '');
          if (!form) return refuse(request, reply, unknownEndpoint(request));
          return request.method === 'POST' ? call(request, reply, form, path) : serveDocuments(request, reply, form, path);
        },
      });
    }

    // Registered once, by the first service under the container; the others find it there.
    if (service.paths.some((p) => p.startsWith(`${AXIS2_SERVICES}/`)) && !scope.hasRoute({ method: 'POST', url: `${AXIS2_SERVICES}/*` })) {
      for (const url of [AXIS2_SERVICES, `${AXIS2_SERVICES}/*`]) {
        scope.route({ method: ['GET', 'POST'], url, handler: async (request, reply) => refuse(request, reply, unknownEndpoint(request)) });
      }
    }
  });
}
