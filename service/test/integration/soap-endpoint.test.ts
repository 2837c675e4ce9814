import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { SESSION_NS, SESSION_TNS, faultOf, loginExEnvelope, postSoap } from '../support/soap';

/** The SOAP endpoint as a plain HTTP client sees it: dispatch, exact response shape, WSDL/XSD/doc. */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

const loginXml = loginExEnvelope({ companyName: LAB.company, ...LAB.standard, localPassword: LAB.localPassword });

describe('SOAP endpoint', () => {
  it('answers in the exact shape of the contract: <return result="true" sessionId="…"/> in the service namespace', async () => {
    const res = await postSoap(gw.url, loginXml, { action: 'urn:loginEx' });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(
      new RegExp(`<soapenv:Body><ns:loginExResponse><ns:return result="true" sessionId="\\d+"/></ns:loginExResponse></soapenv:Body>`),
    );
    expect(res.body).toContain(`xmlns:ns="${SESSION_TNS}"`);
  });

  it('dispatches by the body element without a SOAPAction, and accepts an unquoted SOAPAction and unprefixed default namespaces', async () => {
    expect((await postSoap(gw.url, loginXml)).body).toContain('result="true"');
    const res = await request(`${gw.url}/mitel/oig/session/SessionService`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: 'urn:loginEx' },
      body:
        '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>' +
        `<loginEx xmlns="${SESSION_TNS}"><req><applicationName xmlns="${SESSION_NS}">LabStandard</applicationName>` +
        `<companyName xmlns="${SESSION_NS}">${LAB.company}</companyName><applicationPassword xmlns="${SESSION_NS}">${LAB.standard.applicationPassword}</applicationPassword>` +
        `<localPassword xmlns="${SESSION_NS}">${LAB.localPassword}</localPassword><version xmlns="${SESSION_NS}">4.0</version></req></loginEx></Body></Envelope>`,
    });
    expect(await res.body.text()).toContain('result="true"');
  });

  it('error text is escaped, never raw markup', async () => {
    const res = await postSoap(gw.url, loginXml.replace('>LabStandard<', '>&lt;script&gt;<'));
    expect(res.body).toContain("Application '&lt;script&gt;' of company");
    expect(res.body).not.toContain('<script>');
  });

  it('serves ?wsdl (any case), ?xsd=session.xsd, ?doc, and a hint on a plain GET', async () => {
    for (const q of ['wsdl', 'WSDL']) {
      const wsdl = await request(`${gw.url}/axis2/services/SessionService?${q}`);
      expect(wsdl.headers['content-type']).toMatch(/text\/xml/);
      expect(await wsdl.body.text()).toContain('<wsdl:definitions');
    }
    const xsd = await (await request(`${gw.url}/axis2/services/SessionService?xsd=session.xsd`)).body.text();
    expect(xsd).toContain(`targetNamespace="${SESSION_NS}"`);
    const doc = await (await request(`${gw.url}/axis2/services/SessionService?doc`)).body.text();
    for (const op of ['login', 'loginEx', 'loginApp', 'authenticate', 'serviceVersions', 'resetSessionTimer', 'logout', 'registerHAClientCallback']) {
      expect(doc).toContain(`| ${op} | urn:${op} |`);
    }
    expect(await (await request(`${gw.url}/axis2/services/SessionService`)).body.text()).toMatch(/POST SOAP 1\.1 requests here/);
  });

  it('the WSDL address follows the Host the client used, and ignores a malformed one', async () => {
    const wsdl = await (await request(`${gw.url}/axis2/services/SessionService?wsdl`, { headers: { host: 'oig.example.test:8080' } })).body.text();
    expect(wsdl).toContain('location="http://oig.example.test:8080/axis2/services/SessionService"');
    const bad = await (await request(`${gw.url}/axis2/services/SessionService?wsdl`, { headers: { host: 'evil"><x' } })).body.text();
    expect(bad).toContain('location="http://127.0.0.1/axis2/services/SessionService"');
  });
});

describe('behind the appliance\'s TLS front', () => {
  it('believes X-Forwarded-Proto from the trusted proxy address only, so the WSDL says https', async () => {
    const proxied = await startTestGateway({ config: { http: { port: 0, trustProxy: '127.0.0.1' } } });
    try {
      const headers = { 'x-forwarded-proto': 'https', host: 'oig.example.test' };
      const wsdl = await (await request(`${proxied.url}/axis2/services/SessionService?wsdl`, { headers })).body.text();
      expect(wsdl).toContain('location="https://oig.example.test/axis2/services/SessionService"');
    } finally {
      await proxied.close();
    }
    // Without trustProxy the same header is ignored.
    const direct = await (await request(`${gw.url}/axis2/services/SessionService?wsdl`, { headers: { 'x-forwarded-proto': 'https' } })).body.text();
    expect(direct).toMatch(/location="http:\/\//);
  });
});

const CC_TNS = 'http://mitel.com/oig/cc/standard/StandardCCService';
const cancelGetEventXml =
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="${CC_TNS}">` +
  '<soapenv:Body><c:cancelGetEvent><c:sessionId>1</c:sessionId></c:cancelGetEvent></soapenv:Body></soapenv:Envelope>';

describe('Axis2 endpoint forms (issue #11)', () => {
  it('logs in at the trailing-slash, endpoint and operation forms of both service paths', async () => {
    const paths = [
      '/axis2/services/SessionService/',
      '/axis2/services/SessionService.SessionServiceHttpSoap11Endpoint',
      '/axis2/services/SessionService.SessionServiceHttpSoap11Endpoint/',
      '/axis2/services/SessionService.SessionServiceHttpsSoap11Endpoint/',
      '/axis2/services/SessionService.SessionServicePort/',
      '/axis2/services/SessionService/loginEx',
      '/axis2/services/SessionService/loginEx/',
      '/axis2/services/SessionService.SessionServiceHttpSoap11Endpoint/loginEx',
      '/mitel/oig/session/SessionService/',
      '/mitel/oig/session/SessionService.SessionServiceHttpSoap11Endpoint/loginEx',
    ];
    for (const path of paths) {
      const res = await postSoap(gw.url, loginXml, { path, action: 'urn:loginEx' });
      expect(res.status, path).toBe(200);
      expect(res.body, path).toContain('result="true"');
    }
  });

  it('serves every registered service in the same forms (StandardCCService)', async () => {
    for (const path of ['/axis2/services/StandardCCService/', '/axis2/services/StandardCCService.StandardCCServiceHttpSoap11Endpoint/', '/axis2/services/StandardCCService/cancelGetEvent']) {
      const res = await postSoap(gw.url, cancelGetEventXml, { path });
      expect(res.status, path).toBe(200);
      expect(res.body, path).toContain('cancelGetEventResponse');
    }
  });

  it('refuses an operation in the path that is not the body\'s', async () => {
    const res = await postSoap(gw.url, loginXml, { path: '/axis2/services/SessionService/logout' });
    expect(res.status).toBe(500);
    expect(faultOf(res.body)).toMatchObject({ code: 'OIG_SOAP_PATH_MISMATCH', faultcode: 'soapenv:Client' });
    expect(faultOf(res.body).faultstring).toMatch(/names operation 'logout' but the body element is 'loginEx'/);
  });

  it('answers the SOAP 1.2 and plain-XML endpoints with a fault that names the SOAP 1.1 address', async () => {
    const soap12 = await postSoap(gw.url, loginXml, { path: '/axis2/services/SessionService.SessionServiceHttpSoap12Endpoint/' });
    expect(faultOf(soap12.body)).toMatchObject({ code: 'OIG_SOAP_VERSION_MISMATCH', faultcode: 'soapenv:VersionMismatch' });
    expect(faultOf(soap12.body).faultstring).toMatch(/SOAP 1\.1 only: use http:\/\/.+\/axis2\/services\/SessionService$/);
    const pox = await postSoap(gw.url, loginXml, { path: '/axis2/services/SessionService.SessionServiceHttpEndpoint/loginEx' });
    expect(pox.status).toBe(404);
    expect(faultOf(pox.body).code).toBe('OIG_SOAP_ENDPOINT_NOT_SUPPORTED');
  });

  it('answers an unknown path under /axis2/services/ with a SOAP fault and 404, not JSON', async () => {
    const paths = [
      '/axis2/services/NoSuchService',
      '/axis2/services/NoSuchService/login',
      '/axis2/services/SessionService/extra/deep',
      '/axis2/services/SessionService/nosuchop',
      '/axis2/services/SessionService.NoSuchEndpoint',
      '/axis2/services/SessionServiceX',
      '/axis2/services/',
      '/axis2/services',
    ];
    for (const path of paths) {
      for (const method of ['POST', 'GET'] as const) {
        const res = await request(`${gw.url}${path}`, { method, headers: { 'content-type': 'text/xml' }, ...(method === 'POST' ? { body: loginXml } : {}) });
        const body = await res.body.text();
        expect(res.statusCode, `${method} ${path}`).toBe(404);
        expect(res.headers['content-type'], `${method} ${path}`).toMatch(/text\/xml/);
        expect(faultOf(body), `${method} ${path}`).toMatchObject({ code: 'OIG_SOAP_UNKNOWN_ENDPOINT', faultcode: 'soapenv:Client' });
      }
    }
  });

  it('serves ?wsdl and ?xsd= on the alternative forms, and the WSDL\'s relative imports resolve from them', async () => {
    for (const base of ['/axis2/services/SessionService/', '/axis2/services/SessionService.SessionServiceHttpSoap11Endpoint', '/axis2/services/SessionService.SessionServiceHttpSoap11Endpoint/']) {
      const wsdlUrl = `${gw.url}${base}?wsdl`;
      const wsdl = await (await request(wsdlUrl)).body.text();
      expect(wsdl, base).toContain('<wsdl:definitions');
      // The address is the plain service path, whichever form the WSDL was fetched at.
      expect(wsdl, base).toMatch(/location="http:\/\/[^"]+\/axis2\/services\/SessionService"/);
      for (const [, location] of wsdl.matchAll(/schemaLocation="([^"]+)"/g)) {
        const xsd = await request(new URL(location ?? '', wsdlUrl));
        expect(xsd.statusCode, `${base} → ${location}`).toBe(200);
        expect(await xsd.body.text()).toContain('<xs:schema');
      }
    }
  });

  it('follows StandardCCService\'s schema imports from its trailing-slash WSDL, XSD to XSD', async () => {
    const pending = [`${gw.url}/axis2/services/StandardCCService/?wsdl`];
    const fetched = new Set<string>();
    while (pending.length > 0) {
      const url = pending.pop() ?? '';
      if (fetched.has(url)) continue;
      fetched.add(url);
      const res = await request(url);
      expect(res.statusCode, url).toBe(200);
      for (const [, location] of (await res.body.text()).matchAll(/schemaLocation="([^"]+)"/g)) pending.push(new URL(location ?? '', url).href);
    }
    // The WSDL and its three schemas, which import each other by the same URLs.
    expect(fetched.size).toBe(4);
  });

  it('answers a GET of an operation path with 405 and a fault', async () => {
    const res = await request(`${gw.url}/axis2/services/SessionService/login`);
    expect(res.statusCode).toBe(405);
    expect(faultOf(await res.body.text()).code).toBe('OIG_SOAP_METHOD_NOT_ALLOWED');
  });
});
