import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import { startLabRunner } from '../support/lab-runner';

/**
 * Issue #11, defect 7: how the gateway process ends. A configuration it cannot use — a value or
 * a file it names — exits 78 (EX_CONFIG; the unit has RestartPreventExitStatus=78, so systemd
 * does not restart-loop); SIGTERM ends it cleanly with 0, through `npm start` as well.
 */
const SERVICE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// The developer's own OIG_* settings must not leak into the gateways started here.
const cleanEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter(([name, v]) => v !== undefined && !/^(OIG_|DATABASE_URL$|PORT$|HOST$|NOTIFY_SOCKET$)/.test(name))) as Record<string, string>;

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVICE_DIR,
    env: { ...cleanEnv(), PORT: '0', OIG_ADMIN_PASSWORD: 'admin', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, output: () => output, exited };
}

async function exitOf(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const run = startMain(env);
  const [code] = await run.exited;
  return { code, output: run.output() };
}

describe('the gateway process (issue #11)', () => {
  it('exits 78 when a certificate file it is given cannot be read: the certificate server CA, the TLS key', async () => {
    const databaseUrl = await createTestDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-exit-'));
    dirs.push(dir);
    const missingCa = await exitOf({ DATABASE_URL: databaseUrl, OIG_MCS_URL: 'https://127.0.0.1:9/acl', OIG_MCS_CA_FILE: path.join(dir, 'no-such-ca.pem') });
    expect(missingCa.code).toBe(78);
    expect(missingCa.output).toMatch(/OIG_CONFIG_INVALID: Cannot read the certificate server CA .*no-such-ca\.pem \(OIG_MCS_CA_FILE\)/);

    const cert = path.join(dir, 'cert.pem');
    await writeFile(cert, 'not a certificate');
    const badTls = await exitOf({ DATABASE_URL: databaseUrl, OIG_TLS_CERT_FILE: cert, OIG_TLS_KEY_FILE: path.join(dir, 'no-such-key.pem'), HTTPS_PORT: '0' });
    expect(badTls.code).toBe(78);
    expect(badTls.output).toMatch(/OIG_CONFIG_INVALID: Cannot use the TLS certificate/);
    expect(badTls.output).not.toMatch(/\n\s+at /); // a message for a person, not a stack trace
  });

  it('exits 78 on a schedule that is not a cron expression, naming its variable, before touching the database', async () => {
    const result = await exitOf({ DATABASE_URL: 'postgres://127.0.0.1:9/none', OIG_ACL_REFRESH_CRON: '99 99 * * *' });
    expect(result.code).toBe(78);
    expect(result.output).toMatch(/OIG_ACL_REFRESH_CRON.*'99 99 \* \* \*' is not a cron schedule/);
  });

  it('stopped with SIGTERM once ready, ends its sessions and exits 0', async () => {
    const run = startMain({ DATABASE_URL: await createTestDatabase() });
    while (!run.output().includes('gateway ready')) {
      if (run.child.exitCode !== null) throw new Error(`the gateway exited early:\n${run.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    run.child.kill('SIGTERM');
    const [code, signal] = await run.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(/"level":(50|60)/);
  });
});

describe('npm start (issue #11)', () => {
  it('stopped with SIGTERM exits 0: the gateway, its lab and its embedded PostgreSQL stop in order, nothing is left running', async () => {
    const runner = await startLabRunner({ viaNpm: true, env: { LOG_LEVEL: 'info' } });
    dirs.push(runner.dataDir);
    const postmasterPid = path.join(runner.dataDir, 'postgres', 'postmaster.pid');
    expect(existsSync(postmasterPid)).toBe(true);
    const pid = Number((await readFile(postmasterPid, 'utf8')).split('\n')[0]);
    const exit = await runner.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    // The database was stopped after the gateway, not under it (no failed connections, no lost records).
    expect(runner.output()).not.toMatch(/idle database connection failed|records the database could not take|"level":(50|60)/);
    await expect(request(`${runner.url}/health`)).rejects.toThrow();
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  it('the root npm start hands over to the service with exec, so signals reach the gateway', async () => {
    const root = JSON.parse(await readFile(path.join(SERVICE_DIR, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const service = JSON.parse(await readFile(path.join(SERVICE_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // Without exec, sh dies of the SIGTERM npm forwards and leaves the gateway running without a parent.
    expect(root.scripts.start).toMatch(/&& exec npm run start -w @openoig\/service$/);
    expect(service.scripts.start).toMatch(/^exec tsx /);
  });
});
