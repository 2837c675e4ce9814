import { describe, expect, it } from 'vitest';
import { readXml } from '../../src/transport/soap/xml-reader';

const limits = { maxDepth: 8, maxNodes: 50, maxAttributesPerElement: 4, maxAttributes: 10 };

describe('hardened XML reader', () => {
  it('resolves namespaces, keeps unqualified and qualified attributes apart, and joins text and CDATA', () => {
    const root = readXml('<p:a xmlns:p="urn:p" xmlns:q="urn:q" id="1" q:x="2"><p:b>x<![CDATA[<y>]]>&amp;</p:b></p:a>', limits);
    expect(root).toMatchObject({ uri: 'urn:p', local: 'a' });
    expect(root.attributes.get('id')).toBe('1');
    expect(root.qualifiedAttributes.get('{urn:q}x')).toBe('2');
    expect(root.children[0]?.text).toBe('x<y>&');
  });

  it('refuses any DOCTYPE, even one without entities', () => {
    expect(() => readXml('<!DOCTYPE a><a/>', limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_DOCTYPE_FORBIDDEN' }));
  });

  it('refuses undeclared entities, depth and node count beyond the limits, and trailing garbage', () => {
    expect(() => readXml('<a>&x;</a>', limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_MALFORMED_XML' }));
    expect(() => readXml(`${'<a>'.repeat(9)}${'</a>'.repeat(9)}`, limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_TOO_DEEP' }));
    expect(() => readXml(`<a>${'<b/>'.repeat(50)}</a>`, limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_TOO_MANY_NODES' }));
    expect(() => readXml('<a/><b/>', limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_MALFORMED_XML' }));
  });

  it('refuses more attributes on one element, or in all, than the limits (issue #11), namespace declarations included', () => {
    const attrs = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => ` a${from + i}="1"`).join('');
    expect(readXml(`<a${attrs(4)}><b${attrs(4)}/><c xmlns="urn:c" x="1"/></a>`, limits).children).toHaveLength(2);
    expect(() => readXml(`<a${attrs(5)}/>`, limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_TOO_MANY_ATTRIBUTES', message: expect.stringMatching(/element has more than 4/) }));
    expect(() => readXml('<a xmlns="urn:a" xmlns:p="urn:p" xmlns:q="urn:q" xmlns:r="urn:r" x="1"/>', limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_TOO_MANY_ATTRIBUTES' }));
    expect(() => readXml(`<a>${'<b x="1" y="2"/>'.repeat(6)}</a>`, limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_TOO_MANY_ATTRIBUTES', message: expect.stringMatching(/more than 10 attributes/) }));
  });

  it('stops at the first attribute over the cap: what follows it is never read (issue #11)', () => {
    // Malformed after the cap: a reader that finished the tag first would report that instead.
    expect(() => readXml('<a x="1" a1="1" a2="2" a3="3" a4="4" <<<', limits)).toThrow(expect.objectContaining({ code: 'OIG_SOAP_TOO_MANY_ATTRIBUTES' }));
    const huge = `<a${Array.from({ length: 100_000 }, (_, i) => ` a${i}="1"`).join('')}/>`;
    expect(() => readXml(huge, { maxDepth: 32, maxNodes: 10_000 })).toThrow(expect.objectContaining({ code: 'OIG_SOAP_TOO_MANY_ATTRIBUTES', message: expect.stringMatching(/more than 64/) }));
  });
});
