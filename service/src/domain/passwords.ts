import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes in the form `scrypt$N$r$p$<salt b64>$<hash b64>` (local passwords, and the
 * application passwords in the certificate server's ACL).
 *
 * scrypt costs ~30 ms of CPU by design. Applications log in again and again with the same
 * credentials, so a successful check is remembered as a keyed HMAC of the password (key random
 * per process, never stored), bounded in size and dropped when the stored hash changes.
 */
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const CACHE_LIMIT = 20_000;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keyLength, { ...options, maxmem: 256 * options.N! * options.r! }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function parseHash(stored: string): { N: number; r: number; p: number; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every(Number.isSafeInteger) || N < 2 || N > 1 << 20 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(parts[4] as string, 'base64');
  const hash = Buffer.from(parts[5] as string, 'base64');
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { N, r, p, salt, hash };
}

export function isPasswordHash(stored: string): boolean {
  return parseHash(stored) !== undefined;
}

export class PasswordVerifier {
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new Map<string, Buffer>();

  private tag(password: string): Buffer {
    return createHmac('sha256', this.cacheKey).update(password, 'utf8').digest();
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const known = this.verified.get(stored);
    const tag = this.tag(password);
    if (known) return timingSafeEqual(known, tag);
    const parsed = parseHash(stored);
    if (!parsed) return false;
    const hash = await scrypt(password, parsed.salt, parsed.hash.length, { N: parsed.N, r: parsed.r, p: parsed.p });
    const ok = timingSafeEqual(hash, parsed.hash);
    if (ok) {
      if (this.verified.size >= CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(stored, tag);
    }
    return ok;
  }
}
