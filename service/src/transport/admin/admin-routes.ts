import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../domain/accounts/account-service';
import type { AclRegistry } from '../../domain/acl/acl-registry';
import type { BackupJobs } from '../../domain/backups/backup-jobs';
import type { PrivilegedHelper } from '../../domain/backups/ports';
import type { ApplianceControl } from '../../domain/system/ports';
import type { CallControl } from '../../domain/callcontrol/call-control';
import type { NetworkElementAdmin } from '../../domain/callcontrol/network-element-admin';
import type { Licensing } from '../../domain/licensing/licensing';
import type { LoginGuard } from '../../domain/logins/login-guard';
import type { LoggingLevelOption } from '../../domain/options/logging-level';
import type { SessionManager } from '../../domain/sessions/session-manager';
import type { ReportService } from '../../domain/usage/report-service';
import type { UsageRecorder } from '../../domain/usage/usage-recorder';
import { useInputRules } from '../input-rules';
import { useJsonErrors } from '../json-errors';
import type { AdminAuth } from './admin-auth';
import { publicOperation, registerAdminOpenApi } from './admin-openapi';
import { addAdminSchemas, ERROR_RESPONSES, LoginBody, ref } from './admin-schemas';
import { accountRoutes } from './routes/account-routes';
import { aclRoutes } from './routes/acl-routes';
import { administratorRoutes } from './routes/administrator-routes';
import { applicationRoutes } from './routes/application-routes';
import { backupRoutes } from './routes/backup-routes';
import { licenceRoutes } from './routes/licence-routes';
import { networkElementRoutes } from './routes/network-element-routes';
import { optionsRoutes } from './routes/options-routes';
import { overviewRoutes } from './routes/overview-routes';
import { sessionRoutes } from './routes/session-routes';
import { certificateRoutes } from './routes/certificate-routes';
import { trustedNetworkRoutes } from './routes/trusted-network-routes';
import { bladeRoutes } from './routes/blade-routes';
import { networkConfirmRoute, systemRoutes } from './routes/system-routes';
import { usageRoutes } from './routes/usage-routes';

/**
 * The admin API (JSON) under /api/admin: administrator login, application accounts, ACL, sessions,
 * controllers, licensing, usage report, backups. Each route declares its request and response
 * schemas (admin-schemas.ts) and its operation (admin-openapi.ts): fastify serializes the answers
 * with them, and they make the OpenAPI document the admin UI is typed from. The routes behind the
 * login are one plugin per area, in routes/.
 */
export const ADMIN_PREFIX = '/api/admin';

export interface AdminDeps {
  readonly auth: AdminAuth;
  readonly accounts: AccountService;
  readonly acl: AclRegistry;
  readonly sessions: SessionManager;
  readonly callControl: CallControl;
  readonly licensing: Licensing;
  readonly reports: ReportService;
  readonly usage: UsageRecorder;
  readonly elements: NetworkElementAdmin;
  readonly logging: LoggingLevelOption;
  readonly logins: Pick<LoginGuard, 'locks' | 'unlock'>;
  readonly helper: PrivilegedHelper;
  readonly backups: BackupJobs;
  readonly appliance: ApplianceControl;
}

export async function registerAdminApi(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { auth } = deps;
  await app.register(
    async (scope) => {
      useJsonErrors(scope, { fieldErrors: true });
      useInputRules(scope);
      addAdminSchemas(scope);
      await registerAdminOpenApi(scope);

      scope.post(
        '/login',
        {
          schema: {
            ...publicOperation('login', 'login', 'Administrator login: sets the cookie, answers the CSRF token'),
            body: LoginBody,
            response: { 200: ref('LoginResult'), ...ERROR_RESPONSES },
          },
        },
        async (request, reply) => auth.login(request, reply, (request.body as { password: string }).password),
      );

      await scope.register(async (area) => networkConfirmRoute(area, { appliance: deps.appliance }));

      // Everything registered in this inner scope needs a live administrator login.
      await scope.register(async (secured) => {
        secured.addHook('preHandler', async (request) => auth.require(request));

        // Registered in this order because the OpenAPI document (and the admin UI's types made from
        // it) lists the routes in the order they are registered.
        await secured.register(async (area) => administratorRoutes(area, { auth }));
        await secured.register(async (area) => applicationRoutes(area, { accounts: deps.accounts, acl: deps.acl, sessions: deps.sessions }));
        await secured.register(async (area) => licenceRoutes(area, { licensing: deps.licensing }));
        await secured.register(async (area) => overviewRoutes(area, { accounts: deps.accounts, sessions: deps.sessions, callControl: deps.callControl, licensing: deps.licensing, appliance: deps.appliance }));
        await secured.register(async (area) => usageRoutes(area, { reports: deps.reports, usage: deps.usage }));
        await secured.register(async (area) => aclRoutes(area, { acl: deps.acl }));
        await secured.register(async (area) => accountRoutes(area, { accounts: deps.accounts }));
        await secured.register(async (area) => sessionRoutes(area, { sessions: deps.sessions, callControl: deps.callControl, logins: deps.logins }));
        await secured.register(async (area) => networkElementRoutes(area, { elements: deps.elements }));
        await secured.register(async (area) => optionsRoutes(area, { logging: deps.logging }));
        await secured.register(async (area) => backupRoutes(area, { helper: deps.helper, backups: deps.backups }));
        await secured.register(async (area) => systemRoutes(area, { appliance: deps.appliance }));
        await secured.register(async (area) => certificateRoutes(area, { appliance: deps.appliance }));
        await secured.register(async (area) => trustedNetworkRoutes(area, { appliance: deps.appliance }));
        await secured.register(async (area) => bladeRoutes(area, { appliance: deps.appliance }));
      });
    },
    { prefix: ADMIN_PREFIX },
  );
}
