import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NetworkChange, NetworkToken } from '@openoig/helper/protocol';
import { networkChangeProblems } from '@openoig/helper/settings';
import type { ApplianceControl, PowerAction } from '../../../domain/system/ports';
import { InvalidFieldsError } from '../../../errors';
import { change, publicOperation, read } from '../admin-openapi';
import { ERROR_RESPONSES } from '../admin-schemas';

const NetworkView = Type.Object(
  {
    interface: Type.String({ description: 'The wired NIC, e.g. ens192' }),
    configured: NetworkChange,
    current: Type.Object({ addresses: Type.Array(Type.String({ description: 'address/prefix' })), gateway: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
    pending: Type.Union([Type.Object({ confirmBy: Type.String({ format: 'date-time' }) }, { additionalProperties: false }), Type.Null()], { description: 'A change that goes back unless confirmed by then' }),
    lastProblem: Type.Union([Type.Object({ at: Type.String({ format: 'date-time' }), message: Type.String() }, { additionalProperties: false }), Type.Null()], {
      description: 'Why the last change was taken back at once (it did not come up)',
    }),
  },
  { additionalProperties: false },
);
const NetworkChanged = Type.Object(
  {
    view: NetworkView,
    token: Type.String({ description: 'Confirms the change (POST /network/confirm), from the new address' }),
    confirmBy: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
const ConfirmBody = Type.Object({ token: NetworkToken }, { additionalProperties: false });

/**
 * Server Manager, Networks (issue #13): the appliance's IPv4 address. A change is applied and
 * checked by the helper, then goes back by itself unless the browser confirms it within 60 s with
 * the token it got: from the new address, which proves it is reachable. The confirmation needs no
 * login (the browser is on another origin then, without the login cookie): the token, random and
 * known only to the administrator who made the change, is the authority.
 */
export async function networkConfirmRoute(scope: FastifyInstance, { appliance }: SystemRouteDeps): Promise<void> {
  scope.post(
    '/network/confirm',
    { schema: { ...publicOperation('confirmNetwork', 'system', 'Keeps a network change (within 60 s of it, with its token)'), body: ConfirmBody, response: { 200: NetworkView, ...ERROR_RESPONSES } } },
    async (request) => appliance.confirmNetwork((request.body as { token: string }).token),
  );
}

/**
 * Server Manager, Reboot or Shut Down (issue #13): the appliance restarts or powers off through
 * the privileged helper. The body has to say `confirm: true`, so no stray request powers the
 * appliance off; the UI asks first. Every application session ends (OIG_SHUTDOWN) as the gateway
 * stops.
 */
export interface SystemRouteDeps {
  readonly appliance: ApplianceControl;
}

const PowerBody = Type.Object(
  {
    action: Type.Union([Type.Literal('reboot'), Type.Literal('poweroff')], { description: 'reboot, or poweroff (shut down)' }),
    confirm: Type.Literal(true, { description: 'Must be true: every application session ends' }),
  },
  { additionalProperties: false },
);
const PowerAnswer = Type.Object(
  { action: Type.Union([Type.Literal('reboot'), Type.Literal('poweroff')]), at: Type.String({ format: 'date-time', description: 'When the appliance starts to go down' }) },
  { additionalProperties: false },
);

export async function systemRoutes(secured: FastifyInstance, { appliance }: SystemRouteDeps): Promise<void> {
  secured.get('/network', { schema: { ...read('getNetwork', 'system', 'The IPv4 settings and what the NIC has now'), response: { 200: NetworkView, ...ERROR_RESPONSES } } }, async () => appliance.network());

  secured.put(
    '/network',
    { schema: { ...change('changeNetwork', 'system', 'Takes DHCP or a static address, made 1.5 s after this answer (which carries the token); it goes back unless confirmed within 60 s'), body: NetworkChange, response: { 200: NetworkChanged, ...ERROR_RESPONSES } } },
    async (request) => {
      const body = request.body as Parameters<typeof networkChangeProblems>[0];
      const problems = networkChangeProblems(body);
      if (Object.keys(problems).length > 0) throw new InvalidFieldsError(problems);
      const changed = await appliance.changeNetwork(body as never);
      request.log.warn({ mode: body.mode, confirmBy: changed.confirmBy }, 'the administrator changed the network');
      return changed;
    },
  );

  secured.post(
    '/system/power',
    { schema: { ...change('powerAction', 'system', 'Reboots or shuts down the appliance (refused while a backup or restore runs)'), body: PowerBody, response: { 202: PowerAnswer, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { action } = request.body as { action: PowerAction };
      const outcome = await appliance.power(action);
      request.log.warn({ action }, action === 'reboot' ? 'the administrator reboots the appliance' : 'the administrator shuts the appliance down');
      return reply.code(202).send(outcome);
    },
  );
}
