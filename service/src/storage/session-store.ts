import type pg from 'pg';
import type { SessionStore } from '../domain/sessions/ports';
import type { Session, SessionEndReason } from '../domain/sessions/session';
import type { QueuedWrite, WriteQueue } from './write-queue';

/** One statement of keep-alive times; later batches merge into it while it waits (the latest time wins). */
class KeepAliveWrite implements QueuedWrite {
  readonly what = 'session keep-alive times';
  private readonly batch: Map<string, Date>;

  constructor(
    private readonly pool: pg.Pool,
    batch: ReadonlyMap<string, Date>,
  ) {
    this.batch = new Map(batch);
  }

  absorb(later: QueuedWrite): boolean {
    if (!(later instanceof KeepAliveWrite)) return false;
    for (const [id, at] of later.batch) this.batch.set(id, at);
    return true;
  }

  async run(): Promise<void> {
    await this.pool.query(
      `UPDATE app_session s SET last_keepalive_at = b.at
       FROM unnest($1::bigint[], $2::timestamptz[]) AS b(id, at)
       WHERE s.id = b.id AND s.ended_at IS NULL`,
      [[...this.batch.keys()], [...this.batch.values()]],
    );
  }
}

/**
 * The record of application sessions in `app_session`. Every change goes through the write
 * queue, so the records arrive in order even across a database restart, while the sessions
 * themselves live on in memory.
 */
export class PgSessionStore implements SessionStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly writes: WriteQueue,
  ) {}

  private statement(what: string, text: string, values: unknown[]): Promise<void> {
    return this.writes.enqueue({
      what,
      run: async () => {
        await this.pool.query(text, values);
      },
    });
  }

  recordStart(s: Session): Promise<void> {
    return this.statement(
      'session opened',
      `INSERT INTO app_session (id, company_name, application_name, session_type, protocol, client_version, client_address, created_at, last_keepalive_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (id) DO NOTHING`,
      [s.id, s.companyName, s.applicationName, s.type, s.protocol, s.version, s.clientAddress, s.createdAt],
    );
  }

  recordAdvanced(id: string): Promise<void> {
    return this.statement('session type', `UPDATE app_session SET session_type = 'Advanced' WHERE id = $1`, [id]);
  }

  recordHaCallback(id: string, uri: string | null): Promise<void> {
    return this.statement('session HA callback', 'UPDATE app_session SET ha_callback_uri = $2 WHERE id = $1', [id, uri]);
  }

  recordKeepAlives(batch: ReadonlyMap<string, Date>): Promise<void> {
    return this.writes.enqueue(new KeepAliveWrite(this.pool, batch));
  }

  recordEnd(id: string, reason: SessionEndReason, at: Date): Promise<void> {
    return this.statement('session ended', 'UPDATE app_session SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL', [id, at, reason]);
  }

  async closeAbandoned(at: Date): Promise<number> {
    const { rowCount } = await this.pool.query(`UPDATE app_session SET ended_at = $1, end_reason = 'abandoned' WHERE ended_at IS NULL`, [at]);
    return rowCount ?? 0;
  }
}
