import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { GATEWAY_VERSION } from '../../version';
import { ADMIN_COOKIE } from './admin-auth';

type Security = ReadonlyArray<Record<string, readonly string[]>>;
const PUBLIC: Security = [];
const LOGGED_IN: Security = [{ adminCookie: [] }];
const LOGGED_IN_WITH_CSRF: Security = [{ adminCookie: [], csrfToken: [] }];

type Tag = 'login' | 'applications' | 'sessions' | 'network-elements' | 'licensing' | 'overview' | 'usage' | 'options' | 'backups' | 'system';
const operation = (security: Security) => (operationId: string, tag: Tag, summary: string) => ({ operationId, tags: [tag], summary, security });
/** What the document says of an operation besides its request and response schemas. */
export const publicOperation = operation(PUBLIC);
/** A read needs the login cookie. */
export const read = operation(LOGGED_IN);
/** A state change needs the login cookie and the X-CSRF-Token header. */
export const change = operation(LOGGED_IN_WITH_CSRF);

/**
 * The OpenAPI 3.1 document of the admin API, built by @fastify/swagger from the route schemas
 * and served at GET /api/admin/openapi.json without a login (it holds no secrets). Registered
 * inside the admin scope, so the SOAP and REST application routes are not in it; call it
 * before the admin routes are declared (it collects them as they are added).
 */
export async function registerAdminOpenApi(scope: FastifyInstance): Promise<void> {
  await scope.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenOIG admin API',
        version: GATEWAY_VERSION,
        description:
          'The administrator API of the gateway. POST /api/admin/login answers a CSRF token and sets an HttpOnly cookie; ' +
          'every other call needs the cookie, and state changes also the X-CSRF-Token header. Errors are { code, message } ' +
          '(and fields, a message per bad field, for OIG_ADMIN_INVALID_FIELDS). A GET with the X-OIG-Background-Refresh header ' +
          'does not extend the login (automatic refreshes).',
      },
      components: {
        securitySchemes: {
          adminCookie: { type: 'apiKey', in: 'cookie', name: ADMIN_COOKIE, description: `Set by POST /api/admin/login (HttpOnly, SameSite=Strict); ends after the idle time (OIG_ADMIN_IDLE_TIMEOUT_MS, 30 minutes)` },
          csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The csrfToken answered by POST /api/admin/login; needed by every state change' },
        },
      },
      tags: [
        { name: 'login', description: 'Administrator login' },
        { name: 'applications', description: 'ACL applications, the ACL and application accounts (local passwords)' },
        { name: 'sessions', description: 'Live application sessions' },
        { name: 'network-elements', description: 'Network elements (MiVoice Business controllers, the MiContact Center), their links and default values' },
        { name: 'options', description: 'Gateway options (the logging level)' },
        { name: 'licensing', description: 'Licence activation and the Licensing panel' },
        { name: 'overview', description: 'The Overview tab' },
        { name: 'usage', description: 'The usage report, its mail server and deliveries; current usage' },
        { name: 'backups', description: 'Backup and restore (Server Manager), done by the appliance’s privileged helper' },
        { name: 'system', description: 'The appliance itself (Server Manager), done by the privileged helper: the network, date and time, the log files, reboot and shut down' },
      ],
    },
    // The shared response schemas keep their names in components.schemas (Account, Session, ...).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  scope.get('/openapi.json', { schema: { hide: true } }, async () => scope.swagger());
}
