import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../domain/accounts/account-service';
import type { AclRegistry } from '../../../domain/acl/acl-registry';
import type { SessionManager } from '../../../domain/sessions/session-manager';
import { read } from '../admin-openapi';
import { ERROR_RESPONSES, refList } from '../admin-schemas';

/**
 * Application Accounts tab, "Allowed Applications": the ACL's applications, each with its account
 * (if it has one) and its active sessions. The ACL itself is acl-routes.ts, the accounts
 * account-routes.ts.
 */
export interface ApplicationRouteDeps {
  readonly accounts: AccountService;
  readonly acl: AclRegistry;
  readonly sessions: SessionManager;
}

export async function applicationRoutes(secured: FastifyInstance, { accounts, acl, sessions }: ApplicationRouteDeps): Promise<void> {
  secured.get(
    '/applications',
    {
      schema: {
        ...read('listApplications', 'applications', 'ACL applications with their account and active sessions'),
        response: { 200: refList('Application', 'The applications of the ACL'), ...ERROR_RESPONSES },
      },
    },
    async () => {
      const byApp = new Map((await accounts.list()).map((a) => [`${a.companyName}\u0000${a.applicationName}`, a]));
      return acl.list().map((e) => {
        const account = byApp.get(`${e.companyName}\u0000${e.applicationName}`);
        return {
          companyName: e.companyName,
          applicationName: e.applicationName,
          type: e.type,
          revoked: e.revoked,
          accountId: account?.id ?? null,
          activeSessions: sessions.countFor(e.companyName, e.applicationName),
        };
      });
    },
  );
}
