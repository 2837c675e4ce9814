import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../domain/accounts/account-service';
import { change, read } from '../admin-openapi';
import { AccountChangeBody, AccountCreateBody, ERROR_RESPONSES, IdParams, NO_CONTENT, ref, refList } from '../admin-schemas';

/**
 * Application Accounts tab, "Create Application Local Password" and the accounts' edit and delete:
 * the local password of each ACL application (never its hash), enabled or disabled.
 */
export interface AccountRouteDeps {
  readonly accounts: AccountService;
}

export async function accountRoutes(secured: FastifyInstance, { accounts }: AccountRouteDeps): Promise<void> {
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
}
