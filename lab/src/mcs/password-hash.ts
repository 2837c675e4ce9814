import { randomBytes, scryptSync } from 'node:crypto';

/**
 * Application passwords travel in the ACL only as hashes, in the format the gateway reads:
 * `scrypt$N$r$p$<salt b64>$<hash b64>` (documented in lab/README.md).
 */
export function hashApplicationPassword(password: string): string {
  const N = 16384;
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r: 8, p: 1 });
  return `scrypt$${N}$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}
