import { performance } from 'node:perf_hooks';
import { HelperService } from '../src/helper-service';
import { startScratchCluster } from '../test/support/debian-postgres';
import { makeTestAppliance } from '../test/support/test-appliance';

/**
 * npm run bench:backup (as root): backup and restore time and size for a gateway database with
 * 10,000 application accounts and 100,000 session records (issue #12: goal ≤ 10 s / ≤ 30 s),
 * on Debian's PostgreSQL with the real gateway; the restore includes the swap, the gateway's
 * restart and its health gate. Prints figures; asserts nothing.
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000);
const quiet = { info: () => {}, error: () => {} };

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, (performance.now() - start) / 1000];
}

const cluster = await startScratchCluster();
const app = await makeTestAppliance('bench', {}, cluster);
try {
  await app.startGateway();
  const db = app.config.database.name;
  // An scrypt-shaped hash per account (the gateway stores scrypt hashes of local passwords).
  await app.pg.sql(
    db,
    `INSERT INTO application_account (company_name, application_name, local_password_hash)
       SELECT 'Bench Company ' || (i % 50), 'BenchApp' || i, 'scrypt$16384$8$1$' || md5(i::text) || '$' || md5((i * 7)::text) || md5((i * 13)::text) FROM generate_series(1, ${ACCOUNTS}) AS i;
     INSERT INTO app_session (id, company_name, application_name, session_type, protocol, client_version, client_address, created_at, last_keepalive_at, ended_at, end_reason)
       SELECT i, 'Bench Company ' || (i % 50), 'BenchApp' || (i % ${ACCOUNTS} + 1), CASE WHEN i % 10 = 0 THEN 'Advanced' ELSE 'Standard' END, CASE WHEN i % 3 = 0 THEN 'rest' ELSE 'soap' END, '4.0',
              '10.' || (i % 250) || '.' || (i % 200) || '.' || (i % 100), now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval + interval '5 minutes', now() - (i || ' seconds')::interval + interval '10 minutes', 'logout'
       FROM generate_series(1, ${SESSIONS}) AS i;
     ANALYZE;`,
  );
  const [dbBytes] = await app.pg.sql(db, `SELECT pg_database_size('${db}')`);
  const helper = new HelperService(app.config, app.gateway, quiet);
  const [plain, backupSeconds] = await timed(() => helper.backup(undefined, () => {}));
  const [encrypted, encryptedSeconds] = await timed(() => helper.backup('bench passphrase', () => {}));
  const [, restoreSeconds] = await timed(() => helper.restore(helper.store.pathOf(plain.name), plain.name, undefined, () => {}));
  const [, encryptedRestoreSeconds] = await timed(() => helper.restore(helper.store.pathOf(encrypted.name), encrypted.name, 'bench passphrase', () => {}));
  const [accounts] = await app.pg.sql(db, 'SELECT count(*) FROM application_account');
  const [sessions] = await app.pg.sql(db, 'SELECT count(*) FROM app_session');
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  console.log(`bench:backup: ${ACCOUNTS} accounts, ${SESSIONS} session records, database ${mib(Number(dbBytes))} (after restore: ${accounts} accounts, ${sessions} sessions)`);
  console.log('| | time | file |');
  console.log('|---|---|---|');
  console.log(`| backup | ${backupSeconds.toFixed(2)} s | ${mib(plain.size)} |`);
  console.log(`| backup, encrypted | ${encryptedSeconds.toFixed(2)} s | ${mib(encrypted.size)} |`);
  console.log(`| restore (check, load, migrate, swap, gateway restart, health gate) | ${restoreSeconds.toFixed(2)} s | |`);
  console.log(`| restore, encrypted | ${encryptedRestoreSeconds.toFixed(2)} s | |`);
  console.log(`goal: backup ≤ 10 s (${backupSeconds <= 10 ? 'met' : 'missed'}), restore ≤ 30 s (${restoreSeconds <= 30 ? 'met' : 'missed'})`);
} finally {
  await app.close();
  await cluster.stop();
}
