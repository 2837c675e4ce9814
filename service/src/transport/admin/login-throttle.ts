/**
 * Slows down guessing of the administrator password: after `failures` wrong passwords in a row
 * from one client address, that address may not try again for `lockMs` (even with the right
 * password, or the lock would tell a guesser when it has found it). A success clears the count.
 * Kept in memory: a restart forgets it, which costs a guesser a restart of the gateway.
 */
export interface LoginThrottleOptions {
  readonly failures: number;
  readonly lockMs: number;
  /** Addresses tracked at most; the oldest is forgotten first (a flood of addresses cannot grow memory). */
  readonly maxTracked: number;
}

export const ADMIN_LOGIN_THROTTLE: LoginThrottleOptions = { failures: 5, lockMs: 60_000, maxTracked: 10_000 };

interface Record {
  failures: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly byAddress = new Map<string, Record>();

  constructor(
    private readonly options: LoginThrottleOptions = ADMIN_LOGIN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the address may try again; 0: it may try now. */
  lockedFor(address: string): number {
    const record = this.byAddress.get(address);
    const left = record ? record.lockedUntil - this.now() : 0;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  failed(address: string): void {
    const record = this.byAddress.get(address) ?? { failures: 0, lockedUntil: 0 };
    this.byAddress.delete(address); // re-inserted last: the map's order is the age of the last failure
    record.failures += 1;
    if (record.failures >= this.options.failures) {
      record.failures = 0;
      record.lockedUntil = this.now() + this.options.lockMs;
    }
    this.byAddress.set(address, record);
    if (this.byAddress.size > this.options.maxTracked) this.byAddress.delete(this.byAddress.keys().next().value as string);
  }

  succeeded(address: string): void {
    this.byAddress.delete(address);
  }
}
