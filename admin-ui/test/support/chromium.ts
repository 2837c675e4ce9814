import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { installDebianPackages } from '../../../service/test/support/debian-packages';

/**
 * Debian's Chromium, not a Playwright browser download: the machines reach Debian's packages
 * but no browser download site, and the appliance is Debian too.
 */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The Chromium to drive: OIG_CHROMIUM, or Debian's, installed with apt when missing and we are root. */
export async function findChromium(): Promise<string> {
  const wanted = process.env.OIG_CHROMIUM;
  if (wanted) {
    if (await isExecutable(wanted)) return wanted;
    throw new Error(`OIG_CHROMIUM is ${wanted}, which is not an executable file. Point it at a Chromium, or unset it to use Debian's (${DEBIAN_CHROMIUM}).`);
  }
  if (await isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  await installDebianPackages(['chromium'], `The browser tests need Debian's Chromium at ${DEBIAN_CHROMIUM} (or OIG_CHROMIUM)`);
  if (await isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  throw new Error(`apt-get installed chromium, yet ${DEBIAN_CHROMIUM} is still missing.`);
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}
