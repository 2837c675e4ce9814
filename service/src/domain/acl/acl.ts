/**
 * The Access Control List from the certificate server (MCS): which applications may log in
 * to any OIG, with their application password (as a hash) and service type.
 */
export type ApplicationType = 'Standard' | 'Advanced';

export interface AclEntry {
  readonly companyName: string;
  readonly applicationName: string;
  readonly applicationPasswordHash: string;
  readonly type: ApplicationType;
  readonly revoked: boolean;
}

/** A verified ACL as received: the signed bytes are kept so a stored copy can be verified again. */
export interface AclSnapshot {
  readonly issuedAt: Date;
  readonly entries: readonly AclEntry[];
  readonly payload: string;
  readonly signature: string;
}

export interface AclStatus {
  readonly loaded: boolean;
  readonly issuedAt: Date | null;
  readonly fetchedAt: Date | null;
  readonly source: 'mcs' | 'stored' | null;
  readonly applications: number;
  readonly lastAttemptAt: Date | null;
  readonly lastError: string | null;
}

export function applicationKey(companyName: string, applicationName: string): string {
  return `${companyName}\u0000${applicationName}`;
}
