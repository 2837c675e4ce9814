import fc from 'fast-check';

/**
 * JSON for the fuzzer: values made from a JSON Schema (the admin API's OpenAPI document), with
 * known-good values by property name, and mutations of them: wrong types, huge and hostile
 * strings (NUL, controls, lone surrogates, unicode), deep nesting, extra and missing fields.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { readonly [key: string]: unknown };

/** Known-good values by property name, so a mutated body still gets past most checks but the one mutated. */
export type JsonSeeds = Readonly<Record<string, fc.Arbitrary<Json>>>;

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\u0001',
    '\t',
    '\r\n',
    '\u001b[31m',
    '\u007f',
    '\u0085',
    '\u2028',
    '\u202e',
    '\ud800',
    '\udfff',
    '\ufeff',
    '\uffff',
    '\u{1F4A9}',
    'é',
    '%00',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '1e309',
    '-0',
    'NaN',
    'null',
    'true',
    '0x10',
    '99999999999999999999',
    '2026-13',
    '9999-99',
    '0000-00',
    '127.0.0.1',
    '::1',
    '999.1.1.1',
    'a@b',
    'x'.repeat(257),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.nat({ max: 70_000 }).map((n) => 'A'.repeat(n)),
);

/** Deep nesting (deeper still as raw text in bodyText: the test's own JSON.stringify and structuredClone recurse). */
const deep: fc.Arbitrary<Json> = fc.tuple(fc.constantFrom(10, 100, 500), fc.boolean()).map(([depth, arrays]) => {
  let value: Json = 1;
  for (let i = 0; i < depth; i += 1) value = arrays ? [value] : { a: value };
  return value;
});

export const hostileJson: fc.Arbitrary<Json> = fc.oneof(
  hostileString,
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, [], {}, [null], { '': '' }, JSON.parse('{"__proto__":{"polluted":1}}') as Json, { constructor: { prototype: { polluted: 1 } } }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  deep,
);

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value the schema accepts (most of the time: patterns and seeds aside), seeded by property name. */
export function valueOf(schema: unknown, seeds: JsonSeeds, name?: string): fc.Arbitrary<Json> {
  const seed = name === undefined ? undefined : seeds[name];
  if (seed) return seed;
  if (!isSchema(schema)) return fc.constant(null);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  if (schema.const !== undefined) return fc.constant(schema.const as Json);
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (union) return fc.oneof(...union.map((s) => valueOf(s, seeds, name)));
  switch (schema.type) {
    case 'object': {
      const properties = (isSchema(schema.properties) ? schema.properties : {}) as Record<string, unknown>;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const model = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, valueOf(s, seeds, key)]));
      return fc.record(model, { requiredKeys: [...required].filter((k) => k in model) }) as fc.Arbitrary<Json>;
    }
    case 'array':
      return fc.array(valueOf(schema.items, seeds), { maxLength: Math.min(Number(schema.maxItems ?? 5), 5) });
    case 'string': {
      if (typeof schema.pattern === 'string' && !schema.pattern.includes('\\u0000')) return fc.stringMatching(new RegExp(schema.pattern));
      const minLength = Number(schema.minLength ?? 0);
      return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(Number(schema.maxLength ?? 40), 40)) });
    }
    case 'integer':
      return fc.integer({ min: Number(schema.minimum ?? -1000), max: Number(schema.maximum ?? 1000) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

type JsonMutation = { kind: 'replace' | 'splice' | 'drop' | 'extra' | 'wrap'; at: number; offset: number; value: Json; snippet: string; key: string };

/** Short pieces spliced into a valid string: the value stays plausible but for them. */
const snippet = fc.oneof(
  { arbitrary: fc.constantFrom('\u0000', '\u0000', '\u0001', '\t', '\n', '\r', '\u001f', '\u007f', '\u0085', '\u2028', '\ud800', '\ufeff', '\u{1F4A9}', '"', "'", '\\', '%00', ' '), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 3 }), weight: 1 },
);

const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  kind: fc.constantFrom('replace', 'replace', 'splice', 'splice', 'splice', 'splice', 'drop', 'extra', 'wrap'),
  at: fc.nat(),
  offset: fc.nat(),
  value: hostileJson,
  snippet,
  key: fc.oneof(fc.constantFrom('extra', '__proto__', 'constructor', '', '\u0000'), hostileString.map((s) => s.slice(0, 64))),
}) as fc.Arbitrary<JsonMutation>;

/** Every place a value sits in `root`: its container and key (the root itself has none). */
function places(root: Json): Array<{ container: Json[] | { [key: string]: Json }; key: string | number }> {
  const out: Array<{ container: Json[] | { [key: string]: Json }; key: string | number }> = [];
  const walk = (value: Json, depth: number): void => {
    if (depth > 20 || value === null || typeof value !== 'object') return;
    const entries: Array<[string | number, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      out.push({ container: value, key });
      walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

function applyMutation(root: Json, m: JsonMutation): Json {
  const spots = places(root);
  // The body as a whole now and then; mostly one of its values.
  const spot = m.at % 10 === 0 ? undefined : spots[m.at % spots.length];
  if (!spot) return m.kind === 'wrap' ? [root] : m.kind === 'replace' ? structuredClone(m.value) : root;
  const { container, key } = spot;
  // A copy: the hostile constants are shared between runs, and one inserted twice would make a cycle.
  const value = structuredClone(m.value);
  const get = (): Json => (Array.isArray(container) ? container[key as number] : container[key as string]) as Json;
  const set = (value: Json): void => {
    if (Array.isArray(container)) container[key as number] = value;
    else Object.defineProperty(container, key as string, { value, enumerable: true, writable: true, configurable: true });
  };
  switch (m.kind) {
    case 'replace':
      set(value);
      break;
    case 'splice': {
      const current = get();
      if (typeof current === 'string') {
        const at = m.offset % (current.length + 1);
        set(`${current.slice(0, at)}${m.snippet}${current.slice(at)}`);
      } else set(value);
      break;
    }
    case 'drop':
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      break;
    case 'extra':
      if (!Array.isArray(container)) Object.defineProperty(container, m.key, { value, enumerable: true, writable: true, configurable: true });
      else container.push(value);
      break;
    case 'wrap':
      set([get()]);
      break;
  }
  return root;
}

/** `base` with up to three mutations (none a quarter of the time: valid bodies reach the handlers). */
export function mutatedJson(base: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc
    .tuple(base, fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: fc.array(jsonMutation, { minLength: 1, maxLength: 3 }), weight: 3 }))
    .map(([value, mutations]) => mutations.reduce<Json>((v, m) => applyMutation(v, m), structuredClone(value)));
}

/** The text of a body: JSON, now and then truncated or not JSON at all. */
export function bodyText(value: fc.Arbitrary<Json>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: value.map((v) => JSON.stringify(v) ?? 'null'), weight: 16 },
    { arbitrary: fc.tuple(value, fc.nat()).map(([v, at]) => { const text = JSON.stringify(v) ?? ''; return text.slice(0, at % (text.length + 1)); }), weight: 2 },
    { arbitrary: hostileString, weight: 2 },
    { arbitrary: fc.constantFrom(30_000, 1_000).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`), weight: 1 },
  );
}
