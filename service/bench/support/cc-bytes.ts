/**
 * The StandardCCService SOAP bytes the call-event benchmark sends (document/literal, the
 * reference WSDL's namespaces) and the regex readers for the answers: no XML parser in the hot
 * path, as in soap-bytes.ts.
 */
import { soapHeaders } from './soap-bytes';

export const CC_PATH = '/axis2/services/StandardCCService';
const CC_TNS = 'http://mitel.com/oig/cc/standard/StandardCCService';
const STANDARD_NS = 'http://mitel.com/oig/cc/standard';

function ccEnvelope(body: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
      `xmlns:c="${CC_TNS}" xmlns:std="${STANDARD_NS}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
    'utf8',
  );
}

export const CC_HEADERS = {
  getIcpId: soapHeaders('getIcpId'),
  getPhoneNumberId: soapHeaders('getPhoneNumberId'),
  monitorObject: soapHeaders('monitorObject'),
  getEvent: soapHeaders('getEvent'),
} as const;

export const getIcpIdRequest = (sessionId: string, address: string): Buffer =>
  ccEnvelope(`<c:getIcpId><c:request sessionId="${sessionId}"><std:icpIpAddress>${address}</std:icpIpAddress></c:request></c:getIcpId>`);

export const getPhoneNumberIdRequest = (sessionId: string, icpId: string, dn: string): Buffer =>
  ccEnvelope(`<c:getPhoneNumberId><c:request sessionId="${sessionId}" icpId="${icpId}"><std:primeDn>${dn}</std:primeDn></c:request></c:getPhoneNumberId>`);

export const monitorObjectRequest = (sessionId: string, objectId: string): Buffer =>
  ccEnvelope(`<c:monitorObject><c:sessionId>${sessionId}</c:sessionId><c:objectId>${objectId}</c:objectId></c:monitorObject>`);

export const getEventRequest = (sessionId: string, timeoutMs: number): Buffer =>
  ccEnvelope(`<c:getEvent><c:sessionId>${sessionId}</c:sessionId><c:timeout>${timeoutMs}</c:timeout></c:getEvent>`);

/** What one getEvent answer holds, as far as the benchmark cares. */
export type EventAnswer =
  | { readonly kind: 'call'; readonly objectId: string; readonly callId: number; readonly type: string; readonly state: string }
  | { readonly kind: 'timeout' }
  /** Any other event (feature, system, UNKNOWN overflow notice) or a failure: `text` says which. */
  | { readonly kind: 'other'; readonly eventType: string; readonly text: string }
  | { readonly kind: 'failed'; readonly text: string };

const RETURN_TAG = /<(?:[\w-]+:)?return\b[^>]*>/;
const CALL_EVENT_TAG = /<(?:[\w-]+:)?callEvent\b([^>]*)>/;
const OBJECT_ID = /\sobjectId="(\d+)"/;
const LOCAL_CALL_ID = /\slocalCallId="(\d+)"/;
const TYPE = /<(?:[\w-]+:)?type>([A-Z_]+)</;
const CALL_STATE = /<(?:[\w-]+:)?callState>([A-Z_]+)</;
const EVENT_TYPE = /<(?:[\w-]+:)?eventType>([A-Z_]+)</;
const ERROR_DESCRIPTION = /<(?:[\w-]+:)?errorDescription>([^<]*)</;
const TIMEOUT_TEXT = 'Timeout no event message available.';

export function readEventAnswer(xml: string): EventAnswer {
  const ret = RETURN_TAG.exec(xml)?.[0];
  if (ret === undefined) return { kind: 'failed', text: xml.slice(0, 300) };
  if (!ret.includes('result="true"')) {
    const description = ERROR_DESCRIPTION.exec(xml)?.[1] ?? ret;
    return description === TIMEOUT_TEXT ? { kind: 'timeout' } : { kind: 'failed', text: description };
  }
  const attributes = CALL_EVENT_TAG.exec(xml)?.[1];
  if (attributes !== undefined) {
    return {
      kind: 'call',
      objectId: OBJECT_ID.exec(attributes)?.[1] ?? '',
      callId: Number(LOCAL_CALL_ID.exec(attributes)?.[1] ?? Number.NaN),
      type: TYPE.exec(xml)?.[1] ?? '',
      state: CALL_STATE.exec(xml)?.[1] ?? '',
    };
  }
  const eventType = EVENT_TYPE.exec(xml)?.[1] ?? 'none';
  return { kind: 'other', eventType, text: ERROR_DESCRIPTION.exec(xml)?.[1] ?? xml.slice(0, 300) };
}
