import type pg from 'pg';

/** Administrator web logins: only a hash of the cookie token is stored. */
export class PgAdminSessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(tokenHash: Buffer, csrfToken: string, expiresAt: Date): Promise<void> {
    await this.pool.query('DELETE FROM admin_session WHERE expires_at < now()');
    await this.pool.query('INSERT INTO admin_session (token_hash, csrf_token, expires_at) VALUES ($1, $2, $3)', [tokenHash, csrfToken, expiresAt]);
  }

  /** The CSRF token of a live login, extending it (sliding expiry). */
  async touch(tokenHash: Buffer, expiresAt: Date): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ csrf_token: string }>(
      'UPDATE admin_session SET expires_at = $2 WHERE token_hash = $1 AND expires_at > now() RETURNING csrf_token',
      [tokenHash, expiresAt],
    );
    return rows[0]?.csrf_token;
  }

  /** The CSRF token and expiry of a live login, leaving its expiry as it is (background polls). */
  async peek(tokenHash: Buffer): Promise<{ csrfToken: string; expiresAt: Date } | undefined> {
    const { rows } = await this.pool.query<{ csrf_token: string; expires_at: Date }>(
      'SELECT csrf_token, expires_at FROM admin_session WHERE token_hash = $1 AND expires_at > now()',
      [tokenHash],
    );
    const row = rows[0];
    return row && { csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  async delete(tokenHash: Buffer): Promise<void> {
    await this.pool.query('DELETE FROM admin_session WHERE token_hash = $1', [tokenHash]);
  }
}
