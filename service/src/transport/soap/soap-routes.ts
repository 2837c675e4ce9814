import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asOigError, oigError, type OigError } from '../../errors';
import type { ServiceDef } from './catalogue/types';
import type { Decoded } from './codec';
import { decodeRequest, encodeFailure, encodeFault, encodeResponse, isFault } from './envelope';
import { renderDocs, renderWsdl, renderXsd } from './wsdl';

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

export interface SoapLimits {
  readonly maxBodyBytes: number;
  readonly maxDepth: number;
  readonly maxNodes: number;
}

const XML_TYPE = 'text/xml; charset=utf-8';
const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function endpointUrl(request: FastifyRequest, path: string): string {
  // The WSDL's address is where the client reached us; a malformed Host falls back to loopback.
  const host = HOST_PATTERN.test(request.host) ? request.host : '127.0.0.1';
  return `${request.protocol}://${host}${path}`;
}

function sendFault(reply: FastifyReply, error: OigError): FastifyReply {
  return reply.code(error.spec.http === 413 ? 413 : 500).type(XML_TYPE).send(encodeFault(error));
}

function logError(request: FastifyRequest, error: OigError, operation?: string): void {
  const entry = { code: error.code, operation, err: error.code === 'OIG_INTERNAL' ? error.cause : undefined };
  request.log[error.spec.level](entry, error.message);
}

/**
 * Serves one SOAP service at each of its paths: POST for SOAP 1.1 calls, GET `?wsdl`,
 * `?xsd=<file>` and `?doc`. Runs in its own plugin scope so the XML body parser and the
 * fault-writing error handler apply to SOAP routes only.
 */
export async function registerSoapService(app: FastifyInstance, binding: SoapBinding, limits: SoapLimits): Promise<void> {
  const { service, handlers } = binding;
  const missing = Object.keys(handlers).filter((name) => !service.operations.some((op) => op.name === name));
  if (missing.length > 0) throw new Error(`${service.name}: handlers for unknown operations ${missing.join(', ')}`);

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
      logError(request, error);
      return sendFault(reply, error);
    });

    for (const path of service.paths) {
      scope.get(path, async (request, reply) => {
        const query = Object.fromEntries(Object.entries(request.query as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
        if ('wsdl' in query) return reply.type(XML_TYPE).send(renderWsdl(service, endpointUrl(request, path)));
        if (typeof query.xsd === 'string') {
          const xsd = renderXsd(service, query.xsd);
          if (xsd) return reply.type(XML_TYPE).send(xsd);
          return reply.code(404).type('text/plain').send(`${service.name} has no schema '${query.xsd}'\n`);
        }
        if ('doc' in query) return reply.type('text/markdown; charset=utf-8').send(renderDocs(service));
        return reply
          .type('text/plain; charset=utf-8')
          .send(`${service.name}: POST SOAP 1.1 requests here. WSDL: ${endpointUrl(request, path)}?wsdl\n`);
      });

      scope.post(path, async (request, reply) => {
        const xml = typeof request.body === 'string' ? request.body : '';
        const soapAction = request.headers.soapaction;
        let decoded;
        try {
          decoded = decodeRequest(service, xml, Array.isArray(soapAction) ? soapAction[0] : soapAction, limits);
        } catch (err) {
          const error = asOigError(err);
          logError(request, error);
          return sendFault(reply, error);
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
      });
    }
  });
}
