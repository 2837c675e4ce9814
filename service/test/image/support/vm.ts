import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { freeLoopbackPort } from '../../../src/storage/embedded-postgres';

/**
 * A booted appliance under QEMU, seen from the outside: forwards on 127.0.0.1 only, SSH as
 * root with the test's key, the serial console in a file.
 */
const run = promisify(execFile);

export interface Vm {
  readonly ports: { ssh: number; https: number; http: number };
  readonly serialLog: string;
  ssh(command: string, options?: { allowFailure?: boolean; timeoutMs?: number }): Promise<{ stdout: string; code: number }>;
  waitForSsh(timeoutMs: number): Promise<void>;
  /** Whether QEMU exited (the guest powered off) within the time. */
  waitForExit(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export interface BootOptions {
  readonly qemu: string;
  readonly disk: string;
  readonly format: 'raw' | 'vmdk' | 'qcow2';
  readonly key: string;
  /** The serial console: into this file, or (serialSocket) a unix socket a scripted terminal connects to. */
  readonly serialLog: string;
  readonly serialSocket?: string;
  readonly memoryMb?: number;
  /** The guest's address the forwards go to (a static one set at first boot); QEMU's DHCP address by default. */
  readonly guestAddress?: string;
  /** An ISO attached as a CD (the OVF environment's ISO transport). */
  readonly cdrom?: string;
}

export async function bootVm(options: BootOptions): Promise<Vm> {
  const ports = { ssh: await freeLoopbackPort(), https: await freeLoopbackPort(), http: await freeLoopbackPort() };
  const to = options.guestAddress ?? '';
  const forwards = [`hostfwd=tcp:127.0.0.1:${ports.ssh}-${to}:22`, `hostfwd=tcp:127.0.0.1:${ports.https}-${to}:443`, `hostfwd=tcp:127.0.0.1:${ports.http}-${to}:80`].join(',');
  // TCG: the host's KVM cannot run 32-bit guests (shared/notes); -snapshot keeps the artefact untouched.
  const child: ChildProcess = spawn(
    options.qemu,
    [
      '-snapshot',
      '-machine', 'pc',
      '-m', String(options.memoryMb ?? 2048),
      '-smp', '2',
      '-drive', `file=${options.disk},format=${options.format},if=ide`,
      ...(options.cdrom ? ['-drive', `file=${options.cdrom},format=raw,if=ide,media=cdrom,readonly=on`] : []),
      '-netdev', `user,id=n0,${forwards}`,
      '-device', 'e1000,netdev=n0',
      '-display', 'none',
      '-serial', options.serialSocket ? `unix:${options.serialSocket},server=on,wait=off` : `file:${options.serialLog}`,
      '-monitor', 'none',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ssh: Vm['ssh'] = async (command, { allowFailure = false, timeoutMs = 120_000 } = {}) => {
    try {
      const { stdout } = await run(
        'ssh',
        [
          '-i', options.key,
          '-p', String(ports.ssh),
          '-o', 'StrictHostKeyChecking=no',
          '-o', 'UserKnownHostsFile=/dev/null',
          '-o', 'LogLevel=ERROR',
          '-o', 'ConnectTimeout=5',
          '-o', 'BatchMode=yes',
          'root@127.0.0.1',
          command,
        ],
        { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      );
      return { stdout, code: 0 };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      if (allowFailure) return { stdout: e.stdout ?? '', code: typeof e.code === 'number' ? e.code : 255 };
      throw new Error(`ssh '${command}' failed (${e.code}): ${e.stderr ?? ''}${e.stdout ?? ''}`);
    }
  };

  return {
    ports,
    serialLog: options.serialLog,
    ssh,
    async waitForSsh(timeoutMs) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (child.exitCode !== null) throw new Error(`qemu exited (${child.exitCode}): ${stderr}`);
        if ((await ssh('true', { allowFailure: true, timeoutMs: 15_000 })).code === 0) return;
        await new Promise((r) => setTimeout(r, 2000));
      }
      const serial = await readFile(options.serialLog, 'utf8').catch(() => '');
      throw new Error(`no SSH within ${timeoutMs} ms; serial console tail:\n${serial.slice(-3000)}`);
    },
    async waitForExit(timeoutMs) {
      if (child.exitCode !== null) return true;
      return Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}
