import type { FastifyInstance } from 'fastify';
import type { CallControl } from '../../../domain/callcontrol/call-control';
import type { LockKind, LoginGuard } from '../../../domain/logins/login-guard';
import type { SessionManager } from '../../../domain/sessions/session-manager';
import { oigError } from '../../../errors';
import { change, read } from '../admin-openapi';
import { ERROR_RESPONSES, LoginLockParams, NO_CONTENT, refList } from '../admin-schemas';

/**
 * The Sessions tab: live sessions with their monitors and event counters, and its login locks
 * panel (application logins refused after wrong passwords, issue #11).
 */
export interface SessionRouteDeps {
  readonly sessions: SessionManager;
  readonly callControl: CallControl;
  readonly logins: Pick<LoginGuard, 'locks' | 'unlock'>;
}

export async function sessionRoutes(secured: FastifyInstance, { sessions, callControl, logins }: SessionRouteDeps): Promise<void> {
  secured.get(
    '/sessions',
    { schema: { ...read('listSessions', 'sessions', 'Live sessions with their monitors and event counters'), response: { 200: refList('Session', 'Live sessions'), ...ERROR_RESPONSES } } },
    async () =>
      sessions.list().map((s) => ({
        sessionId: s.id,
        companyName: s.companyName,
        applicationName: s.applicationName,
        type: s.type,
        protocol: s.protocol,
        version: s.version,
        createdAt: s.createdAt,
        lastKeepAliveAt: s.lastKeepAliveAt,
        clientAddress: s.clientAddress,
        ...callControl.sessionStats(s.id),
      })),
  );

  // Application logins locked after wrong passwords (issue #11), and the administrator's unlock.
  secured.get(
    '/login-locks',
    { schema: { ...read('listLoginLocks', 'sessions', 'Application logins refused now after wrong passwords, per application or client address'), response: { 200: refList('LoginLock', 'Locks in force'), ...ERROR_RESPONSES } } },
    async () => logins.locks(),
  );
  secured.delete(
    '/login-locks/:kind/:key',
    { schema: { ...change('unlockLogins', 'sessions', 'Lifts a lock at once and forgets its failures'), params: LoginLockParams, response: { 204: NO_CONTENT, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { kind, key } = request.params as { kind: LockKind; key: string };
      if (!logins.unlock(kind, key)) throw oigError('OIG_ADMIN_LOCK_NOT_FOUND', `No ${kind} lock for '${key}'`);
      return reply.code(204).send();
    },
  );
}
