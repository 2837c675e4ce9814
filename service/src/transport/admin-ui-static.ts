import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../log';

/**
 * The administrator web UI (admin-ui/, built by Vite) at /admin/. The UI routes its own pages
 * (/admin/oig/sessions …), so any other /admin/ path that is not a file answers index.html; a
 * missing asset stays a 404. `/` goes to the UI: it is what a browser pointed at the gateway wants.
 */
export const ADMIN_UI_PREFIX = '/admin/';

// The built UI loads only its own files and calls only the admin API of the same origin.
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function secure(reply: FastifyReply): FastifyReply {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  return reply;
}

export async function registerAdminUi(app: FastifyInstance, uiDir: string, log: Logger): Promise<void> {
  app.get('/', async (_request, reply) => reply.redirect(ADMIN_UI_PREFIX));
  app.get('/admin', async (_request, reply) => reply.redirect(ADMIN_UI_PREFIX));
  const root = path.resolve(uiDir);
  if (!existsSync(path.join(root, 'index.html'))) {
    log.warn({ uiDir: root }, 'the admin UI is not built: /admin/ explains how to build it');
    const notBuilt = `The OpenOIG admin UI is not installed in ${root}. In a source checkout run "npm run build -w @openoig/admin-ui" (npm start does); on the appliance it comes with the gateway blade (OIG_ADMIN_UI_DIR).\n`;
    app.get(`${ADMIN_UI_PREFIX}*`, async (_request, reply) => reply.code(503).type('text/plain; charset=utf-8').send(notBuilt));
    return;
  }
  await app.register(
    async (scope) => {
      await scope.register(fastifyStatic, {
        root,
        prefix: '/',
        index: 'index.html',
        // Vite names every asset by its content hash, so an asset never changes; the page itself must be re-checked.
        cacheControl: false,
        setHeaders: (res, filePath) => {
          res.setHeader('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
          for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
        },
      });
      scope.setNotFoundHandler(async (request, reply) => {
        const file = request.url.split('?')[0] ?? '';
        if (request.method !== 'GET' || file.startsWith(`${ADMIN_UI_PREFIX}assets/`) || path.extname(file) !== '') {
          return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
        }
        return secure(reply).header('cache-control', 'no-cache').sendFile('index.html');
      });
    },
    { prefix: ADMIN_UI_PREFIX },
  );
}

/** The UI built in a source checkout (admin-ui/dist beside service/); the blade sets OIG_ADMIN_UI_DIR. */
export function defaultAdminUiDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../admin-ui/dist');
}
