import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabAmc } from '@openoig/lab/amc';
import { DEFAULT_MCS_FIXTURE, LAB_APP_WITHOUT_LOCAL_PASSWORD, LAB_COMPANY, startLabMcs, writeLabCredentials } from '@openoig/lab/mcs';
import { DEFAULT_MIVB_FIXTURE, startLabMivb } from '@openoig/lab/mivb';
import type { LevelWithSilent } from 'pino';
import { startGateway } from '../app';
import { loadConfig } from '../config';
import { OigError } from '../errors';
import { createLogger } from '../log';

/**
 * `npm start`: the gateway with its lab (certificate server, MiVoice Business cluster) on an
 * embedded PostgreSQL, the lab fixture present (LabStandard, LabAdvanced, local password
 * lab-local, admin password admin) and the lab controllers configured as network elements.
 * Development only: never part of the blade package.
 */
const REPO_ROOT = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const LAB_LOCAL_PASSWORD = 'lab-local';
const LAB_ARID = 'ARID-LAB-0001';
const SPARE_CONTROLLER = { name: 'ICP-3', address: '127.1.0.3' } as const;

async function run(): Promise<void> {
  const dataDir = path.resolve(process.env.OIG_DATA_DIR ?? path.join(REPO_ROOT, '.openoig'));
  const labDir = path.join(dataDir, 'lab');
  const mcs = await startLabMcs({ stateDir: labDir, fixture: DEFAULT_MCS_FIXTURE });
  const files = await writeLabCredentials(mcs, labDir, LAB_COMPANY, 'LabAdvanced');
  const amc = await startLabAmc({ stateDir: labDir });
  const linkPort = Number(process.env.OIG_PBX_LINK_PORT ?? 7001);
  // ICP-3 is a spare controller of the cluster, not yet a network element: the administrator adds it (admin UI).
  const fixture = { ...DEFAULT_MIVB_FIXTURE, controllers: [...DEFAULT_MIVB_FIXTURE.controllers, { name: SPARE_CONTROLLER.name, address: SPARE_CONTROLLER.address }] };
  const mivb = await startLabMivb({ fixture, linkPort, controlPort: Number(process.env.OIG_LAB_MIVB_CONTROL_PORT ?? 7100) });
  const config = loadConfig(process.env, {
    dataDir,
    admin: { password: process.env.OIG_ADMIN_PASSWORD ?? 'admin' },
    mcs: { url: process.env.OIG_MCS_URL ?? mcs.url, caFile: process.env.OIG_MCS_CA_FILE ?? files.caFile },
    licensing: { amcUrl: process.env.OIG_AMC_URL ?? amc.url, amcCaFile: process.env.OIG_AMC_CA_FILE ?? amc.files?.caFile },
  });
  const log = createLogger(config.logLevel as LevelWithSilent);
  const gateway = await startGateway(config, log);
  for (const controller of mivb.controllers()) {
    if (controller.address !== SPARE_CONTROLLER.address) await gateway.controllers.configure(controller.address, controller.name);
  }
  // The lab's own licence, so applications can work at once; a technician would activate theirs.
  if (gateway.licensing.activation.status().arid === null) await gateway.licensing.activation.activate(LAB_ARID);

  // LabRecorder is left for the administrator: its local password is created in the admin UI.
  for (const app of DEFAULT_MCS_FIXTURE.applications.filter((a) => a.applicationName !== LAB_APP_WITHOUT_LOCAL_PASSWORD)) {
    const existing = (await gateway.accounts.list()).find((a) => a.companyName === app.companyName && a.applicationName === app.applicationName);
    if (!existing) await gateway.accounts.create(app.companyName, app.applicationName, LAB_LOCAL_PASSWORD);
  }

  const u = gateway.url;
  process.stdout.write(
    [
      '',
      `OpenOIG gateway with lab is ready at ${u}`,
      `  health              ${u}/health`,
      `  SessionService      ${u}/axis2/services/SessionService   (WSDL: ?wsdl)`,
      `                      ${u}/mitel/oig/session/SessionService`,
      `  REST sessions       ${u}/mitel/oig/rest/resources/v1/sessions`,
      `  admin UI            ${u}/admin/   (administrator password: ${config.admin.password === 'admin' ? 'admin' : 'from OIG_ADMIN_PASSWORD'})`,
      `  admin API           ${u}/api/admin   (OpenAPI: ${u}/api/admin/openapi.json)`,
      `  StandardCCService   ${u}/axis2/services/StandardCCService   (WSDL: ?wsdl)`,
      `                      ${u}/mitel/oig/cc/StandardCCService`,
      `  lab MCS             ${mcs.url}/acl`,
      `  lab AMC             ${amc.url}   (licence: ${gateway.licensing.activation.status().arid ?? 'none'}; other lab ARIDs in lab/README.md)`,
      `  lab MiVB            controllers ${mivb.controllers().map((c) => `${c.name} ${c.address}:${c.port}`).join(', ')}`,
      `                      spare controller ${SPARE_CONTROLLER.name} ${SPARE_CONTROLLER.address}, not yet a network element: add it in the admin UI`,
      `                      control API ${mivb.controlUrl}  (phones 1000-1009 on ICP-1, 2000-2009 on ICP-2, hot desk users 3000-3003 PIN 1234, outside prefix 9)`,
      'Lab credentials (company "OpenOIG Lab", local password "lab-local" for both):',
      '  LabStandard  Standard  application password lab-standard-secret',
      '  LabAdvanced  Advanced  application password lab-advanced-secret',
      `               certificate ${files.certificateFile}`,
      `               private key ${files.privateKeyFile}`,
      '  LabRecorder  Standard  application password lab-recorder-secret   (no local password yet: create it in the admin UI)',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void gateway
      .close()
      .then(() => mcs.stop())
      .then(() => amc.stop())
      .then(() => mivb.stop())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

run().catch((err) => {
  process.stderr.write(`${err instanceof OigError ? `${err.code}: ` : ''}${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
