import path from 'node:path';
import type { HelperConfig } from './config';
import { account, run } from './run';

/**
 * PostgreSQL administration for backup and restore, as the postgres OS user over the local
 * unix socket (peer authentication: no password to keep). Database names are the helper's own
 * (checked below), so they can be quoted as identifiers without user input in them.
 */
const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

function identifier(name: string): string {
  if (!DATABASE_NAME.test(name)) throw new Error(`not a database name the helper makes: ${name}`);
  return `"${name}"`;
}

export class PostgresAdmin {
  constructor(private readonly config: HelperConfig['database']) {}

  private tool(name: string): string {
    return this.config.binDir ? path.join(this.config.binDir, name) : name;
  }

  private get connection(): string[] {
    return ['--host', this.config.socketDir, '--port', String(this.config.port)];
  }

  private get as() {
    return account(this.config.osUser);
  }

  /** One statement (or a script on stdin) in the given database; rows as tab-separated lines. */
  async sql(database: string, script: string): Promise<string[]> {
    const out = await run(this.tool('psql'), [...this.connection, '--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '-tA', '-F', '\t', '-d', database], { as: this.as, input: script });
    return out.split('\n').filter((line) => line.length > 0);
  }

  async exists(database: string): Promise<boolean> {
    identifier(database);
    return (await this.sql('postgres', `SELECT 1 FROM pg_database WHERE datname = '${database}'`)).length > 0;
  }

  /** pg_dump in its custom format (compressed, restorable object by object) into a helper-owned file. */
  async dump(database: string, file: string): Promise<void> {
    identifier(database);
    await run(this.tool('pg_dump'), [...this.connection, '--format=custom', '--no-owner', '--no-privileges', '-d', database], { as: this.as, stdoutFile: file });
  }

  /** A new, empty database owned by the gateway's role, filled from a dump as that role. */
  async restoreInto(database: string, file: string): Promise<void> {
    await this.sql('postgres', `CREATE DATABASE ${identifier(database)} OWNER ${identifier(this.config.role)}`);
    await run(this.tool('pg_restore'), [...this.connection, '--no-owner', '--no-privileges', `--role=${this.config.role}`, '--exit-on-error', '--single-transaction', '-d', database], { as: this.as, stdinFile: file });
  }

  async rename(from: string, to: string): Promise<void> {
    await this.sql('postgres', `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${identifier(from).slice(1, -1)}' AND pid <> pg_backend_pid();\nALTER DATABASE ${identifier(from)} RENAME TO ${identifier(to)}`);
  }

  async drop(database: string): Promise<void> {
    await this.sql('postgres', `DROP DATABASE IF EXISTS ${identifier(database)} WITH (FORCE)`);
  }

  /** Names of the databases a name prefix marks as the helper's (restore generations). */
  async databasesLike(prefix: string): Promise<string[]> {
    identifier(prefix);
    return this.sql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%' ORDER BY datname`);
  }

  /**
   * The role's password (a restore brings the backed-up appliance's secrets.env, whose
   * DATABASE_URL carries its password). It travels on stdin in a psql variable, never on a command line.
   */
  async setRolePassword(password: string): Promise<void> {
    if (/[\n\r'\\]/.test(password)) throw new Error('the database password holds characters that cannot be set safely');
    await this.sql('postgres', `\\set pw '${password}'\nSELECT format('ALTER ROLE ${identifier(this.config.role)} LOGIN PASSWORD %L', :'pw') \\gexec`);
  }
}
