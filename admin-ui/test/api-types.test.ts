import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource } from '../scripts/api-types';

// Issue #6: the UI's API client is typed from the service's own route schemas, not hand-kept.
it('src/api/schema.d.ts is what the admin API document generates (else: npm run api:types -w @openoig/admin-ui)', async () => {
  expect(await readFile(API_TYPES_FILE, 'utf8')).toBe(await apiTypesSource());
});
