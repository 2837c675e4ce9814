import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../../service/test/support/run-command';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ADMIN_UI = path.join(REPO_ROOT, 'admin-ui');
const BUILT_INDEX = path.join(ADMIN_UI, 'dist', 'index.html');
// The inputs of `vite build`; package.json and the lock file are npm ci's business.
const SOURCES = [path.join(ADMIN_UI, 'src'), path.join(ADMIN_UI, 'index.html'), path.join(ADMIN_UI, 'vite.config.ts')];

/**
 * The gateway serves admin-ui/dist, so the browser tests see what was last built: build it
 * again when any of its sources is newer than the built index.html (or there is none).
 */
export async function buildAdminUiIfStale(): Promise<void> {
  const built = await mtime(BUILT_INDEX);
  if (built !== undefined && (await newestMtime(SOURCES)) <= built) return;
  process.stdout.write(built === undefined ? 'admin-ui/dist is missing: building the admin UI\n' : 'the admin UI changed since its last build: building it\n');
  // The same build as `npm start` and the blade make: vitest sets NODE_ENV=test, which would give
  // React's development build (a third larger, and not what administrators run).
  const { code } = await runCommand('npm', ['run', 'build', '-w', '@openoig/admin-ui'], { cwd: REPO_ROOT, env: { ...process.env, NODE_ENV: 'production' } });
  if (code !== 0) throw new Error(`The admin UI build (npm run build -w @openoig/admin-ui) failed with exit code ${code}; its output is above.`);
}

async function mtime(file: string): Promise<number | undefined> {
  return stat(file).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
}

/** The newest modification time of these files and of every file under these directories. */
async function newestMtime(entries: string[]): Promise<number> {
  let newest = 0;
  for (const entry of entries) {
    const s = await stat(entry);
    const files = s.isDirectory() ? (await readdir(entry, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name)) : [entry];
    for (const file of files) newest = Math.max(newest, (await stat(file)).mtimeMs);
  }
  return newest;
}
