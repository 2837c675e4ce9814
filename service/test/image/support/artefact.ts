import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';

/** The built OVA taken apart: its files, its manifest checked, its OVF read. */
const run = promisify(execFile);
const OVF_NS = 'http://schemas.dmtf.org/ovf/envelope/1';

export interface OvaContents {
  readonly dir: string;
  readonly members: string[];
  readonly ovf: { file: string; diskHref: string; osId: string; version: string; cpus: string; memoryMb: string };
  readonly vmdk: string;
  readonly manifestProblems: string[];
}

export async function unpackOva(ova: string, into: string): Promise<OvaContents> {
  await mkdir(into, { recursive: true });
  const { stdout } = await run('tar', ['-tf', ova]);
  const members = stdout.trim().split('\n');
  await run('tar', ['-xf', ova, '-C', into]);
  const mf = members.find((m) => m.endsWith('.mf')) as string;
  const manifestProblems: string[] = [];
  for (const line of (await readFile(path.join(into, mf), 'utf8')).trim().split('\n')) {
    const match = /^(SHA256|SHA1)\((.+)\)= ([0-9a-f]+)$/.exec(line);
    if (!match) {
      manifestProblems.push(`unreadable manifest line: ${line}`);
      continue;
    }
    const [, algorithm, file, digest] = match as unknown as [string, string, string, string];
    const actual = createHash(algorithm.toLowerCase()).update(await readFile(path.join(into, file))).digest('hex');
    if (actual !== digest) manifestProblems.push(`${file}: manifest says ${digest}, file is ${actual}`);
  }
  const ovfFile = members.find((m) => m.endsWith('.ovf')) as string;
  const doc = new DOMParser().parseFromString(await readFile(path.join(into, ovfFile), 'utf8'), 'text/xml');
  const first = (local: string) => doc.getElementsByTagNameNS(OVF_NS, local)[0];
  const items = Array.from(doc.getElementsByTagName('Item'));
  const quantity = (type: string) =>
    items.find((i) => i.getElementsByTagName('rasd:ResourceType')[0]?.textContent === type)?.getElementsByTagName('rasd:VirtualQuantity')[0]?.textContent ?? '';
  return {
    dir: into,
    members,
    ovf: {
      file: ovfFile,
      diskHref: first('File')?.getAttributeNS(OVF_NS, 'href') ?? '',
      osId: first('OperatingSystemSection')?.getAttributeNS(OVF_NS, 'id') ?? '',
      version: first('Version')?.textContent ?? '',
      cpus: quantity('3'),
      memoryMb: quantity('4'),
    },
    vmdk: path.join(into, members.find((m) => m.endsWith('.vmdk')) as string),
    manifestProblems,
  };
}

/**
 * A raw copy of the OVA's disk with the test's SSH key for root: the one change the test makes,
 * because a deployed appliance has no account the test could otherwise use. The root file
 * system starts at 1 MiB (scripts/build-base-disk.sh), so a loop mount at that offset reaches
 * it without partition scanning.
 */
export async function diskWithTestKey(vmdk: string, workDir: string): Promise<{ disk: string; key: string }> {
  const disk = path.join(workDir, 'appliance.raw');
  await run('qemu-img', ['convert', '-O', 'raw', vmdk, disk]);
  const key = path.join(workDir, 'test-key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'openoig-image-test', '-f', key]);
  const mnt = await mkdtemp(path.join(workDir, 'mnt-'));
  await run('mount', ['-o', 'loop,offset=1048576', disk, mnt]);
  try {
    const sshDir = path.join(mnt, 'root/.ssh');
    await mkdir(sshDir, { recursive: true });
    await chmod(sshDir, 0o700);
    await writeFile(path.join(sshDir, 'authorized_keys'), await readFile(`${key}.pub`), { mode: 0o600 });
  } finally {
    await run('umount', [mnt]);
  }
  return { disk, key };
}

export async function findOva(distDir: string, arch: string): Promise<string> {
  const ovas = (await readdir(distDir)).filter((f) => f.endsWith(`-${arch}.ova`)).sort();
  const ova = ovas.pop();
  if (!ova) throw new Error(`no *-${arch}.ova in ${distDir}: run npm run image first`);
  return path.join(distDir, ova);
}
