import type { FastifyError, FastifyInstance } from 'fastify';
import { asOigError, InvalidFieldsError, oigError, type OigError } from '../errors';
import { fieldsOfValidation } from './validation-fields';

/** fastify's own refusals of a request (too large, wrong media type, empty JSON, …), not the gateway's. */
function isRequestRefusal(err: FastifyError): boolean {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return true;
  return err.statusCode !== undefined && err.statusCode < 500 && err.name !== 'OigError' && err.code?.startsWith('FST_') === true;
}

function errorOf(err: FastifyError, fieldErrors: boolean): OigError {
  if (err.validation) {
    const fields = fieldErrors && err.validationContext === 'body' ? fieldsOfValidation(err.validation) : undefined;
    return fields ? new InvalidFieldsError(fields) : oigError('OIG_REST_INVALID_REQUEST', `Invalid request: ${err.message}`);
  }
  return isRequestRefusal(err) ? oigError('OIG_REST_INVALID_REQUEST', err.message) : asOigError(err);
}

/**
 * JSON error bodies `{ code, message }` for the REST and admin APIs, one mapping for both.
 * `fieldErrors` (the admin API): a body the schema refuses answers OIG_ADMIN_INVALID_FIELDS with
 * a message per field, as the domain's own field checks do, so a form shows each under its field.
 */
export function useJsonErrors(scope: FastifyInstance, options: { fieldErrors?: boolean } = {}): void {
  scope.setErrorHandler((err: FastifyError, request, reply) => {
    const error = errorOf(err, options.fieldErrors === true);
    request.log[error.spec.level]({ code: error.code, err: error.code === 'OIG_INTERNAL' ? error.cause : undefined }, error.message);
    const status = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 415 : error.spec.http;
    const fields = error instanceof InvalidFieldsError ? { fields: error.fields } : {};
    return reply.code(status).send({ code: error.code, message: error.message, ...fields });
  });
  scope.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ code: 'OIG_REST_NOT_FOUND', message: `No resource ${request.method} ${request.url.split('?')[0]}` });
  });
}
