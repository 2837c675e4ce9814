import type pg from 'pg';

/** The administrator password once changed in the UI: its scrypt hash, in one row. */
export class PgAdminCredentialStore {
  constructor(private readonly pool: pg.Pool) {}

  async load(): Promise<{ passwordHash: string; changedAt: Date } | undefined> {
    const { rows } = await this.pool.query<{ password_hash: string; changed_at: Date }>('SELECT password_hash, changed_at FROM admin_credential');
    const row = rows[0];
    return row && { passwordHash: row.password_hash, changedAt: row.changed_at };
  }

  /** Stores the new hash and ends every other administrator login, in one transaction. */
  async replace(passwordHash: string, keepSession: Buffer): Promise<Date> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ changed_at: Date }>(
        `INSERT INTO admin_credential (id, password_hash) VALUES (true, $1)
         ON CONFLICT (id) DO UPDATE SET password_hash = EXCLUDED.password_hash, changed_at = now()
         RETURNING changed_at`,
        [passwordHash],
      );
      await client.query('DELETE FROM admin_session WHERE token_hash <> $1', [keepSession]);
      await client.query('COMMIT');
      return (rows[0] as { changed_at: Date }).changed_at;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }
}
