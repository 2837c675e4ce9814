import type { OperationDef, ServiceDef } from './catalogue/types';
import { wsdlPortName } from './wsdl';

/**
 * The addresses Axis2 answers a service at, beyond its plain path `P`: `P/`, `P.<endpoint>`,
 * `P.<endpoint>/`, and either with the operation appended (`P/login`, `P.<endpoint>/login/`).
 * Existing clients use them (a trailing slash is the default of public OIG client libraries),
 * so a wire-compatible gateway must too. Axis2 names a service's endpoints after its WSDL ports
 * and, by default, after each transport and binding: `<S>HttpSoap11Endpoint`,
 * `<S>HttpSoap12Endpoint`, `<S>HttpEndpoint` (and `Https…` for TLS).
 *
 * The reference WSDLs declare one SOAP 1.1 port per service, so SOAP 1.1 is what is served;
 * the SOAP 1.2 and plain-XML (REST) endpoints are recognised so that they can be refused with a
 * fault that says what to use instead, rather than "not found".
 */
export type EndpointBinding = 'soap11' | 'soap12' | 'http';

export interface EndpointForm {
  readonly binding: EndpointBinding;
  /** The Axis2 endpoint the path names (`SessionServiceHttpSoap11Endpoint`), if any. */
  readonly endpoint?: string;
  /** The operation the path names (`…/SessionService/login`): the body must be that operation. */
  readonly operation?: OperationDef;
  /**
   * The path ends in the service's own name (`…/SessionService/SessionService`): that is where
   * the WSDL's relative `SessionService?xsd=…` imports land when it was fetched at `…/`.
   */
  readonly documentAlias?: boolean;
}

function endpointBindings(service: ServiceDef): ReadonlyMap<string, EndpointBinding> {
  const s = service.name;
  return new Map<string, EndpointBinding>([
    [wsdlPortName(service), 'soap11'],
    [`${s}HttpSoap11Endpoint`, 'soap11'],
    [`${s}HttpsSoap11Endpoint`, 'soap11'],
    [`${s}HttpSoap12Endpoint`, 'soap12'],
    [`${s}HttpsSoap12Endpoint`, 'soap12'],
    [`${s}HttpEndpoint`, 'http'],
    [`${s}HttpsEndpoint`, 'http'],
  ]);
}

// [.endpoint] then optionally "/" and one segment, itself optionally followed by "/".
const FORM = /^(?:\.([^/]+))?(?:\/(?:([^/]+)\/?)?)?$/;

/** A parser for what follows one of the service's paths; undefined: no address of this service. */
export function endpointFormParser(service: ServiceDef): (rest: string) => EndpointForm | undefined {
  const bindings = endpointBindings(service);
  const operations = new Map(service.operations.map((op) => [op.name, op]));
  return (rest) => {
    const match = FORM.exec(rest);
    if (!match) return undefined;
    const [, endpoint, segment] = match;
    const binding = endpoint === undefined ? 'soap11' : bindings.get(endpoint);
    if (!binding) return undefined;
    const base = endpoint === undefined ? { binding } : { binding, endpoint };
    if (segment === undefined) return base;
    const operation = operations.get(segment);
    if (operation) return { ...base, operation };
    return segment === service.name ? { ...base, documentAlias: true } : undefined;
  };
}
