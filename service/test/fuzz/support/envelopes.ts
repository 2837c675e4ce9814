import fc from 'fast-check';
import type { OperationDef, ServiceDef } from '../../../src/transport/soap/catalogue/types';
import type { Decoded } from '../../../src/transport/soap/codec';
import type { ComplexType, EnumType, PrimitiveType } from '../../../src/transport/soap/schema';

/**
 * SOAP envelopes for the fuzzer, built from the operation catalogue: valid ones (with the value
 * the decoder must read from each), near-valid ones (a valid one with a few mutations of its
 * tree or its text), and XML-like soup.
 */
const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';

/** An element as built here. Attribute values and text are XML as written: a mutation may put anything there. */
export interface XNode {
  name: string;
  attrs: Array<[string, string]>;
  children: XNode[];
  text: string;
}

/** Known-good values by element or attribute name (lexical forms), so near-valid requests get past the first check. */
export type Seeds = Readonly<Record<string, fc.Arbitrary<string>>>;

export interface FuzzEnvelope {
  readonly xml: string;
  readonly soapAction: string | undefined;
  readonly operation: OperationDef;
  /** What decodeRequest must answer for an unmutated envelope. */
  readonly expected: Decoded;
  readonly mutations: number;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text XML carries exactly as written: no controls (XML turns CR into LF, and TAB/LF in attributes into spaces). */
const xmlText = fc.string({ unit: 'grapheme', maxLength: 24 }).map((s) => s.replace(/[^\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''));

interface Simple {
  readonly text: string;
  readonly value: unknown;
}

function simple(type: PrimitiveType | EnumType, seed: fc.Arbitrary<string> | undefined): fc.Arbitrary<Simple> {
  if (type.kind === 'enum') return fc.constantFrom(...type.values).map((v) => ({ text: v, value: v }));
  const withSeed = (arb: fc.Arbitrary<string>, decode: (text: string) => unknown): fc.Arbitrary<Simple> =>
    (seed ? fc.oneof({ arbitrary: seed, weight: 3 }, { arbitrary: arb, weight: 1 }) : arb).map((text) => ({ text, value: decode(text) }));
  switch (type.name) {
    case 'string':
      return withSeed(xmlText, (text) => text);
    case 'long':
      return withSeed(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), (text) => BigInt(text).toString());
    case 'int':
      return withSeed(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(String), Number);
    case 'short':
      return withSeed(fc.integer({ min: -(2 ** 15), max: 2 ** 15 - 1 }).map(String), Number);
    case 'boolean':
      return fc.constantFrom<Simple>({ text: 'true', value: true }, { text: 'false', value: false }, { text: '1', value: true }, { text: '0', value: false });
    case 'double':
      return fc.double().map((d) => {
        const text = Number.isNaN(d) ? 'NaN' : d === Infinity ? 'INF' : d === -Infinity ? '-INF' : String(d);
        return { text, value: Number.isFinite(d) ? Number(text) : d };
      });
    case 'dateTime':
      return fc
        .date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') })
        .map((d) => ({ text: d.toISOString(), value: d.toISOString() }));
  }
}

interface Generated {
  readonly node: XNode;
  readonly value: unknown;
}

function complex(type: ComplexType, name: string, prefix: string, seeds: Seeds): fc.Arbitrary<Generated> {
  const attributes = type.attributes.map((a) => {
    const one = simple(a.type, seeds[a.name]).map((v) => ({ name: a.name, ...v }));
    return a.required ? one.map((v) => [v]) : fc.option(one, { nil: undefined }).map((v) => (v ? [v] : []));
  });
  const fields = type.fields.map((field) => {
    const one: fc.Arbitrary<Generated> =
      field.type.kind === 'complex'
        ? complex(field.type, field.name, prefix, seeds)
        : simple(field.type, seeds[field.name]).map((v) => ({ node: { name: `${prefix}${field.name}`, attrs: [], children: [], text: escape(v.text) }, value: v.value }));
    const items = field.maxOccurs === 'unbounded' ? fc.array(one, { maxLength: 3 }) : field.minOccurs === 1 ? one.map((v) => [v]) : fc.option(one, { nil: undefined }).map((v) => (v ? [v] : []));
    return items.map((generated) => ({ field, generated }));
  });
  return fc.tuple(fc.tuple(...attributes), fc.tuple(...fields)).map(([attrs, parts]) => {
    const node: XNode = { name: `${prefix}${name}`, attrs: [], children: [], text: '' };
    const value: Decoded = {};
    for (const a of attrs.flat()) {
      node.attrs.push([a.name, escape(a.text)]);
      value[a.name] = a.value;
    }
    for (const { field, generated } of parts) {
      node.children.push(...generated.map((g) => g.node));
      // As decodeComplex reads them: a repeated element is always an array, an absent one is left out.
      if (field.maxOccurs === 'unbounded') value[field.name] = generated.map((g) => g.value);
      else if (generated[0]) value[field.name] = generated[0].value;
    }
    return { node, value };
  });
}

/** Serialises a tree; text and attribute values are written as they are. */
export function xmlOf(node: XNode): string {
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${v}"`).join('');
  const inner = `${node.text}${node.children.map(xmlOf).join('')}`;
  return inner === '' ? `<${node.name}${attrs}/>` : `<${node.name}${attrs}>${inner}</${node.name}>`;
}

interface Style {
  readonly declaration: boolean;
  readonly envelopePrefix: string;
  readonly childPrefix: '' | 't:';
  readonly header: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  declaration: fc.boolean(),
  envelopePrefix: fc.constantFrom('soapenv', 'S', 'soap'),
  childPrefix: fc.constantFrom<'' | 't:'>('', 't:'),
  header: fc.boolean(),
});

interface Built {
  readonly root: XNode;
  readonly declaration: boolean;
  readonly operation: OperationDef;
  readonly expected: Decoded;
}

function built(service: ServiceDef, seeds: Seeds, operations: readonly OperationDef[]): fc.Arbitrary<Built> {
  return fc.tuple(fc.constantFrom(...operations), style).chain(([operation, s]) =>
    complex(operation.request, operation.request.name, s.childPrefix, seeds).map(({ node, value }) => {
      const payload: XNode = { ...node, name: `svc:${operation.request.name}` };
      const e = s.envelopePrefix;
      const body: XNode = { name: `${e}:Body`, attrs: [], children: [payload], text: '' };
      const root: XNode = {
        name: `${e}:Envelope`,
        attrs: [
          [`xmlns:${e}`, SOAP11_NS],
          ['xmlns:svc', service.namespace],
          ['xmlns:t', service.typesSchemas[0]?.namespace ?? service.namespace],
        ],
        children: s.header ? [{ name: `${e}:Header`, attrs: [], children: [], text: '' }, body] : [body],
        text: '',
      };
      return { root, declaration: s.declaration, operation, expected: value as Decoded };
    }),
  );
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Strings that break parsers, type checks and escaping: controls, bad references, markup, edge numbers, huge text. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '&#0;',
    '&#x0;',
    '&#1;',
    '&#x1F;',
    '&#xFFFE;',
    '&#xD800;',
    '&#1114112;',
    '&#99999999999999999999;',
    '&lt;',
    '&unknown;',
    '&',
    '<',
    ']]>',
    '<![CDATA[<x>&]]>',
    '<!-- c -->',
    '<?pi x?>',
    '"',
    '\uFFFE',
    '\uD800',
    '\u{1F4A9}',
    '\u202E',
    'NaN',
    'INF',
    '1e309',
    '-1',
    '99999999999999999999',
    '9223372036854775808',
    '-9223372036854775809',
    '2147483648',
    '32768',
    'yes',
    '2026-13-45T25:61:61Z',
    ' 1 ',
    '+1',
    '1.5',
    '0x10',
    '<x/>',
    '</Body>',
    'xmlns="urn:x"',
    '\t\n\r',
  ),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.nat({ max: 100_000 }).map((n) => 'A'.repeat(n)),
);

type Mutation =
  | { kind: 'drop' | 'duplicate' | 'deep' | 'wide' | 'rename'; at: number; pick: number }
  | { kind: 'text' | 'escapedText' | 'child' | 'attr'; at: number; pick: number; text: string };

// Weighted towards mutations that keep the XML well-formed, so most requests reach the decoder's type checks and the handlers.
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('drop', 'duplicate', 'rename', 'deep', 'wide'), at: fc.nat(), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constantFrom('escapedText', 'escapedText', 'child', 'attr', 'text'), at: fc.nat(), pick: fc.nat(), text: hostileText }), weight: 3 },
) as fc.Arbitrary<Mutation>;

type TextMutation = { kind: 'truncate' | 'insert' | 'replace' | 'prefix' | 'suffix'; at: number; text: string };

const textMutation: fc.Arbitrary<TextMutation> = fc.record({
  kind: fc.constantFrom('truncate', 'insert', 'replace', 'prefix', 'suffix'),
  at: fc.nat(),
  text: fc.oneof(
    hostileText,
    fc.constantFrom('\uFEFF', '<!DOCTYPE x>', '<?xml version="1.0" encoding="UTF-16"?>', '<x/>', `<E:Envelope xmlns:E="${SOAP12_NS}"><E:Body/></E:Envelope>`),
  ),
}) as fc.Arbitrary<TextMutation>;

const clone = (node: XNode): XNode => ({ name: node.name, attrs: node.attrs.map(([k, v]) => [k, v]), children: node.children.map(clone), text: node.text });

function nodesOf(root: XNode): Array<{ node: XNode; parent: XNode | undefined }> {
  const out: Array<{ node: XNode; parent: XNode | undefined }> = [];
  const walk = (node: XNode, parent: XNode | undefined): void => {
    out.push({ node, parent });
    for (const child of node.children) walk(child, node);
  };
  walk(root, undefined);
  return out;
}

const pickOf = <T>(items: readonly T[], pick: number): T => items[pick % items.length] as T;

function mutate(root: XNode, m: Mutation): void {
  const nodes = nodesOf(root);
  const { node, parent } = pickOf(nodes, m.at);
  switch (m.kind) {
    case 'drop':
      if (parent) parent.children.splice(parent.children.indexOf(node), 1);
      return;
    case 'duplicate':
      if (parent) parent.children.splice(parent.children.indexOf(node), 0, clone(node));
      return;
    case 'deep': {
      // Written out at once: a tree this deep would overflow the serialiser's own stack.
      const depth = pickOf([5, 40, 5_000], m.pick);
      node.text = `${'<d>'.repeat(depth)}${node.text}${node.children.map(xmlOf).join('')}${'</d>'.repeat(depth)}`;
      node.children = [];
      return;
    }
    case 'wide': {
      const count = pickOf([3, 300, 20_000], m.pick);
      node.children.push(...Array.from({ length: count }, () => ({ name: 'w', attrs: [], children: [], text: '' })));
      return;
    }
    case 'rename': {
      const local = node.name.slice(node.name.indexOf(':') + 1);
      const prefix = node.name.includes(':') ? node.name.slice(0, node.name.indexOf(':') + 1) : '';
      node.name = pickOf([`${prefix}${local.toUpperCase()}`, `undeclared:${local}`, local, `${prefix}${local}x`, `t:${local}`, `svc:${local}`], m.pick);
      return;
    }
    case 'text':
      node.text = m.text;
      return;
    case 'escapedText':
      node.text = escape(m.text);
      return;
    case 'child':
      node.children.splice(m.pick % (node.children.length + 1), 0, {
        name: pickOf(['x', 'unknown', node.name, 'sessionId', 'svc:unknown'], m.pick),
        attrs: [],
        children: [],
        text: escape(m.text),
      });
      return;
    case 'attr': {
      const names = ['foo', 'xsi:nil', 'xmlns:xsi', 'soapenv:mustUnderstand', 'xmlns', 'xmlns:svc', ...node.attrs.map(([k]) => k)];
      node.attrs.push([pickOf(names, m.pick), m.pick % 2 === 0 ? escape(m.text) : m.text]);
      return;
    }
  }
}

function mutateText(xml: string, m: TextMutation): string {
  const at = m.at % (xml.length + 1);
  switch (m.kind) {
    case 'truncate':
      return xml.slice(0, at);
    case 'insert':
      return `${xml.slice(0, at)}${m.text}${xml.slice(at)}`;
    case 'replace':
      return `${xml.slice(0, at)}${m.text}${xml.slice(at + 1)}`;
    case 'prefix':
      return `${m.text}${xml}`;
    case 'suffix':
      return `${xml}${m.text}`;
  }
}

function soapActionFor(service: ServiceDef, operation: OperationDef): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(undefined, operation.soapAction, `"${operation.soapAction}"`), weight: 10 },
    { arbitrary: fc.constantFrom(...service.operations.map((o) => o.soapAction)), weight: 1 },
    { arbitrary: hostileText, weight: 1 },
  );
}

const serialise = (b: { root: XNode; declaration: boolean }): string => `${b.declaration ? DECLARATION : ''}${xmlOf(b.root)}`;

/** A valid request of one of the operations, with what it decodes to. */
export function validEnvelope(service: ServiceDef, options: { seeds?: Seeds; operations?: readonly OperationDef[] } = {}): fc.Arbitrary<FuzzEnvelope> {
  return built(service, options.seeds ?? {}, options.operations ?? service.operations).chain((b) =>
    fc.constantFrom(undefined, b.operation.soapAction).map((soapAction) => ({ xml: serialise(b), soapAction, operation: b.operation, expected: b.expected, mutations: 0 })),
  );
}

/** A valid request with one to three mutations of its tree and at most one of its text. */
export function nearValidEnvelope(service: ServiceDef, options: { seeds?: Seeds; operations?: readonly OperationDef[] } = {}): fc.Arbitrary<FuzzEnvelope> {
  return built(service, options.seeds ?? {}, options.operations ?? service.operations).chain((b) =>
    fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: textMutation, weight: 1 }), soapActionFor(service, b.operation)).map(([mutations, text, soapAction]) => {
      const root = clone(b.root);
      for (const m of mutations) mutate(root, m);
      const xml = serialise({ root, declaration: b.declaration });
      return { xml: text ? mutateText(xml, text) : xml, soapAction, operation: b.operation, expected: b.expected, mutations: mutations.length + (text ? 1 : 0) };
    }),
  );
}

/** Anything at all, and XML-looking soup of tags, references and text. */
export const xmlSoup: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom('<', '>', '</', '/>', '<a>', '</a>', '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">', '<soapenv:Body>', '</soapenv:Body>', '</soapenv:Envelope>', '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '<!DOCTYPE a [<!ENTITY e "x">]>', '&e;', 'xmlns:p="urn:p"', '="', '"'),
        hostileText,
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join('')),
);
