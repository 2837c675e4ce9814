import type { FastifyInstance } from 'fastify';
import type { ElementSettings } from '../../../domain/callcontrol/element-settings';
import type { ElementInput, ElementView, NetworkElementAdmin } from '../../../domain/callcontrol/network-element-admin';
import type { NetworkElementType } from '../../../domain/callcontrol/ports';
import { change, read } from '../admin-openapi';
import { ElementChangeBody, ElementCreateBody, ERROR_RESPONSES, IcpIdParams, MiccDefaultsBody, MivbDefaultsBody, NO_CONTENT, ref, refList } from '../admin-schemas';

/**
 * The Network Elements tab (installation guide "Network Elements Tab"): MiVoice Business and
 * MiContact Center elements, configured or discovered, with their link state and version, and
 * "Set Default Values for Network Element".
 */
export interface NetworkElementRouteDeps {
  readonly elements: NetworkElementAdmin;
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

export async function networkElementRoutes(secured: FastifyInstance, { elements }: NetworkElementRouteDeps): Promise<void> {
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
}
