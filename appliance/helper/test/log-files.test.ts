import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_LINE_MAX_CHARS, LogFiles } from '../src/system/log-files';
import { makeLogFixtures } from './support/test-appliance';

/**
 * View log files' reading, below the socket: files read backwards in chunks (lines across chunk
 * boundaries, a last line without its newline), journalctl asked the way the appliance asks it
 * (a stand-in over fixture files records the arguments), the filter, and downloads cut at a line.
 */
const quiet = { info: () => {}, error: () => {} };
let scratch: string;
let fixtures: Awaited<ReturnType<typeof makeLogFixtures>>;
let logs: LogFiles;

const numbered = (from: number, to: number, width = 0) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i} ${'x'.repeat(width)}`.trimEnd());

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'openoig-log-files-'));
  fixtures = await makeLogFixtures(scratch);
  logs = new LogFiles(fixtures.config, quiet);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the newest lines of a file', () => {
  it('are the last N of a file of many chunks, in order, whole across chunk boundaries', async () => {
    // About 1.3 MiB: twenty-odd 64-KiB chunks, lines of uneven length.
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i + 1} ${'y'.repeat(i % 97)}`);
    await writeFile(path.join(fixtures.nginxLogDir, 'access.log'), `${lines.join('\n')}\n`);
    const answer = await logs.latest('nginx-access', undefined, 500);
    expect(answer.lines).toEqual(lines.slice(-500));
    expect(answer).toMatchObject({ source: 'nginx-access', filter: null, complete: false });
  });

  it('are every line of a short file (complete), the last one also without its newline', async () => {
    await writeFile(path.join(fixtures.nginxLogDir, 'error.log'), 'first\n\nthird');
    expect(await logs.latest('nginx-error', undefined, 500)).toEqual({ source: 'nginx-error', filter: null, lines: ['first', '', 'third'], complete: true });
  });

  it('filter case-insensitively through the whole file, not only the newest lines', async () => {
    const lines = numbered(1, 30_000);
    lines[4] = 'GET /Admin/ from the first request';
    lines[29_990] = 'get /ADMIN/ again';
    await writeFile(path.join(fixtures.nginxLogDir, 'access.log'), `${lines.join('\n')}\n`);
    const answer = await logs.latest('nginx-access', '/admin/', 500);
    expect(answer).toEqual({ source: 'nginx-access', filter: '/admin/', lines: [lines[4], lines[29_990]], complete: true });
  });

  it('cuts a very long line in the view', async () => {
    await writeFile(path.join(fixtures.nginxLogDir, 'error.log'), `short\n${'z'.repeat(10_000)}\n`);
    const [, long] = (await logs.latest('nginx-error', undefined, 10)).lines;
    expect(long).toBe(`${'z'.repeat(LOG_LINE_MAX_CHARS)} …`);
  });

  it('are none when nginx has not written the file yet', async () => {
    await rm(path.join(fixtures.nginxLogDir, 'error.log'));
    expect(await logs.latest('nginx-error', undefined, 500)).toEqual({ source: 'nginx-error', filter: null, lines: [], complete: true });
  });
});

describe('the newest lines of a journal unit', () => {
  it('are asked of journalctl as -u UNIT -o short-iso --no-pager, newest first and only as many as shown (one more, to know if there are others)', async () => {
    await writeFile(path.join(fixtures.journalDir, 'openoig-helper.service.log'), `${numbered(1, 800).join('\n')}\n`);
    const answer = await logs.latest('helper', undefined, 500);
    expect(answer.lines).toEqual(numbered(301, 800));
    expect(answer.complete).toBe(false);
    expect((await fixtures.journalCalls()).at(-1)).toBe('-u openoig-helper.service -o short-iso --no-pager --quiet -r -n 501');
  });

  it('with a filter, are looked for through the whole unit, newest first', async () => {
    expect((await logs.latest('helper', 'LINE 7', 3)).lines).toEqual(['line 797', 'line 798', 'line 799']);
    expect((await logs.latest('helper', 'line 77', 500)).lines).toEqual(['line 77', ...numbered(770, 779)]);
    expect((await fixtures.journalCalls()).at(-1)).toBe('-u openoig-helper.service -o short-iso --no-pager --quiet -r');
  });

  it('of the first boot and gateway units come from those units', async () => {
    await writeFile(path.join(fixtures.journalDir, 'openoig-firstboot.service.log'), 'first boot done\n');
    expect((await logs.latest('firstboot', undefined, 500)).lines).toEqual(['first boot done']);
    expect((await logs.latest('gateway', undefined, 500)).lines).toEqual([]);
    expect((await fixtures.journalCalls()).at(-1)).toMatch(/^-u openoig-gateway\.service /);
  });

  it('journalctl failing, or missing, is OIG_LOG_UNREADABLE with its reason', async () => {
    const failing = path.join(scratch, 'failing-journalctl.sh');
    await writeFile(failing, '#!/bin/sh\necho "Failed to open journal: Permission denied" >&2\nexit 1\n');
    await chmod(failing, 0o755);
    const broken = new LogFiles({ ...fixtures.config, journalCommand: [failing] }, quiet);
    await expect(broken.latest('gateway', undefined, 500)).rejects.toMatchObject({ code: 'OIG_LOG_UNREADABLE', message: /Permission denied/ });
    await expect(broken.download('gateway', undefined)).rejects.toMatchObject({ code: 'OIG_LOG_UNREADABLE', message: /Permission denied/ });
    const missing = new LogFiles({ ...fixtures.config, journalCommand: [path.join(scratch, 'no-such-journalctl')] }, quiet);
    await expect(missing.latest('gateway', undefined, 500)).rejects.toMatchObject({ code: 'OIG_LOG_UNREADABLE' });
  });
});

describe('a download', () => {
  const MIB = 1024 * 1024;
  // About 3 MiB of 100-byte lines.
  const big = numbered(1, 32_000, 88);

  it('of a file is the whole file, or its last N MiB from a line start', async () => {
    const content = `${big.join('\n')}\n`;
    await writeFile(path.join(fixtures.nginxLogDir, 'access.log'), content);
    const whole = await logs.download('nginx-access', undefined);
    expect(whole.info).toMatchObject({ source: 'nginx-access', lastMiB: null, fileName: expect.stringMatching(/^openoig-nginx-access-\d{8}T\d{6}Z\.log$/) });
    expect(await text(whole.bytes)).toBe(content);
    const tail = await text((await logs.download('nginx-access', 1)).bytes);
    expect(content.endsWith(tail)).toBe(true);
    expect(tail.length).toBeLessThanOrEqual(MIB);
    expect(tail.length).toBeGreaterThan(MIB - 200);
    expect(tail.startsWith('line ')).toBe(true);
    expect(content[content.length - tail.length - 1]).toBe('\n');
  });

  it('of a journal unit is the whole unit, or as many newest lines as make the last N MiB', async () => {
    const content = `${big.join('\n')}\n`;
    await writeFile(path.join(fixtures.journalDir, 'openoig-gateway.service.log'), content);
    expect(await text((await logs.download('gateway', undefined)).bytes)).toBe(content);
    expect((await fixtures.journalCalls()).at(-1)).toBe('-u openoig-gateway.service -o short-iso --no-pager --quiet');
    const tail = await text((await logs.download('gateway', 2)).bytes);
    const lines = tail.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(big.at(-1));
    expect(lines[0]).toBe(big[big.length - lines.length]);
    expect(tail.length).toBeGreaterThanOrEqual(2 * MIB);
    expect(tail.length).toBeLessThan(2 * MIB + 200);
  });
});
