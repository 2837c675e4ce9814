import type { FastifyInstance } from 'fastify';
import type { Licensing } from '../../../domain/licensing/licensing';
import { change, read } from '../admin-openapi';
import { ActivateBody, ERROR_RESPONSES, ref } from '../admin-schemas';

/**
 * Server Manager, Licensing (installation guide "License Activation"), and the Overview tab's
 * Licensing panel: the licence status, ARID activation, sync now and deactivation.
 */
export interface LicenceRouteDeps {
  readonly licensing: Licensing;
}

export async function licenceRoutes(secured: FastifyInstance, { licensing }: LicenceRouteDeps): Promise<void> {
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
}
