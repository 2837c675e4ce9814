import { Samples, percentile } from './keepalive-load';

/**
 * Matches the events the lab controllers emit with the events the clients receive. Every
 * monitored device has exactly one session watching it, so each emitted event must arrive
 * exactly once, and in the order the controller emitted the device's events: per device a FIFO
 * of emitted events, the head taken on receipt. Emit and receipt times come from the same
 * process's performance.now(), so latency needs no clock sync. Only events emitted inside the
 * measured window count toward latency and the per-second figures; every event counts toward
 * loss.
 */
interface Emitted {
  readonly callId: number;
  readonly type: string;
  readonly state: string;
  readonly at: number;
}

export interface LedgerCounts {
  /** Events emitted for monitored devices, and of them inside the window. */
  readonly emitted: number;
  readonly emittedInWindow: number;
  /** Matched receipts, and of them received inside the window. */
  readonly received: number;
  readonly receivedInWindow: number;
  /** Received, matched, but not the device's oldest outstanding event. */
  readonly outOfOrder: number;
  /** Received events no emitted event matches (duplicates, wrong object, wrong content). */
  readonly unmatched: number;
  readonly firstUnmatched: readonly string[];
  /** Emitted but never received (set by settle()). */
  readonly lost: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly count: number };
}

const MAX_SAMPLES = 5;

export class EventLedger {
  private readonly outstanding = new Map<string, Emitted[]>();
  private windowStart = Number.POSITIVE_INFINITY;
  private windowEnd = Number.POSITIVE_INFINITY;
  private emitted = 0;
  private emittedInWindow = 0;
  private received = 0;
  private receivedInWindow = 0;
  private outOfOrder = 0;
  private unmatched = 0;
  private firstUnmatched: string[] = [];
  private latencies = new Samples();
  private pendingCount = 0;

  /** The devices whose events are expected; events of other devices are not tracked. */
  constructor(monitoredDns: Iterable<string>) {
    for (const dn of monitoredDns) this.outstanding.set(dn, []);
  }

  /** Events emitted and not received yet. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Receipts so far (matched or not), to see whether delivery has stopped. */
  get receipts(): number {
    return this.received + this.unmatched;
  }

  emit(dn: string, callId: number, type: string, state: string, at: number): void {
    const queue = this.outstanding.get(dn);
    if (!queue) return;
    queue.push({ callId, type, state, at });
    this.pendingCount += 1;
    this.emitted += 1;
    if (at >= this.windowStart && at < this.windowEnd) this.emittedInWindow += 1;
  }

  receive(dn: string | undefined, callId: number, type: string, state: string, at: number): void {
    const queue = dn === undefined ? undefined : this.outstanding.get(dn);
    const index = queue ? queue.findIndex((e) => e.callId === callId && e.type === type && e.state === state) : -1;
    if (!queue || index < 0) {
      this.unmatched += 1;
      if (this.firstUnmatched.length < MAX_SAMPLES) this.firstUnmatched.push(`${dn ?? '?'} c${callId} ${type}/${state}`);
      return;
    }
    const event = queue[index] as Emitted;
    if (index === 0) queue.shift();
    else {
      queue.splice(index, 1);
      this.outOfOrder += 1;
    }
    this.pendingCount -= 1;
    this.received += 1;
    if (at >= this.windowStart && at < this.windowEnd) this.receivedInWindow += 1;
    if (event.at >= this.windowStart && event.at < this.windowEnd) this.latencies.add(at - event.at);
  }

  beginWindow(at: number): void {
    this.windowStart = at;
    this.windowEnd = Number.POSITIVE_INFINITY;
  }

  endWindow(at: number): void {
    this.windowEnd = at;
  }

  /**
   * The step's figures; what is still outstanding counts as lost and is forgotten, and the
   * counters start again for the next step.
   */
  settle(): LedgerCounts {
    let lost = 0;
    for (const queue of this.outstanding.values()) {
      lost += queue.length;
      queue.length = 0;
    }
    const sorted = this.latencies.sorted();
    const counts: LedgerCounts = {
      emitted: this.emitted,
      emittedInWindow: this.emittedInWindow,
      received: this.received,
      receivedInWindow: this.receivedInWindow,
      outOfOrder: this.outOfOrder,
      unmatched: this.unmatched,
      firstUnmatched: this.firstUnmatched,
      lost,
      latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN, count: sorted.length },
    };
    this.pendingCount = 0;
    this.emitted = this.emittedInWindow = this.received = this.receivedInWindow = this.outOfOrder = this.unmatched = 0;
    this.firstUnmatched = [];
    this.latencies = new Samples();
    this.windowStart = this.windowEnd = Number.POSITIVE_INFINITY;
    return counts;
  }
}
