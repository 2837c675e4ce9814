import type pg from 'pg';
import type { ActivationStore, StoredActivation } from '../domain/licensing/activation';

interface Row {
  arid: string;
  platform: 'physical' | 'virtual';
  hardware_id: string | null;
  guid: string | null;
  payload: string;
  signature: string;
  certificate: string;
  activated_at: Date;
  last_sync_at: Date;
  last_sync_attempt_at: Date;
  last_sync_error: string | null;
}

export class PgActivationStore implements ActivationStore {
  constructor(private readonly pool: pg.Pool) {}

  async load(): Promise<StoredActivation | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM licence_activation WHERE id = 1');
    const r = rows[0];
    if (!r) return undefined;
    return {
      arid: r.arid,
      platform: r.platform,
      binding: r.guid !== null ? { guid: r.guid } : { hardwareId: r.hardware_id as string },
      envelope: { payload: r.payload, signature: r.signature, certificate: r.certificate },
      activatedAt: r.activated_at,
      lastSyncAt: r.last_sync_at,
      lastSyncAttemptAt: r.last_sync_attempt_at,
      lastSyncError: r.last_sync_error,
    };
  }

  async save(a: StoredActivation): Promise<void> {
    await this.pool.query(
      `INSERT INTO licence_activation (id, arid, platform, hardware_id, guid, payload, signature, certificate, activated_at, last_sync_at, last_sync_attempt_at, last_sync_error)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET arid = EXCLUDED.arid, platform = EXCLUDED.platform, hardware_id = EXCLUDED.hardware_id, guid = EXCLUDED.guid,
         payload = EXCLUDED.payload, signature = EXCLUDED.signature, certificate = EXCLUDED.certificate, activated_at = EXCLUDED.activated_at,
         last_sync_at = EXCLUDED.last_sync_at, last_sync_attempt_at = EXCLUDED.last_sync_attempt_at, last_sync_error = EXCLUDED.last_sync_error`,
      [
        a.arid,
        a.platform,
        'hardwareId' in a.binding ? a.binding.hardwareId : null,
        'guid' in a.binding ? a.binding.guid : null,
        a.envelope.payload,
        a.envelope.signature,
        a.envelope.certificate,
        a.activatedAt,
        a.lastSyncAt,
        a.lastSyncAttemptAt,
        a.lastSyncError,
      ],
    );
  }

  async clear(): Promise<void> {
    await this.pool.query('DELETE FROM licence_activation');
  }

  async loadGuid(): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ guid: string }>('SELECT guid FROM appliance_identity WHERE id = 1');
    return rows[0]?.guid;
  }

  async saveGuid(guid: string): Promise<void> {
    await this.pool.query('INSERT INTO appliance_identity (id, guid) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET guid = EXCLUDED.guid', [guid]);
  }
}
