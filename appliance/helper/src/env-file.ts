import { readFile } from 'node:fs/promises';

/**
 * The gateway's settings files (gateway.env, secrets.env) as systemd reads them: KEY=VALUE
 * lines, # comments. Ours are written unquoted; a quoted value loses its quotes as under systemd.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    env[key] = value;
  }
  return env;
}

/** The environment the gateway unit gets from a settings directory (later files win). */
export async function gatewayEnvironment(etcDir: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of ['gateway.env', 'secrets.env']) {
    const text = await readFile(`${etcDir}/${name}`, 'utf8').catch(() => '');
    Object.assign(env, parseEnvFile(text));
  }
  return env;
}

/** DATABASE_URL pointed at another database of the same server, with the same login. */
export function databaseUrlFor(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const password = new URL(url).password;
  return password ? decodeURIComponent(password) : undefined;
}
