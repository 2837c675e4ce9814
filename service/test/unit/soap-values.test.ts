import { describe, expect, it } from 'vitest';
import { XS, enumType } from '../../src/transport/soap/schema';
import { escapeAttribute, escapeText, formatSimple, parseSimple } from '../../src/transport/soap/values';

describe('XSD simple values', () => {
  it('xs:long keeps all 63 bits as a canonical decimal string and refuses out-of-range values', () => {
    expect(parseSimple(XS.long, ' 9223372036854775807 ', 'x')).toBe('9223372036854775807');
    expect(parseSimple(XS.long, '+007', 'x')).toBe('7');
    expect(parseSimple(XS.long, '-9223372036854775808', 'x')).toBe('-9223372036854775808');
    expect(() => parseSimple(XS.long, '9223372036854775808', 'x')).toThrow(/must be xs:long/);
    expect(() => parseSimple(XS.long, '1e3', 'x')).toThrow(/must be xs:long/);
    expect(() => parseSimple(XS.long, '', 'x')).toThrow(/must be xs:long/);
  });

  it('xs:int, xs:boolean, xs:dateTime and enumerations', () => {
    expect(parseSimple(XS.int, '2147483647', 'x')).toBe(2147483647);
    expect(() => parseSimple(XS.int, '2147483648', 'x')).toThrow(/xs:int/);
    expect(parseSimple(XS.boolean, '1', 'x')).toBe(true);
    expect(parseSimple(XS.boolean, 'false', 'x')).toBe(false);
    expect(() => parseSimple(XS.boolean, 'yes', 'x')).toThrow(/xs:boolean/);
    expect(parseSimple(XS.dateTime, '2026-11-25T10:00:00Z', 'x')).toBe('2026-11-25T10:00:00Z');
    expect(() => parseSimple(XS.dateTime, '2026-13-45T10:00:00Z', 'x')).toThrow(/xs:dateTime/);
    const state = enumType('urn:x', 'State', ['HELD', 'CLEARED']);
    expect(parseSimple(state, 'HELD', 'x')).toBe('HELD');
    expect(() => parseSimple(state, 'held', 'where')).toThrow(/where must be one of HELD, CLEARED/);
  });

  it('strings are kept as sent, whitespace included', () => {
    expect(parseSimple(XS.string, '  a b  ', 'x')).toBe('  a b  ');
  });

  it('escapes text and attribute values', () => {
    expect(escapeText(`a<b>&'"`)).toBe(`a&lt;b&gt;&amp;'"`);
    expect(escapeAttribute('"<&>')).toBe('&quot;&lt;&amp;&gt;');
    expect(formatSimple(XS.boolean, 0)).toBe('false');
    expect(formatSimple(XS.double, Infinity)).toBe('INF');
  });
});
