/**
 * The SOAP 1.1 bytes the session benchmark sends, built once and reused for every call, and
 * the small checks it makes on the answers (no XML parser in the hot path).
 */
import { envelope, loginExEnvelope } from '../../test/support/soap';

// The envelope and the answer readers are the tests' own, so both speak the same bytes.
export { SESSION_PATH, SESSION_TNS, attrOf, textOf } from '../../test/support/soap';

export const LAB_LOGIN = {
  company: 'OpenOIG Lab',
  application: 'LabStandard',
  applicationPassword: 'lab-standard-secret',
  localPassword: 'lab-local',
  version: '4.0',
} as const;

export function soapHeaders(operation: string): Record<string, string> {
  return { 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:${operation}"` };
}

export function loginExRequest(login: typeof LAB_LOGIN = LAB_LOGIN): Buffer {
  return Buffer.from(
    loginExEnvelope({
      companyName: login.company,
      applicationName: login.application,
      applicationPassword: login.applicationPassword,
      localPassword: login.localPassword,
      version: login.version,
    }),
    'utf8',
  );
}

export function resetSessionTimerRequest(sessionId: string): Buffer {
  return Buffer.from(envelope(`<s:resetSessionTimer><s:sessionId>${sessionId}</s:sessionId></s:resetSessionTimer>`), 'utf8');
}

const RETURN_TAG = /<(?:[\w-]+:)?return\b[^>]*>/;
const RESULT_TRUE = /\sresult="true"/;

/** True when the answer's `return` element says result="true" (anything else is an error). */
export function resultIsTrue(xml: string): boolean {
  const tag = RETURN_TAG.exec(xml)?.[0];
  return tag !== undefined && RESULT_TRUE.test(tag);
}
