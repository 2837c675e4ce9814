import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../domain/accounts/account-service';
import type { AclRegistry } from '../../domain/acl/acl-registry';
import type { CallControl } from '../../domain/callcontrol/call-control';
import type { ElementSettings } from '../../domain/callcontrol/element-settings';
import type { ElementInput, ElementView, NetworkElementAdmin } from '../../domain/callcontrol/network-element-admin';
import type { NetworkElementType } from '../../domain/callcontrol/ports';
import type { LoggingLevel, LoggingLevelOption } from '../../domain/options/logging-level';
import type { Licensing } from '../../domain/licensing/licensing';
import type { ReportService, SmtpSettingsInput } from '../../domain/usage/report-service';
import type { UsageRecorder } from '../../domain/usage/usage-recorder';
import { GATEWAY_VERSION } from '../../version';
import type { LoginGuard, LockKind } from '../../domain/logins/login-guard';
import type { SessionManager } from '../../domain/sessions/session-manager';
import { oigError } from '../../errors';
import { useJsonErrors } from '../json-errors';
import { useInputRules } from '../input-rules';
import type { AdminAuth } from './admin-auth';
import type { BackupJobs } from '../../domain/backups/backup-jobs';
import type { PrivilegedHelper } from '../../domain/backups/ports';
import { backupRoutes } from './routes/backup-routes';
import { change, publicOperation, read, registerAdminOpenApi } from './admin-openapi';
import {
  AccountChangeBody,
  AccountCreateBody,
  ActivateBody,
  addAdminSchemas,
  DeliveriesQuery,
  ElementChangeBody,
  ElementCreateBody,
  IcpIdParams,
  LoggingBody,
  MiccDefaultsBody,
  MivbDefaultsBody,
  ERROR_RESPONSES,
  IdParams,
  LoginBody,
  NO_CONTENT,
  PasswordChangeBody,
  RecipientBody,
  ref,
  refList,
  SendBody,
  SmtpBody,
  LoginLockParams,
} from './admin-schemas';

/**
 * The admin API (JSON) under /api/admin: administrator login, application accounts, ACL, sessions,
 * controllers, licensing, usage report. Each route declares its request and response schemas
 * (admin-schemas.ts) and its operation (admin-openapi.ts): fastify serializes the answers with
 * them, and they make the OpenAPI document the admin UI is typed from.
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
}

function elementJson(view: ElementView) {
  const { element } = view;
  return {
    icpId: element.id,
    type: element.type,
    address: element.address,
    name: element.name,
    configured: element.configured,
    useDefaults: element.useDefaults,
    mivb: view.mivb,
    micc: view.micc,
    connectionState: view.connectionState,
    version: view.version,
  };
}

const defaultsJson = (defaults: ElementSettings) => ({ mivb: defaults.MI_VB, micc: defaults.MI_CC });

export async function registerAdminApi(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { auth, accounts, acl, sessions, logins, callControl, licensing, reports, usage, elements, logging } = deps;
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

      // Everything registered in this inner scope needs a live administrator login.
      await scope.register(async (secured) => {
        secured.addHook('preHandler', async (request) => auth.require(request));

        secured.get(
          '/session',
          { schema: { ...read('getAdminSession', 'login', 'The live login: its CSRF token (for a reloaded page) and idle time left'), response: { 200: ref('AdminSession'), ...ERROR_RESPONSES } } },
          async (request) => auth.session(request),
        );

        secured.post(
          '/logout',
          { schema: { ...change('logout', 'login', 'Ends the administrator login'), response: { 200: ref('LogoutResult'), ...ERROR_RESPONSES } } },
          async (request, reply) => {
            await auth.logout(request, reply);
            return { result: true };
          },
        );

        const passwordAnswer = { 200: ref('AdminPassword'), ...ERROR_RESPONSES };
        secured.get(
          '/password',
          { schema: { ...read('getAdminPassword', 'login', 'When the administrator password was last changed'), response: passwordAnswer } },
          async () => auth.passwordStatus(),
        );
        secured.put(
          '/password',
          {
            schema: {
              ...change('changeAdminPassword', 'login', 'Changes the administrator password; every other administrator login ends'),
              body: PasswordChangeBody,
              response: passwordAnswer,
            },
          },
          async (request) => {
            const { currentPassword, newPassword } = request.body as { currentPassword: string; newPassword: string };
            return auth.changePassword(request, currentPassword, newPassword);
          },
        );

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

        // Licensing (installation guide "License Activation"; Overview tab's Licensing panel).
        const licenceAnswer = { 200: ref('Licensing', 'The licence status and the Licensing panel'), ...ERROR_RESPONSES };
        secured.get('/licence', { schema: { ...read('getLicence', 'licensing', 'Licence status and the Licensing panel'), response: licenceAnswer } }, async () => licensing.status());
        secured.post(
          '/licence/activate',
          { schema: { ...change('activateLicence', 'licensing', 'Activates an ARID with the licensing server'), body: ActivateBody, response: licenceAnswer } },
          async (request) => {
            await licensing.activation.activate((request.body as { arid: string }).arid);
            return licensing.status();
          },
        );
        secured.post('/licence/sync', { schema: { ...change('syncLicence', 'licensing', 'Syncs the licence with the licensing server now'), response: licenceAnswer } }, async () => {
          await licensing.activation.sync();
          return licensing.status();
        });
        secured.post('/licence/deactivate', { schema: { ...change('deactivateLicence', 'licensing', 'Deactivates the ARID'), response: licenceAnswer } }, async () => {
          await licensing.activation.deactivate();
          return licensing.status();
        });
        secured.get('/overview', { schema: { ...read('getOverview', 'overview', 'The Overview tab'), response: { 200: ref('Overview'), ...ERROR_RESPONSES } } }, async () => ({
          applications: (await accounts.list()).length,
          sessions: sessions.count(),
          networkElements: callControl.networkElements().filter((e) => e.connectionState === 'CONNECTED').length,
          version: GATEWAY_VERSION,
          licensing: licensing.status().overview,
        }));

        // Usage report (installation guide "Options Tab", "Send Mitel OIG Usage Report") and SMTP
        // settings (MSL "E-mail Settings"). The SMTP password is write-only: answers say passwordSet.
        const settingsAnswer = { 200: ref('ReportSettings', 'The report settings (the SMTP password only as passwordSet)'), ...ERROR_RESPONSES };
        secured.get(
          '/usage-report',
          { schema: { ...read('getUsageReport', 'usage', 'Report settings and the latest deliveries'), response: { 200: ref('UsageReport'), ...ERROR_RESPONSES } } },
          async () => ({ ...(await reports.settings()), deliveries: await reports.deliveries() }),
        );
        secured.put(
          '/usage-report/recipient',
          { schema: { ...change('setReportRecipient', 'usage', 'Sets the report recipient (empty: no reports)'), body: RecipientBody, response: settingsAnswer } },
          async (request) => reports.setRecipient((request.body as { recipient: string | null }).recipient),
        );
        secured.put(
          '/usage-report/smtp',
          { schema: { ...change('setReportSmtp', 'usage', 'Sets the mail server (a left-out password keeps the stored one)'), body: SmtpBody, response: settingsAnswer } },
          async (request) => reports.setSmtp(request.body as SmtpSettingsInput),
        );
        secured.delete('/usage-report/smtp', { schema: { ...change('deleteReportSmtp', 'usage', 'Removes the mail server settings'), response: settingsAnswer } }, async () => reports.setSmtp(null));
        secured.post(
          '/usage-report/send',
          {
            schema: {
              ...change('sendUsageReport', 'usage', 'Sends the report now (month to date, or an earlier month)'),
              body: SendBody,
              response: { 202: ref('DeliveryStarted', 'The delivery, under way'), ...ERROR_RESPONSES },
            },
          },
          async (request, reply) => {
            const { delivery } = await reports.sendNow(request.body as { month?: string });
            return reply.code(202).send({ delivery });
          },
        );
        secured.get(
          '/usage-report/deliveries',
          {
            schema: {
              ...read('listReportDeliveries', 'usage', 'The delivery log, newest first'),
              querystring: DeliveriesQuery,
              response: { 200: refList('Delivery', 'Deliveries, newest first'), ...ERROR_RESPONSES },
            },
          },
          async (request) => reports.deliveries((request.query as { limit?: number }).limit ?? 20),
        );
        secured.get(
          '/usage/current',
          {
            schema: {
              ...read('getCurrentUsage', 'usage', 'What each application holds now'),
              response: { 200: refList('ApplicationUsage', 'Applications holding sessions, monitors or integration users'), ...ERROR_RESPONSES },
            },
          },
          async () => usage.current(),
        );

        const aclAnswer = { 200: ref('AclStatus'), ...ERROR_RESPONSES };
        secured.get('/acl', { schema: { ...read('getAcl', 'applications', 'ACL status'), response: aclAnswer } }, async () => acl.status());
        secured.post(
          '/acl/refresh',
          { schema: { ...change('refreshAcl', 'applications', 'Gets the latest applications list from the certificate server'), response: aclAnswer } },
          async () => acl.refresh(),
        );

        const accountAnswer = { 200: ref('Account'), ...ERROR_RESPONSES };
        secured.get(
          '/accounts',
          { schema: { ...read('listAccounts', 'applications', 'Application accounts'), response: { 200: refList('Account', 'Application accounts'), ...ERROR_RESPONSES } } },
          async () => accounts.list(),
        );
        secured.get(
          '/accounts/:id',
          { schema: { ...read('getAccount', 'applications', 'One application account'), params: IdParams, response: accountAnswer } },
          async (request) => accounts.get((request.params as { id: number }).id),
        );
        secured.post(
          '/accounts',
          {
            schema: {
              ...change('createAccount', 'applications', 'Creates the local password of an ACL application'),
              body: AccountCreateBody,
              response: { 201: ref('Account', 'The new account'), ...ERROR_RESPONSES },
            },
          },
          async (request, reply) => {
            const body = request.body as { companyName: string; applicationName: string; localPassword: string };
            const created = await accounts.create(body.companyName, body.applicationName, body.localPassword);
            return reply.code(201).send(created);
          },
        );
        secured.patch(
          '/accounts/:id',
          {
            schema: {
              ...change('updateAccount', 'applications', 'Changes the local password or enables/disables (next login)'),
              params: IdParams,
              body: AccountChangeBody,
              response: accountAnswer,
            },
          },
          async (request) => {
            const { id } = request.params as { id: number };
            return accounts.update(id, request.body as { localPassword?: string; enabled?: boolean });
          },
        );
        secured.delete(
          '/accounts/:id',
          { schema: { ...change('deleteAccount', 'applications', 'Deletes an account; live sessions continue'), params: IdParams, response: { 204: NO_CONTENT, ...ERROR_RESPONSES } } },
          async (request, reply) => {
            await accounts.delete((request.params as { id: number }).id);
            return reply.code(204).send();
          },
        );

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

        // Network Elements tab (installation guide "Network Elements Tab").
        const elementAnswer = (status: 200 | 201, description: string) => ({ [status]: ref('NetworkElement', description), ...ERROR_RESPONSES });
        secured.get(
          '/network-elements',
          {
            schema: {
              ...read('listNetworkElements', 'network-elements', 'Network elements with their settings in force, link state and version'),
              response: { 200: refList('NetworkElement', 'Network elements, configured or discovered'), ...ERROR_RESPONSES },
            },
          },
          async () => (await elements.list()).map(elementJson),
        );
        secured.post(
          '/network-elements',
          {
            schema: {
              ...change('addNetworkElement', 'network-elements', 'Adds a MiVoice Business (linked at once) or the one MiContact Center, Default or Custom'),
              body: ElementCreateBody,
              response: elementAnswer(201, 'The new element'),
            },
          },
          async (request, reply) => {
            const { type, ...input } = request.body as ElementInput & { type: NetworkElementType };
            return reply.code(201).send(elementJson(await elements.add(type, input)));
          },
        );
        secured.put(
          '/network-elements/:icpId',
          {
            schema: {
              ...change('updateNetworkElement', 'network-elements', 'Changes an element (its type stays)'),
              params: IcpIdParams,
              body: ElementChangeBody,
              response: elementAnswer(200, 'The changed element'),
            },
          },
          async (request) => elementJson(await elements.update((request.params as { icpId: string }).icpId, request.body as ElementInput)),
        );
        secured.delete(
          '/network-elements/:icpId',
          {
            schema: {
              ...change('deleteNetworkElement', 'network-elements', 'Deletes an element; the link to a MiVoice Business stops'),
              params: IcpIdParams,
              response: { 204: NO_CONTENT, ...ERROR_RESPONSES },
            },
          },
          async (request, reply) => {
            await elements.remove((request.params as { icpId: string }).icpId);
            return reply.code(204).send();
          },
        );
        const defaultsAnswer = { 200: ref('NetworkElementDefaults'), ...ERROR_RESPONSES };
        secured.get(
          '/network-element-defaults',
          { schema: { ...read('getNetworkElementDefaults', 'network-elements', 'The values Default elements use'), response: defaultsAnswer } },
          async () => defaultsJson(await elements.defaults()),
        );
        secured.put(
          '/network-element-defaults/mivb',
          { schema: { ...change('setMivbDefaults', 'network-elements', 'Sets the MiVoice Business default values'), body: MivbDefaultsBody, response: defaultsAnswer } },
          async (request) => defaultsJson(await elements.setDefaults('MI_VB', request.body)),
        );
        secured.put(
          '/network-element-defaults/micc',
          { schema: { ...change('setMiccDefaults', 'network-elements', 'Sets the MiContact Center default values'), body: MiccDefaultsBody, response: defaultsAnswer } },
          async (request) => defaultsJson(await elements.setDefaults('MI_CC', request.body)),
        );

        // Options tab, "General Options": the logging level, applied without a restart.
        const loggingAnswer = { 200: ref('LoggingOption'), ...ERROR_RESPONSES };
        secured.get('/options/logging', { schema: { ...read('getLoggingLevel', 'options', 'The logging level'), response: loggingAnswer } }, async () => logging.current());
        secured.put(
          '/options/logging',
          { schema: { ...change('setLoggingLevel', 'options', 'Sets the logging level at once (kept across restarts)'), body: LoggingBody, response: loggingAnswer } },
          async (request) => logging.set((request.body as { level: LoggingLevel }).level),
        );

        // Server Manager, Backup: through the privileged helper.
        await secured.register(async (area) => backupRoutes(area, { helper: deps.helper, backups: deps.backups }));
      });
    },
    { prefix: ADMIN_PREFIX },
  );
}
