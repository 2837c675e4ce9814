import { describe, expect, it } from 'vitest';
import { PasswordVerifier, hashPassword, isPasswordHash } from '../../src/domain/passwords';

describe('password hashes', () => {
  it('verify the right password only, also once a success is remembered', async () => {
    const verifier = new PasswordVerifier();
    const hash = await hashPassword('s3cret');
    expect(isPasswordHash(hash)).toBe(true);
    expect(hash).not.toContain('s3cret');
    expect(await verifier.verify('s3cret', hash)).toBe(true);
    expect(await verifier.verify('s3cret', hash)).toBe(true);
    expect(await verifier.verify('S3cret', hash)).toBe(false);
    expect(await verifier.verify('', hash)).toBe(false);
  });

  it('salt each hash, and refuse malformed stored values', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
    expect(await new PasswordVerifier().verify('x', 'plain-text')).toBe(false);
    expect(isPasswordHash('scrypt$1$8$1$AAAA$BBBB')).toBe(false);
  });
});
