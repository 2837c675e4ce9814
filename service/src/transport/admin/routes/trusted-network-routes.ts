import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { TrustedNetwork, TrustedNetworksChange } from '@openoig/helper/protocol';
import { trustedNetworkProblems } from '@openoig/helper/trusted-network-rules';
import type { ApplianceControl, TrustedNetworksView } from '../../../domain/system/ports';
import { InvalidFieldsError } from '../../../errors';
import { change, read } from '../admin-openapi';
import { ERROR_RESPONSES } from '../admin-schemas';

const TrustedNetworksAnswer = Type.Object(
  {
    networks: Type.Array(TrustedNetwork),
    configured: Type.Boolean({ description: 'False until first boot or an administrator set the list: until then everyone may reach everything' }),
    enforced: Type.Boolean({ description: 'The firewall table (nftables) is loaded' }),
    refusedConnections: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Connections to the server manager, API or SSH ports the firewall refused since it was loaded' }),
    alwaysAllowed: Type.Array(Type.String(), { description: 'Loopback: allowed whatever the list says' }),
    yourAddress: Type.String({ description: 'The address this request came from, which the list has to keep for the server manager' }),
  },
  { additionalProperties: false },
);

export interface TrustedNetworkRouteDeps {
  readonly appliance: ApplianceControl;
}

/**
 * Server Manager, Trusted networks (issue #13; MSL's Trusted Networks, the seed's certificate
 * notes): which networks may reach the server manager (admin UI, its API, SSH) and which the
 * applications' APIs. The list is checked field by field here and again by the helper, which also
 * refuses one that would shut out the administrator's own address (the connection's, as nginx
 * passes it on).
 */
export async function trustedNetworkRoutes(secured: FastifyInstance, { appliance }: TrustedNetworkRouteDeps): Promise<void> {
  const answer = (view: TrustedNetworksView, yourAddress: string) => ({ ...view, yourAddress });

  secured.get(
    '/trusted-networks',
    { schema: { ...read('getTrustedNetworks', 'system', 'The networks that may reach the server manager and the APIs, and what the firewall refused'), response: { 200: TrustedNetworksAnswer, ...ERROR_RESPONSES } } },
    async (request) => answer(await appliance.trustedNetworks(), request.ip),
  );

  secured.put(
    '/trusted-networks',
    {
      schema: {
        ...change('setTrustedNetworks', 'system', 'Replaces the list (firewall and nginx together); refused when it would shut out the address of this request'),
        body: TrustedNetworksChange,
        response: { 200: TrustedNetworksAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { networks } = request.body as TrustedNetworksChange;
      const problems = trustedNetworkProblems(networks);
      if (Object.keys(problems).length > 0) throw new InvalidFieldsError(problems);
      const view = await appliance.setTrustedNetworks(networks, request.ip);
      request.log.warn({ networks: view.networks.map((n) => `${n.network}${n.admin ? ' admin' : ''}${n.api ? ' api' : ''}`) }, 'the administrator changed the trusted networks');
      return answer(view, request.ip);
    },
  );
}
