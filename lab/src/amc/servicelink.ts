import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from '@fastify/send';

/**
 * ServiceLink (issue #14; the installation guide's "Install the Mitel OIG blade in MSL"): the
 * lab licensing server also serves the blade repository, as Mitel's ServiceLink does, at
 * /servicelink/debian/ (an apt repository made by scripts/build-repo.sh). Files only, read-only:
 * no listings, no dotfiles, nothing outside the repository's directory (@fastify/send's root).
 */
export const SERVICELINK_PREFIX = '/servicelink/debian/';

export async function serveRepository(dir: string, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('The repository is read-only.\n');
    return;
  }
  const found = await send(req, pathname.slice(SERVICELINK_PREFIX.length - 1), { root: dir, dotfiles: 'deny', index: false, cacheControl: false });
  if (found.type !== 'file') {
    res.writeHead(found.type === 'directory' ? 404 : found.statusCode, { 'content-type': 'text/plain' }).end(`No such file in the repository: ${pathname}\n`);
    return;
  }
  res.writeHead(found.statusCode, found.headers);
  found.stream.pipe(res);
}
