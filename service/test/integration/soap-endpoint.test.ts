import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { SESSION_NS, SESSION_TNS, loginExEnvelope, postSoap } from '../support/soap';

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
