import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyNtp } from '../src/firstboot/system-settings';
import { writeSystemFile } from '../src/system/system-file';

/**
 * The helper's unit runs with UMask=0077. Files that networkd or timesyncd read (as their own
 * users) must still come out 0644: found in QEMU, where a 0600 static .network file made
 * networkd fall back to DHCP and the Networks panel's change never came up.
 */
let dir: string;
let umaskBefore: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-system-file-'));
  umaskBefore = process.umask(0o077);
});

afterAll(async () => {
  process.umask(umaskBefore);
  await rm(dir, { recursive: true, force: true });
});

describe('files for other system services, under the helper umask', () => {
  it('are written whole with mode 0644 (or the mode asked), replacing what was there', async () => {
    const file = path.join(dir, 'etc/systemd/network/10-openoig-static.network');
    await writeSystemFile(file, 'old\n');
    await writeSystemFile(file, '[Match]\nName=ens3\n');
    expect(await readFile(file, 'utf8')).toBe('[Match]\nName=ens3\n');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    await writeSystemFile(path.join(dir, 'secret'), 'x', 0o640);
    expect((await stat(path.join(dir, 'secret'))).mode & 0o777).toBe(0o640);
  });

  it('the NTP drop-in timesyncd reads is world-readable', async () => {
    await applyNtp({ root: dir }, ['ntp.lab.test']);
    const dropIn = path.join(dir, 'etc/systemd/timesyncd.conf.d');
    const [name] = readdirSync(dropIn);
    expect((await stat(path.join(dropIn, name!))).mode & 0o777).toBe(0o644);
  });
});
