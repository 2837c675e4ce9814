import type pg from 'pg';
import type { Account, AccountStore } from '../domain/accounts/ports';

const COLUMNS = 'id, company_name, application_name, local_password_hash, enabled, created_at, updated_at';

interface Row {
  id: number;
  company_name: string;
  application_name: string;
  local_password_hash: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

function toAccount(row: Row): Account {
  const account = {
    id: row.id,
    companyName: row.company_name,
    applicationName: row.application_name,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } as Account;
  // Non-enumerable, so an account object that ends up in a log or a JSON answer carries no hash.
  Object.defineProperty(account, 'localPasswordHash', { value: row.local_password_hash, enumerable: false });
  return account;
}

export class PgAccountStore implements AccountStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<Account[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM application_account ORDER BY company_name, application_name`);
    return rows.map(toAccount);
  }

  async findById(id: number): Promise<Account | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM application_account WHERE id = $1`, [id]);
    return rows[0] && toAccount(rows[0]);
  }

  async find(companyName: string, applicationName: string): Promise<Account | undefined> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM application_account WHERE company_name = $1 AND application_name = $2`,
      [companyName, applicationName],
    );
    return rows[0] && toAccount(rows[0]);
  }

  async insert(companyName: string, applicationName: string, localPasswordHash: string): Promise<Account | undefined> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO application_account (company_name, application_name, local_password_hash) VALUES ($1, $2, $3)
       ON CONFLICT (company_name, application_name) DO NOTHING RETURNING ${COLUMNS}`,
      [companyName, applicationName, localPasswordHash],
    );
    return rows[0] && toAccount(rows[0]);
  }

  async update(id: number, change: { localPasswordHash?: string; enabled?: boolean }): Promise<Account | undefined> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE application_account SET local_password_hash = COALESCE($2, local_password_hash), enabled = COALESCE($3, enabled), updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, change.localPasswordHash ?? null, change.enabled ?? null],
    );
    return rows[0] && toAccount(rows[0]);
  }

  async delete(id: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM application_account WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }
}
