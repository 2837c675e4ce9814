import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../src/run';

const REPO = path.resolve(import.meta.dirname, '../../../..');

/**
 * A blade repository as `npm run repo` makes it (scripts/build-repo.sh: apt-ftparchive, gpg),
 * of one small package built here, `openoig-test-blade` at `version`, signed with the key in
 * `keyDir` (made there when it has none). Answers the repository's directory under `work`.
 */
export async function buildTestRepository(work: string, name: string, keyDir: string, version = '1.0.0'): Promise<string> {
  const pkg = path.join(work, `pkg-${name}`);
  await mkdir(path.join(pkg, 'DEBIAN'), { recursive: true });
  await writeFile(path.join(pkg, 'DEBIAN/control'), `Package: openoig-test-blade\nVersion: ${version}\nArchitecture: all\nMaintainer: OpenOIG tests <tests@openoig.invalid>\nDescription: a blade for the repository tests\n built by the helper's tests\n`);
  await mkdir(path.join(pkg, 'usr/share/openoig-test-blade'), { recursive: true });
  await writeFile(path.join(pkg, 'usr/share/openoig-test-blade/version'), `${version}\n`);
  const debs = path.join(work, `debs-${name}`);
  await mkdir(debs, { recursive: true });
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', pkg, path.join(debs, `openoig-test-blade_${version}_all.deb`)], { stdio: 'ignore' });
  const out = path.join(work, `repo-${name}`);
  await run('bash', [path.join(REPO, 'scripts/build-repo.sh'), '--debs', debs, '--key-dir', keyDir, '--out', out]);
  return out;
}
