import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../domain/accounts/account-service';
import { LOCAL_PASSWORD_RULES } from '../../domain/accounts/account-service';
import type { AclRegistry } from '../../domain/acl/acl-registry';
import type { CallControl } from '../../domain/callcontrol/call-control';
import type { Licensing } from '../../domain/licensing/licensing';
import type { ReportService, SmtpSettingsInput } from '../../domain/usage/report-service';
import type { UsageRecorder } from '../../domain/usage/usage-recorder';
import { GATEWAY_VERSION } from '../../version';
import type { SessionManager } from '../../domain/sessions/session-manager';
import { useJsonErrors } from '../json-errors';
import type { AdminAuth } from './admin-auth';

/** The admin API (JSON) under /api/admin: administrator login, application accounts, ACL, sessions. */
export const ADMIN_PREFIX = '/api/admin';

const Name = Type.String({ minLength: 1, maxLength: 256 });
const LocalPassword = Type.String({ minLength: LOCAL_PASSWORD_RULES.minLength, maxLength: LOCAL_PASSWORD_RULES.maxLength });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export interface AdminDeps {
  readonly auth: AdminAuth;
  readonly accounts: AccountService;
  readonly acl: AclRegistry;
  readonly sessions: SessionManager;
  readonly callControl: CallControl;
  readonly licensing: Licensing;
  readonly reports: ReportService;
  readonly usage: UsageRecorder;
}

export async function registerAdminApi(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { auth, accounts, acl, sessions, callControl, licensing, reports, usage } = deps;
  await app.register(
    async (scope) => {
      useJsonErrors(scope);

      scope.post(
        '/login',
        { schema: { body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }) } },
        async (request, reply) => auth.login(request, reply, (request.body as { password: string }).password),
      );

      // Everything registered in this inner scope needs a live administrator login.
      await scope.register(async (secured) => {
        secured.addHook('preHandler', async (request) => auth.require(request));

        secured.post('/logout', async (request, reply) => {
          await auth.logout(request, reply);
          return { result: true };
        });

        secured.get('/applications', async () => {
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
        });

        // Licensing (installation guide "License Activation"; Overview tab's Licensing panel).
        secured.get('/licence', async () => licensing.status());
        secured.post(
          '/licence/activate',
          { schema: { body: Type.Object({ arid: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }) } },
          async (request) => {
            await licensing.activation.activate((request.body as { arid: string }).arid);
            return licensing.status();
          },
        );
        secured.post('/licence/sync', async () => {
          await licensing.activation.sync();
          return licensing.status();
        });
        secured.post('/licence/deactivate', async () => {
          await licensing.activation.deactivate();
          return licensing.status();
        });
        secured.get('/overview', async () => ({
          applications: (await accounts.list()).length,
          sessions: sessions.count(),
          networkElements: callControl.networkElements().filter((e) => e.connectionState === 'CONNECTED').length,
          version: GATEWAY_VERSION,
          licensing: licensing.status().overview,
        }));

        // Usage report (installation guide "Options Tab", "Send Mitel OIG Usage Report") and SMTP
        // settings (MSL "E-mail Settings"). The SMTP password is write-only: answers say passwordSet.
        secured.get('/usage-report', async () => ({ ...(await reports.settings()), deliveries: await reports.deliveries() }));
        secured.put(
          '/usage-report/recipient',
          { schema: { body: Type.Object({ recipient: Type.Union([Type.String({ maxLength: 254 }), Type.Null()]) }, { additionalProperties: false }) } },
          async (request) => reports.setRecipient((request.body as { recipient: string | null }).recipient),
        );
        secured.put(
          '/usage-report/smtp',
          {
            schema: {
              body: Type.Object(
                {
                  host: Type.String({ minLength: 1, maxLength: 253 }),
                  port: Type.Integer({ minimum: 1, maximum: 65535 }),
                  security: Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none')]),
                  sender: Type.String({ minLength: 3, maxLength: 254 }),
                  username: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
                  password: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
                  caPem: Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()])),
                },
                { additionalProperties: false },
              ),
            },
          },
          async (request) => reports.setSmtp(request.body as SmtpSettingsInput),
        );
        secured.delete('/usage-report/smtp', async () => reports.setSmtp(null));
        secured.post(
          '/usage-report/send',
          { schema: { body: Type.Optional(Type.Object({ month: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' })) }, { additionalProperties: false })) } },
          async (request, reply) => {
            const { delivery } = await reports.sendNow((request.body as { month?: string } | undefined) ?? {});
            return reply.code(202).send({ delivery });
          },
        );
        secured.get(
          '/usage-report/deliveries',
          { schema: { querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }) } },
          async (request) => reports.deliveries((request.query as { limit?: number }).limit ?? 20),
        );
        secured.get('/usage/current', async () => usage.current());

        secured.get('/acl', async () => acl.status());
        secured.post('/acl/refresh', async () => acl.refresh());

        secured.get('/accounts', async () => accounts.list());
        secured.get('/accounts/:id', { schema: { params: IdParams } }, async (request) => accounts.get((request.params as { id: number }).id));
        secured.post(
          '/accounts',
          { schema: { body: Type.Object({ companyName: Name, applicationName: Name, localPassword: LocalPassword }, { additionalProperties: false }) } },
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
              params: IdParams,
              body: Type.Object({ localPassword: Type.Optional(LocalPassword), enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
            },
          },
          async (request) => {
            const { id } = request.params as { id: number };
            return accounts.update(id, request.body as { localPassword?: string; enabled?: boolean });
          },
        );
        secured.delete('/accounts/:id', { schema: { params: IdParams } }, async (request, reply) => {
          await accounts.delete((request.params as { id: number }).id);
          return reply.code(204).send();
        });

        secured.get('/sessions', async () =>
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

        secured.get('/network-elements', async () =>
          callControl.networkElements().map((e) => ({
            icpId: e.id,
            type: e.type,
            address: e.address,
            name: e.name,
            configured: e.configured,
            connectionState: e.connectionState,
            version: e.version ?? null,
          })),
        );
      });
    },
    { prefix: ADMIN_PREFIX },
  );
}
