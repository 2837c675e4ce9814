import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startLabSmtp } from './server';

/** `npm run smtp -w @openoig/lab -- [--port 2525] [--cert cert.pem --key key.pem [--implicit-tls]] [--user name:password]` */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '2525' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'implicit-tls': { type: 'boolean', default: false },
    user: { type: 'string', multiple: true },
  },
});
if ((values.cert === undefined) !== (values.key === undefined)) throw new Error('--cert and --key go together');
const tls = values.cert && values.key ? { cert: await readFile(values.cert, 'utf8'), key: await readFile(values.key, 'utf8'), implicit: values['implicit-tls'] } : undefined;
const users = values.user?.length
  ? Object.fromEntries(
      values.user.map((u) => {
        const at = u.indexOf(':');
        if (at < 1) throw new Error(`--user ${u}: expected name:password`);
        return [u.slice(0, at), u.slice(at + 1)];
      }),
    )
  : undefined;
const smtp = await startLabSmtp({ port: Number(values.port), ...(tls ? { tls } : {}), ...(users ? { users } : {}) });
process.stdout.write(`lab SMTP listening on ${smtp.host}:${smtp.port}${tls ? (tls.implicit ? ' (implicit TLS)' : ' (STARTTLS)') : ''}${users ? ' (AUTH required)' : ''}\n`);
let seen = 0;
setInterval(() => {
  for (const m of smtp.messages().slice(seen)) {
    process.stdout.write(`#${m.n} ${m.receivedAt.toISOString()} ${m.envelope.from} → ${m.envelope.to.join(', ')}: ${m.subject ?? '(no subject)'} [${m.attachments.map((a) => a.filename).join(', ')}]\n`);
  }
  seen = smtp.messages().length;
}, 500).unref();
const stop = (): void => void smtp.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
