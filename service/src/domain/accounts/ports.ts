/** A local password account the administrator created for one ACL application on this gateway. */
export interface Account {
  readonly id: number;
  readonly companyName: string;
  readonly applicationName: string;
  readonly localPasswordHash: string;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface AccountStore {
  list(): Promise<Account[]>;
  findById(id: number): Promise<Account | undefined>;
  find(companyName: string, applicationName: string): Promise<Account | undefined>;
  /** Undefined when an account for that application already exists. */
  insert(companyName: string, applicationName: string, localPasswordHash: string): Promise<Account | undefined>;
  update(id: number, change: { localPasswordHash?: string; enabled?: boolean }): Promise<Account | undefined>;
  delete(id: number): Promise<boolean>;
}
