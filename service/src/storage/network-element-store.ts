import type pg from 'pg';
import { oigError } from '../errors';
import type { NetworkElement, NetworkElementChange, NetworkElementStore, NetworkElementType } from '../domain/callcontrol/ports';

interface Row {
  id: string;
  ne_type: NetworkElementType;
  address: string;
  name: string | null;
  configured: boolean;
  use_defaults: boolean;
  settings: Record<string, unknown>;
}

const COLUMNS = 'id::text AS id, ne_type, address, name, configured, use_defaults, settings';
const UNIQUE_VIOLATION = '23505';

function toElement(row: Row): NetworkElement {
  return { id: row.id, type: row.ne_type, address: row.address, name: row.name, configured: row.configured, useDefaults: row.use_defaults, settings: row.settings };
}

/** The database's uniqueness rules as the admin API's coded refusals. */
function refusal(err: unknown, address: string): unknown {
  const pgErr = err as { code?: string; constraint?: string };
  if (pgErr.code !== UNIQUE_VIOLATION) return err;
  if (pgErr.constraint === 'network_element_one_micc') {
    return oigError('OIG_ADMIN_NE_MICC_LIMIT', 'There is already a MiContact Center network element; a gateway works with only one');
  }
  return oigError('OIG_ADMIN_NE_EXISTS', `A network element with IP address ${address} already exists`);
}

export class PgNetworkElementStore implements NetworkElementStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<NetworkElement[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM network_element ORDER BY id`);
    return rows.map(toElement);
  }

  async findOrAddDiscovered(address: string): Promise<NetworkElement> {
    // The no-op update makes RETURNING give the existing row too, in one statement.
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO network_element (ne_type, address, configured) VALUES ('MI_VB', $1, false)
       ON CONFLICT (address) DO UPDATE SET address = EXCLUDED.address RETURNING ${COLUMNS}`,
      [address],
    );
    return toElement(rows[0] as Row);
  }

  async addConfigured(type: NetworkElementType, address: string, name: string | null): Promise<NetworkElement> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO network_element (ne_type, address, name, configured) VALUES ($1, $2, $3, true)
       ON CONFLICT (address) DO UPDATE SET ne_type = EXCLUDED.ne_type, name = EXCLUDED.name, configured = true, updated_at = now()
       RETURNING ${COLUMNS}`,
      [type, address, name],
    );
    return toElement(rows[0] as Row);
  }

  async add(type: NetworkElementType, change: NetworkElementChange): Promise<NetworkElement> {
    // An element applications reached through getIcpId (discovered) becomes configured, keeping its icpId.
    try {
      const { rows } = await this.pool.query<Row>(
        `INSERT INTO network_element (ne_type, address, name, configured, use_defaults, settings) VALUES ($1, $2, $3, true, $4, $5::jsonb)
         ON CONFLICT (address) DO UPDATE SET ne_type = EXCLUDED.ne_type, name = EXCLUDED.name, configured = true,
           use_defaults = EXCLUDED.use_defaults, settings = EXCLUDED.settings, updated_at = now()
         WHERE network_element.configured = false
         RETURNING ${COLUMNS}`,
        [type, change.address, change.name, change.useDefaults, JSON.stringify(change.settings)],
      );
      if (!rows[0]) throw oigError('OIG_ADMIN_NE_EXISTS', `A network element with IP address ${change.address} already exists`);
      return toElement(rows[0]);
    } catch (err) {
      throw refusal(err, change.address);
    }
  }

  async update(id: string, change: NetworkElementChange): Promise<NetworkElement | undefined> {
    try {
      const { rows } = await this.pool.query<Row>(
        `UPDATE network_element SET address = $2, name = $3, use_defaults = $4, settings = $5::jsonb, configured = true, updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, change.address, change.name, change.useDefaults, JSON.stringify(change.settings)],
      );
      return rows[0] && toElement(rows[0]);
    } catch (err) {
      throw refusal(err, change.address);
    }
  }

  async remove(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM network_element WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async defaults(): Promise<Partial<Record<NetworkElementType, Record<string, unknown>>>> {
    const { rows } = await this.pool.query<{ ne_type: NetworkElementType; settings: Record<string, unknown> }>('SELECT ne_type, settings FROM network_element_default');
    return Object.fromEntries(rows.map((r) => [r.ne_type, r.settings]));
  }

  async setDefaults(type: NetworkElementType, settings: Record<string, unknown>): Promise<void> {
    await this.pool.query(
      `INSERT INTO network_element_default (ne_type, settings) VALUES ($1, $2::jsonb)
       ON CONFLICT (ne_type) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
      [type, JSON.stringify(settings)],
    );
  }
}
