import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHelperConfig } from '../src/config';
import { HelperService } from '../src/helper-service';
import { offlineGateway } from '../src/gateway-control';
import { createHelperServer } from '../src/server';

/**
 * The helper's socket protocol at its edge: what it refuses before anything runs (issue #12,
 * "a narrow, validated command set"). No database is needed for any of these.
 */
let dir: string;
let socketPath: string;
let server: net.Server;
const logged: object[] = [];

/** Sends raw bytes as a client would, and reads every frame until the helper closes. */
function exchange(...parts: Array<string | Buffer>): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(text.split('\n').filter(Boolean).map((l) => JSON.parse(l))));
    socket.on('connect', () => {
      for (const part of parts) socket.write(part);
      socket.end();
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-helper-socket-'));
  socketPath = path.join(dir, 'helper.sock');
  const config = loadHelperConfig({ OIG_HELPER_STATE_DIR: path.join(dir, 'state'), OIG_HELPER_ETC_DIR: path.join(dir, 'etc') }, '0.1.0');
  const log = { info: (o: object) => logged.push(o), error: (o: object) => logged.push(o) };
  server = createHelperServer(new HelperService(config, offlineGateway, log), config, log);
  await new Promise<void>((r) => server.listen(socketPath, r));
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the helper socket', () => {
  it('refuses what is not JSON, an unknown command, unknown fields and a wrong protocol version', async () => {
    for (const line of ['not json', '{"version":1,"command":"shell.run","cmd":"id"}', '{"version":1,"command":"backup.list","extra":1}', '{"version":2,"command":"backup.list"}']) {
      const [frame] = await exchange(`${line}\n`);
      expect(frame, line).toMatchObject({ type: 'error', code: 'OIG_HELPER_BAD_REQUEST' });
    }
  });

  it('refuses a backup name that is a path, before touching the file system', async () => {
    for (const name of ['../../etc/shadow', '/etc/shadow', 'openoig-backup-x-0.1.0-20260101T000000Z.tar.gz/../../x']) {
      const [frame] = await exchange(`${JSON.stringify({ version: 1, command: 'backup.read', name })}\n`);
      expect(frame, name).toMatchObject({ type: 'error', code: 'OIG_HELPER_BAD_REQUEST' });
    }
  });

  it('refuses a request line longer than 64 KiB, and a connection that ends before a whole line', async () => {
    expect((await exchange('x'.repeat(70 * 1024)))[0]).toMatchObject({ type: 'error', code: 'OIG_HELPER_BAD_REQUEST', message: expect.stringContaining('longer than') });
    expect((await exchange('{"version":1'))[0]).toMatchObject({ type: 'error', code: 'OIG_HELPER_BAD_REQUEST', message: expect.stringContaining('ended before') });
  });

  it('refuses an upload cut short, and one longer than it announced', async () => {
    const header = (size: number) => `${JSON.stringify({ version: 1, command: 'restore.upload', size })}\n`;
    const short = await exchange(header(1000), Buffer.alloc(10));
    expect(short.at(-1)).toMatchObject({ type: 'error', code: 'OIG_BACKUP_CORRUPT', message: 'The upload was cut short: 10 of 1000 bytes arrived.' });
    const long = await exchange(header(10), Buffer.alloc(1000));
    expect(long.at(-1)).toMatchObject({ type: 'error', code: 'OIG_HELPER_BAD_REQUEST', message: expect.stringContaining('longer than the 10 bytes') });
  });

  it('answers an empty list and an unknown job in its own words, and logs each request without a passphrase', async () => {
    expect(await exchange('{"version":1,"command":"backup.list"}\n')).toEqual([{ type: 'result', value: [] }]);
    expect((await exchange('{"version":1,"command":"job.status","jobId":"00000000-0000-4000-8000-000000000000"}\n'))[0]).toMatchObject({ type: 'error', code: 'OIG_HELPER_JOB_NOT_FOUND' });
    await exchange(`${JSON.stringify({ version: 1, command: 'restore.upload', size: 5, passphrase: 'never-in-a-log' })}\n`, 'abcde');
    expect(logged).toContainEqual({ command: 'restore.upload' });
    expect(JSON.stringify(logged)).not.toContain('never-in-a-log');
  });
});
