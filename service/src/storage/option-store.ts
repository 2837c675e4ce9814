import type pg from 'pg';

/** Gateway options the administrator sets (gateway_option): one JSON value per name. */
export class PgOptionStore {
  constructor(private readonly pool: pg.Pool) {}

  async get<T>(name: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<{ value: T }>('SELECT value FROM gateway_option WHERE name = $1', [name]);
    return rows[0]?.value;
  }

  async set(name: string, value: unknown): Promise<void> {
    await this.pool.query(
      `INSERT INTO gateway_option (name, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [name, JSON.stringify(value)],
    );
  }
}
