import { OigError, oigError } from '../../errors';
import type { OperationDef, ServiceDef } from './catalogue/types';
import { PrefixMap, decodeComplex, encodeComplex, type Decoded } from './codec';
import { escapeText } from './values';
import { readXml, type XmlElement, type XmlLimits } from './xml-reader';

/** SOAP 1.1 envelopes: reading a request, writing a response or a fault. */
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const ERROR_DETAIL_NS = 'urn:openoig:error';

export interface DecodedRequest {
  readonly operation: OperationDef;
  readonly input: Decoded;
}

function elementChildren(node: XmlElement): XmlElement[] {
  return node.children;
}

/**
 * The operation a SOAPAction names: `urn:<operation>` as the WSDL says or, as Axis2 also
 * accepts, any URI whose last `/` segment is the operation's name. Undefined for an empty one.
 */
function operationOfAction(service: ServiceDef, soapAction: string | undefined): { action: string; operation: OperationDef } | undefined {
  const action = soapAction?.trim().replace(/^"(.*)"$/, '$1');
  // Many clients send SOAPAction: "" (SOAP 1.1 allows it): dispatch is by the body then.
  if (!action) return undefined;
  const operation =
    service.operations.find((op) => op.soapAction === action) ??
    (action.includes('/') ? service.operations.find((op) => op.name === action.slice(action.lastIndexOf('/') + 1)) : undefined);
  if (!operation) throw oigError('OIG_SOAP_ACTION_MISMATCH', `SOAPAction '${action}' names no operation of ${service.name}`);
  return { action, operation };
}

/**
 * Reads the envelope and decodes the body's operation element. The operation is the body's
 * first element; a SOAPAction header, when given, must name an operation of the service and it
 * must be that one, and so must `pathOperation`, the operation the path names
 * (`…/SessionService/login`). A SOAPAction is checked before the body is parsed: a request that
 * cannot be served costs no parsing.
 */
export function decodeRequest(
  service: ServiceDef,
  xml: string,
  soapAction: string | undefined,
  limits: XmlLimits,
  pathOperation?: OperationDef,
): DecodedRequest {
  const named = operationOfAction(service, soapAction);
  const root = readXml(xml, limits);
  if (root.local !== 'Envelope' || (root.uri !== SOAP11_NS && root.uri !== SOAP12_NS)) {
    throw oigError('OIG_SOAP_NOT_AN_ENVELOPE', `Expected a SOAP 1.1 Envelope, got '${root.local}'`);
  }
  if (root.uri === SOAP12_NS) {
    throw oigError('OIG_SOAP_VERSION_MISMATCH', 'SOAP 1.2 envelopes are not supported; use SOAP 1.1 as the WSDL binding says');
  }
  const header = elementChildren(root).find((c) => c.local === 'Header' && c.uri === SOAP11_NS);
  for (const block of header?.children ?? []) {
    const mu = block.qualifiedAttributes.get(`{${SOAP11_NS}}mustUnderstand`);
    if (mu === '1' || mu === 'true') {
      throw oigError('OIG_SOAP_MUST_UNDERSTAND', `Header '${block.local}' is marked mustUnderstand and is not understood`);
    }
  }
  const body = elementChildren(root).find((c) => c.local === 'Body' && c.uri === SOAP11_NS);
  if (!body) throw oigError('OIG_SOAP_NOT_AN_ENVELOPE', 'The envelope has no Body');
  const payload = body.children[0];
  if (!payload) throw oigError('OIG_SOAP_UNKNOWN_OPERATION', 'The SOAP Body is empty');

  const operation = service.operations.find((op) => op.request.name === payload.local);
  if (!operation || (payload.uri !== '' && payload.uri !== service.namespace)) {
    throw oigError('OIG_SOAP_UNKNOWN_OPERATION', `${service.name} has no operation '{${payload.uri}}${payload.local}'`);
  }
  if (named && named.operation !== operation) {
    throw oigError('OIG_SOAP_ACTION_MISMATCH', `SOAPAction '${named.action}' does not match body element '${payload.local}'`);
  }
  if (pathOperation && pathOperation !== operation) {
    throw oigError('OIG_SOAP_PATH_MISMATCH', `The path names operation '${pathOperation.name}' but the body element is '${payload.local}'`);
  }
  return { operation, input: decodeComplex(operation.request, payload, operation.name) };
}

export function encodeResponse(service: ServiceDef, operation: OperationDef, output: Decoded): string {
  const prefixes = new PrefixMap();
  const body = encodeComplex(operation.response.name, service.namespace, operation.response, output, prefixes);
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_NS}"${prefixes.declarations()}>` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

/**
 * The response an operation gives when its work fails for a business reason: result="false",
 * the error text in the type's error element (errorDesc or errorDescription, per the contract),
 * and zero for required numeric attributes such as sessionId.
 */
export function encodeFailure(service: ServiceDef, operation: OperationDef, error: OigError): string {
  const ret = operation.response.fields[0];
  if (!ret || ret.type.kind !== 'complex') throw new Error(`${operation.name}: response has no complex return`);
  const value: Decoded = {};
  for (const a of ret.type.attributes) {
    if (a.name === 'result') value[a.name] = false;
    else if (a.required && a.type.kind === 'primitive' && a.type.name !== 'string') value[a.name] = a.type.name === 'boolean' ? false : 0;
  }
  const errorField = ret.type.fields.find((f) => f.name === 'errorDesc' || f.name === 'errorDescription');
  if (errorField) value[errorField.name] = error.message;
  return encodeResponse(service, operation, { [ret.name]: value });
}

export function encodeFault(error: OigError): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_NS}"><soapenv:Body><soapenv:Fault>` +
    `<faultcode>soapenv:${error.code === 'OIG_SOAP_VERSION_MISMATCH' ? 'VersionMismatch' : error.code === 'OIG_SOAP_MUST_UNDERSTAND' ? 'MustUnderstand' : error.spec.fault}</faultcode>` +
    `<faultstring>${escapeText(error.message)}</faultstring>` +
    `<detail><oig:error xmlns:oig="${ERROR_DETAIL_NS}" code="${error.code}"/></detail>` +
    '</soapenv:Fault></soapenv:Body></soapenv:Envelope>'
  );
}

/** Protocol errors and internal failures are faults; everything else is a result="false" answer. */
export function isFault(error: OigError): boolean {
  return error.code.startsWith('OIG_SOAP_') || error.code === 'OIG_INTERNAL';
}
