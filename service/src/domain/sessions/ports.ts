import type { Session, SessionEndReason } from './session';

/** The durable record of sessions (who logged in when, how each ended). */
export interface SessionStore {
  recordStart(session: Session): Promise<void>;
  recordAdvanced(id: string): Promise<void>;
  recordHaCallback(id: string, uri: string | null): Promise<void>;
  /** Keep-alives are written in batches: one statement for all sessions reset since the last write. */
  recordKeepAlives(batch: ReadonlyMap<string, Date>): Promise<void>;
  recordEnd(id: string, reason: SessionEndReason, at: Date): Promise<void>;
  /** At start: sessions a previous process left open cannot be resumed (their timers are gone). */
  closeAbandoned(at: Date): Promise<number>;
}
