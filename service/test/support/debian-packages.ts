import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { runCommand } from './run-command';

/**
 * Debian packages a test needs (Chromium for the browser tests, PostgreSQL and OpenSSH for the
 * helper's), installed with apt when missing: the tests run as root on a fresh Debian machine.
 */
// What apt says when its package lists are missing (a fresh machine or container) or stale
// (the mirror no longer has the versions they name).
const NO_LISTS = /Unable to locate package|has no installation candidate|Unable to fetch some archives|404\s+Not Found/;

/**
 * Installs packages; with `noStart`, their services are not started (policy-rc.d answers 101
 * while apt runs): a test starts its own server on loopback, never Debian's on every address.
 */
export async function installDebianPackages(packages: readonly string[], why: string, options: { noStart?: boolean } = {}): Promise<void> {
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = options.noStart === true && !existsSync(policy);
  if (ownPolicy) await writeFile(policy, '#!/bin/sh\n# Written by an OpenOIG test while apt runs: start no service.\nexit 101\n', { mode: 0o755 });
  try {
    await install(packages, why);
  } finally {
    if (ownPolicy) await rm(policy, { force: true });
  }
}

async function install(packages: readonly string[], why: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(`${why} needs the Debian packages ${packages.join(' ')}. Install them as root: apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  }
  const install = ['install', '-y', '--no-install-recommends', ...packages];
  process.stdout.write(`${why}: installing ${packages.join(' ')} with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = await runCommand('apt-get', install, { env, capture: true });
  if (result.code !== 0 && NO_LISTS.test(result.output)) {
    const update = await runCommand('apt-get', ['update'], { env });
    if (update.code !== 0) throw new Error(`apt-get update failed (exit code ${update.code}); its output is above.`);
    result = await runCommand('apt-get', install, { env, capture: true });
  }
  if (result.code !== 0) {
    throw new Error(`apt-get ${install.join(' ')} failed (exit code ${result.code}); its output is above. Another apt run holding the dpkg lock is a common cause: wait for it, then run the tests again.`);
  }
}
