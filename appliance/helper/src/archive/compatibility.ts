import { helperError } from '../errors';
import type { Manifest } from './manifest';

/**
 * Which backups this release restores (installation guide: a 2.x backup is refused in 3.0).
 * A backup restores when it was made by this major version at this release or before, and its
 * schema holds no migration this release does not have; an older release's schema is then
 * migrated forward. The oldest release whose backups this major reads is OLDEST_RESTORABLE.
 */
export const OLDEST_RESTORABLE = '0.1.0';

type Version = readonly [number, number, number];
const parse = (v: string): Version => v.split('.').map(Number) as unknown as Version;
const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

export function checkCompatible(manifest: Pick<Manifest, 'productVersion' | 'migrations'>, release: { version: string; migrations: readonly string[]; oldestRestorable?: string }): void {
  const made = parse(manifest.productVersion);
  const current = parse(release.version);
  const oldest = parse(release.oldestRestorable ?? OLDEST_RESTORABLE);
  if (compare(made, current) > 0) {
    throw helperError('OIG_BACKUP_INCOMPATIBLE', `The backup was made by OpenOIG ${manifest.productVersion}, which is newer than this release (${release.version}). Upgrade this appliance first, then restore.`);
  }
  if (made[0] !== current[0] || compare(made, oldest) < 0) {
    throw helperError(
      'OIG_BACKUP_INCOMPATIBLE',
      `The backup was made by OpenOIG ${manifest.productVersion}; this release (${release.version}) restores backups of ${current[0]}.x from ${release.oldestRestorable ?? OLDEST_RESTORABLE} on only. Restore it on a ${made[0]}.x release and upgrade from there.`,
    );
  }
  const known = new Set(release.migrations);
  const unknown = manifest.migrations.filter((m) => !known.has(m));
  if (unknown.length > 0) {
    throw helperError('OIG_BACKUP_INCOMPATIBLE', `The backup's database has a schema this release does not know (migration ${unknown[0]}). Upgrade this appliance first, then restore.`);
  }
}
