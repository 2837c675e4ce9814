import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request, type Dispatcher } from 'undici';
import { expect } from 'vitest';
import { errorCatalogue, type OigErrorCode } from '../../../src/errors';
import { readXml } from '../../../src/transport/soap/xml-reader';
import { HEAP_GROWTH_BOUND_BYTES, LONG_RUN, REQUEST_BOUND_MS, RSS_GROWTH_BOUND_BYTES } from './settings';

/**
 * What every fuzzed HTTP request must keep true: no server error (no 5xx, but the 503 answers
 * the error catalogue defines for unavailability; for SOAP no Server fault), an answer in the
 * API's own form, an answer within a bound; and over a whole run: the gateway still answers
 * /health and its memory grew within a bound.
 */
export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly ms: number;
}

export interface FuzzRequest {
  readonly method: Dispatcher.HttpMethod;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** Fuzzed requests come from their own loopback address, so what they do to per-address state (the admin login throttle) stays theirs. */
const FUZZER_ADDRESS = '127.0.0.2';

/** A full collection before each measure, so the growth is what is kept, not garbage not yet collected. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function memory(): NodeJS.MemoryUsage {
  collectGarbage();
  return process.memoryUsage();
}

export class FuzzClient {
  private readonly agent = new Agent({ connect: { localAddress: FUZZER_ADDRESS }, headersTimeout: 30_000, bodyTimeout: 30_000 });
  private readonly durations: number[] = [];
  /** How the answers were spread (status and code), printed by a long run: shows what the fuzzer reached. */
  private readonly outcomes = new Map<string, number>();
  private readonly atStart = memory();

  constructor(private readonly baseUrl: string) {}

  async send(req: FuzzRequest): Promise<Answer> {
    const started = performance.now();
    const res = await request(`${this.baseUrl}${req.path}`, {
      method: req.method,
      dispatcher: this.agent,
      ...(req.headers ? { headers: req.headers } : {}),
      ...(req.body === undefined ? {} : { body: req.body }),
    });
    const body = await res.body.text();
    const ms = performance.now() - started;
    this.durations.push(ms);
    const outcome = `${res.statusCode} ${/"code":"(OIG_[A-Z_]+)"|code="(OIG_[A-Z_]+)"|result="(true|false)"/.exec(body)?.slice(1).find(Boolean) ?? ''}`;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body, ms };
  }

  /** After the run: the gateway answers /health, memory grew within the bound; a long run prints its figures. */
  async expectHealthyAfter(what: string): Promise<void> {
    const health = await request(`${this.baseUrl}/health`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toMatchObject({ status: 'ok' });
    const atEnd = memory();
    const growth = atEnd.rss - this.atStart.rss;
    const sorted = [...this.durations].sort((a, b) => a - b);
    const at = (q: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
    if (LONG_RUN) {
      const spread = [...this.outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k.trim()}: ${n}`);
      console.info(`fuzz ${what}: ${sorted.length} requests, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms, RSS growth ${(growth / 2 ** 20).toFixed(0)} MiB, heap growth ${((atEnd.heapUsed - this.atStart.heapUsed) / 2 ** 20).toFixed(0)} MiB\n  ${spread.join(', ')}`);
    }
    expect(growth, 'RSS growth over the run').toBeLessThan(RSS_GROWTH_BOUND_BYTES);
    expect(atEnd.heapUsed - this.atStart.heapUsed, 'heap kept over the run').toBeLessThan(HEAP_GROWTH_BOUND_BYTES);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

const describeRequest = (req: FuzzRequest, answer: Answer): string =>
  `${req.method} ${req.path.slice(0, 300)} ${JSON.stringify(String(req.body ?? '').slice(0, 300))} → ${answer.status} ${answer.body.slice(0, 300)}`;

const isCatalogued503 = (code: unknown): boolean => typeof code === 'string' && code in errorCatalogue && errorCatalogue[code as OigErrorCode].http === 503;

function expectInTime(req: FuzzRequest, answer: Answer): void {
  expect(answer.ms, `answered in ${answer.ms.toFixed(0)} ms: ${describeRequest(req, answer)}`).toBeLessThan(REQUEST_BOUND_MS);
}

/**
 * Node's HTTP parser refuses headers over its 16 KiB limit itself (431, fastify's plain JSON body)
 * before any route sees the request: a refusal, and the only answer not in the API's own form.
 */
const isHeaderRefusal = (answer: Answer): boolean => answer.status === 431;

/** A JSON API's answer (REST, admin): below 500 but catalogued unavailability, and `{ code, message }` on every error. */
export function expectJsonAnswer(req: FuzzRequest, answer: Answer): void {
  expectInTime(req, answer);
  if (isHeaderRefusal(answer)) return;
  let json: { code?: unknown; message?: unknown } | undefined;
  try {
    json = answer.body === '' ? undefined : (JSON.parse(answer.body) as typeof json);
  } catch {
    throw new Error(`not JSON: ${describeRequest(req, answer)}`);
  }
  // HEAD answers carry no body: only the status can be checked.
  const allowed = answer.status < 500 || (answer.status === 503 && (req.method === 'HEAD' || isCatalogued503(json?.code)));
  expect(allowed, `server error: ${describeRequest(req, answer)}`).toBe(true);
  if (answer.status >= 400 && req.method !== 'HEAD') {
    expect(typeof json?.code === 'string' && json.code.startsWith('OIG_'), `error without a code: ${describeRequest(req, answer)}`).toBe(true);
    expect(typeof json?.message, `error without a message: ${describeRequest(req, answer)}`).toBe('string');
  }
}

const GENEROUS = { maxDepth: 64, maxNodes: 1_000_000 };

/** A SOAP answer: well-formed XML; a response (200) or a Client fault (500; 404, 405, 413 where the status says it), never a Server fault. */
export function expectSoapAnswer(req: FuzzRequest, answer: Answer): void {
  expectInTime(req, answer);
  if (isHeaderRefusal(answer)) return;
  const where = describeRequest(req, answer);
  expect(answer.contentType, where).toMatch(/^text\/xml/);
  const root = readXml(answer.body, GENEROUS);
  const fault = root.children.find((c) => c.local === 'Body')?.children.find((c) => c.local === 'Fault');
  if (answer.status === 200) {
    expect(fault, `200 with a fault: ${where}`).toBeUndefined();
    return;
  }
  expect([404, 405, 413, 500], where).toContain(answer.status);
  expect(fault, `${answer.status} without a fault: ${where}`).toBeDefined();
  const faultcode = fault?.children.find((c) => c.local === 'faultcode')?.text;
  const code = fault?.children.find((c) => c.local === 'detail')?.children[0]?.attributes.get('code');
  expect(faultcode, where).not.toBe('soapenv:Server');
  expect(code, where).toMatch(/^OIG_SOAP_/);
}
