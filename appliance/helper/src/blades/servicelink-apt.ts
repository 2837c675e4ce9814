import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeSystemFile } from '../system/system-file';

/**
 * apt pointed at ServiceLink alone (issue #14): the blade repository, trusted by its own key only
 * (`Signed-By`, never the system's keyrings), over HTTPS checked against the licensing server's CA
 * when it is a private one (the lab's). Its lists and downloads live in a directory of their own,
 * so "Update List" never touches the system's sources, and Debian's updates never come through it.
 *
 * apt then refuses, with its own checks: an index whose signature is not the key's (or missing),
 * an index changed after signing (its hash is in the signed Release), and a package whose bytes
 * are not the ones the index names.
 */
export interface ServiceLinkSource {
  /** The repository's root, e.g. https://servicelink.example/servicelink/debian/ */
  readonly url: string;
  /** The repository's public key (OpenPGP, binary), the only one trusted for it. */
  readonly keyring: string;
  /** The CA of the server's TLS certificate, when not one of the system's. */
  readonly caFile?: string;
}

export const SUITE = 'stable';

/** The deb822 source: one repository, one suite, its key. */
export function sourcesText(source: ServiceLinkSource): string {
  return ['Types: deb', `URIs: ${source.url}`, `Suites: ${SUITE}`, 'Components: main', `Signed-By: ${source.keyring}`, ''].join('\n');
}

/**
 * Writes the source into `dir` and answers the `-o` options that make apt-get and apt-cache use it
 * alone, with their state under `dir` (which must be readable by apt's `_apt` user: 0755).
 */
export async function serviceLinkApt(dir: string, source: ServiceLinkSource): Promise<string[]> {
  const parts = path.join(dir, 'sources.list.d');
  // 0755 whatever the umask (the helper's is 077): apt's _apt user reads the lists and writes the partial downloads.
  for (const sub of [dir, parts, path.join(dir, 'lists'), path.join(dir, 'lists', 'partial'), path.join(dir, 'archives'), path.join(dir, 'archives', 'partial')]) {
    await mkdir(sub, { recursive: true });
    await chmod(sub, 0o755);
  }
  await writeSystemFile(path.join(parts, 'servicelink.sources'), sourcesText(source));
  return [
    '-o', `Dir::Etc::SourceList=/dev/null`,
    '-o', `Dir::Etc::SourceParts=${parts}`,
    '-o', `Dir::State::Lists=${path.join(dir, 'lists')}`,
    '-o', `Dir::Cache::Archives=${path.join(dir, 'archives')}`,
    '-o', `Dir::Cache::pkgcache=${path.join(dir, 'pkgcache.bin')}`,
    '-o', `Dir::Cache::srcpkgcache=${path.join(dir, 'srcpkgcache.bin')}`,
    ...(source.caFile ? ['-o', `Acquire::https::CaInfo=${source.caFile}`] : []),
  ];
}
