import type { FastifyError, FastifyInstance } from 'fastify';
import { asOigError, InvalidFieldsError, oigError } from '../errors';

/** JSON error bodies `{ code, message }` for the REST and admin APIs, one mapping for both. */
export function useJsonErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError, request, reply) => {
    const error = err.validation
      ? oigError('OIG_REST_INVALID_REQUEST', `Invalid request: ${err.message}`)
      : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
          (err.statusCode !== undefined && err.statusCode < 500 && err.name !== 'OigError' && err.code?.startsWith('FST_'))
        ? oigError('OIG_REST_INVALID_REQUEST', err.message)
        : asOigError(err);
    request.log[error.spec.level]({ code: error.code, err: error.code === 'OIG_INTERNAL' ? error.cause : undefined }, error.message);
    const status = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 415 : error.spec.http;
    const fields = error instanceof InvalidFieldsError ? { fields: error.fields } : {};
    return reply.code(status).send({ code: error.code, message: error.message, ...fields });
  });
  scope.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ code: 'OIG_REST_NOT_FOUND', message: `No resource ${request.method} ${request.url.split('?')[0]}` });
  });
}
