import type { FastifySchemaValidationError } from 'fastify';
import { validationMessage } from './input-rules';

/**
 * A refused request body as a message per field, for the admin forms: the schema's refusals
 * (too short, not a number, missing) are shown under the field like the domain's own checks
 * (InvalidFieldsError). Undefined when a refusal names no field a form has (e.g. an unknown
 * property): the request is then refused as a whole.
 */
export function fieldsOfValidation(validation: readonly FastifySchemaValidationError[]): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  for (const problem of validation) {
    const path = problem.instancePath.split('/').filter((segment) => segment !== '' && !/^[0-9]+$/.test(segment));
    const missing = problem.keyword === 'required' ? (problem.params as { missingProperty?: string }).missingProperty : undefined;
    // The innermost named property: the forms key nested settings by their own name (mivb.outsidePrefix → outsidePrefix).
    const field = missing ?? path[path.length - 1];
    if (!field) return undefined;
    fields[field] ??= describe(problem);
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** Ajv's wording made readable to an administrator ("must NOT have fewer than 4 characters"). */
function describe(problem: FastifySchemaValidationError): string {
  const params = problem.params as Record<string, unknown>;
  switch (problem.keyword) {
    case 'minLength':
      return params.limit === 1 ? 'Required' : `Must be at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `Must be at most ${String(params.limit)} characters`;
    case 'minimum':
      return `Must be ${String(params.limit)} or more`;
    case 'maximum':
      return `Must be ${String(params.limit)} or less`;
    case 'required':
      return 'Required';
    case 'type':
      return `Must be ${params.type === 'integer' ? 'a whole number' : `a ${String(params.type)}`}`;
    case 'enum':
      return `Must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'maxItems':
      return `Must have at most ${String(params.limit)} entries`;
    default: {
      const message = validationMessage(problem);
      return message ? `${message.charAt(0).toUpperCase()}${message.slice(1)}` : 'Not valid';
    }
  }
}
