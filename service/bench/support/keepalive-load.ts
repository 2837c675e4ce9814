import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { resultIsTrue, SESSION_PATH, soapHeaders } from './soap-bytes';

/**
 * Open-loop keep-alive load: session i sends its (pre-built, never re-encoded) resetSessionTimer
 * bytes at t0 + i·interval/N + k·interval, so the N sessions' calls are spread evenly over the
 * interval and the offered load is a steady N/interval requests per second whatever the server
 * does. A session without bytes yet (not logged in) skips its slot and joins at the next one.
 * Latency is from handing the request to undici (including any wait for a free pooled
 * connection) to the end of the response body. Send lag (actual send time minus slot time:
 * timer granularity plus the load generator's own event-loop delay) shows whether the load
 * generator kept to the schedule.
 */
export interface WindowStats {
  readonly durationS: number;
  readonly sent: number;
  readonly ok: number;
  readonly errors: number;
  readonly errorKinds: ReadonlyMap<string, number>;
  readonly firstErrors: readonly string[];
  readonly overlaps: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly sendLagMs: { readonly p99: number; readonly max: number };
  readonly loadGeneratorCpuPercent: number;
}

const HEADERS = soapHeaders('resetSessionTimer');
const TICK_MS = 1;
const MAX_ERROR_SAMPLES = 5;

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export class Samples {
  private data = new Float64Array(1024);
  private length = 0;

  add(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

export class KeepAliveLoad {
  private t0 = 0;
  private nextSlot = 0;
  private ticker: NodeJS.Timeout | undefined;
  private readonly inFlight: Uint8Array;
  private pending = 0;
  private drained: (() => void) | undefined;

  private windowStart = Number.POSITIVE_INFINITY;
  private windowEnd = Number.POSITIVE_INFINITY;
  private sent = 0;
  private ok = 0;
  private errors = 0;
  private overlaps = 0;
  private readonly errorKinds = new Map<string, number>();
  private readonly firstErrors: string[] = [];
  private latencies = new Samples();
  private lags = new Samples();

  constructor(
    private readonly pool: Pool,
    /** Per session: the request bytes, or undefined until the session exists. */
    private readonly bodies: Array<Buffer | undefined>,
    private readonly intervalMs: number,
  ) {
    this.inFlight = new Uint8Array(bodies.length);
  }

  start(): void {
    this.t0 = performance.now();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    const n = this.bodies.length;
    const elapsed = performance.now() - this.t0;
    while ((this.nextSlot * this.intervalMs) / n <= elapsed) {
      const slot = this.nextSlot++;
      this.send(slot % n, this.t0 + (slot * this.intervalMs) / n);
    }
  }

  private send(session: number, dueAt: number): void {
    const body = this.bodies[session];
    if (!body) return;
    const startedAt = performance.now();
    const measured = startedAt >= this.windowStart && startedAt < this.windowEnd;
    if (measured) {
      this.sent += 1;
      this.lags.add(startedAt - dueAt);
      if (this.inFlight[session]) this.overlaps += 1;
    }
    this.inFlight[session] = 1;
    this.pending += 1;
    this.pool
      .request({ path: SESSION_PATH, method: 'POST', headers: HEADERS, body })
      .then(async (res) => {
        const text = await res.body.text();
        if (res.statusCode !== 200) return `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
        return resultIsTrue(text) ? undefined : `result not "true": ${text.slice(0, 300)}`;
      })
      .catch((err: unknown) => `${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`)
      .then((error) => {
        const finishedAt = performance.now();
        this.inFlight[session] = 0;
        if (measured) {
          if (error === undefined) {
            this.ok += 1;
            this.latencies.add(finishedAt - startedAt);
          } else {
            this.errors += 1;
            const kind = error.slice(0, error.indexOf(':') > 0 ? error.indexOf(':') : error.length);
            this.errorKinds.set(kind, (this.errorKinds.get(kind) ?? 0) + 1);
            if (this.firstErrors.length < MAX_ERROR_SAMPLES) this.firstErrors.push(error);
          }
        }
        this.pending -= 1;
        if (this.pending === 0) this.drained?.();
      });
  }

  /**
   * Lets the load run `warmupMs`, then measures for `durationMs` (calls sent in the window
   * count, with their answers however late), stops sending and waits up to `drainMs` for the
   * window's answers; unanswered ones count as errors. `onWindow` runs at the window's edges.
   */
  async measure(
    warmupMs: number,
    durationMs: number,
    drainMs: number,
    onWindow: { start?: () => void; end?: () => void } = {},
  ): Promise<WindowStats> {
    await sleep(warmupMs);
    const cpuBefore = process.cpuUsage();
    onWindow.start?.();
    this.windowStart = performance.now();
    await sleep(durationMs);
    this.windowEnd = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    onWindow.end?.();
    this.stop();
    if (this.pending > 0) {
      await Promise.race([new Promise<void>((resolve) => (this.drained = resolve)), sleep(drainMs)]);
    }
    const answered = this.ok + this.errors;
    if (answered < this.sent) {
      const missing = this.sent - answered;
      this.errors += missing;
      this.errorKinds.set('no answer', missing);
    }
    const durationS = (this.windowEnd - this.windowStart) / 1000;
    const latencies = this.latencies.sorted();
    const lags = this.lags.sorted();
    return {
      durationS,
      sent: this.sent,
      ok: this.ok,
      errors: this.errors,
      errorKinds: this.errorKinds,
      firstErrors: this.firstErrors,
      overlaps: this.overlaps,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? Number.NaN },
      sendLagMs: { p99: percentile(lags, 99), max: lags[lags.length - 1] ?? Number.NaN },
      loadGeneratorCpuPercent: ((cpu.user + cpu.system) / 1000 / (durationS * 1000)) * 100,
    };
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
