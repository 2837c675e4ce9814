import { oigError } from '../../errors';
import type { AclRegistry } from '../acl/acl-registry';
import { hashPassword } from '../passwords';
import type { Account, AccountStore } from './ports';

/** What the administrator sees of an account: never the hash. */
export interface AccountView {
  readonly id: number;
  readonly companyName: string;
  readonly applicationName: string;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly activeSessions: number;
  /** False when the application has left the ACL or was revoked: logins will fail. */
  readonly inAcl: boolean;
  readonly revoked: boolean;
}

export const LOCAL_PASSWORD_RULES = { minLength: 4, maxLength: 128 } as const;

function checkLocalPassword(password: string): void {
  const { minLength, maxLength } = LOCAL_PASSWORD_RULES;
  if (password.length < minLength || password.length > maxLength) {
    throw oigError('OIG_ACCOUNT_PASSWORD_INVALID', `The local password must be ${minLength} to ${maxLength} characters long`);
  }
  // Control characters cannot be typed reliably into an application's settings screen.
  if (/\p{Cc}/u.test(password)) throw oigError('OIG_ACCOUNT_PASSWORD_INVALID', 'The local password must not contain control characters');
}

/**
 * Application accounts: the local password per ACL application (seed: "Application Accounts
 * Tab"). Edits and deletions take effect at the next login; current sessions continue.
 */
export class AccountService {
  constructor(
    private readonly deps: {
      store: AccountStore;
      acl: AclRegistry;
      activeSessions: (companyName: string, applicationName: string) => number;
    },
  ) {}

  private view(account: Account): AccountView {
    const entry = this.deps.acl.find(account.companyName, account.applicationName);
    return {
      id: account.id,
      companyName: account.companyName,
      applicationName: account.applicationName,
      enabled: account.enabled,
      createdAt: account.createdAt,
      updatedAt: account.updatedAt,
      activeSessions: this.deps.activeSessions(account.companyName, account.applicationName),
      inAcl: entry !== undefined,
      revoked: entry?.revoked ?? false,
    };
  }

  async list(): Promise<AccountView[]> {
    return (await this.deps.store.list()).map((a) => this.view(a));
  }

  async get(id: number): Promise<AccountView> {
    return this.view(await this.existing(id));
  }

  private async existing(id: number): Promise<Account> {
    const account = await this.deps.store.findById(id);
    if (!account) throw oigError('OIG_ACCOUNT_NOT_FOUND', `No application account with id ${id}`);
    return account;
  }

  async create(companyName: string, applicationName: string, localPassword: string): Promise<AccountView> {
    const entry = this.deps.acl.find(companyName, applicationName);
    if (!entry) {
      throw oigError('OIG_ACCOUNT_APPLICATION_NOT_IN_ACL', `Application '${applicationName}' of company '${companyName}' is not in the access control list`);
    }
    checkLocalPassword(localPassword);
    const account = await this.deps.store.insert(companyName, applicationName, await hashPassword(localPassword));
    if (!account) throw oigError('OIG_ACCOUNT_EXISTS', `Application '${applicationName}' of company '${companyName}' already has a local password`);
    return this.view(account);
  }

  /** Changes the local password and/or the enabled flag in one write: all of it or nothing. */
  async update(id: number, change: { localPassword?: string; enabled?: boolean }): Promise<AccountView> {
    if (change.localPassword !== undefined) checkLocalPassword(change.localPassword);
    await this.existing(id);
    const localPasswordHash = change.localPassword === undefined ? undefined : await hashPassword(change.localPassword);
    return this.changed(await this.deps.store.update(id, { localPasswordHash, enabled: change.enabled }), id);
  }

  async delete(id: number): Promise<void> {
    if (!(await this.deps.store.delete(id))) throw oigError('OIG_ACCOUNT_NOT_FOUND', `No application account with id ${id}`);
  }

  private changed(account: Account | undefined, id: number): AccountView {
    if (!account) throw oigError('OIG_ACCOUNT_NOT_FOUND', `No application account with id ${id}`);
    return this.view(account);
  }
}
