/**
 * Failed password checks counted per key (an application, a client address), and the lock
 * they earn: after `failures` of them within `windowMs` the key is locked for `lockMs`, each
 * further lock of the same key twice as long up to `maxLockMs`; a success forgets the key.
 * While locked, no password is checked for it, even the right one: otherwise the lock would
 * tell a guesser when it has found the password.
 *
 * Kept in memory: a restart of the gateway forgets it, which costs a guesser a restart.
 */
export interface BackoffRule {
  readonly failures: number;
  /** Failures older than this are forgotten (a client that mistypes now and then never locks). */
  readonly windowMs: number;
  readonly lockMs: number;
  readonly maxLockMs: number;
  /** Keys tracked at most; the one whose last failure is oldest is forgotten first (a flood of keys cannot grow memory). */
  readonly maxTracked: number;
}

interface KeyState {
  /** Failures of the current window (reset when a lock begins). */
  failures: number;
  windowStart: number;
  lockedUntil: number;
  /** Locks earned so far: each doubles the next one. */
  locks: number;
  lastFailureAt: number;
}

export interface LockedKey {
  readonly key: string;
  readonly lockedUntil: Date;
  readonly locks: number;
  readonly lastFailureAt: Date;
}

export class LoginBackoff {
  private readonly byKey = new Map<string, KeyState>();

  constructor(
    readonly rule: BackoffRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the key may try again; 0: it may try now. */
  lockedForMs(key: string): number {
    const state = this.byKey.get(key);
    return state ? Math.max(0, state.lockedUntil - this.now()) : 0;
  }

  /** Counts a failed check; answers the length of the lock it began (0: none began). */
  failed(key: string): number {
    const now = this.now();
    const state = this.byKey.get(key) ?? { failures: 0, windowStart: now, lockedUntil: 0, locks: 0, lastFailureAt: now };
    this.byKey.delete(key); // re-inserted last: the map's order is the age of the last failure
    if (now - state.windowStart > this.rule.windowMs) {
      state.failures = 0;
      state.windowStart = now;
    }
    state.failures += 1;
    state.lastFailureAt = now;
    let lockMs = 0;
    if (state.failures >= this.rule.failures) {
      lockMs = Math.min(this.rule.maxLockMs, this.rule.lockMs * 2 ** Math.min(state.locks, 30));
      state.locks += 1;
      state.failures = 0;
      state.windowStart = now;
      state.lockedUntil = now + lockMs;
    }
    this.byKey.set(key, state);
    if (this.byKey.size > this.rule.maxTracked) this.byKey.delete(this.byKey.keys().next().value as string);
    return lockMs;
  }

  succeeded(key: string): void {
    this.byKey.delete(key);
  }

  /** Lifts a lock and forgets the key's failures (the administrator's "unlock"); false: it was not locked. */
  clear(key: string): boolean {
    const locked = this.lockedForMs(key) > 0;
    this.byKey.delete(key);
    return locked;
  }

  /** The keys locked now, the latest failure first. */
  locked(): LockedKey[] {
    const now = this.now();
    return [...this.byKey]
      .filter(([, state]) => state.lockedUntil > now)
      .map(([key, state]) => ({ key, lockedUntil: new Date(state.lockedUntil), locks: state.locks, lastFailureAt: new Date(state.lastFailureAt) }))
      .reverse();
  }
}
