import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * An application's event handler (stdEventHandler/EventHandlerCCService.wsdl) on 127.0.0.1:
 * records every handleEvent POST as a line like describeEvent's, answers return=true, or
 * HTTP 500 while told to fail.
 */
export interface PushedRequest {
  readonly soapAction: string | undefined;
  /** `<objectId> <type>/<cause>/<state>`, `<objectId> FEATURE <type>`, or `UNKNOWN <errorDescription>`. */
  readonly line: string;
  readonly localCallId: string | undefined;
  /** The HTTP status it was answered with. */
  readonly status: number;
}

export interface EventHandlerEndpoint {
  readonly url: string;
  readonly requests: PushedRequest[];
  /** The lines of the requests answered with success, in order. */
  accepted(): string[];
  /** Answers the next `count` requests with HTTP 500. */
  failNext(count: number): void;
  /** Resolves once `count` requests have arrived (fails after `timeoutMs`). */
  received(count: number, timeoutMs?: number): Promise<PushedRequest[]>;
  close(): Promise<void>;
}

const RESPONSE =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  '<ns:handleEventResponse xmlns:ns="http://mitel.com/oig/cc/standard/EventHandlerCCService"><ns:return>true</ns:return></ns:handleEventResponse>' +
  '</soapenv:Body></soapenv:Envelope>';

const child = (parent: Element | undefined, local: string): Element | undefined =>
  parent ? Array.from(parent.childNodes).find((n): n is Element => n.nodeType === 1 && (n as Element).localName === local) : undefined;
const textOf = (parent: Element | undefined, local: string): string => child(parent, local)?.textContent ?? '';

function describePushed(body: string): { line: string; localCallId: string | undefined } {
  const doc = new DOMParser().parseFromString(body, 'text/xml');
  const event = doc.getElementsByTagNameNS('*', 'event')[0] as Element | undefined;
  const call = child(event, 'callEvent');
  if (call) {
    return {
      line: `${call.getAttribute('objectId')} ${textOf(call, 'type')}/${textOf(call, 'cause')}/${textOf(call, 'callState')}`,
      localCallId: call.getAttribute('localCallId') ?? undefined,
    };
  }
  const feature = child(event, 'featureEvent');
  if (feature) return { line: `${feature.getAttribute('objectId')} FEATURE ${textOf(feature, 'eventType')}`, localCallId: undefined };
  return { line: `${textOf(event, 'eventType')} ${textOf(event, 'errorDescription')}`.trim(), localCallId: undefined };
}

export async function startEventHandlerEndpoint(): Promise<EventHandlerEndpoint> {
  const requests: PushedRequest[] = [];
  const waiters = new Set<() => void>();
  let failing = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = failing > 0 ? 500 : 200;
      if (failing > 0) failing -= 1;
      const soapAction = req.headers.soapaction;
      requests.push({ soapAction: Array.isArray(soapAction) ? soapAction[0] : soapAction, ...describePushed(Buffer.concat(chunks).toString('utf8')), status });
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(status === 200 ? RESPONSE : 'handler failure');
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    requests,
    accepted: () => requests.filter((r) => r.status === 200).map((r) => r.line),
    failNext(count) {
      failing = count;
    },
    received(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (requests.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(requests.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the event handler got ${requests.length} of ${count} requests: ${requests.map((r) => r.line).join(' | ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
