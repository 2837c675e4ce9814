import { fileURLToPath } from 'node:url';
import * as soap from 'soap';
import { LAB } from './gateway';

/**
 * Clients built from the REFERENCE OIG 4.0 WSDLs (as application developers build theirs), and
 * a small session wrapper the call-control tests share: log in, call an operation, read events.
 */
const REFERENCE = '../../../../shared/reference/oig-wsdl-4.0';
export const REFERENCE_CC_WSDL = fileURLToPath(new URL(`${REFERENCE}/standard/StandardCCService.wsdl`, import.meta.url));
export const REFERENCE_SESSION_WSDL = fileURLToPath(new URL(`${REFERENCE}/sessionManagement/SessionService.wsdl`, import.meta.url));

type AsyncOp = (args: unknown) => Promise<[Record<string, any>, string]>;
export type SoapClient = soap.Client & Record<string, AsyncOp>;

/** A node-soap answer's `return`, flattened: attributes and child elements in one object. */
export type Answer = Record<string, any>;

let cachedCc: Promise<SoapClient> | undefined;
let cachedSession: Promise<SoapClient> | undefined;

/** One parsed client per test file (parsing the 160 kB WSDL takes a moment); endpoints are set per call. */
async function clients(): Promise<{ cc: SoapClient; session: SoapClient }> {
  cachedCc ??= soap.createClientAsync(REFERENCE_CC_WSDL) as Promise<SoapClient>;
  cachedSession ??= soap.createClientAsync(REFERENCE_SESSION_WSDL) as Promise<SoapClient>;
  return { cc: await cachedCc, session: await cachedSession };
}

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function flatten(ret: Record<string, any> | undefined): Answer {
  if (!ret) return {};
  const { attributes, ...rest } = ret;
  return { ...(attributes ?? {}), ...rest };
}

/** An event as a line a test can compare: `<objectId> <type>/<cause>/<state>` or `SYSTEM <icpId> <state>`. */
export function describeEvent(answer: Answer): string {
  if (answer.callEvent) {
    const e = answer.callEvent;
    return `${e.attributes.objectId} ${e.type}/${e.cause}/${e.callState}`;
  }
  if (answer.featureEvent) {
    const e = answer.featureEvent;
    return `${e.attributes.objectId} FEATURE ${e.eventType}`;
  }
  if (answer.systemEvent) {
    const e = answer.systemEvent;
    return `SYSTEM ${e.attributes.icpId} ${e.connectionState}`;
  }
  return `${answer.eventType} ${answer.errorDescription ?? ''}`.trim();
}

/** Device roles of a call event: `ROLE=number`. */
export function rolesOf(answer: Answer): string[] {
  return asArray(answer.callEvent?.device).map((d: any) => {
    const number = asArray(d.deviceAttribute).find((a: any) => a.attributeName === 'NUMBER')?.attributeValue;
    return `${d.deviceName}=${number}`;
  });
}

export class CcSession {
  private constructor(
    readonly baseUrl: string,
    readonly sessionId: string,
    private readonly cc: SoapClient,
    private readonly session: SoapClient,
  ) {}

  static async open(baseUrl: string, application: 'standard' | 'advanced' = 'standard'): Promise<CcSession> {
    const { cc, session } = await clients();
    const app = LAB[application];
    session.setEndpoint(`${baseUrl}/axis2/services/SessionService`);
    const [res] = await session.loginExAsync({
      req: { applicationName: app.applicationName, companyName: LAB.company, applicationPassword: app.applicationPassword, localPassword: LAB.localPassword, version: '4.0' },
    });
    const login = flatten(res.return);
    if (login.result !== 'true') throw new Error(`login failed: ${login.errorDesc}`);
    return new CcSession(baseUrl, login.sessionId, cc, session);
  }

  /** Calls a StandardCCService operation; `sessionId` is added where the request has it at the top. */
  async call(operation: string, args: Record<string, unknown> = {}): Promise<Answer> {
    this.cc.setEndpoint(`${this.baseUrl}/axis2/services/StandardCCService`);
    const op = this.cc[`${operation}Async`];
    if (!op) throw new Error(`the reference WSDL has no operation ${operation}`);
    const [res] = await op.call(this.cc, args);
    return flatten(res?.return);
  }

  /** Calls and insists on result="true". */
  async ok(operation: string, args: Record<string, unknown> = {}): Promise<Answer> {
    const answer = await this.call(operation, args);
    if (answer.result !== 'true') throw new Error(`${operation} failed: ${answer.errorDescription ?? JSON.stringify(answer)}`);
    return answer;
  }

  async icpId(address: string): Promise<string> {
    return (await this.ok('getIcpId', { request: { attributes: { sessionId: this.sessionId }, icpIpAddress: address } })).icpId;
  }

  async phoneId(icpId: string, dn: string): Promise<string> {
    return (await this.ok('getPhoneNumberId', { request: { attributes: { sessionId: this.sessionId, icpId }, primeDn: dn } })).objectId;
  }

  /** getPhoneNumberId + monitorObject; returns the object id. */
  async monitor(icpId: string, dn: string): Promise<string> {
    const objectId = await this.phoneId(icpId, dn);
    await this.ok('monitorObject', { sessionId: this.sessionId, objectId });
    return objectId;
  }

  async nextEvent(timeoutMs = 2_000): Promise<Answer | undefined> {
    const answer = await this.call('getEvent', { sessionId: this.sessionId, timeout: timeoutMs });
    if (answer.result === 'true') return answer;
    if (answer.errorDescription === 'Timeout no event message available.') return undefined;
    throw new Error(`getEvent failed: ${answer.errorDescription}`);
  }

  /** Reads events until `count` arrived (or none comes for `quietMs`). */
  async events(count: number, quietMs = 3_000): Promise<Answer[]> {
    const out: Answer[] = [];
    while (out.length < count) {
      const next = await this.nextEvent(quietMs);
      if (!next) break;
      out.push(next);
    }
    return out;
  }

  /** Reads events until one matches (returning everything read), or fails after `quietMs` of silence. */
  async until(match: (e: Answer) => boolean, quietMs = 3_000): Promise<Answer[]> {
    const out: Answer[] = [];
    for (;;) {
      const next = await this.nextEvent(quietMs);
      if (!next) throw new Error(`no matching event; got: ${out.map(describeEvent).join(' | ')}`);
      out.push(next);
      if (match(next)) return out;
    }
  }

  /** Everything waiting now, without a long wait. */
  async drain(quietMs = 300): Promise<Answer[]> {
    return this.events(Number.MAX_SAFE_INTEGER, quietMs);
  }

  async keepAlive(): Promise<void> {
    this.session.setEndpoint(`${this.baseUrl}/axis2/services/SessionService`);
    await this.session.resetSessionTimerAsync({ sessionId: this.sessionId });
  }

  async logout(): Promise<void> {
    this.session.setEndpoint(`${this.baseUrl}/axis2/services/SessionService`);
    await this.session.logoutAsync({ sessionId: this.sessionId });
  }
}
