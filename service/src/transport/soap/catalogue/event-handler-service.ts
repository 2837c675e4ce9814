import { XS, el, opt, wrapper } from '../schema';
import { CC_NS } from './cc-enums';
import { standardEventMsg } from './cc-types';
import { operation, type ServiceDef } from './types';

/**
 * EventHandlerCCService of OIG 4.0: the service an application exposes to receive the events
 * of its session, once registered with StandardCCService.registerEventHandler. The gateway is
 * its client, so it is declared for the request it sends and the answer it reads, not served.
 *
 * The published stdEventHandler/cc.xsd spells standardEventMsg's nested types out anonymously
 * where standard/cc.xsd names them (callEventMsg, partyMember, …); elements, order, occurrence
 * and enumeration values are the same, so the same types give the same messages on the wire.
 */
const TNS = 'http://mitel.com/oig/cc/standard/EventHandlerCCService';

export const eventHandlerCCService: ServiceDef = {
  name: 'EventHandlerCCService',
  namespace: TNS,
  typesSchemas: [{ namespace: CC_NS, file: 'cc.xsd' }],
  paths: [],
  doc: "Receives the events of an application's session, pushed by the gateway.",
  operations: [
    operation(
      TNS,
      'handleEvent',
      'standard',
      wrapper(TNS, 'handleEvent', [opt('event', standardEventMsg)]),
      wrapper(TNS, 'handleEventResponse', [el('return', XS.boolean)]),
      'Delivers one event; the application answers true once it has taken it.',
    ),
  ],
};
