import { performance } from 'node:perf_hooks';
import type { LabMivb } from '@openoig/lab/mivb';
import { Samples, percentile } from './keepalive-load';

/**
 * Open-loop call load on the lab controllers, as people at the phones would make it: call k
 * starts at t0 + k/rate whatever happens to earlier calls. Each call takes two idle phones at
 * random (from both controllers, so about half the calls cross controllers): A dials B, B answers
 * after `answerMs`, A hangs up `talkMs` later, and both phones are idle again. With no idle pair
 * the call is counted as skipped; the rate is never lowered silently. Dial lag (start time minus
 * slot time) shows whether the load generator kept to the schedule.
 */
export interface CallWindowStats {
  readonly durationS: number;
  /** Calls dialled in the window, and per second. */
  readonly started: number;
  readonly callsPerS: number;
  readonly skipped: number;
  /** Calls the lab refused or that went wrong on the way (dial, answer or hang up threw). */
  readonly failed: number;
  readonly firstFailures: readonly string[];
  readonly dialLagMs: { readonly p99: number; readonly max: number };
  /** Most calls in progress at once during the window. */
  readonly peakInProgress: number;
}

type Phones = Pick<LabMivb, 'dial' | 'answer' | 'hangUp'>;

const TICK_MS = 1;
const MAX_SAMPLES = 5;

/** mulberry32: a small seeded generator, so runs pick the same pairs. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class CallDriver {
  private readonly idle: string[];
  private readonly random = seededRandom(1);
  private ticker: NodeJS.Timeout | undefined;
  private t0 = 0;
  private slot = 0;
  private periodMs = 0;
  private inProgress = 0;
  private allIdle: (() => void) | undefined;

  private windowStart = Number.POSITIVE_INFINITY;
  private windowEnd = Number.POSITIVE_INFINITY;
  private started = 0;
  private skipped = 0;
  private failed = 0;
  private firstFailures: string[] = [];
  private lags = new Samples();
  private peak = 0;
  private failedInRun = 0;

  constructor(
    private readonly lab: Phones,
    phones: readonly string[],
    private readonly answerMs: number,
    private readonly talkMs: number,
  ) {
    this.idle = [...phones];
  }

  /** Calls that went wrong since the driver was made, inside a window or not. */
  get failures(): number {
    return this.failedInRun;
  }

  /** Starts (or restarts at a new rate) the open-loop schedule. */
  start(callsPerS: number): void {
    this.stop();
    this.periodMs = 1000 / callsPerS;
    this.t0 = performance.now();
    this.slot = 0;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  /** No new calls; calls in progress go on to their end. */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Resolves when no call is in progress (or after `maxMs`). */
  async settled(maxMs: number): Promise<boolean> {
    if (this.inProgress === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      new Promise<boolean>((resolve) => (this.allIdle = () => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), maxMs))),
    ]);
    clearTimeout(timer);
    this.allIdle = undefined;
    return done;
  }

  beginWindow(at: number): void {
    this.windowStart = at;
    this.windowEnd = Number.POSITIVE_INFINITY;
    this.started = this.skipped = this.failed = 0;
    this.firstFailures = [];
    this.lags = new Samples();
    this.peak = this.inProgress;
  }

  endWindow(at: number): CallWindowStats {
    this.windowEnd = at;
    const durationS = (this.windowEnd - this.windowStart) / 1000;
    const lags = this.lags.sorted();
    return {
      durationS,
      started: this.started,
      callsPerS: this.started / durationS,
      skipped: this.skipped,
      failed: this.failed,
      firstFailures: this.firstFailures,
      dialLagMs: { p99: percentile(lags, 99), max: lags[lags.length - 1] ?? Number.NaN },
      peakInProgress: this.peak,
    };
  }

  private tick(): void {
    const elapsed = performance.now() - this.t0;
    while (this.slot * this.periodMs <= elapsed) {
      const due = this.t0 + this.slot * this.periodMs;
      this.slot += 1;
      this.call(due);
    }
  }

  private inWindow(at: number): boolean {
    return at >= this.windowStart && at < this.windowEnd;
  }

  private takeIdle(): string {
    const i = Math.floor(this.random() * this.idle.length);
    const last = this.idle.length - 1;
    [this.idle[i], this.idle[last]] = [this.idle[last] as string, this.idle[i] as string];
    return this.idle.pop() as string;
  }

  private call(due: number): void {
    const now = performance.now();
    const measured = this.inWindow(now);
    if (this.idle.length < 2) {
      if (measured) this.skipped += 1;
      return;
    }
    const a = this.takeIdle();
    const b = this.takeIdle();
    if (measured) {
      this.started += 1;
      this.lags.add(now - due);
    }
    this.inProgress += 1;
    if (measured && this.inProgress > this.peak) this.peak = this.inProgress;
    let callId: number;
    try {
      const result = this.lab.dial(a, b);
      if (result.failure) throw new Error(`call failed: ${result.failure}`);
      callId = result.callId;
    } catch (err) {
      return this.fail(`dial ${a}→${b}: ${(err as Error).message}`, a, b);
    }
    setTimeout(() => {
      try {
        this.lab.answer(b, callId);
      } catch (err) {
        return this.fail(`answer ${b} c${callId}: ${(err as Error).message}`, a, b);
      }
      setTimeout(() => {
        try {
          this.lab.hangUp(a, callId);
        } catch (err) {
          return this.fail(`hang up ${a} c${callId}: ${(err as Error).message}`, a, b);
        }
        this.release(a, b);
      }, this.talkMs);
    }, this.answerMs);
  }

  /** Counts the failure, clears whatever is left at both phones, and frees them. */
  private fail(reason: string, a: string, b: string): void {
    this.failed += 1;
    this.failedInRun += 1;
    if (this.firstFailures.length < MAX_SAMPLES) this.firstFailures.push(reason);
    for (const dn of [a, b]) {
      try {
        this.lab.hangUp(dn);
      } catch {
        // nothing left there
      }
    }
    this.release(a, b);
  }

  private release(a: string, b: string): void {
    this.idle.push(a, b);
    this.inProgress -= 1;
    if (this.inProgress === 0) this.allIdle?.();
  }
}
