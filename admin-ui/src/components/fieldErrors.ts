import { ApiError } from '../api/client';

/** A message per form field; the keys are the request's field names (address, outsidePrefix, …). */
export type FieldErrors = Readonly<Record<string, string>>;

/**
 * The per-field messages of a refusal: the admin API answers bad form input with
 * 400 OIG_ADMIN_INVALID_FIELDS and `fields: {name: message}`, so each can be shown under its field.
 */
export function fieldErrorsOf(error: unknown): FieldErrors {
  return error instanceof ApiError && error.code === 'OIG_ADMIN_INVALID_FIELDS' ? error.fields : {};
}
