import { describe, expect, it } from 'vitest';
import { readXml } from '../../src/transport/soap/xml-reader';

const limits = { maxDepth: 8, maxNodes: 50 };

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
});
