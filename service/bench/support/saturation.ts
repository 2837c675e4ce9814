import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { Samples, percentile } from './keepalive-load';
import { SESSION_PATH, resultIsTrue, soapHeaders } from './soap-bytes';

/**
 * Closed-loop maximum: `concurrency` callers each send the next session's resetSessionTimer
 * bytes as soon as their previous answer is in, for `durationMs`. Unlike the fixed-rate window,
 * this finds how many keep-alives a server can answer per second on this machine (shared
 * with the load generator, so the figure is a lower bound for the server alone).
 */
export interface SaturationStats {
  readonly durationS: number;
  readonly ok: number;
  readonly errors: number;
  readonly reqPerS: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

const HEADERS = soapHeaders('resetSessionTimer');

export async function saturate(pool: Pool, bodies: readonly Buffer[], durationMs: number, concurrency: number): Promise<SaturationStats> {
  const latencies = new Samples();
  let next = 0;
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + durationMs;
  const caller = async (): Promise<void> => {
    while (performance.now() < end) {
      const body = bodies[next++ % bodies.length] as Buffer;
      const t = performance.now();
      try {
        const res = await pool.request({ path: SESSION_PATH, method: 'POST', headers: HEADERS, body });
        const text = await res.body.text();
        if (res.statusCode === 200 && resultIsTrue(text)) ok += 1;
        else errors += 1;
      } catch {
        errors += 1;
      }
      latencies.add(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const durationS = (performance.now() - started) / 1000;
  const sorted = latencies.sorted();
  return { durationS, ok, errors, reqPerS: ok / durationS, latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) } };
}
