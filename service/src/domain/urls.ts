/** True for an absolute http(s) URL of at most `maxLength` characters: where the gateway may call an application back. */
export function isHttpUrl(value: string, maxLength: number): boolean {
  if (value.length > maxLength) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
