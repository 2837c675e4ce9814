import { OigError, oigError, type OigErrorCode } from '../../errors';
import { PbxError, type PbxErrorCode } from './pbx-port';

const CODES: Record<PbxErrorCode, OigErrorCode> = {
  BAD_REQUEST: 'OIG_CC_INVALID_ARGUMENT',
  NO_SUCH_DEVICE: 'OIG_CC_NO_SUCH_DEVICE',
  NOT_IN_SERVICE: 'OIG_CC_CONTROLLER_UNAVAILABLE',
  COS_CALL_CONTROL_DENIED: 'OIG_CC_COS_DENIED',
  COS_MONITOR_DENIED: 'OIG_CC_COS_DENIED',
  NO_SUCH_MONITOR: 'OIG_CC_CONTROLLER_ERROR',
  NO_SUCH_CALL: 'OIG_CC_NO_SUCH_CALL',
  INVALID_STATE: 'OIG_CC_INVALID_STATE',
  DESTINATION_BUSY: 'OIG_CC_DESTINATION_REFUSED',
  DESTINATION_DO_NOT_DISTURB: 'OIG_CC_DESTINATION_REFUSED',
  NO_SUCH_NUMBER: 'OIG_CC_DESTINATION_REFUSED',
  BAD_PIN: 'OIG_CC_HOT_DESK_REFUSED',
  NOT_LOGGED_IN: 'OIG_CC_HOT_DESK_REFUSED',
  ALREADY_LOGGED_IN: 'OIG_CC_HOT_DESK_REFUSED',
  INTERNAL: 'OIG_CC_CONTROLLER_ERROR',
  LINK_DOWN: 'OIG_CC_CONTROLLER_UNAVAILABLE',
  TIMEOUT: 'OIG_CC_CONTROLLER_UNAVAILABLE',
};

/** The seed's warning, said where the application sees it. */
const COS_OPTION: Partial<Record<PbxErrorCode, string>> = {
  COS_CALL_CONTROL_DENIED: 'HCI/CTI/TAPI Call Control Allowed',
  COS_MONITOR_DENIED: 'HCI/CTI/TAPI Monitor Allowed',
};

/** A controller's refusal (or a lost link) as the gateway's error, with the controller's reason. */
export function pbxFailure(err: unknown, dn: string | undefined): OigError {
  if (err instanceof OigError) return err;
  if (!(err instanceof PbxError)) return oigError('OIG_CC_CONTROLLER_ERROR', 'The controller request failed', err);
  const option = COS_OPTION[err.code];
  if (option) {
    return oigError(
      'OIG_CC_COS_DENIED',
      `Device ${dn ?? ''}: its Class of Service does not have "${option}" set to Yes on the MiVoice Business [${err.code}]`,
      err,
    );
  }
  const prefix = err.code === 'LINK_DOWN' || err.code === 'TIMEOUT' ? 'The controller is not reachable: ' : '';
  return oigError(CODES[err.code], `${prefix}${err.message} [${err.code}]`, err);
}
