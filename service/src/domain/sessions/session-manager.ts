import type { X509Certificate } from 'node:crypto';
import { oigError } from '../../errors';
import type { Logger } from '../../log';
import type { AclRegistry } from '../acl/acl-registry';
import type { AccountStore } from '../accounts/ports';
import type { LoginGuard } from '../logins/login-guard';
import type { PasswordVerifier } from '../passwords';
import { isHttpUrl } from '../urls';
import { newChallenge, parseSignature, signatureMatches, verifyApplicationCertificate } from './advanced-auth';
import type { SessionStore } from './ports';
import { newSessionId, type Session, type SessionEndReason, type SessionProtocol } from './session';

export interface LoginRequest {
  readonly companyName?: string | undefined;
  readonly applicationName?: string | undefined;
  readonly applicationPassword?: string | undefined;
  readonly localPassword?: string | undefined;
  readonly version?: string | undefined;
  readonly certificate?: string | undefined;
  readonly protocol: SessionProtocol;
  readonly clientAddress?: string | undefined;
}

export interface LoginResult {
  readonly session: Session;
  /** The challenge to sign when a certificate was presented. */
  readonly authenticationData?: string;
}

export type SessionEndedListener = (session: Session, reason: SessionEndReason) => void;

export interface SessionManagerDeps {
  readonly acl: AclRegistry;
  readonly accounts: Pick<AccountStore, 'find'>;
  readonly store: SessionStore;
  readonly passwords: PasswordVerifier;
  /** The certificate server's CA: issuer of application certificates (none: Advanced logins are refused). */
  readonly certificateAuthority: X509Certificate | undefined;
  readonly timeoutMs: number;
  readonly maxSessions: number;
  readonly log: Logger;
  readonly now?: () => Date;
  /** The licence's say on a new session (throws the reason it is refused). */
  readonly admit?: () => void;
  /** Throttles the password checks per application and client address (none: unthrottled, for tests of other rules). */
  readonly guard?: LoginGuard;
  /** How often batched keep-alive times are written to the database. */
  readonly flushIntervalMs?: number;
}

const MAX_FIELD = 256;
const MAX_URI = 2048;

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw oigError('OIG_SESSION_LOGIN_INCOMPLETE', `The login request has no ${name}`);
  if (value.length > MAX_FIELD) throw oigError('OIG_SESSION_LOGIN_INCOMPLETE', `The ${name} is longer than ${MAX_FIELD} characters`);
  return value;
}

/**
 * Application sessions (seed: "Mitel OIG Session Management Service"): login checks against
 * the ACL and the local account, the keep-alive timer, the session cap, Advanced
 * authentication, and the end of a session, which listeners use to free what it held.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Logins between their capacity check and their insertion, so concurrent logins cannot overshoot the cap. */
  private pendingLogins = 0;
  private readonly listeners: SessionEndedListener[] = [];
  private readonly startListeners: Array<(session: Session) => void> = [];
  private keepAliveBatch = new Map<string, Date>();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(private readonly deps: SessionManagerDeps) {
    this.flushTimer = setInterval(() => this.flushKeepAlives(), deps.flushIntervalMs ?? 1000);
    this.flushTimer.unref();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Told of every session opened (usage records). */
  onSessionStarted(listener: (session: Session) => void): void {
    this.startListeners.push(listener);
  }

  onSessionEnded(listener: SessionEndedListener): void {
    this.listeners.push(listener);
  }

  async login(request: LoginRequest): Promise<LoginResult> {
    const companyName = required(request.companyName, 'company name');
    const applicationName = required(request.applicationName, 'application name');
    const localPassword = required(request.localPassword, 'local password');
    const who = `Application '${applicationName}' of company '${companyName}'`;

    this.reserveSlot();
    try {
      const { acl, accounts, passwords } = this.deps;
      if (!acl.isLoaded()) {
        throw oigError('OIG_SESSION_ACL_UNAVAILABLE', 'No access control list has been received from the certificate server yet; try again later');
      }
      const checkCredentials = async () => {
        const entry = acl.find(companyName, applicationName);
        if (!entry) throw oigError('OIG_SESSION_UNKNOWN_APPLICATION', `${who} is not in the access control list`);
        if (entry.revoked) throw oigError('OIG_SESSION_APPLICATION_REVOKED', `${who} has been revoked in the access control list`);
        if (!(await passwords.verify(request.applicationPassword ?? '', entry.applicationPasswordHash))) {
          throw oigError('OIG_SESSION_WRONG_APPLICATION_PASSWORD', `Wrong application password for ${who.toLowerCase()}`);
        }
        const account = await accounts.find(companyName, applicationName);
        if (!account) throw oigError('OIG_SESSION_NO_LOCAL_ACCOUNT', `${who} has no local password on this gateway; the administrator must create one`);
        if (!account.enabled) throw oigError('OIG_SESSION_ACCOUNT_DISABLED', `${who} is disabled on this gateway`);
        if (!(await passwords.verify(localPassword, account.localPasswordHash))) {
          throw oigError('OIG_SESSION_WRONG_LOCAL_PASSWORD', 'Local Password Invalid');
        }
        return entry;
      };
      const { guard } = this.deps;
      const attempt = { companyName, applicationName, address: request.clientAddress };
      const entry = guard ? await guard.attempt(attempt, checkCredentials) : await checkCredentials();
      // After the credentials, so a wrong password is reported as such on an unlicensed gateway too.
      this.deps.admit?.();

      let challenge: Session['challenge'] = null;
      if (request.certificate !== undefined && request.certificate.trim() !== '') {
        if (entry.type !== 'Advanced') {
          throw oigError('OIG_SESSION_NOT_ADVANCED_APPLICATION', `${who} is registered for Standard services only`);
        }
        const ca = this.deps.certificateAuthority;
        if (!ca) throw oigError('OIG_SESSION_CERTIFICATE_UNTRUSTED', 'This gateway has no certificate server CA configured, so it cannot accept certificates');
        const publicKey = verifyApplicationCertificate(request.certificate, ca, { companyName, applicationName }, this.now());
        challenge = { data: newChallenge(), publicKey };
      }

      const now = this.now();
      const session: Session = {
        id: newSessionId(),
        companyName,
        applicationName,
        type: 'Standard',
        protocol: request.protocol,
        version: request.version?.slice(0, MAX_FIELD) || null,
        createdAt: now,
        lastKeepAliveAt: now,
        haCallbackUri: null,
        clientAddress: request.clientAddress ?? null,
        challenge,
      };
      this.record(this.deps.store.recordStart(session), session.id);
      this.sessions.set(session.id, session);
      this.timers.set(session.id, setTimeout(() => this.end(session.id, 'expired'), this.deps.timeoutMs).unref());
      this.deps.log.info({ sessionId: session.id, companyName, applicationName, protocol: session.protocol }, 'session opened');
      for (const listener of this.startListeners) {
        try {
          listener(session);
        } catch (err) {
          this.deps.log.error({ err, sessionId: session.id }, 'a session-started listener failed');
        }
      }
      return challenge ? { session, authenticationData: challenge.data } : { session };
    } finally {
      this.pendingLogins -= 1;
    }
  }

  private reserveSlot(): void {
    if (this.sessions.size + this.pendingLogins >= this.deps.maxSessions) {
      throw oigError('OIG_SESSION_LIMIT_REACHED', `The gateway already has its maximum of ${this.deps.maxSessions} sessions; log out unused sessions or try later`);
    }
    this.pendingLogins += 1;
  }

  /** The live session, or OIG_SESSION_NOT_FOUND (never existed, logged out or expired). */
  get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw oigError('OIG_SESSION_NOT_FOUND', `Session ${id} does not exist or has ended`);
    return session;
  }

  async authenticate(id: string, signedAuthenticationData: string): Promise<Session> {
    const session = this.get(id);
    const challenge = session.challenge;
    if (!challenge) {
      throw oigError('OIG_SESSION_NO_PENDING_CHALLENGE', 'This session has no authentication data to sign; log in with a certificate first');
    }
    session.challenge = null;
    if (!signatureMatches(challenge.publicKey, challenge.data, parseSignature(signedAuthenticationData))) {
      throw oigError('OIG_SESSION_SIGNATURE_INVALID', 'The signature does not match the authentication data and certificate; the session stays Standard');
    }
    session.type = 'Advanced';
    this.record(this.deps.store.recordAdvanced(id), id);
    this.deps.log.info({ sessionId: id }, 'session authenticated as Advanced');
    return session;
  }

  /** The keep-alive: restarts the inactivity timer. */
  keepAlive(id: string): void {
    const session = this.get(id);
    session.lastKeepAliveAt = this.now();
    this.timers.get(id)?.refresh();
    this.keepAliveBatch.set(id, session.lastKeepAliveAt);
  }

  async registerHaCallback(id: string, uri: string | undefined): Promise<void> {
    const session = this.get(id);
    const value = uri === undefined || uri.trim() === '' ? null : uri.trim();
    if (value !== null && !isHttpUrl(value, MAX_URI)) {
      throw oigError('OIG_SESSION_CALLBACK_URI_INVALID', `callbackUri must be an absolute http or https URL of at most ${MAX_URI} characters`);
    }
    session.haCallbackUri = value;
    this.record(this.deps.store.recordHaCallback(id, value), id);
  }

  async logout(id: string): Promise<void> {
    this.get(id);
    await this.end(id, 'logout');
  }

  /** Ends a session: timers stop, listeners free what it held, the record is closed. */
  private async end(id: string, reason: SessionEndReason): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.keepAliveBatch.delete(id);
    for (const listener of this.listeners) {
      try {
        listener(session, reason);
      } catch (err) {
        this.deps.log.error({ err, sessionId: id }, 'a session-ended listener failed');
      }
    }
    this.deps.log.info({ sessionId: id, reason }, 'session ended');
    this.record(this.deps.store.recordEnd(id, reason, this.now()), id);
  }

  /**
   * Session records are not waited for: the store keeps them in order and writes them when
   * the database can take them, so a database restart costs no session (issue #11).
   */
  private record(write: Promise<void>, sessionId: string): void {
    write.catch((err: unknown) => this.deps.log.error({ err, sessionId }, 'could not record a session change'));
  }

  private flushKeepAlives(): void {
    if (this.keepAliveBatch.size === 0) return;
    const batch = this.keepAliveBatch;
    this.keepAliveBatch = new Map();
    this.record(this.deps.store.recordKeepAlives(batch), 'keep-alives');
  }

  list(): Session[] {
    return [...this.sessions.values()];
  }

  count(): number {
    return this.sessions.size;
  }

  countFor(companyName: string, applicationName: string): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.companyName === companyName && s.applicationName === applicationName) n += 1;
    return n;
  }

  /** Gateway shutdown: every session ends (reason "shutdown"); the store then writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    this.flushKeepAlives();
    await Promise.all([...this.sessions.keys()].map((id) => this.end(id, 'shutdown')));
  }
}
