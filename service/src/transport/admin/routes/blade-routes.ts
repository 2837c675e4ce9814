import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApplianceControl } from '../../../domain/system/ports';
import { change, read } from '../admin-openapi';
import { ERROR_RESPONSES } from '../admin-schemas';

const Nullable = <T extends import('@sinclair/typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const BladesView = Type.Object(
  {
    source: Nullable(Type.String({ description: 'ServiceLink’s blade repository; null when the appliance has none' })),
    lastUpdate: Nullable(
      Type.Object(
        { at: Type.String({ format: 'date-time' }), ok: Type.Boolean(), message: Nullable(Type.String({ description: 'What apt refused (a bad signature, an index that does not match its signed hash)' })) },
        { additionalProperties: false },
      ),
    ),
    blades: Type.Array(
      Type.Object(
        {
          name: Type.String({ description: 'The blade’s package, e.g. openoig-gateway' }),
          installed: Nullable(Type.String()),
          available: Nullable(Type.String({ description: 'The newest version ServiceLink offers, as of the last Update List' })),
          upgradable: Type.Boolean(),
          installable: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export interface BladeRouteDeps {
  readonly appliance: ApplianceControl;
}

/**
 * Server Manager, Blades (issue #14; the installation guide's ServiceLink, Blades, Update List):
 * the blades installed and those the signed blade repository offers. Update List fetches its
 * indexes again through the helper; apt checks them against the repository's own key.
 */
export async function bladeRoutes(secured: FastifyInstance, { appliance }: BladeRouteDeps): Promise<void> {
  secured.get('/blades', { schema: { ...read('getBlades', 'system', 'The blades installed and the versions ServiceLink offers'), response: { 200: BladesView, ...ERROR_RESPONSES } } }, async () => appliance.blades());
  secured.post(
    '/blades/update-list',
    { schema: { ...change('updateBladeList', 'system', 'Update List: fetches ServiceLink’s signed indexes again'), response: { 200: BladesView, ...ERROR_RESPONSES } } },
    async () => appliance.updateBladeList(),
  );
}
