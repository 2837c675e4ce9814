import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { helperError } from '../errors';
import type { HelperLog } from '../helper-service';
import type { BladesView } from '../protocol';
import { writeSystemFile } from '../system/system-file';
import { serviceLinkApt, type ServiceLinkSource } from './servicelink-apt';

/**
 * Server Manager, Blades (issue #14; the installation guide's "Install the Mitel OIG blade in
 * MSL": ServiceLink, Blades, Update List): which blades are installed and which versions
 * ServiceLink offers. "Update List" is `apt-get update` against ServiceLink alone
 * (servicelink-apt.ts: its own key, its own lists); what apt refused (a bad signature, an index
 * that does not match) is kept and shown, and the lists from before stay. Install and upgrade come
 * with the health-gated upgrade.
 */
export interface BladeCatalogueDeps {
  /** Where apt keeps ServiceLink's lists (0755: apt's _apt user reads it). */
  readonly aptDir: string;
  /** null: no ServiceLink repository is configured on this appliance. */
  readonly source: ServiceLinkSource | null;
  /** The blades this appliance knows, by package name. */
  readonly packages: readonly string[];
  readonly run: (program: string, args: readonly string[]) => Promise<string>;
  readonly log: HelperLog;
  readonly now?: () => Date;
}

interface LastUpdate {
  readonly at: string;
  readonly ok: boolean;
  readonly message: string | null;
}

/** apt's own words for what went wrong, without the progress lines around them. */
function aptProblem(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => /^(E|W|Err):/.test(l));
  return (lines.length ? lines : output.trim().split('\n').slice(-3)).join(' ').slice(0, 2000);
}

export class BladeCatalogue {
  constructor(private readonly deps: BladeCatalogueDeps) {}

  private get lastUpdateFile(): string {
    return path.join(this.deps.aptDir, 'last-update.json');
  }

  private async options(): Promise<string[]> {
    if (!this.deps.source) throw helperError('OIG_BLADES_NOT_CONFIGURED', 'No ServiceLink repository is configured on this appliance (OIG_SERVICELINK_URL and its key).');
    return serviceLinkApt(this.deps.aptDir, this.deps.source);
  }

  /** Update List: the indexes fetched again and checked by apt. */
  async updateList(): Promise<BladesView> {
    const options = await this.options();
    const at = (this.deps.now?.() ?? new Date()).toISOString();
    let last: LastUpdate;
    try {
      await this.deps.run('apt-get', [...options, '-q', 'update', '-o', 'APT::Update::Error-Mode=any']);
      last = { at, ok: true, message: null };
      this.deps.log.info({ source: this.deps.source?.url }, 'blade list updated');
    } catch (err) {
      last = { at, ok: false, message: aptProblem((err as Error).message) };
      this.deps.log.error({ source: this.deps.source?.url, err: last.message }, 'blade list not updated');
    }
    await writeSystemFile(this.lastUpdateFile, `${JSON.stringify(last)}\n`);
    return this.view();
  }

  async view(): Promise<BladesView> {
    const last = await readFile(this.lastUpdateFile, 'utf8').then((t) => JSON.parse(t) as LastUpdate).catch(() => null);
    const options = this.deps.source ? await this.options() : null;
    const blades = [];
    for (const name of this.deps.packages) {
      const installed = (await this.deps.run('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Version}', name]).catch(() => '')).trim();
      const installedVersion = installed.startsWith('installed ') ? installed.slice('installed '.length) : null;
      // madison lists the versions apt knows from the lists, newest first; the system's own status is not among them.
      const madison = options ? await this.deps.run('apt-cache', [...options, 'madison', name]).catch(() => '') : '';
      const available = madison.split('\n').map((l) => l.split('|').map((f) => f.trim())).find((f) => f[0] === name && f[1])?.[1] ?? null;
      const newer = available !== null && (installedVersion === null || (await this.deps.run('dpkg', ['--compare-versions', available, 'gt', installedVersion]).then(() => true, () => false)));
      blades.push({ name, installed: installedVersion, available, upgradable: newer && installedVersion !== null, installable: newer && installedVersion === null });
    }
    return { source: this.deps.source?.url ?? null, lastUpdate: last, blades };
  }
}
