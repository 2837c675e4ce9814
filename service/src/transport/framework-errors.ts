import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { asOigError, oigError, type OigError } from '../errors';
import { encodeFault } from './soap/envelope';

const shown = (path: string): string => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

function errorOf(err: FastifyError, path: string, soap: boolean): OigError {
  if (err.code !== 'FST_ERR_BAD_URL' && err.code !== 'FST_ERR_MAX_PARAM_LENGTH') return asOigError(err);
  return soap ? oigError('OIG_SOAP_UNKNOWN_ENDPOINT', `No SOAP service at ${shown(path)}`) : oigError('OIG_REST_INVALID_REQUEST', `Invalid request path ${shown(path)}`);
}

/**
 * The server's `frameworkErrors`: fastify's refusals before any route is chosen (a path
 * parameter whose percent-escapes do not decode, one over the router's 100 characters) bypass
 * every scope's error handler and would answer in fastify's own JSON shape. They answer in the
 * form of the API the path belongs to instead: a SOAP fault under a SOAP service's paths, the
 * `{ code, message }` of the REST and admin APIs anywhere else.
 */
export function answerFrameworkErrors(soapPaths: readonly string[]) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const path = request.url.split('?')[0] ?? '';
    const soap = soapPaths.some((prefix) => path.startsWith(prefix));
    const error = errorOf(err, path, soap);
    request.log[error.spec.level]({ code: error.code, err: error.code === 'OIG_INTERNAL' ? err : undefined }, error.message);
    if (soap) {
      void reply.code(error.code === 'OIG_INTERNAL' ? 500 : error.spec.http).type('text/xml; charset=utf-8').send(encodeFault(error));
    } else {
      void reply.code(err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : error.spec.http).send({ code: error.code, message: error.message });
    }
  };
}
