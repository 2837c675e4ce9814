import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { LOCAL_PASSWORD_RULES } from '../../domain/accounts/account-service';

/**
 * The admin API's request and response schemas. The responses describe exactly what the
 * handlers answer: fastify serializes with them (fast-json-stringify), which drops any property
 * not listed here, and the OpenAPI document the admin UI is typed from is made of them. Dates
 * are ISO 8601 strings (what JSON.stringify makes of a Date). No secret is in any of them: an
 * account never shows its hash, the SMTP settings only say whether a password is set.
 */

/** Every response object is closed: what is not listed here is not sent. */
const Obj = <T extends TProperties>(properties: T, options: { $id?: string; description?: string } = {}): TObject<T> =>
  Type.Object(properties, { additionalProperties: false, ...options });
const Nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) => Type.Union([schema, Type.Null()], options);
/** One of the strings: `{ type: 'string', enum }` (a union of literals would make fast-json-stringify try each in turn). */
const Enum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const DateTime = Type.String({ format: 'date-time' });
const Count = Type.Integer({ minimum: 0 });

// ------------------------------------------------------------------ requests

const Name = Type.String({ minLength: 1, maxLength: 256 });
const LocalPassword = Type.String({ minLength: LOCAL_PASSWORD_RULES.minLength, maxLength: LOCAL_PASSWORD_RULES.maxLength });

export const LoginBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
export const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024, description: 'At least 8 characters, no control characters, not the current one' }),
  },
  { additionalProperties: false },
);
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const AccountCreateBody = Type.Object({ companyName: Name, applicationName: Name, localPassword: LocalPassword }, { additionalProperties: false });
export const AccountChangeBody = Type.Object(
  { localPassword: Type.Optional(LocalPassword), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export const ActivateBody = Type.Object({ arid: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export const RecipientBody = Type.Object(
  { recipient: Type.Union([Type.String({ maxLength: 254 }), Type.Null()], { description: 'Empty or null: no reports are sent' }) },
  { additionalProperties: false },
);
export const SmtpBody = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    security: Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none')]),
    sender: Type.String({ minLength: 3, maxLength: 254 }),
    username: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
    password: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()], { description: 'Left out: the stored password is kept; null or empty: removed' })),
    // A text document: keeps its line breaks (input-rules.ts).
    caPem: Type.Optional(Type.Union([Type.String({ maxLength: 65_536, contentMediaType: 'application/x-pem-file' }), Type.Null()])),
  },
  { additionalProperties: false },
);
/** A body is needed, if only `{}` (fastify validates a missing body as not an object). */
export const SendBody = Type.Object(
  { month: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'YYYY-MM, this month (the default: month to date) or an earlier one' })) },
  { additionalProperties: false },
);
export const IcpIdParams = Type.Object({ icpId: Type.String({ pattern: '^[0-9]{1,18}$' }) });
export const ElementTypeParams = Type.Object({ type: Type.Union([Type.Literal('mivb'), Type.Literal('micc')]) });

// Settings are checked field by field by the domain (element-settings.ts), so a form can show each
// message beside its field: here only their shape, loosely (strings stay strings).
const MivbSettingsInput = Type.Object(
  {
    outsidePrefix: Type.String({ maxLength: 32 }),
    localCountryCode: Type.String({ maxLength: 32 }),
    longDistancePrefix: Type.String({ maxLength: 32 }),
    internationalPrefix: Type.String({ maxLength: 32 }),
    localAreaCodes: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 1000 }),
    maxExtensionLength: Type.Integer(),
    inboundTrunkServiceDigits: Type.String({ maxLength: 32 }),
  },
  { additionalProperties: false },
);
const MiccSettingsInput = Type.Object({ transport: Type.String({ maxLength: 16 }) }, { additionalProperties: false });
export const MivbDefaultsBody = MivbSettingsInput;
export const MiccDefaultsBody = MiccSettingsInput;
const ElementFields = {
  address: Type.String({ maxLength: 64, description: 'The IPv4 or IPv6 address' }),
  name: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  useDefaults: Type.Boolean({ description: 'true: Default (the type\'s default values); false: Custom (mivb or micc below)' }),
  mivb: Type.Optional(MivbSettingsInput),
  micc: Type.Optional(MiccSettingsInput),
};
export const ElementCreateBody = Type.Object({ type: Type.Union([Type.Literal('MI_VB'), Type.Literal('MI_CC')]), ...ElementFields }, { additionalProperties: false });
export const ElementChangeBody = Type.Object(ElementFields, { additionalProperties: false });
export const LoggingBody = Type.Object({ level: Type.Union([Type.Literal('ERROR'), Type.Literal('WARNING'), Type.Literal('INFO'), Type.Literal('TRACE')]) }, { additionalProperties: false });

export const LoginLockParams = Type.Object({ kind: Type.Union([Type.Literal('application'), Type.Literal('address')]), key: Type.String({ minLength: 1, maxLength: 520 }) });
export const DeliveriesQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) }, { additionalProperties: false });

// ------------------------------------------------------------------ responses (named: components of the OpenAPI document)

const ErrorBody = Obj(
  {
    code: Type.String({ description: 'OIG_<AREA>_<WHAT>' }),
    message: Type.String(),
    fields: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'OIG_ADMIN_INVALID_FIELDS: a message per bad field of the request' })),
  },
  { $id: 'Error', description: 'Every error of the admin API' },
);

const LoginResult = Obj(
  {
    csrfToken: Type.String({ description: 'To send as the X-CSRF-Token header with every state change' }),
    expiresInSeconds: Type.Integer({ description: 'Idle time after which the login ends' }),
  },
  { $id: 'LoginResult' },
);

const LogoutResult = Obj({ result: Type.Literal(true) }, { $id: 'LogoutResult' });

const ApplicationType = Enum(['Standard', 'Advanced']);

const Application = Obj(
  {
    companyName: Type.String(),
    applicationName: Type.String(),
    type: ApplicationType,
    revoked: Type.Boolean(),
    accountId: Nullable(Type.Integer({ description: 'The application account (local password), if there is one' })),
    activeSessions: Count,
  },
  { $id: 'Application', description: 'An application of the ACL' },
);

const AclStatus = Obj(
  {
    loaded: Type.Boolean(),
    issuedAt: Nullable(DateTime),
    fetchedAt: Nullable(DateTime),
    source: Nullable(Enum(['mcs', 'stored'])),
    applications: Count,
    lastAttemptAt: Nullable(DateTime),
    lastError: Nullable(Type.String()),
  },
  { $id: 'AclStatus' },
);

const Account = Obj(
  {
    id: Type.Integer(),
    companyName: Type.String(),
    applicationName: Type.String(),
    enabled: Type.Boolean(),
    createdAt: DateTime,
    updatedAt: DateTime,
    activeSessions: Count,
    inAcl: Type.Boolean({ description: 'False when the application has left the ACL: logins fail' }),
    revoked: Type.Boolean(),
  },
  { $id: 'Account', description: 'An application account: the local password of an ACL application (never shown)' },
);

const EventChannelStats = Obj(
  {
    queued: Count,
    delivered: Count,
    lost: Type.Integer({ minimum: 0, description: 'Discarded because the queue was full' }),
    eventHandlerUrl: Nullable(Type.String({ description: 'Where events are pushed (SOAP EventHandlerCCService); null: getEvent' })),
    pushFailed: Type.Integer({ minimum: 0, description: 'Given up after every push attempt failed' }),
  },
  { $id: 'EventChannelStats' },
);

const Session = Obj(
  {
    sessionId: Type.String({ pattern: '^[0-9]+$' }),
    companyName: Type.String(),
    applicationName: Type.String(),
    type: ApplicationType,
    protocol: Enum(['soap', 'rest']),
    version: Nullable(Type.String()),
    createdAt: DateTime,
    lastKeepAliveAt: DateTime,
    clientAddress: Nullable(Type.String()),
    monitors: Count,
    events: Type.Optional(Type.Ref('EventChannelStats', { description: 'Absent until the session uses call-control events' })),
  },
  { $id: 'Session', description: 'A live application session' },
);

const LoginLock = Obj(
  {
    kind: Enum(['application', 'address']),
    key: Type.String({ description: '"<company>/<application>", or the client address' }),
    lockedUntil: DateTime,
    locks: Type.Integer({ minimum: 1, description: 'Locks in a row: each lasts twice the one before, up to the maximum' }),
    lastFailureAt: DateTime,
  },
  { $id: 'LoginLock', description: 'Application logins refused for a while after wrong passwords' },
);

const MivbSettings = Obj(
  {
    outsidePrefix: Type.String(),
    localCountryCode: Type.String(),
    longDistancePrefix: Type.String(),
    internationalPrefix: Type.String(),
    localAreaCodes: Type.Array(Type.String()),
    maxExtensionLength: Type.Integer(),
    inboundTrunkServiceDigits: Type.String(),
  },
  { $id: 'MivbSettings', description: 'A MiVoice Business dial plan (Custom setup, or the defaults)' },
);
const MiccSettings = Obj({ transport: Enum(['http', 'https']) }, { $id: 'MiccSettings', description: 'How the MiContact Center REST API is reached' });

const NetworkElement = Obj(
  {
    icpId: Type.String(),
    type: Enum(['MI_VB', 'MI_CC']),
    address: Type.String(),
    name: Nullable(Type.String()),
    configured: Type.Boolean({ description: 'true: added by the administrator; false: first reached through getIcpId' }),
    useDefaults: Type.Boolean({ description: "true: Default (the type's default values apply); false: Custom" }),
    mivb: Nullable(Type.Ref('MivbSettings', { description: 'The settings in force (MI_VB only)' })),
    micc: Nullable(Type.Ref('MiccSettings', { description: 'The settings in force (MI_CC only)' })),
    connectionState: Enum(['NOT_CONNECTED', 'CONNECTION_ATTEMPT', 'CONNECTION_INITIALIZING', 'CONNECTED', 'CONNECTION_FAILURE']),
    version: Nullable(Type.String({ description: 'What the controller reported' })),
  },
  { $id: 'NetworkElement', description: 'A MiContact Center is kept but not linked yet: its connectionState stays NOT_CONNECTED' },
);
const NetworkElementDefaults = Obj({ mivb: Type.Ref('MivbSettings'), micc: Type.Ref('MiccSettings') }, { $id: 'NetworkElementDefaults', description: 'What a Default element uses ("Set Default Values")' });
const LoggingOption = Obj(
  {
    level: Enum(['ERROR', 'WARNING', 'INFO', 'TRACE']),
    effective: Type.String({ description: 'The logger level in force (error, warn, info, debug, trace; silent in tests)' }),
  },
  { $id: 'LoggingOption', description: 'The Options tab logging level' },
);
const AdminPassword = Obj(
  { changedAt: Nullable(Type.String({ format: 'date-time', description: 'null: the password configured at installation is in use' })) },
  { $id: 'AdminPassword', description: 'The administrator password (never the password itself)' },
);
const AdminSession = Obj(
  { csrfToken: Type.String(), expiresInSeconds: Type.Integer({ description: 'Idle time left before the login ends' }) },
  { $id: 'AdminSession', description: 'The live administrator login' },
);

// In the order the handlers build it (fast-json-stringify writes the schema's order).
const LicenceStatus = Obj(
  {
    platform: Enum(['physical', 'virtual']),
    graceDays: Count,
    arid: Nullable(Type.String()),
    binding: Nullable(Type.Union([Obj({ hardwareId: Type.String() }), Obj({ guid: Type.String() })])),
    activatedAt: Nullable(DateTime),
    lastSyncAt: Nullable(DateTime),
    lastSyncAttemptAt: Nullable(DateTime),
    lastSyncError: Nullable(Type.String()),
    graceEndsAt: Nullable(DateTime),
    expiresAt: Nullable(DateTime),
    state: Enum(['unlicensed', 'active', 'grace', 'restricted', 'expired']),
    restriction: Nullable(Type.String({ description: 'Why logins are refused, when they are' })),
  },
  { $id: 'LicenceStatus' },
);

const LicenceCount = Obj(
  {
    available: Count,
    used: Count,
    server: Type.Boolean({ description: 'The "(Server)" qualifier: the maximum is available' }),
    availableText: Type.String({ description: 'available as the panel shows it, e.g. "25000 (Server)"' }),
  },
  { $id: 'LicenceCount' },
);

const AvailableUsed = Obj({ available: Count, used: Count });
const LicenceCountRef = Type.Ref('LicenceCount');

const LicensingOverview = Obj(
  {
    problem: Nullable(Type.String({ description: 'Why applications are not admitted, when they are not' })),
    basePackage: Nullable(Obj({ partNumber: Type.String(), name: Type.String() })),
    standardCallControl: LicenceCountRef,
    advancedCallControl: LicenceCountRef,
    mivoiceForGoogle: LicenceCountRef,
    mivoiceForSalesforce: LicenceCountRef,
    dataAccess: LicenceCountRef,
    virtualEnablement: Type.Boolean(),
    mivoiceIntegration: Type.Boolean(),
    trustedMode: Type.Boolean(),
    monitors: Obj({ Standard: AvailableUsed, Advanced: AvailableUsed }),
    integrationSessions: AvailableUsed,
    unrecognisedParts: Type.Array(Type.String()),
    notes: Type.Array(Type.String()),
  },
  { $id: 'LicensingOverview', description: "The Overview tab's Licensing panel" },
);

const Licensing = Obj({ licence: Type.Ref('LicenceStatus'), overview: Type.Ref('LicensingOverview') }, { $id: 'Licensing' });

const Overview = Obj(
  {
    applications: Type.Integer({ minimum: 0, description: 'Application accounts' }),
    sessions: Count,
    networkElements: Type.Integer({ minimum: 0, description: 'Connected controllers' }),
    version: Type.String(),
    licensing: Type.Ref('LicensingOverview'),
    certificate: Nullable(
      Obj({
        subject: Type.String(),
        validTo: Type.String({ format: 'date-time' }),
        daysLeft: Type.Integer({ description: 'Negative: expired' }),
        expiring: Type.Boolean({ description: 'Ends within 30 days or has ended: the Overview warns' }),
        selfSigned: Type.Boolean(),
      }),
      { description: 'The TLS certificate the appliance presents; null where there is no privileged helper to ask (or it did not answer)' },
    ),
  },
  { $id: 'Overview', description: 'The Overview tab' },
);

const SmtpSettings = Obj(
  {
    host: Type.String(),
    port: Type.Integer(),
    security: Enum(['tls', 'starttls', 'none']),
    username: Nullable(Type.String()),
    passwordSet: Type.Boolean({ description: 'The password itself is never shown' }),
    sender: Type.String(),
    caPem: Nullable(Type.String()),
  },
  { $id: 'SmtpSettings' },
);

const ReportSettingsProperties = {
  recipient: Nullable(Type.String({ description: 'null: no reports are sent' })),
  smtp: Nullable(Type.Ref('SmtpSettings')),
};
const ReportSettings = Obj(ReportSettingsProperties, { $id: 'ReportSettings' });

const Delivery = Obj(
  {
    id: Type.String(),
    trigger: Enum(['monthly', 'manual']),
    periodFrom: Type.String({ format: 'date' }),
    periodTo: Type.String({ format: 'date' }),
    recipient: Nullable(Type.String()),
    status: Enum(['sending', 'sent', 'failed', 'skipped']),
    attempts: Count,
    createdAt: DateTime,
    lastAttemptAt: Nullable(DateTime),
    sentAt: Nullable(DateTime),
    error: Nullable(Type.String({ description: 'The last failure, or why it was skipped' })),
    messageId: Nullable(Type.String()),
  },
  { $id: 'Delivery', description: 'One usage report delivery' },
);

const UsageReport = Obj({ ...ReportSettingsProperties, deliveries: Type.Array(Type.Ref('Delivery')) }, { $id: 'UsageReport' });
const DeliveryStarted = Obj({ delivery: Type.Ref('Delivery') }, { $id: 'DeliveryStarted' });

const ApplicationUsage = Obj(
  { companyName: Type.String(), applicationName: Type.String(), sessions: Count, monitors: Count, integrationUsers: Count },
  { $id: 'ApplicationUsage', description: 'What an application holds now' },
);

const SHARED = [
  ErrorBody,
  LoginResult,
  LogoutResult,
  Application,
  AclStatus,
  Account,
  EventChannelStats,
  Session,
  LoginLock,
  MivbSettings,
  MiccSettings,
  NetworkElement,
  NetworkElementDefaults,
  LoggingOption,
  AdminPassword,
  AdminSession,
  LicenceStatus,
  LicenceCount,
  LicensingOverview,
  Licensing,
  Overview,
  SmtpSettings,
  ReportSettings,
  Delivery,
  UsageReport,
  DeliveryStarted,
  ApplicationUsage,
];

/** Adds the named response schemas to the admin scope, for `ref()` and the document's components. */
export function addAdminSchemas(scope: FastifyInstance): void {
  for (const schema of SHARED) scope.addSchema(schema);
}

/** A named response schema (unknown names fail when the routes are registered). */
export const ref = (name: string, description?: string): TSchema => Type.Ref(name, description ? { description } : {});
export const refList = (name: string, description: string): TSchema => Type.Array(Type.Ref(name), { description });
export const NO_CONTENT = Type.Null({ description: 'Done; no body' });
/** Every error is `{ code, message }` (json-errors.ts): e.g. 400 invalid request, 401 no login, 403 no CSRF token, 404, 409; 5xx. */
export const ERROR_RESPONSES = { '4xx': Type.Ref('Error', { description: 'Refused: the code says why' }), '5xx': Type.Ref('Error', { description: 'Failed on the gateway or a server it needs' }) };
