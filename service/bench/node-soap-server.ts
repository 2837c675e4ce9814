import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { SESSION_PATH, SESSION_TNS } from './support/soap-bytes';

/**
 * Child process of the session benchmark: a plain node-soap 1.x server answering
 * SessionService.resetSessionTimer with `<return result="true"/>`, the baseline OpenOIG is
 * compared with. node-soap 1.x cannot serve the reference WSDL (its message naming makes the
 * server fail with "Cannot read properties of undefined (reading 'description')"), so it gets
 * this minimal WSDL: same namespace, document/literal, same SOAPAction, same request element,
 * same response shape. It listens on 127.0.0.1 (PORT, 0 = any free port) and prints
 * `listening <url>` once ready; SIGTERM/SIGINT stop it.
 */
const MINIMAL_SESSION_WSDL = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions targetNamespace="${SESSION_TNS}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="${SESSION_TNS}"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <xs:schema elementFormDefault="qualified" targetNamespace="${SESSION_TNS}">
      <xs:complexType name="resetSessionTimerResult">
        <xs:sequence>
          <xs:element minOccurs="0" name="errorDesc" type="xs:string"/>
        </xs:sequence>
        <xs:attribute name="result" type="xs:boolean" use="required"/>
      </xs:complexType>
      <xs:element name="resetSessionTimer">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="sessionId" type="xs:long"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="resetSessionTimerResponse">
        <xs:complexType>
          <xs:sequence>
            <xs:element minOccurs="0" name="return" type="tns:resetSessionTimerResult"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="resetSessionTimerRequest">
    <wsdl:part name="parameters" element="tns:resetSessionTimer"/>
  </wsdl:message>
  <wsdl:message name="resetSessionTimerResponse">
    <wsdl:part name="parameters" element="tns:resetSessionTimerResponse"/>
  </wsdl:message>
  <wsdl:portType name="SessionServicePortType">
    <wsdl:operation name="resetSessionTimer">
      <wsdl:input message="tns:resetSessionTimerRequest"/>
      <wsdl:output message="tns:resetSessionTimerResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="SessionServiceSoap11Binding" type="tns:SessionServicePortType">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
    <wsdl:operation name="resetSessionTimer">
      <soap:operation soapAction="urn:resetSessionTimer" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="SessionService">
    <wsdl:port name="SessionServiceHttpSoap11Endpoint" binding="tns:SessionServiceSoap11Binding">
      <soap:address location="http://127.0.0.1/axis2/services/SessionService"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;

const services = {
  SessionService: {
    SessionServiceHttpSoap11Endpoint: {
      // Same work as a trivial keep-alive: answer true; the arguments are parsed by node-soap.
      resetSessionTimer: (_args: { sessionId: string }) => ({ return: { attributes: { result: true } } }),
    },
  },
};

async function main(): Promise<void> {
  const server = http.createServer((_req, res) => {
    // node-soap answers its own path; anything else is not ours.
    res.writeHead(404).end();
  });
  // The same idle keep-alive window as Fastify's default (72 s), so neither side drops pooled connections.
  server.keepAliveTimeout = 72_000;
  soap.listen(server, { path: SESSION_PATH, services, xml: MINIMAL_SESSION_WSDL });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
  const stop = (): void => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
