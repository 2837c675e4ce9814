import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startLabMivb } from './cluster';
import { DEFAULT_MIVB_FIXTURE, readMivbFixture } from './fixture';

/**
 * `npm run mivb -w @openoig/lab -- [--fixture f.json] [--control-port 7100] [--link-port 7001]
 *  [--heartbeat-ms N] [--cert cert.pem --key key.pem]`
 */
const { values } = parseArgs({
  options: {
    fixture: { type: 'string' },
    'control-port': { type: 'string', default: '7100' },
    'link-port': { type: 'string', default: '7001' },
    'heartbeat-ms': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
  },
});

async function run(): Promise<void> {
  const fixture = values.fixture ? await readMivbFixture(values.fixture) : DEFAULT_MIVB_FIXTURE;
  if (Boolean(values.cert) !== Boolean(values.key)) throw new Error('--cert and --key go together');
  const tls = values.cert && values.key ? { cert: await readFile(values.cert, 'utf8'), key: await readFile(values.key, 'utf8') } : undefined;
  const lab = await startLabMivb({
    fixture,
    linkPort: Number(values['link-port']),
    controlPort: Number(values['control-port']),
    ...(tls ? { tls } : {}),
    ...(values['heartbeat-ms'] ? { heartbeatMs: Number(values['heartbeat-ms']) } : {}),
  });
  const lines = [`lab MiVoice Business cluster "${lab.clusterId}" (${tls ? 'TLS' : 'plain TCP'} links)`];
  for (const c of lab.controllers()) lines.push(`  ${c.name.padEnd(8)} ${c.address}:${c.port}`);
  lines.push(`  control API ${lab.controlUrl}   (GET /devices, /calls, /events; POST /phones/<dn>/dial {"digits":"1001"} …)`, 'Press Ctrl+C to stop.', '');
  process.stdout.write(lines.join('\n'));
  const stop = (): void => void lab.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

run().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
