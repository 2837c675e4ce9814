import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file other system services read (networkd's .network files, timesyncd's drop-in,
 * /etc/hostname), whole or not at all: a sibling `.new` renamed over it. The mode is set with
 * chmod because writeFile's mode goes through the umask, and the helper's unit runs with
 * UMask=0077: a 0600 .network file is one systemd-networkd (user systemd-network) cannot read,
 * so it silently falls back to DHCP.
 */
export async function writeSystemFile(file: string, content: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const next = `${file}.new`;
  await writeFile(next, content);
  await chmod(next, mode);
  await rename(next, file);
}
