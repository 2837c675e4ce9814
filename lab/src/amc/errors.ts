/** The lab AMC's error codes (lab/README.md "The lab AMC", "Errors"), each with its HTTP status. */
export const AMC_ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_RECORD: 400,
  UNKNOWN_ARID: 404,
  UNKNOWN_GUID: 404,
  NOT_FOUND: 404,
  ALREADY_BOUND: 409,
  NOT_BOUND: 409,
  TRIAL_EXPIRED: 410,
  BODY_TOO_LARGE: 413,
  PLATFORM_MISMATCH: 422,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type AmcErrorCode = keyof typeof AMC_ERROR_STATUS;

/** A refused request: answered as `{"error":{"code","message"}}` with the code's HTTP status. */
export class AmcError extends Error {
  override readonly name = 'AmcError';
  constructor(
    readonly code: AmcErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return AMC_ERROR_STATUS[this.code];
  }
}
