import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { settingsFiles } from '../../src/settings-files';
import type { TestAppliance } from './test-appliance';

/**
 * What a restore must bring back, or leave alone when refused: every settings file byte for byte
 * (with mode and group), the gateway's data, the appliance identity, and the databases there are.
 */
export async function applianceState(app: TestAppliance) {
  const settings: Record<string, string> = {};
  for (const file of await settingsFiles(app.config.etcDir)) {
    const bytes = await readFile(path.join(app.config.etcDir, file.relative));
    settings[file.relative] = `${file.mode.toString(8)} ${file.group} ${createHash('sha256').update(bytes).digest('hex')}`;
  }
  const db = app.config.database.name;
  const [elements] = await app.pg.sql(db, "SELECT coalesce(string_agg(ne_type || ' ' || address || ' ' || coalesce(name, ''), ';' ORDER BY address), '') FROM network_element");
  const [guid] = await app.pg.sql(db, "SELECT coalesce((SELECT guid FROM appliance_identity WHERE id = 1), '-')");
  return { settings, elements, guid, databases: await app.pg.databasesLike(db) };
}
