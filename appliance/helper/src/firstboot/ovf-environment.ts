import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { run } from '../run';

/**
 * The OVF environment (DMTF DSP0243, "OVF environment"): the properties the deployer filled in,
 * handed to the guest as an `ovf-env.xml` document. vSphere passes it through VMware Tools
 * (`guestinfo.ovfEnv`, the com.vmware.guestInfo transport); other hypervisors, and plain QEMU,
 * attach it as a CD (the iso transport). Both are read; the first found wins.
 */
const OVF_ENV_NS = 'http://schemas.dmtf.org/ovf/environment/1';
/** Far beyond any real environment (a few KiB), small enough that a hostile one costs nothing. */
const MAX_DOCUMENT_BYTES = 256 * 1024;
const MAX_DEPTH = 16;
const MAX_ELEMENTS = 2000;

export class OvfEnvironmentError extends Error {}

/** The properties of an ovf-env.xml document, by key. DOCTYPE and entities are refused. */
export function parseOvfEnvironment(xml: string): Map<string, string> {
  if (Buffer.byteLength(xml) > MAX_DOCUMENT_BYTES) throw new OvfEnvironmentError(`the OVF environment is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  const parser = new SaxesParser({ xmlns: true });
  const properties = new Map<string, string>();
  let depth = 0;
  let elements = 0;
  let rootSeen = false;
  parser.on('doctype', () => {
    throw new OvfEnvironmentError('the OVF environment has a DOCTYPE, which is not accepted');
  });
  parser.on('opentag', (tag) => {
    depth += 1;
    elements += 1;
    if (depth > MAX_DEPTH || elements > MAX_ELEMENTS) throw new OvfEnvironmentError('the OVF environment is nested too deeply or has too many elements');
    if (depth === 1) {
      if (tag.local !== 'Environment' || tag.uri !== OVF_ENV_NS) throw new OvfEnvironmentError(`the document is not an OVF environment (root element ${tag.name})`);
      rootSeen = true;
    }
    if (tag.local !== 'Property' || tag.uri !== OVF_ENV_NS) return;
    // The schema qualifies key and value (oe:key, oe:value); unqualified ones are read too.
    const attr = (local: string) => Object.values(tag.attributes).find((a) => a.local === local && (a.uri === OVF_ENV_NS || a.uri === ''))?.value;
    const key = attr('key');
    if (key) properties.set(key, attr('value') ?? '');
  });
  parser.on('closetag', () => {
    depth -= 1;
  });
  parser.on('error', (err) => {
    throw new OvfEnvironmentError(`the OVF environment is not well-formed XML: ${err.message}`);
  });
  parser.write(xml).close();
  if (!rootSeen) throw new OvfEnvironmentError('the OVF environment is empty');
  return properties;
}

export interface OvfEnvironment {
  readonly source: string;
  readonly properties: Map<string, string>;
}

/** Through VMware Tools, only under VMware (elsewhere the backdoor call would fault). */
async function fromGuestInfo(): Promise<string | null> {
  const virt = await run('systemd-detect-virt', ['--vm']).catch(() => 'none');
  if (virt.trim() !== 'vmware') return null;
  const xml = await run('vmware-rpctool', ['info-get guestinfo.ovfEnv']).catch(() => '');
  return xml.trim() === '' ? null : xml;
}

/** From every CD that carries an ovf-env.xml at its root, mounted read-only for the moment it is read. */
async function fromCdrom(): Promise<{ device: string; xml: string } | null> {
  const devices = (await run('blkid', ['-t', 'TYPE=iso9660', '-o', 'device']).catch(() => ''))
    .split('\n')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  for (const device of devices) {
    const mnt = await mkdtemp(path.join(os.tmpdir(), 'openoig-ovf-'));
    try {
      await run('mount', ['-t', 'iso9660', '-o', 'ro,nodev,nosuid,noexec', device, mnt]);
      try {
        // Plain ISO 9660 names appear lower-cased by Linux; Joliet/Rock Ridge keep the case.
        const name = (await readdir(mnt)).find((f) => f.toLowerCase() === 'ovf-env.xml');
        if (name) return { device, xml: await readFile(path.join(mnt, name), 'utf8') };
      } finally {
        await run('umount', [mnt]).catch(() => undefined);
      }
    } catch {
      // A CD that does not mount is not the OVF transport's.
    } finally {
      await rm(mnt, { recursive: true, force: true });
    }
  }
  return null;
}

/**
 * The deployer's OVF environment, or null when the appliance was deployed without one. Last
 * comes `localFile`, an ovf-env.xml placed on the disk (by the image build's self-check, an
 * installer's answer file): the hypervisor's word goes first.
 */
export async function readOvfEnvironment(localFile: string): Promise<OvfEnvironment | null> {
  const guestInfo = await fromGuestInfo();
  if (guestInfo) return { source: 'VMware guestinfo.ovfEnv', properties: parseOvfEnvironment(guestInfo) };
  const cd = await fromCdrom();
  if (cd) return { source: `ovf-env.xml on ${cd.device}`, properties: parseOvfEnvironment(cd.xml) };
  const local = await readFile(localFile, 'utf8').catch(() => null);
  if (local !== null) return { source: localFile, properties: parseOvfEnvironment(local) };
  return null;
}
