/**
 * The one error catalogue. Every failure the gateway reports has a code here, mapped once to
 * an HTTP status, a SOAP fault code (for protocol errors) and a log level.
 * Business failures of SOAP operations are answered as result="false" + errorDescription;
 * protocol failures (bad XML, unknown operation, wrong types) as SOAP faults.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

interface ErrorSpec {
  readonly http: number;
  readonly fault: 'Client' | 'Server';
  readonly level: LogLevel;
}

const client = (http: number): ErrorSpec => ({ http, fault: 'Client', level: 'info' });
const server = (http: number): ErrorSpec => ({ http, fault: 'Server', level: 'error' });

export const errorCatalogue = {
  OIG_CONFIG_INVALID: server(500),
  OIG_INTERNAL: server(500),
  // PostgreSQL restarting or unreachable: the gateway carries on in memory; what needs the
  // database answers 503 and the caller tries again. Logged once per outage by storage, so warn.
  OIG_STORAGE_UNAVAILABLE: { http: 503, fault: 'Server', level: 'warn' },

  OIG_SOAP_MALFORMED_XML: client(400),
  OIG_SOAP_DOCTYPE_FORBIDDEN: client(400),
  OIG_SOAP_BODY_TOO_LARGE: client(413),
  OIG_SOAP_TOO_DEEP: client(400),
  OIG_SOAP_TOO_MANY_NODES: client(400),
  OIG_SOAP_TOO_MANY_ATTRIBUTES: client(400),
  OIG_SOAP_NOT_AN_ENVELOPE: client(400),
  OIG_SOAP_VERSION_MISMATCH: client(400),
  OIG_SOAP_MUST_UNDERSTAND: client(400),
  OIG_SOAP_UNKNOWN_OPERATION: client(400),
  OIG_SOAP_ACTION_MISMATCH: client(400),
  OIG_SOAP_PATH_MISMATCH: client(400),
  // No service at that path (404), or an Axis2 endpoint the OIG services never declared (the
  // plain-XML HttpEndpoint): the HTTP status says so, unlike SOAP 1.1's usual 500 for faults.
  OIG_SOAP_UNKNOWN_ENDPOINT: client(404),
  OIG_SOAP_ENDPOINT_NOT_SUPPORTED: client(404),
  OIG_SOAP_MISSING_ELEMENT: client(400),
  OIG_SOAP_TOO_MANY_ELEMENTS: client(400),
  OIG_SOAP_INVALID_VALUE: client(400),
  OIG_SOAP_OPERATION_NOT_AVAILABLE: client(501),
  OIG_SOAP_METHOD_NOT_ALLOWED: client(405),

  OIG_SESSION_ACL_UNAVAILABLE: server(503),
  OIG_SESSION_LOGIN_INCOMPLETE: client(400),
  OIG_SESSION_UNKNOWN_APPLICATION: client(403),
  OIG_SESSION_APPLICATION_REVOKED: client(403),
  OIG_SESSION_WRONG_APPLICATION_PASSWORD: client(401),
  OIG_SESSION_NO_LOCAL_ACCOUNT: client(403),
  OIG_SESSION_ACCOUNT_DISABLED: client(403),
  OIG_SESSION_WRONG_LOCAL_PASSWORD: client(401),
  OIG_SESSION_LIMIT_REACHED: client(503),
  // Refused while a lock lasts: a guesser may send thousands a second, so not logged one by one
  // (the lock is logged once, when it begins).
  OIG_SESSION_LOGIN_LOCKED: { http: 429, fault: 'Client', level: 'debug' },
  OIG_SESSION_NOT_FOUND: client(404),
  OIG_SESSION_INVALID_ID: client(400),
  OIG_SESSION_CERTIFICATE_INVALID: client(401),
  OIG_SESSION_CERTIFICATE_UNTRUSTED: client(401),
  OIG_SESSION_CERTIFICATE_EXPIRED: client(401),
  OIG_SESSION_CERTIFICATE_MISMATCH: client(401),
  OIG_SESSION_NOT_ADVANCED_APPLICATION: client(403),
  OIG_SESSION_NO_PENDING_CHALLENGE: client(409),
  OIG_SESSION_SIGNATURE_INVALID: client(401),
  OIG_SESSION_CALLBACK_URI_INVALID: client(400),

  OIG_REST_INVALID_REQUEST: client(400),
  OIG_REST_NOT_FOUND: client(404),

  OIG_ADMIN_UNAUTHENTICATED: client(401),
  OIG_ADMIN_WRONG_PASSWORD: client(401),
  OIG_ADMIN_LOGIN_LOCKED: { http: 429, fault: 'Client', level: 'warn' },
  OIG_ADMIN_CSRF_REJECTED: client(403),
  OIG_ADMIN_INVALID_FIELDS: client(400),
  OIG_ADMIN_NE_NOT_FOUND: client(404),
  OIG_ADMIN_LOCK_NOT_FOUND: client(404),
  OIG_ADMIN_NE_EXISTS: client(409),
  OIG_ADMIN_NE_MICC_LIMIT: client(409),

  OIG_ACCOUNT_NOT_FOUND: client(404),
  OIG_ACCOUNT_EXISTS: client(409),
  OIG_ACCOUNT_APPLICATION_NOT_IN_ACL: client(422),
  OIG_ACCOUNT_PASSWORD_INVALID: client(400),

  OIG_ACL_FETCH_FAILED: server(502),
  OIG_ACL_SIGNATURE_INVALID: server(502),
  OIG_ACL_FORMAT_INVALID: server(502),

  OIG_PBX_ADDRESS_INVALID: client(400),
  OIG_PBX_CONTROLLER_LIMIT_REACHED: client(503),

  OIG_LICENCE_REQUEST_INVALID: client(400),
  OIG_LICENCE_UNKNOWN_ARID: client(404),
  OIG_LICENCE_ALREADY_BOUND: client(409),
  OIG_LICENCE_NOT_BOUND: client(409),
  OIG_LICENCE_PLATFORM_MISMATCH: client(422),
  OIG_LICENCE_TRIAL_EXPIRED: client(410),
  OIG_LICENCE_SERVER_UNREACHABLE: server(502),
  OIG_LICENCE_SIGNATURE_INVALID: server(502),
  OIG_LICENCE_FORMAT_INVALID: server(502),
  OIG_LICENCE_NOT_ACTIVATED: client(409),

  // Licence pools (domain/licensing): no usable licence (none yet, invalid, expired) is the
  // operator's to fix, so warn; an empty pool or a refused application is the client's.
  OIG_LICENCE_UNAVAILABLE: { http: 503, fault: 'Server', level: 'warn' },
  OIG_LICENCE_THIRD_PARTY_NOT_ALLOWED: client(403),
  OIG_LICENCE_EXHAUSTED: client(503),
  OIG_LICENCE_INTEGRATION_LIMIT_REACHED: client(503),

  OIG_CC_INVALID_ARGUMENT: client(400),
  OIG_CC_UNKNOWN_ICP: client(404),
  OIG_CC_UNKNOWN_OBJECT: client(404),
  OIG_CC_WRONG_OBJECT_KIND: client(400),
  OIG_CC_NOT_MONITORED: client(409),
  OIG_CC_MONITOR_POOL_EXHAUSTED: client(503),
  OIG_CC_ADVANCED_REQUIRED: client(403),
  OIG_CC_NOT_IMPLEMENTED: client(501),
  OIG_CC_NO_SUCH_DEVICE: client(404),
  OIG_CC_NO_SUCH_CALL: client(404),
  OIG_CC_COS_DENIED: client(403),
  OIG_CC_INVALID_STATE: client(409),
  OIG_CC_DESTINATION_REFUSED: client(409),
  OIG_CC_HOT_DESK_REFUSED: client(409),
  OIG_CC_CONTROLLER_UNAVAILABLE: client(503),
  OIG_CC_CONTROLLER_ERROR: server(502),
  // A long-poll that found nothing is routine: logged at debug, answered result="false".
  OIG_CC_EVENT_TIMEOUT: { http: 200, fault: 'Client', level: 'debug' },
  OIG_CC_EVENT_CANCELLED: { http: 200, fault: 'Client', level: 'debug' },
  OIG_CC_EVENT_HANDLER_INVALID: client(400),

  // The privileged helper (backup and restore, appliance/helper): its refusals keep their codes.
  OIG_HELPER_UNAVAILABLE: server(503),
  OIG_HELPER_BUSY: client(409),
  OIG_HELPER_BAD_REQUEST: client(400),
  OIG_HELPER_INTERNAL: server(500),
  OIG_ADMIN_JOB_NOT_FOUND: client(404),
  OIG_BACKUP_NOT_FOUND: client(404),
  OIG_BACKUP_CORRUPT: client(422),
  OIG_BACKUP_PASSPHRASE_REQUIRED: client(422),
  OIG_BACKUP_WRONG_PASSPHRASE: client(422),
  OIG_BACKUP_INCOMPATIBLE: client(422),
  OIG_RESTORE_FAILED: server(500),
  OIG_BACKUP_TARGET_NOT_SET: client(409),
  // The SFTP target: the appliance did its part; the server (or the way to it) did not.
  OIG_BACKUP_TARGET_HOST_KEY: { http: 502, fault: 'Server', level: 'warn' },
  OIG_BACKUP_TARGET_REFUSED: { http: 502, fault: 'Server', level: 'warn' },
  OIG_BACKUP_TARGET_UNREACHABLE: { http: 502, fault: 'Server', level: 'warn' },
  // Server Manager, View log files: journalctl or the file failed on the appliance.
  OIG_LOG_UNREADABLE: server(500),
  // Server Manager, Date and time: a zone the appliance does not have, an NTP server that is no host name.
  OIG_TIME_INVALID: client(400),
  // Server Manager, Networks.
  OIG_NETWORK_INVALID: client(400),
  OIG_NETWORK_CONFIRM_REFUSED: client(409),
  // Server Manager, Certificates.
  OIG_CERTIFICATE_INVALID: client(400),
  OIG_CERTIFICATE_REFUSED: client(422),
  OIG_CERTIFICATE_NOT_SERVED: { http: 502, fault: 'Server', level: 'error' },
  // Server Manager, Trusted networks: a list that would shut out its own administrator is a conflict with their session.
  // Server Manager, Blades: the appliance knows no ServiceLink repository.
  OIG_BLADES_NOT_CONFIGURED: client(409),
  OIG_TRUSTED_NETWORKS_INVALID: client(400),
  OIG_TRUSTED_NETWORKS_LOCKOUT: client(409),
  OIG_TRUSTED_NETWORKS_NOT_APPLIED: server(500),

  OIG_USAGE_SETTINGS_INVALID: client(400),
  OIG_USAGE_PERIOD_INVALID: client(400),
  OIG_USAGE_NO_RECIPIENT: client(409),
  OIG_USAGE_SMTP_NOT_CONFIGURED: client(409),
} as const satisfies Record<string, ErrorSpec>;

export type OigErrorCode = keyof typeof errorCatalogue;

export class OigError extends Error {
  readonly code: OigErrorCode;

  constructor(code: OigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OigError';
    this.code = code;
  }

  get spec(): ErrorSpec {
    return errorCatalogue[this.code];
  }
}

/** Bad input in named fields (admin forms): one message per field, so a form can show each beside its field. */
export class InvalidFieldsError extends OigError {
  constructor(readonly fields: Readonly<Record<string, string>>) {
    super('OIG_ADMIN_INVALID_FIELDS', `Invalid ${Object.keys(fields).join(', ')}: ${Object.values(fields).join('; ')}`);
  }
}

export function oigError(code: OigErrorCode, message: string, cause?: unknown): OigError {
  return new OigError(code, message, cause === undefined ? undefined : { cause });
}

/** Any thrown value as an OigError; unknown failures become OIG_INTERNAL without leaking details. */
export function asOigError(err: unknown): OigError {
  if (err instanceof OigError) return err;
  return new OigError('OIG_INTERNAL', 'Internal gateway error', { cause: err });
}
