import type { HelperErrorCode } from './protocol';

/** A refusal or failure with a code from the protocol's list and a message for a person. */
export class HelperError extends Error {
  constructor(
    readonly code: HelperErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HelperError';
  }
}

export const helperError = (code: HelperErrorCode, message: string): HelperError => new HelperError(code, message);

/** Any thrown value as a coded failure (unexpected ones are internal, with their message). */
export function failureOf(err: unknown): HelperError {
  if (err instanceof HelperError) return err;
  return new HelperError('OIG_HELPER_INTERNAL', `The helper failed: ${(err as Error)?.message ?? String(err)}`);
}
