import type { Logger } from '../../log';
import { asOigError } from '../../errors';
import { applicationKey, type AclEntry, type AclSnapshot, type AclStatus } from './acl';
import type { AclSnapshotStore, AclSource } from './ports';

/**
 * The gateway's current ACL: loaded from the database at start, refreshed from the certificate
 * server at start, on a schedule and on demand. A failed refresh keeps the last good list.
 */
export class AclRegistry {
  private entries = new Map<string, AclEntry>();
  private snapshot: AclSnapshot | undefined;
  private fetchedAt: Date | null = null;
  private source: AclStatus['source'] = null;
  private lastAttemptAt: Date | null = null;
  private lastError: string | null = null;
  private refreshing: Promise<AclStatus> | undefined;

  constructor(
    private readonly deps: { source: AclSource; store: AclSnapshotStore; log: Logger; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private install(snapshot: AclSnapshot, fetchedAt: Date, source: 'mcs' | 'stored'): void {
    this.entries = new Map(snapshot.entries.map((e) => [applicationKey(e.companyName, e.applicationName), e]));
    this.snapshot = snapshot;
    this.fetchedAt = fetchedAt;
    this.source = source;
  }

  /** Loads the stored ACL, if any and still verifiable. */
  async loadStored(): Promise<void> {
    const stored = await this.deps.store.load();
    if (!stored) return;
    try {
      this.install(this.deps.source.verify(stored.payload, stored.signature), stored.fetchedAt, 'stored');
      this.deps.log.info({ applications: this.entries.size }, 'ACL loaded from the database');
    } catch (err) {
      this.deps.log.error({ code: asOigError(err).code }, 'stored ACL failed verification; ignoring it');
    }
  }

  /** Fetches the latest ACL; concurrent callers share one fetch. Never throws: see status(). */
  refresh(): Promise<AclStatus> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<AclStatus> {
    this.lastAttemptAt = this.now();
    try {
      const snapshot = await this.deps.source.fetch();
      if (this.snapshot && snapshot.issuedAt < this.snapshot.issuedAt) {
        // A replayed older list must not bring back revoked applications.
        throw new Error(`the certificate server sent an ACL issued ${snapshot.issuedAt.toISOString()}, older than the current one`);
      }
      const fetchedAt = this.now();
      await this.deps.store.save(snapshot, fetchedAt);
      this.install(snapshot, fetchedAt, 'mcs');
      this.lastError = null;
      this.deps.log.info({ applications: this.entries.size }, 'ACL refreshed from the certificate server');
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.deps.log.warn({ code: asOigError(err).code, reason: this.lastError }, 'ACL refresh failed; keeping the last good list');
    }
    return this.status();
  }

  find(companyName: string, applicationName: string): AclEntry | undefined {
    return this.entries.get(applicationKey(companyName, applicationName));
  }

  list(): AclEntry[] {
    return [...this.entries.values()];
  }

  isLoaded(): boolean {
    return this.snapshot !== undefined;
  }

  status(): AclStatus {
    return {
      loaded: this.isLoaded(),
      issuedAt: this.snapshot?.issuedAt ?? null,
      fetchedAt: this.fetchedAt,
      source: this.source,
      applications: this.entries.size,
      lastAttemptAt: this.lastAttemptAt,
      lastError: this.lastError,
    };
  }
}
