import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MCS_FIXTURE, LAB_APP_WITHOUT_LOCAL_PASSWORD, LAB_COMPANY, issueCertificate, startLabMcs, writeLabCredentials, type LabCredentialFiles, type LabMcs } from '@openoig/lab/mcs';
import { startLabAmc, type LabAmc } from '@openoig/lab/amc';
import { startGateway, type Gateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createTestDatabase } from './database';

/** A gateway on its own database and port, with a lab certificate server and the lab fixture. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly mcs: LabMcs;
  readonly amc: LabAmc;
  readonly files: LabCredentialFiles;
  readonly url: string;
  readonly databaseUrl: string;
  readonly dir: string;
  close(): Promise<void>;
}

export const LAB = {
  company: LAB_COMPANY,
  standard: { applicationName: 'LabStandard', applicationPassword: 'lab-standard-secret' },
  advanced: { applicationName: 'LabAdvanced', applicationPassword: 'lab-advanced-secret' },
  localPassword: 'lab-local',
  adminPassword: 'admin',
  /** The lab AMC's OIG virtual ARID: 100 Standard and 50 Advanced call-control users, integrations. */
  arid: 'ARID-LAB-0001',
} as const;

export async function startTestGateway(
  options: {
    config?: Record<string, unknown>;
    databaseUrl?: string;
    mcs?: LabMcs;
    logDestination?: NodeJS.WritableStream;
    /** Also listen with TLS, on a certificate for 127.0.0.1 from the lab CA. */
    tls?: boolean;
    /** Configure no certificate server at all (the lab MCS still runs, unused). */
    withoutMcs?: boolean;
    /** The ARID activated at start (default the lab's OIG virtual ARID-LAB-0001; null: stay unlicensed). */
    arid?: string | null;
    /** A lab licensing server to use (and keep running on close), e.g. across a restart or with its own fixture. */
    amc?: LabAmc;
  } = {},
): Promise<TestGateway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-test-'));
  const mcs = options.mcs ?? (await startLabMcs({ fixture: DEFAULT_MCS_FIXTURE }));
  const files = await writeLabCredentials(mcs, dir, LAB_COMPANY, LAB.advanced.applicationName);
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const amc = options.amc ?? (await startLabAmc());
  const amcCaFile = path.join(dir, 'amc-ca.pem');
  await writeFile(amcCaFile, amc.ca.certPem);
  let tls: { port: number; certFile: string; keyFile: string } | undefined;
  if (options.tls) {
    const server = issueCertificate(mcs.ca, { subject: { commonName: '127.0.0.1' }, serverNames: { dns: ['localhost'], ip: ['127.0.0.1'] } });
    tls = { port: 0, certFile: path.join(dir, 'gateway.crt.pem'), keyFile: path.join(dir, 'gateway.key.pem') };
    await writeFile(tls.certFile, server.certPem);
    await writeFile(tls.keyFile, server.keyPem, { mode: 0o600 });
  }
  const config = loadConfig(
    {},
    {
      http: { port: 0 },
      dataDir: dir,
      database: { url: databaseUrl },
      ...(options.withoutMcs ? {} : { mcs: { url: mcs.url, caFile: files.caFile } }),
      licensing: { amcUrl: amc.url, amcCaFile, platform: 'virtual' },
      ...(tls ? { tls } : {}),
      logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...options.config,
      // Merged, so a test can add admin settings (e.g. uiDir) and keep the lab password.
      admin: { password: LAB.adminPassword, ...(options.config?.admin as Record<string, unknown> | undefined) },
    },
  );
  const gateway = await startGateway(config, createLogger(config.logLevel as 'silent', options.logDestination));
  const arid = options.arid === undefined ? LAB.arid : options.arid;
  if (arid && gateway.licensing.activation.status().arid === null) await gateway.licensing.activation.activate(arid);
  // Accounts need their application in the ACL; a test with a failing MCS creates them itself.
  for (const app of gateway.acl.isLoaded() ? DEFAULT_MCS_FIXTURE.applications.filter((a) => a.applicationName !== LAB_APP_WITHOUT_LOCAL_PASSWORD) : []) {
    const exists = (await gateway.accounts.list()).some((a) => a.applicationName === app.applicationName && a.companyName === app.companyName);
    if (!exists) await gateway.accounts.create(app.companyName, app.applicationName, LAB.localPassword);
  }
  return {
    gateway,
    mcs,
    amc,
    files,
    url: gateway.url,
    databaseUrl,
    dir,
    async close() {
      await gateway.close();
      if (!options.mcs) await mcs.stop();
      if (!options.amc) await amc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
