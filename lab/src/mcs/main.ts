import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeLabCredentials } from './credentials';
import { DEFAULT_MCS_FIXTURE, LAB_COMPANY, readMcsFixture } from './fixture';
import { startLabMcs } from './server';

/** `npm run mcs -w @openoig/lab -- [--port N] [--fixture file.json] [--state-dir dir]` */
const { values } = parseArgs({
  options: { port: { type: 'string', default: '8443' }, fixture: { type: 'string' }, 'state-dir': { type: 'string', default: '.openoig/lab' } },
});
const stateDir = path.resolve(values['state-dir'] as string);
const fixture = values.fixture ? await readMcsFixture(values.fixture) : DEFAULT_MCS_FIXTURE;
const mcs = await startLabMcs({ port: Number(values.port), fixture, stateDir });
const advanced = fixture.applications.find((a) => a.type === 'Advanced');
const files = advanced ? await writeLabCredentials(mcs, stateDir, advanced.companyName ?? LAB_COMPANY, advanced.applicationName) : undefined;
process.stdout.write(`lab MCS listening on ${mcs.url} (GET /acl)\nCA certificate: ${path.join(stateDir, 'ca.crt.pem')}\n`);
if (files && advanced) process.stdout.write(`${advanced.applicationName} certificate: ${files.certificateFile}\n${advanced.applicationName} private key: ${files.privateKeyFile}\n`);
const stop = (): void => void mcs.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
