import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { installDebianPackages } from '../../../../service/test/support/debian-packages';
import { run } from '../../src/run';

/**
 * Two network namespaces joined by a veth pair, for the Trusted networks tests: `appliance`
 * (10.231.N.1/24), where the real nft loads the helper's table, and `clients`, whose several
 * addresses (10.231.N.2, .3, …) connect to it. Nothing of it touches the host's own network or
 * firewall; the namespaces go with close(). Needs root (the tests run as root) and nftables.
 */
export interface NamespacePair {
  readonly appliance: string;
  readonly applianceAddress: string;
  clientAddress(n: number): string;
  /** nft inside the appliance's namespace. */
  nft(args: readonly string[]): Promise<string>;
  /** A TCP listener on each port at the appliance's address; stopped by close(). */
  listen(ports: readonly number[]): Promise<void>;
  /** A long-running program in the appliance's namespace (stopped by close()); resolves when it prints `ready`, or at once without. */
  start(program: string, args: readonly string[], ready?: string): Promise<void>;
  /** A command in the clients' namespace; its standard output. */
  fromClients(program: string, args: readonly string[]): Promise<string>;
  /** Whether a connection from the client address `from` to the appliance's port is accepted. */
  connects(from: string, port: number): Promise<'open' | 'refused'>;
  close(): Promise<void>;
}

const NODE = process.execPath;

export async function namespacePair(tag: string): Promise<NamespacePair> {
  if (!existsSync('/usr/sbin/nft')) await installDebianPackages(['nftables'], 'The Trusted networks tests need nftables', { noStart: true });
  const id = `${tag}${process.pid % 10000}`;
  const [appliance, clients] = [`oig-${id}-a`, `oig-${id}-c`];
  const subnet = `10.231.${process.pid % 200}`;
  const applianceAddress = `${subnet}.1`;
  const clientAddress = (n: number) => `${subnet}.${n + 1}`;
  const ip = (...args: string[]) => run('ip', args);
  const listeners: Array<ReturnType<typeof spawn>> = [];
  await ip('netns', 'add', appliance);
  await ip('netns', 'add', clients);
  await ip('link', 'add', `va${id}`, 'netns', appliance, 'type', 'veth', 'peer', 'name', `vc${id}`, 'netns', clients);
  await ip('-n', appliance, 'addr', 'add', `${applianceAddress}/24`, 'dev', `va${id}`);
  for (const n of [1, 2, 3]) await ip('-n', clients, 'addr', 'add', `${clientAddress(n)}/24`, 'dev', `vc${id}`);
  for (const [ns, dev] of [[appliance, `va${id}`], [clients, `vc${id}`]] as const) {
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await ip('-n', ns, 'link', 'set', dev, 'up');
  }
  const start = async (program: string, args: readonly string[], ready?: string) => {
    const child = spawn('ip', ['netns', 'exec', appliance, program, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    listeners.push(child);
    if (ready === undefined) return;
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => d.toString().includes(ready) && resolve());
      child.once('exit', (code) => reject(new Error(`${program} in ${appliance} ended (${code})`)));
    });
  };
  return {
    appliance,
    applianceAddress,
    clientAddress,
    nft: (args) => run('ip', ['netns', 'exec', appliance, 'nft', ...args]),
    start: (program, args, ready) => start(program, args, ready),
    listen: (ports) =>
      start(NODE, ['-e', `const net=require('net');let n=0;for(const p of ${JSON.stringify(ports)})net.createServer(s=>s.end()).listen(p,'${applianceAddress}',()=>{if(++n===${ports.length})console.log('ready')});`], 'ready'),
    fromClients: (program, args) => run('ip', ['netns', 'exec', clients, program, ...args]),
    connects: async (from, port) => {
      const script = `const s=require('net').connect({host:'${applianceAddress}',port:${port},localAddress:'${from}'});s.setTimeout(5000,()=>{console.log('timeout');process.exit()});s.on('connect',()=>{console.log('open');s.destroy()});s.on('error',e=>console.log(e.code==='ECONNREFUSED'?'refused':e.code));`;
      const said = (await run('ip', ['netns', 'exec', clients, NODE, '-e', script])).trim();
      if (said !== 'open' && said !== 'refused') throw new Error(`connecting from ${from} to port ${port}: ${said}`);
      return said;
    },
    close: async () => {
      for (const child of listeners) child.kill();
      await ip('netns', 'delete', appliance).catch(() => undefined);
      await ip('netns', 'delete', clients).catch(() => undefined);
    },
  };
}
