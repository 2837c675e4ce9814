import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobKind, JobRecord } from './protocol';

/**
 * Jobs written down as they go (one JSON file each, replaced by rename), so a gateway that a
 * restore restarted, or a helper started again by its socket, can still answer how it ended.
 * The newest KEEP jobs are kept.
 */
const KEEP = 50;

export class JobJournal {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  async write(job: JobRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.file(job.id)}.new`;
    await writeFile(temporary, JSON.stringify(job), { mode: 0o600 });
    await rename(temporary, this.file(job.id));
  }

  async read(id: string): Promise<JobRecord | undefined> {
    const text = await readFile(this.file(id), 'utf8').catch(() => undefined);
    return text ? (JSON.parse(text) as JobRecord) : undefined;
  }

  async begin(kind: JobKind, id: string = randomUUID()): Promise<JobRecord> {
    const job: JobRecord = { id, kind, state: 'running', step: 'starting', percent: 0, startedAt: new Date().toISOString(), endedAt: null, result: null, error: null };
    await this.write(job);
    await this.prune();
    return job;
  }

  /** A job left running by a helper that stopped (a power cut, a crash) did not finish. */
  async markInterrupted(): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const job = await this.read(name.slice(0, -5));
      if (job?.state === 'running') {
        await this.write({ ...job, state: 'failed', endedAt: new Date().toISOString(), error: { code: 'OIG_HELPER_INTERNAL', message: 'The helper stopped before this job ended.' } });
      }
    }
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    if (names.length <= KEEP) return;
    const dated = await Promise.all(names.map(async (n) => ({ n, at: (await this.read(n.slice(0, -5)))?.startedAt ?? '' })));
    dated.sort((a, b) => a.at.localeCompare(b.at));
    for (const { n } of dated.slice(0, dated.length - KEEP)) await rm(path.join(this.dir, n), { force: true });
  }
}
