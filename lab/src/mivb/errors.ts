/** The error codes of docs/pbx-link-protocol.md ("Error codes"). */
export type LinkErrorCode =
  | 'BAD_REQUEST'
  | 'NO_SUCH_DEVICE'
  | 'NOT_IN_SERVICE'
  | 'COS_CALL_CONTROL_DENIED'
  | 'COS_MONITOR_DENIED'
  | 'NO_SUCH_MONITOR'
  | 'NO_SUCH_CALL'
  | 'INVALID_STATE'
  | 'DESTINATION_BUSY'
  | 'DESTINATION_DO_NOT_DISTURB'
  | 'NO_SUCH_NUMBER'
  | 'BAD_PIN'
  | 'NOT_LOGGED_IN'
  | 'ALREADY_LOGGED_IN'
  | 'INTERNAL';

/** A refused request: the link answers `{ok:false, error:{code, message}}`, the control API a 4xx. */
export class MivbError extends Error {
  override readonly name = 'MivbError';
  constructor(
    readonly code: LinkErrorCode,
    message: string,
  ) {
    super(message);
  }
}
