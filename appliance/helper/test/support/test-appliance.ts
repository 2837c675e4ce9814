import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { freeLoopbackPort } from '../../../../service/src/storage/embedded-postgres';
import { logSources, type HelperConfig } from '../../src/config';
import { gatewayEnvironment } from '../../src/env-file';
import { waitForHealthyGateway, type GatewayControl } from '../../src/gateway-control';
import { PostgresAdmin } from '../../src/postgres-admin';
import { PRODUCT_VERSION } from '../../src/release';

/**
 * A scratch appliance for the helper's tests: a database of the test cluster owned by oig, a
 * settings directory laid out as /etc/openoig is (gateway.env, secrets.env, tls/), a helper state
 * directory, and the real gateway (service/src/main.ts) run from those settings as a child
 * process standing in for its systemd unit.
 */
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const TSX = path.join(REPO, 'node_modules/.bin/tsx');
const GATEWAY_MAIN = path.join(REPO, 'service/src/main.ts');

export class ChildGateway implements GatewayControl {
  private child: ChildProcess | undefined;
  output = '';
  starts = 0;

  constructor(private readonly etcDir: string) {}

  async start(): Promise<void> {
    if (this.child) return;
    const env = await gatewayEnvironment(this.etcDir);
    this.starts += 1;
    const child = spawn(TSX, [GATEWAY_MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
    child.stderr?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }

  async reloadFront(): Promise<void> {}

  async waitHealthy(timeoutMs: number): Promise<void> {
    const { PORT } = await gatewayEnvironment(this.etcDir);
    const exited = new Promise<never>((_, reject) => this.child?.once('exit', (code) => reject(new Error(`the gateway exited (code ${code}): ${this.output.slice(-600)}`))));
    await Promise.race([waitForHealthyGateway(`http://127.0.0.1:${PORT}/health`, timeoutMs), exited]);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }
}

export interface TestAppliance {
  readonly config: HelperConfig;
  readonly gateway: ChildGateway;
  readonly pg: PostgresAdmin;
  readonly baseUrl: string;
  readonly adminPassword: string;
  readonly scratch: string;
  /** The reboot and shut-down requests the helper carried out (a recorder stands in for systemctl). */
  powerActions(): Promise<string[]>;
  /**
   * View log files' fixtures: a unit's journal is `<journalDir>/<unit>.log` (oldest first), read by
   * a stand-in for journalctl that records its arguments; nginx's logs are files in `nginxLogDir`.
   */
  readonly journalDir: string;
  readonly nginxLogDir: string;
  journalCalls(): Promise<string[]>;
  /** Starts the gateway and waits for it (the first start migrates the new database). */
  startGateway(): Promise<void>;
  close(): Promise<void>;
}

/** journalctl's `-u UNIT [-r] [-n N]` over a fixture file; the other options are checked by the tests. */
const STAND_IN_JOURNALCTL = `#!/bin/sh
echo "$*" >> '@CALLS@'
unit='' n='' reverse=''
while [ $# -gt 0 ]; do
  case "$1" in
    -u) unit="$2"; shift ;;
    -n) n="$2"; shift ;;
    -o) shift ;;
    -r) reverse=1 ;;
  esac
  shift
done
file="@DIR@/$unit.log"
[ -f "$file" ] || exit 0
if [ -n "$n" ]; then tail -n "$n" "$file"; else cat "$file"; fi | if [ -n "$reverse" ]; then tac; else cat; fi
`;

/** The logs' fixtures and the config that reads them (also for tests without an appliance). */
export async function makeLogFixtures(scratch: string): Promise<{ config: HelperConfig['logs']; journalDir: string; nginxLogDir: string; journalCalls(): Promise<string[]> }> {
  const journalDir = path.join(scratch, 'journal');
  const nginxLogDir = path.join(scratch, 'nginx');
  await mkdir(journalDir, { recursive: true });
  await mkdir(nginxLogDir, { recursive: true });
  const calls = path.join(scratch, 'journal-calls.log');
  const journalctl = path.join(scratch, 'journalctl.sh');
  await writeFile(journalctl, STAND_IN_JOURNALCTL.replaceAll('@DIR@', journalDir).replaceAll('@CALLS@', calls), { mode: 0o755 });
  return {
    config: { journalCommand: [journalctl], sources: logSources('openoig-gateway.service', nginxLogDir) },
    journalDir,
    nginxLogDir,
    journalCalls: async () => (await readFile(calls, 'utf8').catch(() => '')).split('\n').filter(Boolean),
  };
}

let count = 0;

/** A fresh appliance with its own database; `name` keeps databases of parallel files apart. */
export async function makeTestAppliance(name: string, extraEnv: Record<string, string> = {}, cluster: { socketDir: string; port: number; binDir: string; rolePassword: string } = inject('helperPostgres')): Promise<TestAppliance> {
  count += 1;
  const database = `openoig_${name}_${process.pid}_${count}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'openoig-helper-test-'));
  const etcDir = path.join(scratch, 'etc/openoig');
  const stateDir = path.join(scratch, 'state');
  await mkdir(path.join(etcDir, 'tls'), { recursive: true });
  const port = await freeLoopbackPort();
  const adminPassword = `admin-${randomBytes(6).toString('hex')}`;
  const databaseUrl = `postgres://oig:${cluster.rolePassword}@127.0.0.1:${cluster.port}/${database}`;
  const gatewayEnv = { HOST: '127.0.0.1', PORT: String(port), OIG_DATA_DIR: path.join(scratch, 'data'), LOG_LEVEL: 'warn', OIG_PLATFORM: 'virtual', ...extraEnv };
  await writeFile(path.join(etcDir, 'gateway.env'), `# test gateway settings\n${Object.entries(gatewayEnv).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o644 });
  await writeFile(path.join(etcDir, 'secrets.env'), `OPENOIG_DB_PASSWORD=${cluster.rolePassword}\nDATABASE_URL=${databaseUrl}\nOIG_ADMIN_PASSWORD=${adminPassword}\n`, { mode: 0o640 });
  await writeFile(path.join(etcDir, 'tls/gateway.crt'), `-----BEGIN CERTIFICATE-----\n${randomBytes(48).toString('base64')}\n-----END CERTIFICATE-----\n`, { mode: 0o644 });
  await writeFile(path.join(etcDir, 'tls/gateway.key'), `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----\n`, { mode: 0o600 });
  const powerLog = path.join(scratch, 'power-actions.log');
  const powerRecorder = path.join(scratch, 'power-recorder.sh');
  await writeFile(powerRecorder, `#!/bin/sh\necho "$1" >> '${powerLog}'\n`, { mode: 0o755 });
  const logFixtures = await makeLogFixtures(scratch);
  const config: HelperConfig = {
    stateDir,
    etcDir,
    database: { name: database, role: 'oig', osUser: 'postgres', socketDir: cluster.socketDir, port: cluster.port, binDir: cluster.binDir },
    gateway: {
      unit: 'openoig-gateway.service',
      user: 'root',
      migrateCommand: [TSX, GATEWAY_MAIN, 'migrate'],
      migrationsDir: path.join(REPO, 'service/migrations'),
      healthUrl: `http://127.0.0.1:${port}/health`,
      healthTimeoutMs: 60_000,
    },
    // Records the action instead of rebooting the machine the tests run on.
    powerCommand: [powerRecorder],
    logs: logFixtures.config,
    // No nginx here: the certificates test gives the helper its own Certificates, with a TLS server in the test for nginx.
    tls: { dir: path.join(etcDir, 'tls'), reloadCommand: ['/bin/false'], servedAt: { host: '127.0.0.1', port: 9 } },
    // Never the host's firewall: the trusted-networks tests give the helper an nft inside a network namespace of their own.
    firewall: { dir: path.join(scratch, 'firewall'), nftCommand: ['/bin/false'] },
    // No ServiceLink: the blades tests give the helper a catalogue on the lab's.
    blades: { packages: ['openoig-gateway'], url: null, keyring: path.join(scratch, 'no-keyring.gpg'), caFile: null, aptDir: path.join(scratch, 'servicelink') },
    productVersion: PRODUCT_VERSION,
  };
  const pg = new PostgresAdmin(config.database);
  await pg.sql('postgres', `CREATE DATABASE ${database} OWNER oig`);
  const gateway = new ChildGateway(etcDir);
  return {
    config,
    gateway,
    pg,
    baseUrl: `http://127.0.0.1:${port}`,
    adminPassword,
    scratch,
    powerActions: async () => (await readFile(powerLog, 'utf8').catch(() => '')).split('\n').filter(Boolean),
    journalDir: logFixtures.journalDir,
    nginxLogDir: logFixtures.nginxLogDir,
    journalCalls: logFixtures.journalCalls,
    async startGateway() {
      await gateway.start();
      await gateway.waitHealthy(60_000);
    },
    async close() {
      await gateway.stop();
      for (const db of await pg.databasesLike(database)) await pg.drop(db);
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
