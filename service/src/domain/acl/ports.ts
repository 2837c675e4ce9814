import type { AclSnapshot } from './acl';

/** Fetches the current ACL from the certificate server and verifies its signature. */
export interface AclSource {
  fetch(): Promise<AclSnapshot>;
  /** Verifies a stored snapshot again (the database is not trusted blindly). */
  verify(payload: string, signature: string): AclSnapshot;
}

/** Keeps the last good ACL so the gateway works while the certificate server is unreachable. */
export interface AclSnapshotStore {
  load(): Promise<{ payload: string; signature: string; fetchedAt: Date } | undefined>;
  save(snapshot: AclSnapshot, fetchedAt: Date): Promise<void>;
}
