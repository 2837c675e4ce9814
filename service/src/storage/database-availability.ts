import type pg from 'pg';
import type { Logger } from '../log';

/** Node socket errors that mean the server went away or cannot be reached (ENOENT: its unix socket is gone while it restarts). */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * SQLSTATEs of a server that is restarting or refusing connections: 57P01 admin_shutdown
 * (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up or in recovery), 53300 too_many_connections; class 08 is connection exceptions.
 */
const SERVER_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres raises these without a code when a connection dies under it. */
const PG_MESSAGES = [/^Connection terminated/, /connection error and is not queryable/, /timeout exceeded when trying to connect/, /Client was closed and is not queryable/];

/** "The database cannot be reached now", as opposed to "this statement is wrong": the former is worth retrying. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_ERRORS.has(code) || SERVER_UNAVAILABLE.has(code) || code.startsWith('08'))) return true;
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable);
  return PG_MESSAGES.some((pattern) => pattern.test(err.message));
}

export interface DatabaseStatus {
  readonly available: boolean;
  /** When the current state began (ISO time). */
  readonly since: string;
  /** Why it is unavailable: the driver's message, never a connection string. */
  readonly reason: string | null;
}

/**
 * Whether PostgreSQL answers now. Failed statements and dead idle connections mark it
 * unavailable at once; a probe (`SELECT 1`) then runs every `probeDownMs` until it answers
 * again, and every `probeUpMs` while all is well, so /health says the truth when nothing else
 * touches the database. Listeners hear each change (the write queue resumes on it).
 */
export class DatabaseAvailability {
  private state: DatabaseStatus = { available: true, since: new Date().toISOString(), reason: null };
  private readonly listeners: Array<(available: boolean) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private pool: pg.Pool | undefined;
  private probing = false;
  private closed = false;

  constructor(private readonly options: { log: Logger; probeUpMs?: number; probeDownMs?: number }) {}

  /** Starts probing `pool`. */
  watch(pool: pg.Pool): void {
    this.pool = pool;
    this.schedule();
  }

  status(): DatabaseStatus {
    return this.state;
  }

  get available(): boolean {
    return this.state.available;
  }

  onChange(listener: (available: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** A statement or connection failed for want of a server. */
  markUnavailable(err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    if (!this.state.available) return;
    this.state = { available: false, since: new Date().toISOString(), reason };
    this.options.log.warn({ reason }, 'database unavailable: sessions, monitors and events carry on in memory; writes wait for it');
    this.notify(false);
    this.schedule();
  }

  /** A statement succeeded. */
  markAvailable(): void {
    if (this.state.available) return;
    const downMs = Date.now() - Date.parse(this.state.since);
    this.state = { available: true, since: new Date().toISOString(), reason: null };
    this.options.log.info({ downMs }, 'database available again');
    this.notify(true);
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private notify(available: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(available);
      } catch (err) {
        this.options.log.error({ err }, 'a database availability listener failed');
      }
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.closed || !this.pool) return;
    const delay = this.state.available ? (this.options.probeUpMs ?? 10_000) : (this.options.probeDownMs ?? 1_000);
    this.timer = setTimeout(() => void this.probe(), delay);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    if (this.probing || !this.pool) return;
    this.probing = true;
    try {
      // The pool's query reports the outcome to markAvailable / markUnavailable itself.
      await this.pool.query('SELECT 1');
    } catch {
      // Reported by the pool wrapper; any other failure is not about availability.
    } finally {
      this.probing = false;
      this.schedule();
    }
  }
}
