import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashPassword, PasswordVerifier } from '../../domain/passwords';
import { InvalidFieldsError, oigError } from '../../errors';
import type { PgAdminCredentialStore } from '../../storage/admin-credential-store';
import type { PgAdminSessionStore } from '../../storage/admin-session-store';
import { KeyedLimit } from '../../domain/logins/keyed-limit';
import { LoginBackoff, type BackoffRule } from '../../domain/logins/login-backoff';

/** Administrator login: 5 wrong passwords in a row from one address lock it for 60 s. */
export const ADMIN_LOGIN_BACKOFF: BackoffRule = { failures: 5, windowMs: 24 * 60 * 60 * 1000, lockMs: 60_000, maxLockMs: 60_000, maxTracked: 10_000 };

/**
 * Administrator login for the admin API: the password (the one configured at installation until
 * the administrator changes it; then only its scrypt hash is kept, in the database), a random
 * cookie token (HttpOnly, SameSite=Strict; only its hash is stored) and a CSRF token that every
 * state-changing request must echo in the `X-CSRF-Token` header.
 */
export const ADMIN_COOKIE = 'oig_admin';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Sent by the UI's automatic refreshes (the Sessions tab polls every 30 s): the login is checked
 * but not extended, so an administrator who walked away is still logged out after the idle time.
 */
export const BACKGROUND_REFRESH_HEADER = 'x-oig-background-refresh';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function passwordMatches(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/** Long enough to resist guessing over the network; the installation's first password is not held to it. */
export const ADMIN_PASSWORD_MIN_LENGTH = 8;

export interface AdminPasswordStatus {
  /** When the administrator last changed it; null: the password configured at installation is in use. */
  changedAt: Date | null;
}

export interface AdminAuth {
  login(request: FastifyRequest, reply: FastifyReply, password: string): Promise<{ csrfToken: string; expiresInSeconds: number }>;
  logout(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** A preHandler: 401 without a live login, 403 for a state change without the CSRF token. */
  require(request: FastifyRequest): Promise<void>;
  /** The live login's CSRF token (for a reloaded page) and the idle time left; 401 without one. */
  session(request: FastifyRequest): Promise<{ csrfToken: string; expiresInSeconds: number }>;
  passwordStatus(): Promise<AdminPasswordStatus>;
  /** Checks the current password, stores the new one's hash and ends every other administrator login. */
  changePassword(request: FastifyRequest, currentPassword: string, newPassword: string): Promise<AdminPasswordStatus>;
}

export function createAdminAuth(
  store: PgAdminSessionStore,
  credentials: PgAdminCredentialStore,
  configuredPassword: string,
  idleMs: number,
  /** Told once a new password is stored (first boot's console notice goes). */
  onPasswordChanged: () => Promise<void> = async () => {},
): AdminAuth {
  const verifier = new PasswordVerifier();
  const tokenHashOf = (request: FastifyRequest): Buffer | undefined => {
    const token = request.cookies[ADMIN_COOKIE];
    return token ? sha256(token) : undefined;
  };
  const isPassword = async (given: string): Promise<boolean> => {
    const changed = await credentials.load();
    return changed ? verifier.verify(given, changed.passwordHash) : passwordMatches(given, configuredPassword);
  };
  const throttle = new LoginBackoff(ADMIN_LOGIN_BACKOFF);
  // One check per address at a time: parallel guesses each meet the lock the earlier ones earned.
  const turns = new KeyedLimit(1);
  /** The password check of a login or a password change, throttled per client address. */
  const checkPassword = (request: FastifyRequest, given: string): Promise<boolean> =>
    turns.run(request.ip, async () => {
      const lockedMs = throttle.lockedForMs(request.ip);
      if (lockedMs > 0) {
        throw oigError('OIG_ADMIN_LOGIN_LOCKED', `Too many wrong administrator passwords from this address: try again in ${Math.ceil(lockedMs / 1000)} s`);
      }
      const ok = await isPassword(given);
      if (ok) throttle.succeeded(request.ip);
      else if (throttle.failed(request.ip) > 0) request.log.warn({ address: request.ip }, 'administrator logins from this address locked after wrong passwords');
      return ok;
    });
  return {
    async login(request, reply, password) {
      if (!(await checkPassword(request, password))) throw oigError('OIG_ADMIN_WRONG_PASSWORD', 'Wrong administrator password');
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      await store.create(sha256(token), csrfToken, new Date(Date.now() + idleMs));
      reply.setCookie(ADMIN_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
      });
      return { csrfToken, expiresInSeconds: Math.round(idleMs / 1000) };
    },
    async logout(request, reply) {
      const hash = tokenHashOf(request);
      if (hash) await store.delete(hash);
      reply.clearCookie(ADMIN_COOKIE, { path: '/' });
    },
    async require(request) {
      const hash = tokenHashOf(request);
      const background = request.headers[BACKGROUND_REFRESH_HEADER] !== undefined && SAFE_METHODS.has(request.method);
      const csrf = hash && (background ? (await store.peek(hash))?.csrfToken : await store.touch(hash, new Date(Date.now() + idleMs)));
      if (!csrf) throw oigError('OIG_ADMIN_UNAUTHENTICATED', 'Administrator login required');
      if (!SAFE_METHODS.has(request.method)) {
        const given = request.headers['x-csrf-token'];
        if (typeof given !== 'string' || !passwordMatches(given, csrf)) {
          throw oigError('OIG_ADMIN_CSRF_REJECTED', 'Missing or wrong X-CSRF-Token header');
        }
      }
    },
    async session(request) {
      const hash = tokenHashOf(request);
      const live = hash && (await store.peek(hash));
      if (!live) throw oigError('OIG_ADMIN_UNAUTHENTICATED', 'Administrator login required');
      return { csrfToken: live.csrfToken, expiresInSeconds: Math.max(0, Math.round((live.expiresAt.getTime() - Date.now()) / 1000)) };
    },
    async passwordStatus() {
      return { changedAt: (await credentials.load())?.changedAt ?? null };
    },
    async changePassword(request, currentPassword, newPassword) {
      // A field error (400), not 401: the administrator is logged in, only the form is wrong.
      if (!(await checkPassword(request, currentPassword))) throw new InvalidFieldsError({ currentPassword: 'This is not the current administrator password' });
      if (newPassword === currentPassword) throw new InvalidFieldsError({ newPassword: 'The new password must differ from the current one' });
      if (newPassword.length < ADMIN_PASSWORD_MIN_LENGTH) throw new InvalidFieldsError({ newPassword: `Must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters` });
      if (/\p{Cc}/u.test(newPassword)) throw new InvalidFieldsError({ newPassword: 'Must not contain control characters' });
      const session = tokenHashOf(request) as Buffer; // require() has checked the login
      const changedAt = await credentials.replace(await hashPassword(newPassword), session);
      request.log.warn('administrator password changed; other administrator logins ended');
      await onPasswordChanged().catch((err: Error) => request.log.error({ err }, 'the console notice of the one-time password could not be removed'));
      return { changedAt };
    },
  };
}
