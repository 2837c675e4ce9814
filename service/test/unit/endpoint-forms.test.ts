import { describe, expect, it } from 'vitest';
import { sessionService } from '../../src/transport/soap/catalogue/session-service';
import { standardCCService } from '../../src/transport/soap/catalogue/standard-cc-service';
import { endpointFormParser } from '../../src/transport/soap/endpoint-forms';

/** Issue #11: the address forms Axis2 answers a service at, after its plain path. */
describe('Axis2 endpoint forms (issue #11)', () => {
  const formOf = endpointFormParser(sessionService);
  const login = sessionService.operations.find((op) => op.name === 'login');

  it('the plain path, a trailing slash and the SOAP 1.1 endpoints (the WSDL port and Axis2 defaults) are SOAP 1.1', () => {
    expect(formOf('')).toEqual({ binding: 'soap11' });
    expect(formOf('/')).toEqual({ binding: 'soap11' });
    for (const endpoint of ['SessionServiceHttpSoap11Endpoint', 'SessionServiceHttpsSoap11Endpoint', 'SessionServicePort']) {
      expect(formOf(`.${endpoint}`)).toEqual({ binding: 'soap11', endpoint });
      expect(formOf(`.${endpoint}/`)).toEqual({ binding: 'soap11', endpoint });
    }
  });

  it('an operation in the path, with or without a trailing slash, on any endpoint', () => {
    expect(formOf('/login')).toEqual({ binding: 'soap11', operation: login });
    expect(formOf('/login/')).toEqual({ binding: 'soap11', operation: login });
    expect(formOf('.SessionServiceHttpSoap11Endpoint/login')).toEqual({ binding: 'soap11', endpoint: 'SessionServiceHttpSoap11Endpoint', operation: login });
    expect(endpointFormParser(standardCCService)('.StandardCCServiceHttpSoap11Endpoint/getEvent')?.operation?.name).toBe('getEvent');
  });

  it('recognises the SOAP 1.2 and plain-XML endpoints, so they can be refused by name', () => {
    expect(formOf('.SessionServiceHttpSoap12Endpoint/')).toEqual({ binding: 'soap12', endpoint: 'SessionServiceHttpSoap12Endpoint' });
    expect(formOf('.SessionServiceHttpsSoap12Endpoint')?.binding).toBe('soap12');
    expect(formOf('.SessionServiceHttpEndpoint/login')).toMatchObject({ binding: 'http', operation: login });
  });

  it("the service's own name after a slash is where the WSDL's relative ?xsd= imports land", () => {
    expect(formOf('/SessionService')).toEqual({ binding: 'soap11', documentAlias: true });
  });

  it('anything else is no address of the service', () => {
    for (const rest of ['X', '.', './', '//', '/extra/deep', '/login/x', '/nosuchop', '.NoSuchEndpoint', '.StandardCCServiceHttpSoap11Endpoint', '.SessionServiceHttpSoap11Endpoint/x/y', '/LOGIN']) {
      expect(formOf(rest), rest).toBeUndefined();
    }
  });
});
