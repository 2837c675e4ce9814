import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { installDebianPackages } from '../../../../service/test/support/debian-packages';
import { freeLoopbackPort } from '../../../../service/src/storage/embedded-postgres';
import { ensureOpenSsh } from './sshd';

/**
 * The helper's tests run against Debian's PostgreSQL, as on the appliance: its own cluster in a
 * scratch directory, owned by the postgres OS user and reached over a unix socket with peer
 * authentication, exactly as the helper reaches the appliance's. Installed with apt when missing.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    helperPostgres: { socketDir: string; port: number; binDir: string; rolePassword: string };
  }
}

const ROLE_PASSWORD = 'helpertestpw';

export interface ScratchCluster {
  readonly socketDir: string;
  readonly port: number;
  readonly binDir: string;
  readonly rolePassword: string;
  stop(): Promise<void>;
}

function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a))[0];
  return version ? path.join(root, version, 'bin') : undefined;
}

const postgresIds = () => ({ uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) });
const asPostgres = (program: string, args: string[], input?: string) => execFileSync(program, args, { ...postgresIds(), cwd: '/', input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

/**
 * A PostgreSQL cluster of Debian's PostgreSQL in a scratch directory (installed with apt when
 * missing), with the gateway's role oig. Also used by `npm run bench:backup`.
 */
export async function startScratchCluster(): Promise<ScratchCluster> {
  if (process.getuid?.() !== 0) throw new Error('The helper tests run as root, as the helper does on the appliance.');
  if (!findBinDir()) await installDebianPackages(['postgresql'], 'The helper tests need Debian PostgreSQL');
  const binDir = findBinDir() ?? '';
  if (!binDir) throw new Error('apt-get installed postgresql, yet no /usr/lib/postgresql/*/bin/initdb is there.');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-helper-pg-'));
  await chmod(dir, 0o755);
  const { uid, gid } = postgresIds();
  await chown(dir, uid, gid);
  const port = await freeLoopbackPort();
  asPostgres(path.join(binDir, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']);
  try {
    asPostgres(path.join(binDir, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-l', path.join(dir, 'server.log'), '-w', '-o', `-k ${dir} -p ${port} -c listen_addresses=127.0.0.1`, 'start']);
  } catch (err) {
    const log = readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000);
    throw new Error(`The helper tests' PostgreSQL did not start: ${(err as Error).message}\n${log}`);
  }
  asPostgres(path.join(binDir, 'psql'), ['-h', dir, '-p', String(port), '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q'], `CREATE ROLE oig LOGIN PASSWORD '${ROLE_PASSWORD}';\n`);
  return {
    socketDir: dir,
    port,
    binDir,
    rolePassword: ROLE_PASSWORD,
    async stop() {
      try {
        asPostgres(path.join(binDir, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

let cluster: ScratchCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The SFTP target's tests start their own sshd; apt runs here, once, not in two test files at a time.
  await ensureOpenSsh();
  cluster = await startScratchCluster();
  const { socketDir, port, binDir, rolePassword } = cluster;
  project.provide('helperPostgres', { socketDir, port, binDir, rolePassword });
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
