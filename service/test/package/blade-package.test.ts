import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startLabAmc } from '@openoig/lab/amc';
import { startLabMcs, writeLabCredentials, LAB_COMPANY, type LabMcs } from '@openoig/lab/mcs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import { attrOf, loginExEnvelope, postSoap } from '../support/soap';

/**
 * The gateway blade (issue #3, "The gateway as a blade package"): the .deb built by
 * scripts/build-blade.sh carries the bundled service, its migrations, units and configuration,
 * and the bundle runs on plain Node.js with only the files in the package.
 */
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;
let deb: string;
let root: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-blade-'));
  const out = execFileSync('bash', [path.join(REPO, 'scripts/build-blade.sh'), '--out', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  deb = out.trim().split('\n').pop() as string;
  root = path.join(dir, 'root');
  execFileSync('dpkg-deb', ['-x', deb, root]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('blade package', () => {
  it('is an architecture-all package named after its version, depending on Debian Node.js and PostgreSQL', async () => {
    const version = JSON.parse(await readFile(path.join(REPO, 'service/package.json'), 'utf8')).version as string;
    expect(path.basename(deb)).toBe(`openoig-gateway_${version}_all.deb`);
    const field = (name: string) => execFileSync('dpkg-deb', ['-f', deb, name], { encoding: 'utf8' }).trim();
    expect(field('Architecture')).toBe('all');
    expect(field('Version')).toBe(version);
    expect(field('Depends')).toMatch(/nodejs \(>= 20\).*postgresql/);
  });

  it('carries the bundle, migrations, units, libexec programs, configuration and maintainer scripts', () => {
    const files = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' });
    for (const file of [
      './usr/lib/openoig-gateway/main.mjs',
      './usr/lib/openoig-gateway/migrations/1764000000000_session-management.sql',
      './usr/lib/systemd/system/openoig-gateway.service',
      './usr/lib/systemd/system/openoig-firstboot.service',
      './usr/libexec/openoig/openoig-gateway',
      './usr/libexec/openoig/openoig-firstboot-secrets',
      './usr/lib/openoig-gateway/helper.mjs',
      './usr/libexec/openoig/openoig-helper',
      './usr/lib/systemd/system/openoig-helper.socket',
      './usr/lib/systemd/system/openoig-helper.service',
      './usr/lib/systemd/system/openoig-helper-schedule.service',
      './usr/lib/systemd/system/openoig-helper-schedule.timer',
      './usr/share/doc/openoig-gateway/helper.md',
      './etc/openoig/gateway.env',
      './etc/nginx/sites-available/openoig.conf',
    ]) {
      expect(files).toContain(file);
    }
    // A technician runs the helper by name: /usr/sbin/openoig-helper points at the libexec program.
    expect(files).toMatch(/\.\/usr\/sbin\/openoig-helper -> \.\.\/libexec\/openoig\/openoig-helper/);
    const control = execFileSync('dpkg-deb', ['-I', deb], { encoding: 'utf8' });
    for (const script of ['postinst', 'prerm', 'postrm', 'conffiles']) expect(control).toContain(script);
  });

  it('the bundled helper runs from the package files alone: without a command it prints its usage and exits 64', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'usr/lib/openoig-gateway/helper.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/^usage: openoig-helper serve \| backup/);
  });

  it('the bundled gateway runs from the package files alone: migrates, serves, activates a licence and logs in an application', async () => {
    const mcs: LabMcs = await startLabMcs();
    const creds = await writeLabCredentials(mcs, dir, LAB_COMPANY, 'LabAdvanced');
    const amc = await startLabAmc({ stateDir: path.join(dir, 'amc') });
    const child = spawn(process.execPath, [path.join(root, 'usr/lib/openoig-gateway/main.mjs')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: await createTestDatabase(),
        OIG_MIGRATIONS_DIR: path.join(root, 'usr/lib/openoig-gateway/migrations'),
        OIG_ADMIN_PASSWORD: 'blade-admin',
        OIG_MCS_URL: mcs.url,
        OIG_MCS_CA_FILE: creds.caFile,
        OIG_AMC_URL: amc.url,
        OIG_AMC_CA_FILE: amc.files?.caFile,
        OIG_DATA_DIR: dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`bundle exited with ${code}`)));
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'gateway ready' && entry.url) resolve(entry.url);
        });
      });
      expect((await (await request(`${url}/health`)).body.json()) as object).toMatchObject({ status: 'ok', acl: { loaded: true } });

      // An account for the lab application through the bundle's own admin API.
      const login = await request(`${url}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"password":"blade-admin"}' });
      const { csrfToken } = (await login.body.json()) as { csrfToken: string };
      const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
      const activated = await request(`${url}/api/admin/licence/activate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ arid: 'ARID-LAB-0001' }),
      });
      expect(((await activated.body.json()) as { licence: { state: string } }).licence.state).toBe('active');
      const created = await request(`${url}/api/admin/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ companyName: LAB_COMPANY, applicationName: 'LabStandard', localPassword: 'blade-local' }),
      });
      expect(created.statusCode).toBe(201);
      const res = await postSoap(url, loginExEnvelope({ companyName: LAB_COMPANY, applicationName: 'LabStandard', applicationPassword: 'lab-standard-secret', localPassword: 'blade-local' }));
      expect(attrOf(res.body, 'return', 'result')).toBe('true');

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await mcs.stop();
      await amc.stop();
    }
  });
});
