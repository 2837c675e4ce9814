import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApplianceControl, PowerAction } from '../../../domain/system/ports';
import { change } from '../admin-openapi';
import { ERROR_RESPONSES } from '../admin-schemas';

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
