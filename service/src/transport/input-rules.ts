import type { FastifyInstance, FastifyRequest, FastifySchemaValidationError, RouteOptions } from 'fastify';

/**
 * Rules every input of the JSON APIs (admin, REST) obeys, given to each route of a scope as it
 * is registered, so no field can be forgotten.
 *
 * Text: PostgreSQL text cannot store U+0000 (a NUL in a name reached it and failed as
 * OIG_INTERNAL); and no name, address, identifier or password has a use for the other control
 * characters (C0, DEL, C1: Unicode's Cc, as the password rules already refuse): they break log
 * lines, CSV cells and mail headers, and look like something else in the UI. So every string of
 * a body, query or path refuses them, but a text document (a string that declares a
 * `contentMediaType`, e.g. a PEM CA certificate) keeps its line breaks and tabs. A string with
 * its own `pattern`, `enum` or `const` is left to it (each is stricter). SOAP needs no rule of
 * its own: XML 1.0 forbids every C0 control but TAB, LF and CR, raw or as a character
 * reference, and the XML reader refuses them as malformed XML.
 *
 * Numbers: Ajv coerces a query or path text such as `1e309` or `Infinity` to Infinity, lets it
 * pass `type: integer` and skips `minimum`/`maximum` for it (they check finite numbers only);
 * it then failed in PostgreSQL as OIG_INTERNAL. So a number of the query or path that is not
 * finite, which only that coercion makes, is refused after validation (a check in the schema
 * would show in the OpenAPI document and the UI's types). Bodies need none: JSON's 1e309 is a
 * number, never coerced, and `type: integer` refuses it.
 */
export const SINGLE_LINE_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';
export const TEXT_DOCUMENT_PATTERN = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$';
const CONTROL_CHARACTERS_MESSAGE = 'must not contain control characters';

type Schema = { readonly [key: string]: unknown };

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (schema: Schema): boolean => schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'));
const isOpenString = (schema: Schema): boolean => isString(schema) && schema.pattern === undefined && schema.enum === undefined && schema.const === undefined;
const mapValues = (record: Schema, f: (value: unknown) => unknown): Schema => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));

/** A copy of `schema` with the text rule (the schemas are shared between routes: not changed in place). */
export function withTextRules(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withTextRules);
  if (!isSchema(schema)) return schema;
  // The spread keeps TypeBox's own (symbol-keyed) marks.
  const out: Record<string | symbol, unknown> = { ...schema };
  if (isOpenString(schema)) out.pattern = schema.contentMediaType === undefined ? SINGLE_LINE_PATTERN : TEXT_DOCUMENT_PATTERN;
  for (const key of ['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
    if (schema[key] !== undefined) out[key] = withTextRules(schema[key]);
  }
  for (const key of ['properties', 'patternProperties'] as const) {
    const properties = schema[key];
    if (isSchema(properties)) out[key] = mapValues(properties, withTextRules);
  }
  return out;
}

function unboundedNumberError(part: 'params' | 'querystring', name: string): Error {
  const message = 'must be a finite number';
  const validation = [{ keyword: 'type', instancePath: `/${name}`, schemaPath: '#/type', params: { type: 'number' }, message }];
  return Object.assign(new Error(`${part}/${name} ${message}`), { statusCode: 400, validation, validationContext: part });
}

/** Runs after validation: refuses what Ajv's coercion made of `1e309` (above). */
async function refuseUnboundedNumbers(request: FastifyRequest): Promise<void> {
  for (const [part, values] of [
    ['params', request.params],
    ['querystring', request.query],
  ] as const) {
    if (!isSchema(values)) continue;
    for (const [name, value] of Object.entries(values)) {
      if ([value].flat().some((v) => typeof v === 'number' && !Number.isFinite(v))) throw unboundedNumberError(part, name);
    }
  }
}

const isTextRule = (error: FastifySchemaValidationError): boolean =>
  error.keyword === 'pattern' && [SINGLE_LINE_PATTERN, TEXT_DOCUMENT_PATTERN].includes(String((error.params as { pattern?: unknown }).pattern));

/** Ajv's message, or the text rule's in words rather than as its pattern, or an enum's values (Ajv only says "one of the allowed values"). */
export function validationMessage(error: FastifySchemaValidationError): string | undefined {
  if (isTextRule(error)) return CONTROL_CHARACTERS_MESSAGE;
  const allowed = error.keyword === 'enum' ? (error.params as { allowedValues?: unknown }).allowedValues : undefined;
  return Array.isArray(allowed) ? `must be one of ${allowed.join(', ')}` : error.message;
}

/** fastify's own wording of a refused request (`body/name must …`), with the text rule in words. */
export function formatValidation(errors: readonly FastifySchemaValidationError[], dataVar: string): Error {
  return new Error(errors.map((e) => `${dataVar}${e.instancePath} ${validationMessage(e) ?? 'is not valid'}`).join(', '));
}

// fastify takes the query's schema as `querystring` or `query`.
const PARTS = ['body', 'querystring', 'query', 'params'] as const;

/** Every route registered in `scope` from now on obeys the input rules. */
export function useInputRules(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema) return;
    for (const part of PARTS) if (schema[part] !== undefined) schema[part] = withTextRules(schema[part]);
    route.schemaErrorFormatter ??= formatValidation;
    route.preHandler = [refuseUnboundedNumbers, ...[route.preHandler ?? []].flat()];
  });
}
