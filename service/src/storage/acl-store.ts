import type pg from 'pg';
import type { AclSnapshot } from '../domain/acl/acl';
import type { AclSnapshotStore } from '../domain/acl/ports';

export class PgAclSnapshotStore implements AclSnapshotStore {
  constructor(private readonly pool: pg.Pool) {}

  async load(): Promise<{ payload: string; signature: string; fetchedAt: Date } | undefined> {
    const { rows } = await this.pool.query<{ payload: string; signature: string; fetched_at: Date }>(
      'SELECT payload, signature, fetched_at FROM acl_snapshot WHERE id = 1',
    );
    const row = rows[0];
    return row && { payload: row.payload, signature: row.signature, fetchedAt: row.fetched_at };
  }

  async save(snapshot: AclSnapshot, fetchedAt: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO acl_snapshot (id, payload, signature, issued_at, fetched_at) VALUES (1, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET payload = EXCLUDED.payload, signature = EXCLUDED.signature,
         issued_at = EXCLUDED.issued_at, fetched_at = EXCLUDED.fetched_at`,
      [snapshot.payload, snapshot.signature, snapshot.issuedAt, fetchedAt],
    );
  }
}
