import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabAmc, type LabAmc } from '@openoig/lab/amc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../support/admin-client';
import { createTestDatabase } from '../support/database';
import { startTestGateway } from '../support/gateway';

/**
 * `openoig-gateway first-boot` (issue #13; installation guide, deploying the OVA: the ARID and
 * the MiVoice Business given at first boot), run as first boot runs it, before the gateway
 * first starts: one JSON request on stdin, the database migrated, the ARID activated against
 * the lab licensing server, the controller recorded as a network element; a refusal is
 * reported with its reason and the other task still done.
 */
const SERVICE_DIR = fileURLToPath(new URL('../..', import.meta.url));
let amc: LabAmc;
let dir: string;
let amcCaFile: string;

beforeAll(async () => {
  amc = await startLabAmc();
  dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-first-boot-'));
  amcCaFile = path.join(dir, 'amc-ca.pem');
  await writeFile(amcCaFile, amc.ca.certPem);
});
afterAll(async () => {
  await amc?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cleanEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter(([name, v]) => v !== undefined && !/^(OIG_|DATABASE_URL$|PORT$|HOST$|NOTIFY_SOCKET$)/.test(name))) as Record<string, string>;

async function firstBoot(databaseUrl: string, input: string, platform = 'virtual'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'first-boot'], {
    cwd: SERVICE_DIR,
    env: { ...cleanEnv(), DATABASE_URL: databaseUrl, OIG_ADMIN_PASSWORD: 'admin', OIG_AMC_URL: amc.url, OIG_AMC_CA_FILE: amcCaFile, OIG_PLATFORM: platform, OIG_HARDWARE_ID: 'lab-server-0001', LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('openoig-gateway first-boot', () => {
  it('on a new database: migrates, activates the virtual ARID, records the MiVoice Business; the gateway then starts licensed with it', async () => {
    const databaseUrl = await createTestDatabase();
    const run = await firstBoot(databaseUrl, JSON.stringify({ arid: 'ARID-LAB-0001', mivb: { address: '10.0.2.50' } }));
    expect(run.code, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout);
    expect(outcome).toEqual({
      licence: { ok: true, state: 'active', arid: 'ARID-LAB-0001', guid: expect.any(String), alreadyActive: false },
      mivb: { ok: true, id: expect.any(String), address: '10.0.2.50' },
    });
    expect(amc.activations().find((a) => a.arid === 'ARID-LAB-0001')).toBeDefined();

    // The same request again (a first boot interrupted after this step, or a restored backup with this ARID): nothing changes.
    const again = JSON.parse((await firstBoot(databaseUrl, JSON.stringify({ arid: 'ARID-LAB-0001', mivb: { address: '10.0.2.50' } }))).stdout);
    expect(again).toEqual({ licence: { ...outcome.licence, alreadyActive: true }, mivb: outcome.mivb });

    const gw = await startTestGateway({ databaseUrl, amc, arid: null });
    try {
      const admin = await AdminClient.login(gw.url);
      expect((await admin.call('GET', '/licence')).json.licence).toMatchObject({ state: 'active', arid: 'ARID-LAB-0001', binding: { guid: outcome.licence.guid } });
      const elements = (await admin.call('GET', '/network-elements')).json as Array<{ address: string; type: string }>;
      expect(elements.filter((e) => e.address === '10.0.2.50')).toEqual([expect.objectContaining({ type: 'MI_VB' })]);
    } finally {
      await gw.close();
      amc.clearBinding('ARID-LAB-0001');
    }
  });

  it('reports a refused ARID with its reason (a physical ARID on the virtual appliance) and still records the MiVoice Business', async () => {
    const run = await firstBoot(await createTestDatabase(), JSON.stringify({ arid: 'ARID-LAB-0002', mivb: { address: '10.0.2.51' } }));
    expect(run.code, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout);
    expect(outcome.licence).toMatchObject({ ok: false, code: expect.stringMatching(/^OIG_LICENCE_/), message: expect.stringMatching(/physical/i) });
    expect(outcome.mivb).toMatchObject({ ok: true, address: '10.0.2.51' });
  });

  it('reports a controller address that is not an IP address, and refuses a request that is not the expected JSON (exit 78)', async () => {
    const databaseUrl = await createTestDatabase();
    const badAddress = JSON.parse((await firstBoot(databaseUrl, JSON.stringify({ mivb: { address: 'mivb.example.com' } }))).stdout);
    expect(badAddress).toEqual({ mivb: { ok: false, code: 'OIG_CC_INVALID_ARGUMENT', message: expect.stringMatching(/not an IP address/) } });
    const notJson = await firstBoot(databaseUrl, 'arid=ARID-LAB-0001');
    expect([notJson.code, notJson.stderr]).toEqual([78, expect.stringContaining('first-boot expects one JSON object on stdin')]);
    const unknownField = await firstBoot(databaseUrl, JSON.stringify({ arid: 'ARID-LAB-0001', password: 'x' }));
    expect([unknownField.code, unknownField.stderr]).toEqual([78, expect.stringContaining('first-boot request')]);
  });
});
