import { request } from 'undici';

/** Raw SOAP 1.1 calls, for tests that need exact bytes or hostile input. */
export const SESSION_PATH = '/axis2/services/SessionService';
export const SESSION_TNS = 'http://mitel.com/oig/session/SessionService';
export const SESSION_NS = 'http://mitel.com/oig/session';

export function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s="${SESSION_TNS}" xmlns:t="${SESSION_NS}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

export async function postSoap(
  baseUrl: string,
  xml: string | Buffer,
  options: { action?: string; path?: string; contentType?: string } = {},
): Promise<{ status: number; body: string }> {
  const res = await request(`${baseUrl}${options.path ?? SESSION_PATH}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'text/xml; charset=utf-8', ...(options.action ? { soapaction: `"${options.action}"` } : {}) },
    body: xml,
  });
  return { status: res.statusCode, body: await res.body.text() };
}

/** The parts of a SOAP fault: the OIG code in `detail`, faultcode and faultstring. */
export function faultOf(body: string): { code: string | undefined; faultcode: string | undefined; faultstring: string | undefined } {
  return {
    code: /code="(OIG_[A-Z_]+)"/.exec(body)?.[1],
    faultcode: /<faultcode>([^<]*)<\/faultcode>/.exec(body)?.[1],
    faultstring: /<faultstring>([^<]*)<\/faultstring>/.exec(body)?.[1],
  };
}

/** The value of attribute `name` on the first element called `element` (prefix-agnostic). */
export function attrOf(xml: string, element: string, name: string): string | undefined {
  const tag = new RegExp(`<(?:[\\w-]+:)?${element}\\b[^>]*>`).exec(xml)?.[0];
  return tag ? new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] : undefined;
}

export function textOf(xml: string, element: string): string | undefined {
  return new RegExp(`<(?:[\\w-]+:)?${element}>([^<]*)</(?:[\\w-]+:)?${element}>`).exec(xml)?.[1];
}

export interface LoginExFields {
  readonly companyName: string;
  readonly applicationName: string;
  readonly applicationPassword: string;
  readonly localPassword: string;
  readonly version?: string;
  readonly certificate?: string;
}

/** A loginEx envelope with the fields in the contract's order. */
export function loginExEnvelope(f: LoginExFields): string {
  return envelope(
    `<s:loginEx><s:req><t:applicationName>${f.applicationName}</t:applicationName><t:companyName>${f.companyName}</t:companyName>` +
      `<t:applicationPassword>${f.applicationPassword}</t:applicationPassword><t:localPassword>${f.localPassword}</t:localPassword>` +
      `<t:version>${f.version ?? '4.0'}</t:version>${f.certificate === undefined ? '' : `<t:certificate>${f.certificate}</t:certificate>`}</s:req></s:loginEx>`,
  );
}
