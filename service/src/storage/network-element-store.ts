import type pg from 'pg';
import type { NetworkElement, NetworkElementStore, NetworkElementType } from '../domain/callcontrol/ports';

interface Row {
  id: string;
  ne_type: NetworkElementType;
  address: string;
  name: string | null;
  configured: boolean;
}

const COLUMNS = 'id::text AS id, ne_type, address, name, configured';

function toElement(row: Row): NetworkElement {
  return { id: row.id, type: row.ne_type, address: row.address, name: row.name, configured: row.configured };
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
}
