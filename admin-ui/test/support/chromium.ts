import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { runCommand } from './run-command';

/**
 * Debian's Chromium, not a Playwright browser download: the machines reach Debian's packages
 * but no browser download site, and the appliance is Debian too.
 */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const INSTALL = ['install', '-y', '--no-install-recommends', 'chromium'];
// What apt says when its package lists are missing (a fresh machine or container) or stale
// (the mirror no longer has the versions they name).
const NO_LISTS = /Unable to locate package|has no installation candidate|Unable to fetch some archives|404\s+Not Found/;

/** The Chromium to drive: OIG_CHROMIUM, or Debian's, installed with apt when missing and we are root. */
export async function findChromium(): Promise<string> {
  const wanted = process.env.OIG_CHROMIUM;
  if (wanted) {
    if (await isExecutable(wanted)) return wanted;
    throw new Error(`OIG_CHROMIUM is ${wanted}, which is not an executable file. Point it at a Chromium, or unset it to use Debian's (${DEBIAN_CHROMIUM}).`);
  }
  if (await isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new Error(`The browser tests need Debian's Chromium at ${DEBIAN_CHROMIUM}. Install it as root: apt-get install -y --no-install-recommends chromium (or set OIG_CHROMIUM to another Chromium).`);
  }
  await installDebianChromium();
  if (await isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  throw new Error(`apt-get installed chromium, yet ${DEBIAN_CHROMIUM} is still missing.`);
}

async function installDebianChromium(): Promise<void> {
  process.stdout.write(`Debian's Chromium is missing; installing it: apt-get ${INSTALL.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = await runCommand('apt-get', INSTALL, { env, capture: true });
  if (result.code !== 0 && NO_LISTS.test(result.output)) {
    const update = await runCommand('apt-get', ['update'], { env });
    if (update.code !== 0) throw new Error(`apt-get update failed (exit code ${update.code}); its output is above.`);
    result = await runCommand('apt-get', INSTALL, { env, capture: true });
  }
  if (result.code !== 0) {
    throw new Error(`apt-get ${INSTALL.join(' ')} failed (exit code ${result.code}); its output is above. Another apt run holding the dpkg lock is a common cause: wait for it, then run the tests again.`);
  }
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}
