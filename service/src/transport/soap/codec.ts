import { oigError } from '../../errors';
import type { ComplexType, ElementField } from './schema';
import { escapeAttribute, escapeText, formatSimple, parseSimple } from './values';
import type { XmlElement } from './xml-reader';

/**
 * Decoding of request elements and encoding of response elements, driven by the catalogue's
 * types. Decoded values are plain objects: attributes and child elements by name, repeated
 * elements as arrays, xs:long as decimal strings.
 */
export type Decoded = { [name: string]: unknown };

export function decodeComplex(type: ComplexType, node: XmlElement, where: string): Decoded {
  const out: Decoded = {};
  for (const a of type.attributes) {
    const raw = node.attributes.get(a.name);
    if (raw === undefined) {
      if (a.required) throw oigError('OIG_SOAP_MISSING_ELEMENT', `Missing required attribute '${a.name}' of '${where}'`);
      continue;
    }
    out[a.name] = parseSimple(a.type, raw, `Attribute '${a.name}' of '${where}'`);
  }
  for (const field of type.fields) {
    // Matched by local name: clients differ in how they qualify child elements, and the
    // names are unique within each OIG type.
    const nodes = node.children.filter((c) => c.local === field.name);
    if (nodes.length < field.minOccurs) {
      throw oigError('OIG_SOAP_MISSING_ELEMENT', `Missing required element '${field.name}' in '${where}'`);
    }
    if (field.maxOccurs === 1 && nodes.length > 1) {
      throw oigError('OIG_SOAP_TOO_MANY_ELEMENTS', `Element '${field.name}' appears ${nodes.length} times in '${where}'; at most once is allowed`);
    }
    const values = nodes.map((n) => decodeField(field, n, `${where}/${field.name}`));
    if (field.maxOccurs === 'unbounded') out[field.name] = values;
    else if (values.length === 1) out[field.name] = values[0];
  }
  return out;
}

function decodeField(field: ElementField, node: XmlElement, where: string): unknown {
  if (field.type.kind === 'complex') return decodeComplex(field.type, node, where);
  const fieldName = where.slice(where.lastIndexOf('/') + 1);
  return parseSimple(field.type, node.text, `Element '${fieldName}' of '${where.slice(0, where.lastIndexOf('/'))}'`);
}

/** Prefixes for the namespaces of one response, so nested elements are qualified correctly. */
export class PrefixMap {
  private readonly prefixes = new Map<string, string>();

  prefixFor(namespace: string): string {
    let prefix = this.prefixes.get(namespace);
    if (!prefix) {
      prefix = this.prefixes.size === 0 ? 'ns' : `ax${this.prefixes.size}`;
      this.prefixes.set(namespace, prefix);
    }
    return prefix;
  }

  declarations(): string {
    return [...this.prefixes].map(([ns, p]) => ` xmlns:${p}="${ns}"`).join('');
  }
}

/**
 * Encodes `value` as the element `name` (in `namespace`) of complex type `type`. Missing
 * required parts are a programming error of the handler, so they throw a plain Error.
 */
export function encodeComplex(name: string, namespace: string, type: ComplexType, value: Decoded, prefixes: PrefixMap): string {
  const tag = `${prefixes.prefixFor(namespace)}:${name}`;
  let attrs = '';
  for (const a of type.attributes) {
    const v = value[a.name];
    if (v === undefined || v === null) {
      if (a.required) throw new Error(`encoding ${type.name}: required attribute '${a.name}' missing`);
      continue;
    }
    attrs += ` ${a.name}="${escapeAttribute(formatSimple(a.type, v))}"`;
  }
  let body = '';
  for (const field of type.fields) {
    const v = value[field.name];
    const items = v === undefined || v === null ? [] : field.maxOccurs === 'unbounded' && Array.isArray(v) ? v : [v];
    if (items.length < field.minOccurs) throw new Error(`encoding ${type.name}: required element '${field.name}' missing`);
    for (const item of items) body += encodeField(field, item, type.namespace, prefixes);
  }
  return body === '' ? `<${tag}${attrs}/>` : `<${tag}${attrs}>${body}</${tag}>`;
}

function encodeField(field: ElementField, value: unknown, namespace: string, prefixes: PrefixMap): string {
  if (field.type.kind === 'complex') {
    return encodeComplex(field.name, namespace, field.type, value as Decoded, prefixes);
  }
  const tag = `${prefixes.prefixFor(namespace)}:${field.name}`;
  return `<${tag}>${escapeText(formatSimple(field.type, value))}</${tag}>`;
}
