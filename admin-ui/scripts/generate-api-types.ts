// `npm run api:types -w @openoig/admin-ui`: rewrites src/api/schema.d.ts from the admin API's
// route schemas. admin-ui/test/api-types.test.ts fails while the file is out of date.
import { writeFile } from 'node:fs/promises';
import { API_TYPES_FILE, apiTypesSource } from './api-types';

await writeFile(API_TYPES_FILE, await apiTypesSource());
