import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as soap from 'soap';
import { eventHandlerCCService } from '../../src/transport/soap/catalogue/event-handler-service';
import { renderWsdl, renderXsd } from '../../src/transport/soap/wsdl';
import { startTestGateway, type TestGateway } from '../support/gateway';
import {
  describeAllOperations,
  describeOperation,
  describeService,
  fetchOverHttp,
  loadContract,
  operationNames,
  readFromDisk,
  soapAddress,
  withEdit,
  withoutTypeNames,
  type LoadedContract,
  type Loader,
} from '../support/wsdl-shape';

/**
 * Schema equivalence with the reference OIG 4.0 WSDLs.
 *
 * The WSDL and XSDs the running gateway serves over HTTP are reduced to a normalised structure
 * (support/wsdl-shape.ts), and so is the reference contract read from disk, by the same
 * function. For every operation of the reference portType, the served structure must equal
 * the reference one: SOAPAction, style and use, the message parts' element QNames and those
 * elements' full content resolved through named types, enumerations with their values in order.
 */
const REFERENCE = new URL('../../../../shared/reference/oig-wsdl-4.0/', import.meta.url);

interface ServedService {
  readonly name: string;
  readonly reference: URL;
  readonly paths: readonly [string, ...string[]];
  /** How many operations the reference portType has: guards against a truncated reference. */
  readonly operationCount: number;
}

const SESSION: ServedService = {
  name: 'SessionService',
  reference: new URL('sessionManagement/SessionService.wsdl', REFERENCE),
  paths: ['/axis2/services/SessionService', '/mitel/oig/session/SessionService'],
  operationCount: 10,
};
const STANDARD_CC: ServedService = {
  name: 'StandardCCService',
  reference: new URL('standard/StandardCCService.wsdl', REFERENCE),
  paths: ['/axis2/services/StandardCCService', '/mitel/oig/cc/StandardCCService'],
  operationCount: 117,
};
const SERVED = [SESSION, STANDARD_CC] as const;

// Loaded before the tests are collected, so there is one test per reference operation.
const references = new Map<ServedService, LoadedContract>(
  await Promise.all(SERVED.map(async (s) => [s, await loadContract(s.reference, readFromDisk)] as const)),
);

function referenceOf(service: ServedService): LoadedContract {
  return references.get(service) as LoadedContract;
}

let gw: TestGateway;
const served = new Map<ServedService, LoadedContract>();

function servedWsdlUrl(path: string): URL {
  return new URL(`${path}?wsdl`, gw.url);
}

beforeAll(async () => {
  gw = await startTestGateway();
  for (const s of SERVED) served.set(s, await loadContract(servedWsdlUrl(s.paths[0]), fetchOverHttp));
});

afterAll(async () => {
  await gw?.close();
});

describe.each(SERVED)('the served $name WSDL and XSDs are equivalent to the reference OIG 4.0 contract', (service) => {
  const reference = referenceOf(service);
  const servedContract = (): LoadedContract => served.get(service) as LoadedContract;

  it('the reference and the served portType offer exactly the same operations', () => {
    expect(operationNames(reference)).toHaveLength(service.operationCount);
    expect(operationNames(servedContract()).sort()).toEqual(operationNames(reference).sort());
  });

  it('target namespace, service, portType and binding names and the SOAP binding style and transport match', () => {
    expect(describeService(reference)).toMatchObject({
      style: 'document',
      binding: `{${describeService(reference).targetNamespace}}${service.name}Binding`,
    });
    expect(describeService(servedContract())).toEqual(describeService(reference));
  });

  it.each(operationNames(reference))('%s: SOAPAction, document/literal binding and input/output element structures match', (op) => {
    const expected = describeOperation(reference, op);
    expect(expected).toMatchObject({ soapAction: `urn:${op}`, style: 'document', input: { use: 'literal' }, output: { use: 'literal' } });
    expect(describeOperation(servedContract(), op)).toEqual(expected);
  });

  it.each(service.paths)('at %s?wsdl it is served with soap:address pointing to that path, importing the XSDs from there', async (path) => {
    const atPath = await loadContract(servedWsdlUrl(path), fetchOverHttp);
    expect(soapAddress(atPath)).toBe(new URL(path, gw.url).href);
    expect(describeAllOperations(atPath)).toEqual(describeAllOperations(reference));
  });

  it('an unknown ?xsd= file answers 404', async () => {
    const res = await fetch(new URL(`${service.paths[0]}?xsd=nope.xsd`, gw.url));
    expect(res.status).toBe(404);
  });

  it('node-soap builds a client from the served WSDL, with every operation', async () => {
    const client = await soap.createClientAsync(servedWsdlUrl(service.paths[0]).href);
    const ports = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    const operations = ports[service.name]?.[`${service.name}Port`] ?? {};
    expect(Object.keys(operations).sort()).toEqual(operationNames(reference).sort());
  });
});

describe('EventHandlerCCService, the application-side service the gateway calls', () => {
  const ENDPOINT = 'http://app.example/EventHandlerCCService';
  const referenceWsdl = new URL('stdEventHandler/EventHandlerCCService.wsdl', REFERENCE);
  /** The catalogue's WSDL and XSD, rendered directly: the gateway does not serve this service. */
  const rendered: Loader = async (url) => {
    const file = url.searchParams.get('xsd');
    const text = file === null ? renderWsdl(eventHandlerCCService, ENDPOINT) : renderXsd(eventHandlerCCService, file);
    if (text === undefined) throw new Error(`no rendered document for ${url.href}`);
    return text;
  };

  it('handleEvent is equivalent to the reference on the wire; only the reference inlines the event types anonymously', async () => {
    const reference = await loadContract(referenceWsdl, readFromDisk);
    const ours = await loadContract(new URL(`${ENDPOINT}?wsdl`), rendered);
    expect(operationNames(reference)).toEqual(['handleEvent']);
    expect(operationNames(ours)).toEqual(['handleEvent']);
    expect(describeService(ours)).toEqual(describeService(reference));
    expect(soapAddress(ours)).toBe(ENDPOINT);
    expect(withoutTypeNames(describeOperation(ours, 'handleEvent'))).toEqual(withoutTypeNames(describeOperation(reference, 'handleEvent')));
  });

  it("the event it carries is StandardCCService's standardEventMsg, element for element and value for value", async () => {
    const handler = await loadContract(referenceWsdl, readFromDisk);
    const eventOf = (contract: LoadedContract, op: string, direction: 'input' | 'output', child: string) => {
      const content = describeOperation(contract, op)[direction].parts[0]?.content;
      if (typeof content !== 'object' || !('sequence' in content)) throw new Error(`${op} ${direction} has no sequence`);
      return content.sequence.find((e) => e.name === child)?.type;
    };
    const pushed = eventOf(handler, 'handleEvent', 'input', 'event');
    const polled = eventOf(referenceOf(STANDARD_CC), 'getEvent', 'output', 'return');
    expect(pushed).toBeDefined();
    expect(withoutTypeNames(pushed)).toEqual(withoutTypeNames(polled));
  });
});

describe('the normaliser (so equivalence cannot hold vacuously)', () => {
  const mutations = [
    {
      what: 'an attribute made optional',
      service: SESSION,
      file: 'session.xsd',
      edit: (text: string) => text.replace(/(<xs:complexType name="authenticateSessionRequest">[\s\S]*?)use="required"/, '$1use="optional"'),
      differs: ['authenticate'],
    },
    {
      what: 'a wrapper child element renamed',
      service: SESSION,
      file: 'SessionService.wsdl',
      edit: (text: string) => text.replace('name="callbackUri"', 'name="callbackURL"'),
      differs: ['registerHAClientCallback'],
    },
    {
      what: 'a nested element made optional',
      service: SESSION,
      file: 'session.xsd',
      edit: (text: string) =>
        text.replace(/(<xs:complexType name="loginExRequest">[\s\S]*?<xs:element )name="version"/, '$1minOccurs="0" name="version"'),
      differs: ['loginEx'],
    },
    {
      what: 'a SOAPAction changed',
      service: SESSION,
      file: 'SessionService.wsdl',
      edit: (text: string) => text.replace('soapAction="urn:logout"', 'soapAction="urn:logoff"'),
      differs: ['logout'],
    },
    {
      what: 'an enumeration value renamed',
      service: STANDARD_CC,
      file: 'advanced.xsd',
      edit: (text: string) => text.replace('value="HuntGroupModeCyclic"', 'value="HuntGroupModeCircular"'),
      differs: ['advGetHuntGroupDescription'],
    },
    {
      what: 'two enumeration values swapped',
      service: STANDARD_CC,
      file: 'cc.xsd',
      edit: (text: string) =>
        text.replace(
          /value="VERIFIED_ACCOUNT_CODE"(\/>\s*<xs:enumeration )value="UNVERIFIED_ACCOUNT_CODE"/,
          'value="UNVERIFIED_ACCOUNT_CODE"$1value="VERIFIED_ACCOUNT_CODE"',
        ),
      // accountCodeType is reached through callEventMsg and advCallEventMsg.
      differs: ['advGetEvent', 'getCallStatus', 'getEvent', 'advGetCallStatus', 'getNumberedEvent', 'getRestEvent'],
    },
    {
      what: 'a required wrapper child made optional',
      service: STANDARD_CC,
      file: 'StandardCCService.wsdl',
      edit: (text: string) => text.replace(/(<xs:element name="makeCall">[\s\S]*?<xs:element )name="number"/, '$1minOccurs="0" name="number"'),
      differs: ['makeCall'],
    },
    {
      what: 'two elements of a named type swapped',
      service: STANDARD_CC,
      file: 'standard.xsd',
      edit: (text: string) =>
        text.replace(
          /(<xs:complexType name="loginHotDeskUserRequest">\s*<xs:sequence>\s*)(<xs:element name="pin" type="xs:string"\/>)(\s*)(<xs:element name="hotDeskUserDn" type="xs:string"\/>)/,
          '$1$4$3$2',
        ),
      differs: ['loginHotDeskUser'],
    },
    {
      what: 'an element made repeatable',
      service: STANDARD_CC,
      file: 'cc.xsd',
      edit: (text: string) => text.replace(/(<xs:complexType name="forwardingInfo">[\s\S]*?<xs:element )minOccurs="0" name="dn"/, '$1maxOccurs="unbounded" minOccurs="0" name="dn"'),
      differs: ['getDeviceFeatures', 'advGetACDAgentStatus', 'advGetACDAgentStatusEx'],
    },
    {
      what: 'an enumeration type renamed',
      service: STANDARD_CC,
      file: 'standard.xsd',
      edit: (text: string) => text.replace('name="networkElementType"', 'name="neType"').replace('type="tns:networkElementType"', 'type="tns:neType"'),
      differs: ['getIcpConfig'],
    },
  ] as const;

  it.each(mutations)('detects $what in $file as a difference in exactly the operations that use it', async ({ service, file, edit, differs }) => {
    const reference = referenceOf(service);
    const mutated = await loadContract(service.reference, withEdit(readFromDisk, file, edit));
    const changed = operationNames(reference).filter(
      (op) => JSON.stringify(describeOperation(mutated, op)) !== JSON.stringify(describeOperation(reference, op)),
    );
    expect(changed.sort()).toEqual([...differs].sort());
  });

  it('resolves QNames through xmlns declarations, so renamed prefixes give the same structure', async () => {
    const renamePrefixes = (renames: Record<string, string>) => (text: string) =>
      Object.entries(renames).reduce((out, [from, to]) => out.replace(new RegExp(`\\b${from}(?=[:=])`, 'g'), to), text);
    const wsdlRenamed = withEdit(readFromDisk, 'SessionService.wsdl', renamePrefixes({ xs: 'xsd', ns1: 'types', tns: 'svc' }));
    const bothRenamed = withEdit(wsdlRenamed, 'session.xsd', renamePrefixes({ xs: 'x', tns: 's' }));
    const renamed = await loadContract(SESSION.reference, bothRenamed);
    expect(describeService(renamed)).toEqual(describeService(referenceOf(SESSION)));
    expect(describeAllOperations(renamed)).toEqual(describeAllOperations(referenceOf(SESSION)));
  });
});
