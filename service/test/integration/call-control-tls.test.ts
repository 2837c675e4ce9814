import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCertificateAuthority, issueCertificate } from '@openoig/lab/mcs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcSession, describeEvent } from '../support/cc-client';
import { ICP1, startCcEnv, type CcEnv } from '../support/cc-env';

/**
 * The controller link over TLS end to end (docs/pbx-link-protocol.md, "Transport and
 * framing"): the lab controllers present certificates for their IP addresses from a CA the
 * gateway is configured with (OIG_PBX_CA_FILE), and a call is monitored through them.
 */
let env: CcEnv;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-link-tls-'));
  const ca = createCertificateAuthority('OpenOIG Lab controller CA');
  const server = issueCertificate(ca, { subject: { commonName: 'lab-mivb' }, serverNames: { dns: [], ip: ['127.1.0.1', '127.1.0.2'] } });
  const caFile = path.join(dir, 'controllers-ca.pem');
  await writeFile(caFile, ca.certPem);
  env = await startCcEnv({ lab: { tls: { cert: server.certPem, key: server.keyPem } }, pbx: { caFile } });
});

afterAll(async () => {
  await env?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('controller link over TLS', () => {
  it('links to the lab controllers over verified TLS and reports a call', async () => {
    const app = await CcSession.open(env.url);
    const icp = await app.icpId(ICP1);
    const phone = await app.monitor(icp, '1001');
    await app.until((e) => describeEvent(e) === `${phone} MONITOR_SET/MONITOR_SET/IDLE`);
    env.lab.dial('1000', '1001');
    const events = await app.until((e) => e.callEvent?.callState === 'RECEIVED');
    expect(describeEvent(events.at(-1) ?? {})).toBe(`${phone} CALL_DELIVERED/NEW_CALL/RECEIVED`);
    env.lab.hangUp('1000');
    await app.logout();
  });
});
