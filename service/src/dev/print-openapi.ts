import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { ADMIN_PREFIX, registerAdminApi, type AdminDeps } from '../transport/admin/admin-routes';

/**
 * `npm run openapi -w @openoig/service [-- file]`: the admin API's OpenAPI document, as the
 * gateway serves it at GET /api/admin/openapi.json, without a database or network: the admin
 * routes are registered on a bare fastify with dependencies that are never called. The admin
 * UI generates its API types from it. Writes to the file given, else to stdout.
 */
export async function adminOpenApiDocument(): Promise<unknown> {
  const inert = (name: string) =>
    new Proxy(
      {},
      {
        get: () => {
          throw new Error(`${name} is not available while the OpenAPI document is printed`);
        },
      },
    );
  const deps = new Proxy({} as AdminDeps, { get: (_target, name) => inert(String(name)) });
  const app = Fastify({ logger: false });
  try {
    await registerAdminApi(app, deps);
    const res = await app.inject({ method: 'GET', url: `${ADMIN_PREFIX}/openapi.json` });
    if (res.statusCode !== 200) throw new Error(`GET ${ADMIN_PREFIX}/openapi.json answered ${res.statusCode}: ${res.body}`);
    return res.json();
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const text = `${JSON.stringify(await adminOpenApiDocument(), null, 2)}\n`;
  if (file) await writeFile(file, text);
  else process.stdout.write(text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
