import { oigError } from '../../errors';
import type { EnumType, PrimitiveType } from './schema';

/**
 * Text ↔ value for XSD simple types. xs:long is kept as a canonical decimal string, because
 * OIG session ids use the full 63 bits and a JavaScript number holds only 53.
 */
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT_RANGE = { int: [-(2 ** 31), 2 ** 31 - 1], short: [-(2 ** 15), 2 ** 15 - 1] } as const;

export type SimpleValue = string | number | boolean;

function invalid(where: string, type: string, text: string): never {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  throw oigError('OIG_SOAP_INVALID_VALUE', `${where} must be ${type}, got '${shown}'`);
}

export function parseSimple(type: PrimitiveType | EnumType, raw: string, where: string): SimpleValue {
  if (type.kind === 'enum') {
    const text = raw.trim();
    if (!type.values.includes(text)) invalid(where, `one of ${type.values.join(', ')}`, text);
    return text;
  }
  const text = type.name === 'string' ? raw : raw.trim();
  switch (type.name) {
    case 'string':
      return text;
    case 'long': {
      if (!/^[+-]?\d{1,20}$/.test(text)) invalid(where, 'xs:long', text);
      const value = BigInt(text);
      if (value < LONG_MIN || value > LONG_MAX) invalid(where, 'xs:long', text);
      return value.toString();
    }
    case 'int':
    case 'short': {
      const [min, max] = INT_RANGE[type.name];
      if (!/^[+-]?\d{1,10}$/.test(text)) invalid(where, `xs:${type.name}`, text);
      const value = Number(text);
      if (value < min || value > max) invalid(where, `xs:${type.name}`, text);
      return value;
    }
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return invalid(where, 'xs:boolean', text);
    case 'double': {
      if (!/^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/.test(text)) invalid(where, 'xs:double', text);
      return text === 'INF' ? Infinity : text === '-INF' ? -Infinity : Number(text);
    }
    case 'dateTime':
      if (!/^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/.test(text) || Number.isNaN(Date.parse(text))) {
        invalid(where, 'xs:dateTime', text);
      }
      return text;
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes element text (& < > only, so messages stay readable on the wire). */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => XML_ESCAPES[c] as string);
}

/** Escapes a double-quoted attribute value. */
export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"]/g, (c) => XML_ESCAPES[c] as string);
}

/** The lexical form of a simple value, unescaped. */
export function formatSimple(type: PrimitiveType | EnumType, value: unknown): string {
  if (type.kind === 'primitive') {
    if (type.name === 'boolean') return value ? 'true' : 'false';
    if (type.name === 'dateTime' && value instanceof Date) return value.toISOString();
    if (type.name === 'double' && typeof value === 'number' && !Number.isFinite(value)) {
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'INF' : '-INF';
    }
  }
  return String(value);
}
