import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { KeepAliveLoad, type WindowStats } from './support/keepalive-load';
import { saturate, type SaturationStats } from './support/saturation';
import { readNumericOptions, usage, type NumericOption } from './support/options';
import { freeLoopbackPort } from '../src/storage/embedded-postgres';
import { cpuSecondsBetween, cpuTicks, processName, rssKiB, ServerProcess } from './support/processes';
import { RunCleanup } from './support/run-cleanup';
import { attrOf, LAB_LOGIN, loginExRequest, resetSessionTimerRequest, SESSION_PATH, soapHeaders, textOf } from './support/soap-bytes';

/**
 * `npm run bench:session`: N concurrent SOAP sessions each calling resetSessionTimer every
 * interval, against the gateway (its own process, lab certificate server, embedded PostgreSQL)
 * and then against a plain node-soap server (its own process) answering the same operation;
 * prints throughput, p50/p99 latency and errors for both, their ratio, and the gateway's RSS.
 */
const SERVICE_DIR = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const SESSION_TIMEOUT_MS = 10_000;

const OPTIONS = {
  sessions: { default: 1500, min: 1, max: 100_000, integer: true, help: 'concurrent sessions' },
  'interval-ms': { default: 5000, min: 100, max: SESSION_TIMEOUT_MS - 1, integer: true, help: 'keep-alive interval per session, ms' },
  'duration-s': { default: 30, min: 1, max: 3600, help: 'measured duration per server, s' },
  'warmup-s': { default: 5, min: 0, max: 600, help: 'warm-up before measuring (after all logins), s' },
  connections: { default: 128, min: 1, max: 4096, integer: true, help: 'keep-alive connections per server (undici Pool)' },
  'login-concurrency': { default: 32, min: 1, max: 1024, integer: true, help: 'logins in flight at once' },
  'saturate-s': { default: 10, min: 0, max: 600, help: 'closed-loop maximum-throughput phase per server after the fixed-rate window (0: skip), s' },
  'max-run-s': { default: 1200, min: 30, max: 86_400, help: 'the whole run is aborted after this, s' },
} satisfies Record<string, NumericOption>;

type Options = Record<keyof typeof OPTIONS, number>;

interface Result {
  readonly server: string;
  readonly sessions: number;
  readonly stats: WindowStats;
  readonly cpuPercent: number;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

// Cleanup: children always stopped, temporary directory always removed, whatever ends the run.
const cleanup = new RunCleanup(say);
const shutdown = (code: number, reason?: string): void => cleanup.end(code, reason);

// ---------------------------------------------------------------------------------------------

function pool(origin: string, connections: number): Pool {
  const p = new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  cleanup.add('HTTP pool', () => p.destroy());
  return p;
}

async function post(p: Pool, operation: string, body: Buffer): Promise<{ status: number; text: string }> {
  const res = await p.request({ path: SESSION_PATH, method: 'POST', headers: soapHeaders(operation), body });
  return { status: res.statusCode, text: await res.body.text() };
}

async function startGateway(opts: Options, dataDir: string): Promise<{ process: ServerProcess; url: string }> {
  const port = await freeLoopbackPort();
  // Only the settings below: an OIG_*, DATABASE_URL (outside PostgreSQL) or MCS setting left in
  // the shell would change what is measured. The lab certificate server and the embedded PostgreSQL are used.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(OIG_|DATABASE_URL$|HOST$|PORT$|LOG_LEVEL$)/.test(name)),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HOST: '127.0.0.1',
    PORT: String(port),
    OIG_DATA_DIR: dataDir,
    OIG_MAX_SESSIONS: String(opts.sessions + 10),
    OIG_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    LOG_LEVEL: 'warn',
  };
  const gateway = new ServerProcess('OpenOIG', 'src/dev/run-with-lab.ts', { cwd: SERVICE_DIR, env });
  // The gateway's SIGTERM path stops its embedded PostgreSQL cleanly; give it time for that.
  cleanup.child(gateway, 30_000);
  const url = `http://127.0.0.1:${port}`;
  await gateway.waitForHealth(`${url}/health`, 180_000);
  // The lab accounts are created just after the gateway starts listening; this line follows them.
  await gateway.waitForOutput(/OpenOIG gateway with lab is ready/, 60_000);
  gateway.rememberDescendants();
  return { process: gateway, url };
}

async function startNodeSoap(): Promise<{ process: ServerProcess; url: string }> {
  const server = new ServerProcess('node-soap', 'bench/node-soap-server.ts', { cwd: SERVICE_DIR, env: { ...process.env, PORT: '0' } });
  cleanup.child(server, 5000);
  const match = await server.waitForOutput(/listening (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  return { process: server, url: match[1] as string };
}

/** Logs in sessions `from` to `to` - 1, `concurrency` at a time; their keep-alive bytes go to `bodies`. */
async function loginAll(p: Pool, bodies: Array<Buffer | undefined>, from: number, to: number, concurrency: number): Promise<void> {
  const request = loginExRequest();
  let next = from;
  let done = 0;
  const total = to - from;
  const progressEvery = Math.max(1000, Math.ceil(total / 10));
  const worker = async (): Promise<void> => {
    while (next < to && !cleanup.stopping) {
      const index = next++;
      const { status, text } = await post(p, 'loginEx', request);
      const sessionId = attrOf(text, 'return', 'sessionId');
      if (status !== 200 || attrOf(text, 'return', 'result') !== 'true' || !sessionId || sessionId === '0') {
        throw new Error(`loginEx #${index + 1} failed (HTTP ${status}): ${textOf(text, 'errorDesc') ?? text.slice(0, 500)}`);
      }
      bodies[index] = resetSessionTimerRequest(sessionId);
      done += 1;
      if (done % progressEvery === 0) say(`  ${done + from}/${to} sessions logged in`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** The first session's keep-alive bytes, sent once to each server: both must answer result="true". */
async function checkBothAnswer(targets: ReadonlyArray<{ name: string; pool: Pool }>, body: Buffer): Promise<void> {
  for (const { name, pool: p } of targets) {
    const { status, text } = await post(p, 'resetSessionTimer', body);
    const ret = /<(?:[\w-]+:)?return\b[^>]*>/.exec(text)?.[0];
    if (status !== 200 || attrOf(text, 'return', 'result') !== 'true') {
      throw new Error(`${name} did not answer resetSessionTimer with result="true" (HTTP ${status}):\n${text}`);
    }
    say(`  ${name.padEnd(9)} HTTP ${status}, ${Buffer.byteLength(text)} bytes, ${ret}`);
  }
}

function describeWindow(name: string, r: Result, opts: Options): void {
  const s = r.stats;
  say(
    `  ${name}: ${s.sent} calls sent in ${s.durationS.toFixed(1)} s (target ${(opts.sessions / (opts['interval-ms'] / 1000)).toFixed(1)}/s), ` +
      `${s.ok} ok, ${s.errors} errors, max latency ${s.latencyMs.max.toFixed(1)} ms, server CPU ${r.cpuPercent.toFixed(1)}% of a core`,
  );
  say(
    `  load generator: send lag p99 ${s.sendLagMs.p99.toFixed(1)} ms (max ${s.sendLagMs.max.toFixed(1)}), CPU ${s.loadGeneratorCpuPercent.toFixed(1)}% of a core` +
      (s.overlaps > 0 ? `, ${s.overlaps} calls sent while the same session's previous call was unanswered` : ''),
  );
  if (s.errors > 0) {
    say(`  errors by kind: ${[...s.errorKinds].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    for (const e of s.firstErrors) say(`    e.g. ${e}`);
  }
}

async function health(url: string): Promise<{ sessions?: number }> {
  const p = new Pool(url, { connections: 1 });
  try {
    const res = await p.request({ path: '/health', method: 'GET' });
    return (await res.body.json()) as { sessions?: number };
  } finally {
    await p.close();
  }
}

const mib = (kib: number | undefined): string => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);
const fmt = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** The closed-loop phase for one server, unless --saturate-s is 0. */
async function maximum(name: string, target: Pool, bodies: Array<Buffer | undefined>, opts: Options): Promise<SaturationStats | undefined> {
  if (opts['saturate-s'] === 0) return undefined;
  say(`measuring ${name}'s closed-loop maximum (${opts['saturate-s']} s)...`);
  return saturate(target, bodies.filter((b): b is Buffer => b !== undefined), opts['saturate-s'] * 1000, opts.connections);
}

async function main(): Promise<void> {
  const parsed = readNumericOptions(OPTIONS);
  if (parsed === 'help') {
    say(usage('npm run bench:session -w @openoig/service --', OPTIONS));
    return;
  }
  const opts: Options = parsed;
  const deadline = setTimeout(() => shutdown(2, `Aborted: the run exceeded --max-run-s ${opts['max-run-s']}.`), opts['max-run-s'] * 1000);
  deadline.unref();
  const n = opts.sessions;
  const warmupMs = opts['warmup-s'] * 1000;
  const durationMs = opts['duration-s'] * 1000;
  const drainMs = 15_000;
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  say(
    `session keep-alive benchmark: ${n} sessions, resetSessionTimer every ${opts['interval-ms']} ms ` +
      `(${(n / (opts['interval-ms'] / 1000)).toFixed(1)} calls/s offered), ${opts['warmup-s']} s warm-up + ${opts['duration-s']} s measured per server, ` +
      `${opts.connections} connections`,
  );
  say(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load}, Node.js ${process.version}; ` +
    'load generator, servers and PostgreSQL share these CPUs');

  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'openoig-bench-'));
  cleanup.tempDir(tempDir);
  say('starting OpenOIG (own process: lab MCS + embedded PostgreSQL) and node-soap (own process)...');
  const [gateway, nodeSoap] = await Promise.all([startGateway(opts, tempDir), startNodeSoap()]);
  say(`  OpenOIG   ${gateway.url} pid ${gateway.process.pid}`);
  say(`  node-soap ${nodeSoap.url} pid ${nodeSoap.process.pid}`);
  const gatewayPool = pool(gateway.url, opts.connections);
  const nodeSoapPool = pool(nodeSoap.url, opts.connections);

  // Session 1 alone first, so both servers can be checked with its bytes before any load.
  const bodies: Array<Buffer | undefined> = new Array<Buffer | undefined>(n).fill(undefined);
  await loginAll(gatewayPool, bodies, 0, 1, 1);
  say(`checking resetSessionTimer on both servers with the same request bytes (${(bodies[0] as Buffer).length} bytes):`);
  await checkBothAnswer(
    [
      { name: 'OpenOIG', pool: gatewayPool },
      { name: 'node-soap', pool: nodeSoapPool },
    ],
    bodies[0] as Buffer,
  );

  // ---- OpenOIG: keep-alives run while the rest log in, so no session waits past its timeout.
  const ours = new KeepAliveLoad(gatewayPool, bodies, opts['interval-ms']);
  ours.start();
  say(`logging in ${n} sessions (loginEx "${LAB_LOGIN.company}"/${LAB_LOGIN.application}, ${opts['login-concurrency']} at a time)...`);
  const loginStarted = performance.now();
  await loginAll(gatewayPool, bodies, 1, n, opts['login-concurrency']);
  const loginS = (performance.now() - loginStarted) / 1000;
  say(`  ${n} sessions logged in in ${loginS.toFixed(1)} s (${((n - 1) / loginS).toFixed(0)} logins/s)`);
  say(`measuring OpenOIG (${opts['warmup-s']} s warm-up, ${opts['duration-s']} s)...`);
  const gatewayPids = (): number[] => [gateway.process.pid];
  // The gateway's descendants are PostgreSQL's processes and tsx's esbuild helper; count the former.
  const postgresPids = (): number[] => gateway.process.rememberDescendants().filter((pid) => processName(pid) === 'postgres');
  let cpuAt = { gateway: new Map<number, number>(), postgres: new Map<number, number>() };
  let gatewayRss: number | undefined;
  let postgresRss = 0;
  let postgresCpuPercent = 0;
  let gatewayCpuPercent = 0;
  const oursStats = await ours.measure(warmupMs, durationMs, drainMs, {
    start: () => (cpuAt = { gateway: cpuTicks(gatewayPids()), postgres: cpuTicks(postgresPids()) }),
    end: () => {
      const seconds = durationMs / 1000;
      gatewayCpuPercent = (cpuSecondsBetween(cpuAt.gateway, cpuTicks(gatewayPids())) / seconds) * 100;
      postgresCpuPercent = (cpuSecondsBetween(cpuAt.postgres, cpuTicks(postgresPids())) / seconds) * 100;
      gatewayRss = rssKiB(gateway.process.pid);
      postgresRss = postgresPids().reduce((sum, pid) => sum + (rssKiB(pid) ?? 0), 0);
    },
  });
  const live = (await health(gateway.url)).sessions;
  const oursResult: Result = { server: 'OpenOIG', sessions: n, stats: oursStats, cpuPercent: gatewayCpuPercent };
  describeWindow('OpenOIG', oursResult, opts);
  say(`  embedded PostgreSQL CPU ${postgresCpuPercent.toFixed(1)}% of a core (processes alive at the window's end); live sessions on /health after the window: ${live ?? 'n/a'}`);
  if (gateway.process.warnings > 0) {
    say(`  the gateway logged ${gateway.process.warnings} warnings or errors during the run, e.g.:`);
    for (const line of gateway.process.warningSamples) say(`    ${line}`);
  }
  const oursMax = await maximum('OpenOIG', gatewayPool, bodies, opts);
  await gatewayPool.close();
  say('stopping OpenOIG before loading node-soap...');
  await gateway.process.stop(30_000);

  // ---- node-soap: the same bytes (the same session ids), the same schedule.
  say(`measuring node-soap (${opts['warmup-s']} s warm-up, ${opts['duration-s']} s)...`);
  const theirs = new KeepAliveLoad(nodeSoapPool, bodies, opts['interval-ms']);
  theirs.start();
  let nodeSoapCpuAt = new Map<number, number>();
  let nodeSoapCpuPercent = 0;
  let nodeSoapRss: number | undefined;
  const theirsStats = await theirs.measure(warmupMs, durationMs, drainMs, {
    start: () => (nodeSoapCpuAt = cpuTicks([nodeSoap.process.pid])),
    end: () => {
      nodeSoapCpuPercent = (cpuSecondsBetween(nodeSoapCpuAt, cpuTicks([nodeSoap.process.pid])) / (durationMs / 1000)) * 100;
      nodeSoapRss = rssKiB(nodeSoap.process.pid);
    },
  });
  const theirsResult: Result = { server: 'node-soap', sessions: n, stats: theirsStats, cpuPercent: nodeSoapCpuPercent };
  describeWindow('node-soap', theirsResult, opts);
  const theirsMax = await maximum('node-soap', nodeSoapPool, bodies, opts);

  // ---- The table.
  const rows = [oursResult, theirsResult];
  const reqPerS = (r: Result): number => r.stats.ok / r.stats.durationS;
  say('');
  say(`${'server'.padEnd(10)}${'sessions'.padStart(9)}${'req/s'.padStart(10)}${'p50_ms'.padStart(9)}${'p99_ms'.padStart(9)}${'errors'.padStart(8)}${'cpu%'.padStart(7)}`);
  for (const r of rows) {
    say(
      `${r.server.padEnd(10)}${String(r.sessions).padStart(9)}${fmt(reqPerS(r), 1).padStart(10)}${fmt(r.stats.latencyMs.p50, 2).padStart(9)}` +
        `${fmt(r.stats.latencyMs.p99, 2).padStart(9)}${String(r.stats.errors).padStart(8)}${fmt(r.cpuPercent, 1).padStart(7)}`,
    );
  }
  say(
    `ratio ours/node-soap: throughput ${fmt(reqPerS(oursResult) / reqPerS(theirsResult), 2)}, ` +
      `p50 ${fmt(oursStats.latencyMs.p50 / theirsStats.latencyMs.p50, 2)}, p99 ${fmt(oursStats.latencyMs.p99 / theirsStats.latencyMs.p99, 2)} ` +
      `(latency ratio < 1: OpenOIG faster); cpu ${fmt(oursResult.cpuPercent / theirsResult.cpuPercent, 2)}`,
  );
  if (oursMax && theirsMax) {
    say('');
    say(`closed-loop maximum (${opts.connections} callers back to back, ${opts['saturate-s']} s per server):`);
    say(`${'server'.padEnd(10)}${'req/s'.padStart(19)}${'p50_ms'.padStart(9)}${'p99_ms'.padStart(9)}${'errors'.padStart(8)}`);
    for (const [name, m] of [['OpenOIG', oursMax], ['node-soap', theirsMax]] as const) {
      say(`${name.padEnd(10)}${fmt(m.reqPerS, 1).padStart(19)}${fmt(m.latencyMs.p50, 2).padStart(9)}${fmt(m.latencyMs.p99, 2).padStart(9)}${String(m.errors).padStart(8)}`);
    }
    say(
      `ratio ours/node-soap at the maximum: throughput ${fmt(oursMax.reqPerS / theirsMax.reqPerS, 2)}, ` +
        `p50 ${fmt(oursMax.latencyMs.p50 / theirsMax.latencyMs.p50, 2)}, p99 ${fmt(oursMax.latencyMs.p99 / theirsMax.latencyMs.p99, 2)}`,
    );
  }
  say(
    `OpenOIG gateway RSS (VmRSS of pid ${gateway.process.pid} at the end of its window, ${live ?? '?'} live sessions): ${mib(gatewayRss)}; ` +
      `embedded PostgreSQL processes: ${mib(postgresRss)}`,
  );
  say(`node-soap server RSS (VmRSS of pid ${nodeSoap.process.pid} at the end of its window): ${mib(nodeSoapRss)}`);
  say(
    'req/s = answers with result="true" per second of the window; the load is a fixed rate (sessions / interval), so it equals ' +
      'the offered rate whenever a server keeps up. cpu% = server process CPU time over the window, percent of one core ' +
      '(the gateway figure excludes PostgreSQL).',
  );
  const failed = oursStats.errors > 0 || theirsStats.errors > 0;
  if (failed) say('some calls failed: see the errors above.');
  clearTimeout(deadline);
}

main().then(
  () => shutdown(0),
  (err: unknown) => shutdown(1, `session benchmark failed: ${(err as Error).stack ?? String(err)}`),
);
