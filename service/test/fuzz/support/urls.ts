import fc from 'fast-check';
import type { Json } from './json-values';

/** Path segments and query strings for the fuzzer, percent-encoded byte by byte (encodeURIComponent refuses lone surrogates). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Escapes no decoder should trip over: broken, overlong and surrogate UTF-8, NUL, dot segments. */
export const rawEscapes = fc.constantFrom('%', '%zz', '%0', '%00', '%C0%AF', '%ED%A0%80', '%FF%FE', '%2e%2e', '..', '%252e', '+', '%20', ';', '%3B');

/** A query string of `value`'s fields (a repeated field for an array, JSON for an object), now and then with raw escapes or junk. */
export function queryOf(value: Json, junk: string | undefined): string {
  const parts: string[] = [];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) {
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) parts.push(`${percentEncode(key)}=${percentEncode(typeof item === 'string' ? item : (JSON.stringify(item) ?? ''))}`);
    }
  }
  if (junk !== undefined) parts.push(junk);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export const queryJunk: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 6 },
  { arbitrary: rawEscapes.map((e) => `x=${e}`), weight: 1 },
  { arbitrary: fc.constantFrom('&&&', '=', '==', 'a', 'a=1&a=2', `${'k='.repeat(2000)}`, `long=${'A'.repeat(8000)}`, '__proto__[x]=1', 'constructor[prototype][x]=1'), weight: 1 },
);
