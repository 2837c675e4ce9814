import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log';
import { createPool, migrate } from '../../src/storage/database';
import { createTestDatabase } from '../support/database';

describe('schema migrations', () => {
  it('run up, down to nothing, and up again on a real PostgreSQL', async () => {
    const pool = createPool(await createTestDatabase());
    const log = createLogger('silent');
    const tables = async () =>
      (await pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'pgmigrations' ORDER BY 1")).rows.map(
        (r) => r.table_name,
      );
    try {
      const applied = await migrate(pool, 'up', log);
      expect(applied.length).toBeGreaterThan(0);
      expect(await tables()).toEqual(['acl_snapshot', 'admin_credential', 'admin_session', 'app_session', 'appliance_identity', 'application_account', 'gateway_option', 'licence_activation', 'network_element', 'network_element_default', 'usage_application_day', 'usage_gateway_day', 'usage_report_delivery', 'usage_report_settings']);
      expect(await migrate(pool, 'up', log)).toEqual([]);
      await migrate(pool, 'down', log, { count: Infinity });
      expect(await tables()).toEqual([]);
      expect(await migrate(pool, 'up', log)).toEqual(applied);
    } finally {
      await pool.end();
    }
  });
});
