import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';
import { SESSION_PATH, envelope, faultOf, loginExEnvelope, postSoap } from '../support/soap';

/**
 * Hostile and broken SOAP input (issue: "Bad input"): every case is answered with a SOAP
 * fault naming the problem, never a stack trace or a hang, and memory stays flat.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

const XXE = `<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s="http://mitel.com/oig/session/SessionService">
<soapenv:Body><s:logout><s:sessionId>&xxe;</s:sessionId></s:logout></soapenv:Body></soapenv:Envelope>`;

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s="http://mitel.com/oig/session/SessionService">
<soapenv:Body><s:logout><s:sessionId>&lol9;</s:sessionId></s:logout></soapenv:Body></soapenv:Envelope>`;

describe('hostile XML', () => {
  it('refuses an external entity (XXE) without reading the file', async () => {
    const res = await postSoap(gw.url, XXE);
    expect(res.status).toBe(500);
    expect(faultOf(res.body)).toMatchObject({ code: 'OIG_SOAP_DOCTYPE_FORBIDDEN', faultcode: 'soapenv:Client' });
    expect(res.body).not.toContain('root:');
  });

  it('refuses entity expansion (billion laughs)', async () => {
    const res = await postSoap(gw.url, BILLION_LAUGHS);
    expect(faultOf(res.body).code).toBe('OIG_SOAP_DOCTYPE_FORBIDDEN');
    expect(res.body.length).toBeLessThan(2000);
  });

  it('refuses an undeclared entity reference', async () => {
    const res = await postSoap(gw.url, envelope('<s:logout><s:sessionId>&lol;</s:sessionId></s:logout>'));
    expect(faultOf(res.body).code).toBe('OIG_SOAP_MALFORMED_XML');
  });

  it('answers a 10 MB body with 413 and a fault, without reading it all', async () => {
    const big = envelope(`<s:logout><s:sessionId>1</s:sessionId><pad>${'A'.repeat(10 * 1024 * 1024)}</pad></s:logout>`);
    const res = await postSoap(gw.url, big);
    expect(res.status).toBe(413);
    expect(faultOf(res.body).code).toBe('OIG_SOAP_BODY_TOO_LARGE');
  });

  it('refuses nesting deeper than the cap', async () => {
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    const res = await postSoap(gw.url, envelope(`<s:logout>${deep}</s:logout>`));
    expect(faultOf(res.body).code).toBe('OIG_SOAP_TOO_DEEP');
  });

  it('refuses too many elements', async () => {
    const res = await postSoap(gw.url, envelope(`<s:logout><s:sessionId>1</s:sessionId>${'<x/>'.repeat(20_000)}</s:logout>`));
    expect(faultOf(res.body).code).toBe('OIG_SOAP_TOO_MANY_NODES');
  });

  it('refuses 100,000 attributes on one element in a 1 MB body, and the gateway answers the next request (issue #11)', async () => {
    const attrs = Array.from({ length: 100_000 }, (_, i) => ` a${i.toString(36)}=""`).join('');
    const xml = envelope(`<s:logout${attrs}><s:sessionId>1</s:sessionId></s:logout>`);
    expect(xml.length).toBeLessThan(1024 * 1024);
    const res = await postSoap(gw.url, xml);
    expect(res.status).toBe(500);
    expect(faultOf(res.body)).toMatchObject({ code: 'OIG_SOAP_TOO_MANY_ATTRIBUTES', faultcode: 'soapenv:Client' });
    expect(faultOf(res.body).faultstring).toMatch(/element has more than 64 attributes/);
    expect(faultOf((await postSoap(gw.url, envelope('<s:logout><s:sessionId>1</s:sessionId></s:logout>'))).body).code).toBeUndefined();
  });

  it('refuses more attributes in all than the cap, each element under its own (issue #11)', async () => {
    const res = await postSoap(gw.url, envelope(`<s:logout><s:sessionId>1</s:sessionId>${'<x a="1" b="2" c="3"/>'.repeat(400)}</s:logout>`));
    expect(faultOf(res.body).code).toBe('OIG_SOAP_TOO_MANY_ATTRIBUTES');
    expect(faultOf(res.body).faultstring).toMatch(/more than 1000 attributes/);
  });

  it('accepts a login with the namespace declarations and xsi attributes toolkits add (issue #11)', async () => {
    const decls = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
    const xml = loginExEnvelope({ companyName: LAB.company, ...LAB.standard, localPassword: LAB.localPassword })
      .replace('<soapenv:Envelope ', `<soapenv:Envelope${decls} `)
      .replaceAll(/<t:(\w+)>/g, '<t:$1 xsi:type="xsd:string">');
    const res = await postSoap(gw.url, xml);
    expect(res.body).toContain('result="true"');
  });

  it('answers malformed XML, a non-envelope, SOAP 1.2 and an empty body with faults', async () => {
    expect(faultOf((await postSoap(gw.url, '<soapenv:Envelope')).body).code).toBe('OIG_SOAP_MALFORMED_XML');
    expect(faultOf((await postSoap(gw.url, '<hello/>')).body).code).toBe('OIG_SOAP_NOT_AN_ENVELOPE');
    expect(faultOf((await postSoap(gw.url, '')).body).code).toBe('OIG_SOAP_MALFORMED_XML');
    const soap12 = '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>';
    const res = await postSoap(gw.url, soap12, { contentType: 'application/soap+xml' });
    expect(faultOf(res.body)).toMatchObject({ code: 'OIG_SOAP_VERSION_MISMATCH', faultcode: 'soapenv:VersionMismatch' });
  });

  it('never answers with a stack trace', async () => {
    for (const xml of [XXE, '<', envelope('<s:logout><s:sessionId>x</s:sessionId></s:logout>')]) {
      const res = await postSoap(gw.url, xml);
      expect(res.body).not.toMatch(/\bat .+\.(ts|js):\d+/);
    }
  });
});

describe('wrong types and missing parts are reported by name', () => {
  it('a sessionId that is not an xs:long', async () => {
    const res = await postSoap(gw.url, envelope('<s:resetSessionTimer><s:sessionId>abc</s:sessionId></s:resetSessionTimer>'));
    expect(faultOf(res.body)).toMatchObject({ code: 'OIG_SOAP_INVALID_VALUE' });
    expect(faultOf(res.body).faultstring).toMatch(/'sessionId' of 'resetSessionTimer' must be xs:long, got 'abc'/);
  });

  it('a sessionId beyond 64 bits', async () => {
    const res = await postSoap(gw.url, envelope('<s:logout><s:sessionId>99999999999999999999</s:sessionId></s:logout>'));
    expect(faultOf(res.body).faultstring).toMatch(/must be xs:long/);
  });

  it('a missing required element', async () => {
    const res = await postSoap(gw.url, envelope('<s:resetSessionTimer/>'));
    expect(faultOf(res.body)).toMatchObject({ code: 'OIG_SOAP_MISSING_ELEMENT' });
    expect(faultOf(res.body).faultstring).toMatch(/Missing required element 'sessionId' in 'resetSessionTimer'/);
  });

  it('a missing required attribute (authenticate without sessionId)', async () => {
    const res = await postSoap(gw.url, envelope('<s:authenticate><s:req><t:signedAuthenticationData>[1]</t:signedAuthenticationData></s:req></s:authenticate>'));
    expect(faultOf(res.body).faultstring).toMatch(/Missing required attribute 'sessionId' of 'authenticate\/req'/);
  });

  it('a missing required login field inside req', async () => {
    const res = await postSoap(gw.url, envelope('<s:loginEx><s:req><t:applicationName>LabStandard</t:applicationName></s:req></s:loginEx>'));
    expect(faultOf(res.body).faultstring).toMatch(/Missing required element 'companyName' in 'loginEx\/req'/);
  });

  it('an element given twice', async () => {
    const res = await postSoap(gw.url, envelope('<s:logout><s:sessionId>1</s:sessionId><s:sessionId>2</s:sessionId></s:logout>'));
    expect(faultOf(res.body).code).toBe('OIG_SOAP_TOO_MANY_ELEMENTS');
  });

  it('an unknown operation, and a SOAPAction that contradicts the body', async () => {
    expect(faultOf((await postSoap(gw.url, envelope('<s:dropTables/>'))).body).code).toBe('OIG_SOAP_UNKNOWN_OPERATION');
    const res = await postSoap(gw.url, envelope('<s:logout><s:sessionId>1</s:sessionId></s:logout>'), { action: 'urn:login' });
    expect(faultOf(res.body).code).toBe('OIG_SOAP_ACTION_MISMATCH');
  });

  it('a SOAPAction that names no operation of the service (issue #11); an empty one is accepted', async () => {
    const logoutXml = envelope('<s:logout><s:sessionId>1</s:sessionId></s:logout>');
    for (const action of ['urn:nothing', 'urn:dropTables', 'logout', 'urn:getEvent']) {
      const res = await postSoap(gw.url, logoutXml, { action });
      expect(faultOf(res.body).code, action).toBe('OIG_SOAP_ACTION_MISMATCH');
    }
    expect(faultOf((await postSoap(gw.url, logoutXml, { action: 'urn:nothing' })).body).faultstring).toMatch(/names no operation of SessionService/);
    for (const soapaction of ['""', '', 'urn:logout', '"http://mitel.com/oig/session/SessionService/logout"']) {
      const res = await request(`${gw.url}${SESSION_PATH}`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction }, body: logoutXml });
      const body = await res.body.text();
      expect(res.statusCode, soapaction).toBe(200);
      expect(body, soapaction).toContain('logoutResponse');
    }
  });

  it('a header block marked mustUnderstand', async () => {
    const xml = envelope('<s:logout><s:sessionId>1</s:sessionId></s:logout>').replace(
      '<soapenv:Body>',
      '<soapenv:Header><x:Security xmlns:x="urn:x" soapenv:mustUnderstand="1"/></soapenv:Header><soapenv:Body>',
    );
    expect(faultOf((await postSoap(gw.url, xml)).body)).toMatchObject({ code: 'OIG_SOAP_MUST_UNDERSTAND', faultcode: 'soapenv:MustUnderstand' });
  });
});

describe('memory under hostile load', () => {
  it('stays flat across repeated large and hostile requests', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const big = envelope(`<s:logout><pad>${'A'.repeat(10 * 1024 * 1024)}</pad></s:logout>`);
    const deep = envelope(`${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`);
    const round = async () => Promise.all([postSoap(gw.url, big), postSoap(gw.url, deep), postSoap(gw.url, BILLION_LAUGHS), postSoap(gw.url, XXE)]);
    await round();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20; i += 1) await round();
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    // 20 rounds sent 200 MB of bodies; a leak of even one body per round would exceed this.
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  });
});
