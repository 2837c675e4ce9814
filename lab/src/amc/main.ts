import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_AMC_FIXTURE, readAmcFixture } from './fixture';
import { startLabAmc } from './server';

/** `npm run amc -w @openoig/lab -- [--port 8444] [--fixture file.json] [--state-dir .openoig/lab]` */
const { values } = parseArgs({
  options: { port: { type: 'string', default: '8444' }, fixture: { type: 'string' }, 'state-dir': { type: 'string', default: '.openoig/lab' } },
});

async function run(): Promise<void> {
  const stateDir = path.resolve(values['state-dir'] as string);
  const fixture = values.fixture ? await readAmcFixture(values.fixture) : DEFAULT_AMC_FIXTURE;
  const amc = await startLabAmc({ port: Number(values.port), fixture, stateDir });
  const lines = [
    `lab AMC listening on ${amc.url} (POST /api/v1/activate, /api/v1/sync, /api/v1/deactivate; control under /control/)`,
    `CA certificate: ${amc.files?.caFile}`,
    `activations kept in: ${amc.files?.stateFile}`,
    'ARIDs:',
    ...fixture.accounts.flatMap((a) => a.arids.map((r) => `  ${r.arid.padEnd(16)} ${r.description ?? ''}   (account ${a.name})`)),
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const stop = (): void => void amc.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

run().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
