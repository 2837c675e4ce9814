import type { FastifyInstance } from 'fastify';
import type { AdminAuth } from '../admin-auth';
import { change, read } from '../admin-openapi';
import { ERROR_RESPONSES, PasswordChangeBody, ref } from '../admin-schemas';

/**
 * The administrator's own login and password: the live login the UI asks for on load and in the
 * background (its CSRF token, idle time left), logout, and Server Manager, Administrator Password.
 * Logging in needs no login, so POST /login stays with the public routes in admin-routes.ts.
 */
export interface AdministratorRouteDeps {
  readonly auth: AdminAuth;
}

export async function administratorRoutes(secured: FastifyInstance, { auth }: AdministratorRouteDeps): Promise<void> {
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
}
