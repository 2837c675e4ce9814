import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, chmod, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';

/** The built OVA taken apart: its files, its manifest checked, its OVF read. */
const run = promisify(execFile);
const OVF_NS = 'http://schemas.dmtf.org/ovf/envelope/1';

export interface OvaContents {
  readonly dir: string;
  readonly members: string[];
  readonly ovf: { file: string; diskHref: string; osId: string; version: string; cpus: string; memoryMb: string; properties: string[] };
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
      properties: Array.from(doc.getElementsByTagNameNS(OVF_NS, 'Property')).map((p) => p.getAttributeNS(OVF_NS, 'key') ?? ''),
    },
    vmdk: path.join(into, members.find((m) => m.endsWith('.vmdk')) as string),
    manifestProblems,
  };
}

/** A file the test puts on the disk before the first boot: the lab's place of Mitel's servers. */
export interface DiskFile {
  readonly path: string;
  readonly content: string;
  readonly mode?: number;
  /** Added to the end of the image's file (gateway.env) instead of replacing it. */
  readonly append?: boolean;
}

/**
 * A raw copy of the OVA's disk with the test's SSH key for root, because a deployed appliance
 * has no account the test could otherwise use, and `files` (the lab certificate and licensing
 * servers' addresses and CAs, which a real appliance knows as Mitel's). The root file system
 * starts at 1 MiB (scripts/build-base-disk.sh), so a loop mount at that offset reaches it
 * without partition scanning.
 */
export async function diskWithTestKey(vmdk: string, workDir: string, files: readonly DiskFile[] = []): Promise<{ disk: string; key: string }> {
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
    for (const file of files) {
      if (file.append) await appendFile(path.join(mnt, file.path), file.content);
      else await writeFile(path.join(mnt, file.path), file.content, { mode: file.mode ?? 0o644 });
    }
  } finally {
    await run('umount', [mnt]);
  }
  return { disk, key };
}

/**
 * An OVF environment document on an ISO (DSP0243's iso transport: `ovf-env.xml` at the root of
 * a CD), as a hypervisor without VMware Tools hands the deployer's properties to the guest.
 */
export async function ovfEnvironmentIso(workDir: string, name: string, properties: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(workDir, `${name}-`));
  const escape = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const items = Object.entries(properties).map(([k, v]) => `    <Property oe:key="${escape(k)}" oe:value="${escape(v)}"/>`);
  await writeFile(
    path.join(dir, 'ovf-env.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" oe:id="">\n  <PlatformSection><Kind>QEMU</Kind><Locale>en</Locale></PlatformSection>\n  <PropertySection>\n${items.join('\n')}\n  </PropertySection>\n</Environment>\n`,
  );
  const iso = path.join(workDir, `${name}.iso`);
  await run('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'OVF_ENV', '-J', '-R', '-o', iso, dir]);
  return iso;
}

export async function findOva(distDir: string, arch: string): Promise<string> {
  const ovas = (await readdir(distDir)).filter((f) => f.endsWith(`-${arch}.ova`)).sort();
  const ova = ovas.pop();
  if (!ova) throw new Error(`no *-${arch}.ova in ${distDir}: run npm run image first`);
  return path.join(distDir, ova);
}
