import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { appendFile, chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLabAmc, type LabAmc } from '@openoig/lab/amc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceLinkApt } from '../src/blades/servicelink-apt';
import { buildTestRepository } from './support/test-repository';

/**
 * The blade repository (issue #14, "Blade repository"): scripts/build-repo.sh makes a signed apt
 * repository (apt-ftparchive, gpg) of a package built here; the lab licensing server serves it as
 * ServiceLink over HTTPS on loopback; Debian's apt, trusting only the repository's key, takes it,
 * and refuses one signed by another key, an index changed after signing and a changed package.
 */
const execFileAsync = promisify(execFile);
let work: string;
let amc: LabAmc;
let caFile: string;
let keyring: string;

const buildRepository = (name: string, keyDir: string, version?: string) => buildTestRepository(work, name, keyDir, version);

/**
 * apt-get or apt-cache on ServiceLink alone, with a state of its own (`name`), under the helper
 * unit's UMask=0077: what it writes for apt has to stay readable by apt's _apt user.
 */
async function apt(name: string, program: 'apt-get' | 'apt-cache', args: string[]): Promise<{ ok: boolean; output: string }> {
  const dir = path.join(work, `apt-${name}`);
  const umask = process.umask(0o077);
  try {
    const options = await serviceLinkApt(dir, { url: `${amc.url}/servicelink/debian/`, keyring, caFile });
    const { stdout, stderr } = await execFileAsync(program, [...options, ...args], { cwd: dir, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr };
  } finally {
    process.umask(umask);
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'openoig-blade-repo-'));
  // apt downloads as its _apt user: it has to reach the lists, the keyring and the CA.
  await chmod(work, 0o755);
  const good = await buildRepository('good', path.join(work, 'key'));
  keyring = path.join(work, 'openoig-archive-keyring.gpg');
  await cp(path.join(good, 'openoig-archive-keyring.gpg'), keyring);
  amc = await startLabAmc({ repositoryDir: good });
  caFile = path.join(work, 'amc-ca.pem');
  await writeFile(caFile, amc.ca.certPem);
}, 120_000);

afterAll(async () => {
  await amc?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the blade repository, served as ServiceLink', () => {
  it('is taken by apt trusting only its key: the package listed and downloaded', async () => {
    const update = await apt('good', 'apt-get', ['update']);
    expect(update.ok, update.output).toBe(true);
    // Sandboxed: apt fetched as _apt, which could reach the lists (no "unsandboxed as root" fallback).
    expect(update.output).not.toMatch(/unsandboxed/i);
    const show = await apt('good', 'apt-cache', ['policy', 'openoig-test-blade']);
    expect(show.output).toMatch(/Candidate: 1\.0\.0/);
    const download = await apt('good', 'apt-get', ['download', 'openoig-test-blade']);
    expect(download.ok, download.output).toBe(true);
    expect(execFileSync('dpkg-deb', ['-f', path.join(work, 'apt-good', 'openoig-test-blade_1.0.0_all.deb'), 'Version']).toString().trim()).toBe('1.0.0');
  });

  it('refuses a repository signed by another key', async () => {
    amc.setRepository(await buildRepository('other-key', path.join(work, 'other-key'), '1.0.1'));
    const update = await apt('other-key', 'apt-get', ['update']);
    expect(update.output).toMatch(/NO_PUBKEY|not signed|signatures couldn't be verified|Missing key|is not signed/i);
    expect((await apt('other-key', 'apt-cache', ['policy', 'openoig-test-blade'])).output).not.toMatch(/Candidate: 1\.0\.1/);
  });

  it('refuses an index changed after it was signed', async () => {
    const changed = path.join(work, 'repo-index-changed');
    await cp(path.join(work, 'repo-good'), changed, { recursive: true });
    for (const arch of ['all', 'i386', 'amd64']) {
      const packages = path.join(changed, `dists/stable/main/binary-${arch}/Packages`);
      await writeFile(packages, (await readFile(packages, 'utf8')).replace('Version: 1.0.0', 'Version: 9.9.9'));
      await rm(`${packages}.gz`);
    }
    amc.setRepository(changed);
    const update = await apt('index-changed', 'apt-get', ['update']);
    expect(update.output).toMatch(/Hash Sum mismatch|File has unexpected size|Failed to fetch|not found/i);
    expect((await apt('index-changed', 'apt-cache', ['policy', 'openoig-test-blade'])).output).not.toMatch(/Candidate: 9\.9\.9/);
  });

  it('refuses a package whose bytes are not those the signed index names', async () => {
    const changed = path.join(work, 'repo-package-changed');
    await cp(path.join(work, 'repo-good'), changed, { recursive: true });
    await appendFile(path.join(changed, 'pool/main/openoig-test-blade_1.0.0_all.deb'), 'tampered');
    amc.setRepository(changed);
    const update = await apt('package-changed', 'apt-get', ['update']);
    expect(update.ok, update.output).toBe(true);
    const download = await apt('package-changed', 'apt-get', ['download', 'openoig-test-blade']);
    expect(download.ok).toBe(false);
    expect(download.output).toMatch(/Hash Sum mismatch|File has unexpected size|size mismatch/i);
  });
});
