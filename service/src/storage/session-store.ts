import type pg from 'pg';
import type { SessionStore } from '../domain/sessions/ports';
import type { Session, SessionEndReason } from '../domain/sessions/session';

export class PgSessionStore implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordStart(s: Session): Promise<void> {
    await this.pool.query(
      `INSERT INTO app_session (id, company_name, application_name, session_type, protocol, client_version, client_address, created_at, last_keepalive_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [s.id, s.companyName, s.applicationName, s.type, s.protocol, s.version, s.clientAddress, s.createdAt],
    );
  }

  async recordAdvanced(id: string): Promise<void> {
    await this.pool.query(`UPDATE app_session SET session_type = 'Advanced' WHERE id = $1`, [id]);
  }

  async recordHaCallback(id: string, uri: string | null): Promise<void> {
    await this.pool.query('UPDATE app_session SET ha_callback_uri = $2 WHERE id = $1', [id, uri]);
  }

  async recordKeepAlives(batch: ReadonlyMap<string, Date>): Promise<void> {
    await this.pool.query(
      `UPDATE app_session s SET last_keepalive_at = b.at
       FROM unnest($1::bigint[], $2::timestamptz[]) AS b(id, at)
       WHERE s.id = b.id AND s.ended_at IS NULL`,
      [[...batch.keys()], [...batch.values()]],
    );
  }

  async recordEnd(id: string, reason: SessionEndReason, at: Date): Promise<void> {
    await this.pool.query('UPDATE app_session SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL', [id, at, reason]);
  }

  async closeAbandoned(at: Date): Promise<number> {
    const { rowCount } = await this.pool.query(`UPDATE app_session SET ended_at = $1, end_reason = 'abandoned' WHERE ended_at IS NULL`, [at]);
    return rowCount ?? 0;
  }
}
