import { OigError, oigError, type OigErrorCode } from '../../errors';
import type { Logger } from '../../log';
import { KeyedLimit } from './keyed-limit';
import { LoginBackoff, type BackoffRule, type LockedKey } from './login-backoff';

/**
 * Throttles the password checks of application logins (SOAP login/loginEx/loginApp, REST), per
 * application and per client address (issue #11: 2,394 guesses a second were possible).
 *
 * - Checks of one application run one at a time, and of one address a few at a time, so a
 *   burst of parallel guesses meets the lock the earlier ones earned (a check of the lock
 *   before the await of the password and a count after it let 200 parallel guesses through).
 *   Only failures count, so the 1,500 good logins of a gateway restart pass unslowed.
 * - An application locked by failures from elsewhere still logs in from an address where it
 *   has logged in before (until that address fails for it): a guesser cannot lock the real
 *   application out. The same goes for an address locked by another application's failures.
 * - A lock is logged once, when it begins; the refusals meanwhile are not logged one by one.
 */
export interface LoginGuardOptions {
  readonly application: BackoffRule;
  readonly address: BackoffRule;
  /** Password checks of one address at once (scrypt runs on libuv's 4 threads: more would only queue there). */
  readonly addressConcurrency?: number;
  readonly log: Logger;
  readonly now?: () => number;
}

export interface LoginAttempt {
  readonly companyName: string;
  readonly applicationName: string;
  readonly address: string | undefined;
}

export type LockKind = 'application' | 'address';

export interface LoginLock {
  readonly kind: LockKind;
  /** "<company>/<application>" or the client address. */
  readonly key: string;
  readonly lockedUntil: Date;
  /** Locks this key has earned in a row: each lasts twice the one before, up to the maximum. */
  readonly locks: number;
  readonly lastFailureAt: Date;
}

const TRUST_MS = 24 * 60 * 60 * 1000;
const MAX_TRUSTED = 20_000;
const UNKNOWN_ADDRESS = 'unknown';

/** Which failures are guesses, and of what. */
const GUESSES: Partial<Record<OigErrorCode, 'application-and-address' | 'address'>> = {
  OIG_SESSION_WRONG_APPLICATION_PASSWORD: 'application-and-address',
  OIG_SESSION_WRONG_LOCAL_PASSWORD: 'application-and-address',
  OIG_SESSION_UNKNOWN_APPLICATION: 'address',
};

export class LoginGuard {
  private readonly applications: LoginBackoff;
  private readonly addresses: LoginBackoff;
  private readonly applicationTurns = new KeyedLimit(1);
  private readonly addressTurns: KeyedLimit;
  /** "<application key>\n<address>" → when it last logged in; oldest first. */
  private readonly trusted = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: LoginGuardOptions) {
    this.now = options.now ?? Date.now;
    this.applications = new LoginBackoff(options.application, this.now);
    this.addresses = new LoginBackoff(options.address, this.now);
    this.addressTurns = new KeyedLimit(options.addressConcurrency ?? 4);
  }

  /**
   * Runs `check` (the password checks of a login) in its turn, unless a lock refuses it first
   * (OIG_SESSION_LOGIN_LOCKED); counts what it answers: a success, a guess, or neither.
   */
  async attempt<T>(who: LoginAttempt, check: () => Promise<T>): Promise<T> {
    const application = `${who.companyName}/${who.applicationName}`;
    const address = who.address ?? UNKNOWN_ADDRESS;
    return this.addressTurns.run(address, () =>
      this.applicationTurns.run(application, async () => {
        this.refuseIfLocked(application, address);
        let result: T;
        try {
          result = await check();
        } catch (err) {
          const guess = err instanceof OigError ? GUESSES[err.code] : undefined;
          if (guess) this.guessed(guess === 'application-and-address' ? application : undefined, address);
          throw err;
        }
        // A trusted address logging in while locked leaves the lock the guessers earned in force.
        if (this.applications.lockedForMs(application) === 0) this.applications.succeeded(application);
        if (this.addresses.lockedForMs(address) === 0) this.addresses.succeeded(address);
        this.trust(application, address);
        return result;
      }),
    );
  }

  /** The locks in force, for the administrator. */
  locks(): LoginLock[] {
    const of = (kind: LockKind) => (lock: LockedKey): LoginLock => ({ kind, ...lock });
    return [...this.applications.locked().map(of('application')), ...this.addresses.locked().map(of('address'))];
  }

  /** Lifts a lock (the administrator's unlock); false: there was none. */
  unlock(kind: LockKind, key: string): boolean {
    const lifted = (kind === 'application' ? this.applications : this.addresses).clear(key);
    if (lifted) this.options.log.info({ kind, key }, 'login lock lifted by the administrator');
    return lifted;
  }

  private refuseIfLocked(application: string, address: string): void {
    if (this.isTrusted(application, address)) return;
    const applicationMs = this.applications.lockedForMs(application);
    if (applicationMs > 0) {
      throw oigError('OIG_SESSION_LOGIN_LOCKED', `Too many failed logins for application '${application}': try again in ${seconds(applicationMs)} s`);
    }
    const addressMs = this.addresses.lockedForMs(address);
    if (addressMs > 0) throw oigError('OIG_SESSION_LOGIN_LOCKED', `Too many failed logins from this address: try again in ${seconds(addressMs)} s`);
  }

  private guessed(application: string | undefined, address: string): void {
    if (application !== undefined) {
      this.trusted.delete(trustKey(application, address));
      const lockMs = this.applications.failed(application);
      if (lockMs > 0) this.lockBegan('application', application, lockMs, this.options.application, address);
    }
    const lockMs = this.addresses.failed(address);
    if (lockMs > 0) this.lockBegan('address', address, lockMs, this.options.address, address);
  }

  private lockBegan(kind: LockKind, key: string, lockMs: number, rule: BackoffRule, address: string): void {
    this.options.log.warn({ kind, key, address, failures: rule.failures, lockSeconds: seconds(lockMs) }, `logins locked after ${rule.failures} failures: ${key}`);
  }

  private isTrusted(application: string, address: string): boolean {
    const at = this.trusted.get(trustKey(application, address));
    return at !== undefined && this.now() - at < TRUST_MS;
  }

  private trust(application: string, address: string): void {
    const key = trustKey(application, address);
    this.trusted.delete(key);
    this.trusted.set(key, this.now());
    if (this.trusted.size > MAX_TRUSTED) this.trusted.delete(this.trusted.keys().next().value as string);
  }
}

const trustKey = (application: string, address: string): string => `${application}\n${address}`;
const seconds = (ms: number): number => Math.ceil(ms / 1000);
