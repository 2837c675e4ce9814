import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pino } from 'pino';
import { loadHelperConfig, workDir } from './config';
import { failureOf, HelperError } from './errors';
import { offlineGateway, systemdGateway } from './gateway-control';
import { HelperService } from './helper-service';
import { PRODUCT_VERSION } from './release';
import { HELPER_PROTOCOL_VERSION } from './protocol';
import type { ScheduledRun } from './schedule/scheduled-backups';
import { createHelperServer } from './server';
import { askHelper } from './socket-request';
import { runFirstBoot } from './firstboot/first-boot';
import { takeConsole, whiptailDialogs } from './firstboot/whiptail';

/**
 * openoig-helper: the privileged helper, as a socket-activated service and as a command for the
 * technician and for first boot.
 *   openoig-helper serve                       (openoig-helper.service, socket from systemd)
 *   openoig-helper backup [--passphrase-file F]
 *   openoig-helper list
 *   openoig-helper restore (--file F | --url U) [--passphrase-file F] [--offline]
 *   openoig-helper scheduled [--now]           (openoig-helper-schedule.timer: asks the running helper)
 *   openoig-helper firstboot                   (openoig-firstboot.service: src/firstboot/first-boot.ts)
 *   openoig-helper network-revert              (the timer the Networks panel arms: an unconfirmed change goes back)
 *   openoig-helper trusted-networks-files      (the package's postinst: nginx's access file and the firewall's rules from the kept list)
 * Exit codes: 0 done, 64 usage, 65 the backup was refused (its reason on stderr), 78 configuration, 1 failure.
 */
const USAGE = 'usage: openoig-helper serve | backup [--passphrase-file F] | list | restore (--file F | --url U) [--passphrase-file F] [--offline] | scheduled [--now] | firstboot | network-revert | trusted-networks-files';
const DEFAULT_SOCKET = '/run/openoig-helper.sock';
const IDLE_EXIT_MS = 10 * 60_000;
const REFUSALS = new Set(['OIG_BACKUP_CORRUPT', 'OIG_BACKUP_PASSPHRASE_REQUIRED', 'OIG_BACKUP_WRONG_PASSPHRASE', 'OIG_BACKUP_INCOMPATIBLE', 'OIG_BACKUP_NOT_FOUND']);

const log = pino({ base: { service: 'openoig-helper' }, redact: { paths: ['passphrase', '*.passphrase'], censor: '[redacted]' } });

async function passphraseFrom(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
}

/** A backup named by URL (first boot's restore-from property), fetched into the scratch area. */
async function download(url: string, dir: string): Promise<string> {
  if (!/^https?:\/\//.test(url)) throw new HelperError('OIG_HELPER_BAD_REQUEST', `Only http and https URLs can be restored from, not ${url}`);
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new HelperError('OIG_BACKUP_NOT_FOUND', `${url} answered HTTP ${res.status}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `download-${Date.now()}.bin`);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(file, { mode: 0o600 }));
  return file;
}

async function quietConsoles(): Promise<void> {
  const SIGRTMIN = 34; // glibc's, which systemd counts from
  try {
    process.kill(1, SIGRTMIN + 21);
  } catch {
    // not under systemd
  }
  await new Promise<void>((resolve) => spawn('dmesg', ['--console-level', '1'], { stdio: 'ignore' }).once('close', () => resolve()).once('error', () => resolve()));
}

function serve(service: HelperService, config: ReturnType<typeof loadHelperConfig>): void {
  const server = createHelperServer(service, config, log);
  // systemd passes the listening socket as fd 3 (LISTEN_FDS); without it, OIG_HELPER_SOCKET.
  const activated = process.env.LISTEN_FDS === '1' && process.env.LISTEN_PID === String(process.pid);
  if (activated) server.listen({ fd: 3 });
  else {
    const socketPath = process.env.OIG_HELPER_SOCKET;
    if (!socketPath) throw new HelperError('OIG_HELPER_BAD_REQUEST', 'serve needs the socket from systemd or OIG_HELPER_SOCKET');
    server.listen(socketPath);
  }
  // Socket-activated: exit when idle; systemd starts the helper again on the next connection.
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (!activated) return;
    clearTimeout(idle);
    idle = setTimeout(() => {
      server.getConnections((_, count) => {
        if (count === 0) server.close(() => process.exit(0));
        else armIdle();
      });
    }, IDLE_EXIT_MS);
  };
  server.on('connection', (socket: net.Socket) => socket.on('close', armIdle));
  server.on('listening', () => log.info({ activated }, 'helper listening'));
  armIdle();
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { file: { type: 'string' }, url: { type: 'string' }, 'passphrase-file': { type: 'string' }, offline: { type: 'boolean' }, now: { type: 'boolean' } }, strict: true });
  const config = loadHelperConfig(process.env, PRODUCT_VERSION);
  const gateway = values.offline ? offlineGateway : systemdGateway(config.gateway.unit, config.gateway.healthUrl);
  const service = new HelperService(config, gateway, log);
  const progress = (step: string, percent: number) => process.stderr.write(`${percent}% ${step}\n`);
  switch (command) {
    case 'serve':
      await service.journal.markInterrupted();
      serve(service, config);
      return -1;
    case 'backup':
      process.stdout.write(`${JSON.stringify(await service.backup(await passphraseFrom(values['passphrase-file']), progress))}\n`);
      return 0;
    case 'list':
      process.stdout.write(`${JSON.stringify(await service.store.list())}\n`);
      return 0;
    case 'restore': {
      if (!values.file === !values.url) throw new HelperError('OIG_HELPER_BAD_REQUEST', USAGE);
      const file = values.file ? path.resolve(values.file) : await download(values.url as string, workDir(config));
      try {
        const outcome = await service.restore(file, values.file ?? (values.url as string), await passphraseFrom(values['passphrase-file']), progress);
        process.stdout.write(`${JSON.stringify(outcome)}\n`);
      } finally {
        if (values.url) await rm(file, { force: true });
      }
      return 0;
    }
    case 'scheduled': {
      // The helper itself makes the backup; this only asks, as the unprivileged timer unit can.
      const socketPath = process.env.OIG_HELPER_SOCKET ?? DEFAULT_SOCKET;
      const outcome = (await askHelper(socketPath, { version: HELPER_PROTOCOL_VERSION, command: 'schedule.run', onlyIfDue: !values.now }, progress)) as ScheduledRun;
      process.stdout.write(`${JSON.stringify(outcome)}\n`);
      return outcome.ran && outcome.state === 'failed' ? 1 : 0;
    }
    case 'trusted-networks-files':
      // The package's install: nginx's site includes the access file, the boot unit loads the rules.
      await service.trustedNetworks.writeFiles();
      return 0;
    case 'network-revert':
      process.stdout.write(`${JSON.stringify({ reverted: await service.network.revertIfUnconfirmed() })}\n`);
      return 0;
    case 'firstboot': {
      const say = (line: string) => process.stdout.write(`openoig-firstboot: ${line}\n`);
      await runFirstBoot({
        root: '/',
        etcDir: config.etcDir,
        stateDir: '/var/lib/openoig',
        secretsCommand: '/usr/libexec/openoig/openoig-firstboot-secrets',
        gatewayCommand: ['/usr/libexec/openoig/openoig-gateway', 'first-boot'],
        helperCommand: '/usr/libexec/openoig/openoig-helper',
        gatewayUser: config.gateway.user,
        say,
        trustNetworks: (subnets) => service.trustedNetworks.setAtFirstBoot(subnets),
        openDialogs: async () => {
          // Boot goes on around the wizard: keep systemd's status lines (SIGRTMIN+21, systemd(1))
          // and kernel messages off the consoles while it asks; the next boot shows them again.
          await quietConsoles();
          const chosen = await takeConsole(['tty1', 'ttyS0']);
          say(`the wizard runs on ${chosen.tty}`);
          return whiptailDialogs(chosen);
        },
      });
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 64;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    const failure = failureOf(err);
    process.stderr.write(`${failure.code}: ${failure.message}\n`);
    if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || failure.code === 'OIG_HELPER_BAD_REQUEST') process.exit(64);
    process.exit(REFUSALS.has(failure.code) ? 65 : 1);
  },
);
