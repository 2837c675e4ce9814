import { request } from 'undici';
import type { StandardEvent } from '../../domain/callcontrol/events';
import type { EventPusher } from '../../domain/callcontrol/ports';
import { eventHandlerCCService } from './catalogue/event-handler-service';
import { standardEventMsg } from './cc-handlers';
import { PrefixMap, encodeComplex } from './codec';
import { readXml, type XmlElement } from './xml-reader';

const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** An event handler's answer is one small element; anything bigger is not one. */
const RESPONSE_LIMITS = { maxDepth: 16, maxNodes: 200, maxAttributesPerElement: 32, maxAttributes: 400 };
const MAX_RESPONSE_BYTES = 64 * 1024;

const handleEvent = (() => {
  const operation = eventHandlerCCService.operations.find((op) => op.name === 'handleEvent');
  if (!operation) throw new Error('EventHandlerCCService has no handleEvent');
  return operation;
})();

/** The SOAP request EventHandlerCCService.handleEvent carrying one event. */
export function handleEventEnvelope(event: StandardEvent): string {
  const prefixes = new PrefixMap();
  const body = encodeComplex(handleEvent.request.name, eventHandlerCCService.namespace, handleEvent.request, { event: standardEventMsg(event) }, prefixes);
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_NS}"${prefixes.declarations()}><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

function find(node: XmlElement, local: string): XmlElement | undefined {
  if (node.local === local) return node;
  for (const child of node.children) {
    const hit = find(child, local);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Pushes events to applications' event handlers (stdEventHandler/EventHandlerCCService.wsdl):
 * delivered means HTTP 2xx and a handleEventResponse whose return is not false.
 */
export class SoapEventPusher implements EventPusher {
  constructor(private readonly timeoutMs: number) {}

  async push(url: string, event: StandardEvent): Promise<void> {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${handleEvent.soapAction}"` },
      body: handleEventEnvelope(event),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_RESPONSE_BYTES) {
        res.body.destroy();
        throw new Error(`event handler answered more than ${MAX_RESPONSE_BYTES} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`event handler answered HTTP ${res.statusCode}`);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return;
    const answer = find(readXml(text, RESPONSE_LIMITS), 'return');
    if (answer && answer.text.trim() === 'false') throw new Error('event handler answered return=false');
  }
}
