import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSignature, signatureMatches } from '../../src/domain/sessions/advanced-auth';
import { newSessionId, parseSessionId } from '../../src/domain/sessions/session';

describe('signatures in the forms OIG clients send', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

  it('reads Java signed-byte lists and base64 alike', () => {
    expect([...parseSignature('[12,-5,0,127,-128]')]).toEqual([12, 251, 0, 127, 128]);
    expect([...parseSignature(' [ 1 , 2 ] ')]).toEqual([1, 2]);
    expect([...parseSignature('AQID')]).toEqual([1, 2, 3]);
    expect(() => parseSignature('[1,2')).toThrow(/signed bytes/);
    expect(() => parseSignature('[1,999]')).toThrow(/outside a byte/);
    expect(() => parseSignature('not base64!')).toThrow(/neither/);
  });

  it('accepts MD5withRSA and SHA256withRSA over the challenge, nothing else', () => {
    const challenge = 'challenge-text';
    expect(signatureMatches(publicKey, challenge, sign('md5', Buffer.from(challenge), privateKey))).toBe(true);
    expect(signatureMatches(publicKey, challenge, sign('sha256', Buffer.from(challenge), privateKey))).toBe(true);
    expect(signatureMatches(publicKey, challenge, sign('sha1', Buffer.from(challenge), privateKey))).toBe(false);
    expect(signatureMatches(publicKey, 'other', sign('md5', Buffer.from(challenge), privateKey))).toBe(false);
    expect(signatureMatches(publicKey, challenge, Buffer.from([1, 2, 3]))).toBe(false);
  });
});

describe('session ids', () => {
  it('are positive 63-bit values, different every time', () => {
    const ids = Array.from({ length: 1000 }, newSessionId);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(BigInt(id)).toBeGreaterThan(0n);
      expect(BigInt(id)).toBeLessThan(2n ** 63n);
    }
    // Unguessable: the high bits vary (a counter or timestamp would not).
    expect(new Set(ids.map((id) => BigInt(id) >> 55n)).size).toBeGreaterThan(100);
  });

  it('are read canonically and bounded', () => {
    expect(parseSessionId('+0042')).toBe('42');
    expect(parseSessionId(42)).toBe('42');
    expect(() => parseSessionId('0')).toThrow(/positive 63-bit/);
    expect(() => parseSessionId('9223372036854775808')).toThrow(/positive 63-bit/);
    expect(() => parseSessionId('-1')).toThrow(/positive 63-bit/);
    expect(() => parseSessionId(undefined)).toThrow(/positive 63-bit/);
  });
});
