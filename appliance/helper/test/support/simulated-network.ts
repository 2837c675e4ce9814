import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { STATIC_NETWORK_FILE, type NetworkSystem } from '../../src/firstboot/network';

/**
 * The machine's network as the Networks panel's tests see it: networkd's files in a scratch root,
 * and `ip`/`networkctl` answered from them, so a test can change "the appliance's" address
 * without touching the machine it runs on (the image test changes a real one, in QEMU). A
 * gateway answers when it is in `answering`.
 */
export interface SimulatedNetwork extends NetworkSystem {
  readonly dhcpAddress: string;
  readonly answering: Set<string>;
  readonly commands: string[];
}

export function simulatedNetwork(root: string, dhcp = { address: '10.20.0.15', prefix: 24, gateway: '10.20.0.1' }): SimulatedNetwork {
  let up = { address: dhcp.address, prefix: dhcp.prefix, gateway: dhcp.gateway };
  const commands: string[] = [];
  const answering = new Set<string>([dhcp.gateway]);
  const reconfigure = async () => {
    const file = await readFile(path.join(root, STATIC_NETWORK_FILE), 'utf8').catch(() => null);
    if (file === null) up = { ...dhcp };
    else {
      const [address, prefix] = (/^Address=(.+)$/m.exec(file)?.[1] ?? '').split('/');
      up = { address: address ?? '', prefix: Number(prefix), gateway: /^Gateway=(.+)$/m.exec(file)?.[1] ?? '' };
    }
  };
  return {
    root,
    dhcpAddress: dhcp.address,
    answering,
    commands,
    upTimeoutMs: 2000,
    gatewayAnswers: async (_nic, gateway) => answering.has(gateway),
    async run(program, args) {
      const line = `${program} ${args.join(' ')}`;
      commands.push(line);
      if (line === 'ip -j link show') return JSON.stringify([{ ifname: 'lo', link_type: 'loopback' }, { ifname: 'ens192', link_type: 'ether' }]);
      if (line === 'ip -j -4 addr show dev ens192') return JSON.stringify([{ addr_info: [{ local: up.address, prefixlen: up.prefix }] }]);
      if (line === 'ip -j -4 route show default dev ens192') return JSON.stringify([{ gateway: up.gateway }]);
      if (line === 'networkctl reload') return '';
      if (line === 'networkctl reconfigure ens192') {
        await reconfigure();
        return '';
      }
      throw new Error(`the simulated network does not know "${line}"`);
    },
  };
}
