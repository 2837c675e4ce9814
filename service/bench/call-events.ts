import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startLabAmc } from '@openoig/lab/amc';
import { DEFAULT_MCS_FIXTURE, LAB_COMPANY, startLabMcs, writeLabCredentials } from '@openoig/lab/mcs';
import { generatedFixture, startLabMivb, type LabMivb } from '@openoig/lab/mivb';
import { Pool, request } from 'undici';
import { freeLoopbackPort } from '../src/storage/embedded-postgres';
import { CallDriver, type CallWindowStats } from './support/call-driver';
import { CC_HEADERS, CC_PATH, getEventRequest, getIcpIdRequest, getPhoneNumberIdRequest, monitorObjectRequest, type EventAnswer } from './support/cc-bytes';
import { EventLedger, type LedgerCounts } from './support/event-ledger';
import { EventPoller } from './support/event-poller';
import { KeepAliveLoad } from './support/keepalive-load';
import { readNumericOptions, usage, type NumericOption } from './support/options';
import { cpuSecondsBetween, cpuTicks, processName, rssKiB, ServerProcess } from './support/processes';
import { RunCleanup } from './support/run-cleanup';
import { attrOf, LAB_LOGIN, loginExRequest, resetSessionTimerRequest, SESSION_PATH, soapHeaders, textOf } from './support/soap-bytes';

/**
 * `npm run bench:calls`: the lab MiVoice Business with P phones on two controllers, every phone
 * monitored by one of S SOAP sessions of the gateway (its own process), C calls per second
 * driven through answer and clear; prints events delivered per second, end-to-end event latency
 * (controller emits → client has the getEvent answer), events lost, and the gateway's RSS and
 * CPU, one row per rate.
 */
const SERVICE_DIR = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const CONTROLLERS = 2;
const EVENTS_PER_CALL = 7; // docs/pbx-link-protocol.md "A calls B, B answers, A clears"
const GET_EVENT_TIMEOUT_MS = 1000;
const KEEPALIVE_INTERVAL_MS = 5000; // sessions end after 10 s without one
const P99_TARGET_MS = 20;
const DRAIN_MAX_MS = 5000;
const DRAIN_QUIET_MS = 1000;

const OPTIONS = {
  phones: { default: 2000, min: 2, max: 20_000, integer: true, help: `phones, split evenly over ${CONTROLLERS} controllers (an even number)` },
  sessions: { default: 10, min: 1, max: 1000, integer: true, help: 'SOAP sessions; phone i is monitored by session i mod sessions' },
  rate: { default: 50, min: 0.1, max: 10_000, help: 'calls per second of the first step' },
  'rate-step': { default: 50, min: 0, max: 10_000, help: 'added to the rate at each further step' },
  steps: { default: 1, min: 1, max: 100, integer: true, help: 'rates to run: rate, rate + rate-step, ...' },
  'duration-s': { default: 20, min: 1, max: 3600, help: 'measured duration per step, s' },
  'warmup-s': { default: 3, min: 0, max: 600, help: 'calls at the step rate before measuring, s' },
  'answer-ms': { default: 200, min: 0, max: 10_000, integer: true, help: 'B answers this long after A dialled, ms' },
  'talk-ms': { default: 1000, min: 0, max: 600_000, integer: true, help: 'A hangs up this long after B answered, ms' },
  'setup-concurrency': { default: 32, min: 1, max: 1024, integer: true, help: 'logins and monitorObject calls in flight during setup' },
  'max-run-s': { default: 1800, min: 30, max: 86_400, help: 'the whole run is aborted after this, s' },
} satisfies Record<string, NumericOption>;

type Options = Record<keyof typeof OPTIONS, number>;

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const cleanup = new RunCleanup(say);

// ---------------------------------------------------------------------------------------------
// The gateway: src/main.ts (the production entry) in its own process.

interface Gateway {
  readonly process: ServerProcess;
  readonly url: string;
  readonly adminPassword: string;
}

async function startGateway(
  opts: Options,
  dataDir: string,
  mcs: { url: string; caFile: string },
  amc: { url: string; caFile: string },
  linkPort: number,
): Promise<Gateway> {
  const port = await freeLoopbackPort();
  const adminPassword = randomBytes(18).toString('base64url');
  // Only the settings below: an OIG_*, DATABASE_URL, HOST/PORT or LOG_LEVEL left in the shell
  // would change what is measured. The embedded PostgreSQL is used.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(OIG_|DATABASE_URL$|HOST$|PORT$|HTTPS_PORT$|LOG_LEVEL$)/.test(name)),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HOST: '127.0.0.1',
    PORT: String(port),
    OIG_DATA_DIR: dataDir,
    OIG_ADMIN_PASSWORD: adminPassword,
    OIG_MCS_URL: mcs.url,
    OIG_MCS_CA_FILE: mcs.caFile,
    OIG_AMC_URL: amc.url,
    OIG_AMC_CA_FILE: amc.caFile,
    OIG_PBX_LINK_PORT: String(linkPort),
    OIG_MAX_SESSIONS: String(opts.sessions + 10),
    LOG_LEVEL: 'warn',
  };
  const gateway = new ServerProcess('OpenOIG', 'src/main.ts', { cwd: SERVICE_DIR, env });
  // The gateway's SIGTERM path stops its embedded PostgreSQL cleanly; give it time for that.
  cleanup.child(gateway, 30_000);
  const url = `http://127.0.0.1:${port}`;
  await gateway.waitForHealth(`${url}/health`, 180_000);
  gateway.rememberDescendants();
  return { process: gateway, url, adminPassword };
}

async function health(url: string): Promise<{ sessions?: number; acl?: { loaded?: boolean } }> {
  const res = await request(`${url}/health`, { headersTimeout: 5000, bodyTimeout: 5000 });
  return (await res.body.json()) as { sessions?: number; acl?: { loaded?: boolean } };
}

/** The lab AMC's ARID with a Standard server licence: 25,000 users, 50,000 monitors. */
const BENCH_ARID = 'ARID-LAB-0011';

/** The licence (BENCH_ARID) and the LabStandard local password account, through the admin API once the ACL is in. */
async function licenseAndCreateLabAccount(gateway: Gateway): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await health(gateway.url)).acl?.loaded) {
    if (Date.now() > deadline) throw new Error(`the gateway did not load the ACL from the lab MCS within 60 s:\n${gateway.process.tail()}`);
    await sleep(200);
  }
  const login = await request(`${gateway.url}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: gateway.adminPassword }),
  });
  const { csrfToken } = (await login.body.json()) as { csrfToken?: string };
  const setCookie = login.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0];
  if (login.statusCode !== 200 || !csrfToken || !cookie) throw new Error(`admin login failed (HTTP ${login.statusCode})`);
  const activated = await request(`${gateway.url}/api/admin/licence/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ arid: BENCH_ARID }),
  });
  const activation = await activated.body.text();
  if (activated.statusCode !== 200) throw new Error(`activating ${BENCH_ARID} failed (HTTP ${activated.statusCode}): ${activation}`);
  const created = await request(`${gateway.url}/api/admin/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ companyName: LAB_LOGIN.company, applicationName: LAB_LOGIN.application, localPassword: LAB_LOGIN.localPassword }),
  });
  const text = await created.body.text();
  if (created.statusCode !== 201) throw new Error(`creating the ${LAB_LOGIN.application} account failed (HTTP ${created.statusCode}): ${text}`);
}

// ---------------------------------------------------------------------------------------------
// Clients: S sessions, each monitoring its share of the phones and polling getEvent.

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

async function post(p: Pool, route: string, headers: Record<string, string>, body: Buffer): Promise<string> {
  const res = await p.request({ path: route, method: 'POST', headers, body });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 500)}`);
  return text;
}

/** Runs `work` for every item, `concurrency` at a time, saying how far it got (every tenth of many). */
async function inParallel<T>(label: string, items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const every = items.length >= 100 ? Math.ceil(items.length / 10) : items.length;
  const worker = async (): Promise<void> => {
    while (next < items.length && !cleanup.stopping) {
      await work(items[next++] as T);
      done += 1;
      if (done % every === 0 || done === items.length) say(`  ${done}/${items.length} ${label}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function loginEx(p: Pool): Promise<string> {
  const text = await post(p, SESSION_PATH, soapHeaders('loginEx'), loginExRequest());
  const sessionId = attrOf(text, 'return', 'sessionId');
  if (attrOf(text, 'return', 'result') !== 'true' || !sessionId || sessionId === '0') {
    throw new Error(`loginEx failed: ${textOf(text, 'errorDesc') ?? text.slice(0, 500)}`);
  }
  return sessionId;
}

/** A CC call that must answer result="true"; returns the `return` element's `attribute`. */
async function ccCall(p: Pool, operation: keyof typeof CC_HEADERS, body: Buffer, attribute: string): Promise<string> {
  const text = await post(p, CC_PATH, CC_HEADERS[operation], body);
  const value = attrOf(text, 'return', attribute);
  if (attrOf(text, 'return', 'result') !== 'true' || value === undefined) {
    throw new Error(`${operation} failed: ${textOf(text, 'errorDescription') ?? text.slice(0, 500)}`);
  }
  return value;
}

/** What the clients saw besides the matched call events. */
class Tally {
  monitorSets = 0;
  overflowNotices = 0;
  otherEvents = 0;
  failures = 0;
  readonly samples: string[] = [];

  note(text: string): void {
    if (this.samples.length < 5) this.samples.push(text);
  }
}

// ---------------------------------------------------------------------------------------------
// One step: the rate for warm-up + window, then calls finish and events drain.

interface StepResult {
  readonly rate: number;
  readonly calls: CallWindowStats;
  readonly events: LedgerCounts;
  readonly gatewayCpuPercent: number;
  readonly postgresCpuPercent: number;
  readonly generatorCpuPercent: number;
  readonly gatewayRssKiB: number | undefined;
  readonly drained: boolean;
}

interface Rig {
  readonly opts: Options;
  readonly driver: CallDriver;
  readonly ledger: EventLedger;
  readonly gateway: Gateway;
}

async function runStep(rig: Rig, rate: number): Promise<StepResult> {
  const { opts, driver, ledger, gateway } = rig;
  const gatewayPids = (): number[] => [gateway.process.pid];
  const postgresPids = (): number[] => gateway.process.rememberDescendants().filter((pid) => processName(pid) === 'postgres');
  driver.start(rate);
  await sleep(opts['warmup-s'] * 1000);
  const cpuAt = { gateway: cpuTicks(gatewayPids()), postgres: cpuTicks(postgresPids()), generator: process.cpuUsage() };
  const start = performance.now();
  driver.beginWindow(start);
  ledger.beginWindow(start);
  await sleep(opts['duration-s'] * 1000);
  const end = performance.now();
  const calls = driver.endWindow(end);
  ledger.endWindow(end);
  const seconds = (end - start) / 1000;
  const generator = process.cpuUsage(cpuAt.generator);
  const gatewayCpuPercent = (cpuSecondsBetween(cpuAt.gateway, cpuTicks(gatewayPids())) / seconds) * 100;
  const postgresCpuPercent = (cpuSecondsBetween(cpuAt.postgres, cpuTicks(postgresPids())) / seconds) * 100;
  const gatewayRssKiB = rssKiB(gateway.process.pid);
  driver.stop();
  await driver.settled(opts['answer-ms'] + opts['talk-ms'] + 5000);
  // Drain: until every emitted event is in, or nothing has arrived for a while.
  const drainEnd = performance.now() + DRAIN_MAX_MS;
  let lastReceipts = ledger.receipts;
  let lastChange = performance.now();
  while (ledger.pending > 0 && performance.now() < drainEnd && performance.now() - lastChange < DRAIN_QUIET_MS) {
    await sleep(50);
    if (ledger.receipts !== lastReceipts) {
      lastReceipts = ledger.receipts;
      lastChange = performance.now();
    }
  }
  const drained = ledger.pending === 0;
  return {
    rate,
    calls,
    events: ledger.settle(),
    gatewayCpuPercent,
    postgresCpuPercent,
    generatorCpuPercent: ((generator.user + generator.system) / 1000 / (seconds * 1000)) * 100,
    gatewayRssKiB,
    drained,
  };
}

const fmt = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const mib = (kib: number | undefined): string => (kib === undefined ? 'n/a' : (kib / 1024).toFixed(1));

const COLUMNS: ReadonlyArray<readonly [string, number]> = [
  ['rate', 7],
  ['calls/s', 9],
  ['skipped', 8],
  ['emitted/s', 10],
  ['delivered/s', 12],
  ['p50_ms', 8],
  ['p99_ms', 8],
  ['max_ms', 8],
  ['lost', 6],
  ['gw_rss_MiB', 11],
  ['gw_cpu%', 8],
  ['gen_cpu%', 9],
];

function row(values: readonly string[]): string {
  return values.map((v, i) => v.padStart((COLUMNS[i] as readonly [string, number])[1])).join('');
}

function describeStep(r: StepResult): void {
  const e = r.events;
  say(
    row([
      fmt(r.rate, 1),
      fmt(r.calls.callsPerS, 1),
      String(r.calls.skipped),
      fmt(e.emittedInWindow / r.calls.durationS, 1),
      fmt(e.receivedInWindow / r.calls.durationS, 1),
      fmt(e.latencyMs.p50, 2),
      fmt(e.latencyMs.p99, 2),
      fmt(e.latencyMs.max, 1),
      String(e.lost),
      mib(r.gatewayRssKiB),
      fmt(r.gatewayCpuPercent, 1),
      fmt(r.generatorCpuPercent, 1),
    ]),
  );
  const notes = [
    `${e.latencyMs.count} events timed`,
    `dial lag p99 ${fmt(r.calls.dialLagMs.p99, 1)} ms (max ${fmt(r.calls.dialLagMs.max, 1)})`,
    `peak ${r.calls.peakInProgress} calls in progress`,
    `gateway CPU ${fmt((r.gatewayCpuPercent * 10_000) / (e.receivedInWindow / r.calls.durationS), 0)} µs per delivered event`,
    `PostgreSQL CPU ${fmt(r.postgresCpuPercent, 1)}%`,
  ];
  if (r.calls.failed > 0) notes.push(`${r.calls.failed} calls failed, e.g. ${r.calls.firstFailures.join('; ')}`);
  if (e.outOfOrder > 0) notes.push(`${e.outOfOrder} events out of order`);
  if (e.unmatched > 0) notes.push(`${e.unmatched} unmatched events, e.g. ${e.firstUnmatched.join('; ')}`);
  if (!r.drained) notes.push(`still ${e.lost} events missing after the drain`);
  say(`        ${notes.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const parsed = readNumericOptions(OPTIONS);
  if (parsed === 'help') {
    say(usage('npm run bench:calls --', OPTIONS));
    return 0;
  }
  const opts: Options = parsed;
  if (opts.phones % CONTROLLERS !== 0) throw new Error(`--phones must be a multiple of ${CONTROLLERS} (the phones are split over the controllers)`);
  if (opts.sessions > opts.phones) throw new Error('--sessions must not exceed --phones (each session monitors at least one phone)');
  const deadline = setTimeout(() => cleanup.end(2, `Aborted: the run exceeded --max-run-s ${opts['max-run-s']}.`), opts['max-run-s'] * 1000);
  deadline.unref();
  const rates = Array.from({ length: opts.steps }, (_, k) => opts.rate + k * opts['rate-step']);
  const perSession = Math.ceil(opts.phones / opts.sessions);
  say(
    `call-event benchmark: ${opts.phones} phones on ${CONTROLLERS} lab controllers, ${opts.sessions} sessions (phone i monitored by session ` +
      `i mod ${opts.sessions} only: up to ${perSession} phones each); calls A→B, B answers after ${opts['answer-ms']} ms, ` +
      `A clears ${opts['talk-ms']} ms later (${EVENTS_PER_CALL} events per call); rates ${rates.join(', ')} calls/s, ` +
      `${opts['warmup-s']} s warm-up + ${opts['duration-s']} s measured each; getEvent timeout ${GET_EVENT_TIMEOUT_MS} ms, ` +
      `keep-alive every ${KEEPALIVE_INTERVAL_MS} ms`,
  );
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  say(
    `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load}, Node.js ${process.version}; ` +
      'the gateway (own process), its PostgreSQL and this process (lab MCS, lab MiVB, clients) share these CPUs',
  );

  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'openoig-bench-calls-'));
  cleanup.tempDir(tempDir);
  const mcs = await startLabMcs({ fixture: DEFAULT_MCS_FIXTURE });
  cleanup.add('lab MCS', () => mcs.stop());
  const { caFile } = await writeLabCredentials(mcs, path.join(tempDir, 'lab'), LAB_COMPANY, LAB_LOGIN.application);
  const amc = await startLabAmc({ stateDir: path.join(tempDir, 'lab') });
  cleanup.add('lab AMC', () => amc.stop());
  const amcCaFile = amc.files?.caFile as string;
  const fixture = generatedFixture({ controllers: CONTROLLERS, phonesPerController: opts.phones / CONTROLLERS });
  // Port 0: one free port, shared by both controllers (each on its own loopback address).
  const lab: LabMivb = await startLabMivb({ fixture, linkPort: 0, eventLogSize: 1000 });
  cleanup.add('lab MiVB', () => lab.stop());
  const controllers = lab.controllers();
  const linkPort = (controllers[0] as { port: number }).port;
  say(`lab MiVB: ${controllers.map((c) => `${c.name} ${c.address}:${c.port}`).join(', ')}; lab MCS ${mcs.url}`);

  say('starting OpenOIG (src/main.ts in its own process, embedded PostgreSQL in a temporary directory)...');
  // The temporary directory is the gateway's data directory (as root, the gateway opens it to
  // the 'postgres' user the embedded PostgreSQL runs as; a subdirectory would stay unreachable).
  const gateway = await startGateway(opts, tempDir, { url: mcs.url, caFile }, { url: amc.url, caFile: amcCaFile }, linkPort);
  say(`  OpenOIG ${gateway.url} pid ${gateway.process.pid}`);
  await licenseAndCreateLabAccount(gateway);
  say(`  local password account "${LAB_LOGIN.company}"/${LAB_LOGIN.application} created through the admin API`);

  const control = pool(gateway.url, opts['setup-concurrency'] + 4);
  const events = pool(gateway.url, opts.sessions);

  // ---- Sessions, their keep-alives (started before the logins finish) and event loops.
  const sessionIds: string[] = new Array<string>(opts.sessions);
  const keepAliveBodies: Array<Buffer | undefined> = new Array<Buffer | undefined>(opts.sessions).fill(undefined);
  const keepAlives = new KeepAliveLoad(control, keepAliveBodies, KEEPALIVE_INTERVAL_MS);
  keepAlives.start();
  cleanup.add('keep-alives', async () => keepAlives.stop());
  say(`logging in ${opts.sessions} sessions (loginEx "${LAB_LOGIN.company}"/${LAB_LOGIN.application})...`);
  await inParallel('sessions logged in', [...sessionIds.keys()], opts['setup-concurrency'], async (i) => {
    const id = await loginEx(control);
    sessionIds[i] = id;
    keepAliveBodies[i] = resetSessionTimerRequest(id);
  });

  const phones = fixture.phones.map((p) => ({ dn: p.dn, address: fixture.controllers.find((c) => c.name === p.controller)?.address as string }));
  const dnOfObject = new Map<string, string>();
  const tally = new Tally();
  const ledger = new EventLedger(phones.map((p) => p.dn));
  const onAnswer = (answer: EventAnswer, at: number): void => {
    switch (answer.kind) {
      case 'call':
        if (answer.type === 'MONITOR_SET') tally.monitorSets += 1;
        else ledger.receive(dnOfObject.get(answer.objectId), answer.callId, answer.type, answer.state, at);
        return;
      case 'timeout':
        return;
      case 'other':
        if (answer.eventType === 'UNKNOWN') tally.overflowNotices += 1;
        else tally.otherEvents += 1;
        tally.note(`${answer.eventType}: ${answer.text}`);
        return;
      case 'failed':
        tally.failures += 1;
        tally.note(`getEvent failed: ${answer.text}`);
        return;
    }
  };
  const pollers = sessionIds.map((id) => new EventPoller(events, getEventRequest(id, GET_EVENT_TIMEOUT_MS), onAnswer));
  for (const p of pollers) p.start();
  cleanup.add('getEvent loops', () => Promise.all(pollers.map((p) => p.stop())));

  // ---- Controllers and monitors: phone i belongs to session i mod S.
  const icpIds = new Map<string, string>(); // `${session}#${address}` → icpId
  await inParallel('sessions know both controllers (getIcpId)', [...sessionIds.keys()], opts['setup-concurrency'], async (i) => {
    for (const c of fixture.controllers) {
      icpIds.set(`${i}#${c.address}`, await ccCall(control, 'getIcpId', getIcpIdRequest(sessionIds[i] as string, c.address), 'icpId'));
    }
  });
  say(`monitoring ${opts.phones} phones (getPhoneNumberId + monitorObject, ${opts['setup-concurrency']} at a time)...`);
  const setupStarted = performance.now();
  await inParallel('phones monitored', [...phones.keys()], opts['setup-concurrency'], async (i) => {
    const { dn, address } = phones[i] as { dn: string; address: string };
    const session = i % opts.sessions;
    const sessionId = sessionIds[session] as string;
    const icpId = icpIds.get(`${session}#${address}`) as string;
    const objectId = await ccCall(control, 'getPhoneNumberId', getPhoneNumberIdRequest(sessionId, icpId, dn), 'objectId');
    dnOfObject.set(objectId, dn);
    await ccCall(control, 'monitorObject', monitorObjectRequest(sessionId, objectId), 'result');
  });
  const waitUntil = performance.now() + 15_000;
  while (tally.monitorSets < opts.phones && performance.now() < waitUntil) await sleep(50);
  say(
    `  ${opts.phones} monitors in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s; MONITOR_SET received ${tally.monitorSets}/${opts.phones}` +
      `; live sessions on /health: ${(await health(gateway.url)).sessions ?? 'n/a'}`,
  );
  if (tally.monitorSets !== opts.phones) throw new Error(`expected ${opts.phones} MONITOR_SET events, got ${tally.monitorSets}`);

  // ---- The load.
  lab.onEvent((e) => {
    if (e.event.class === 'call') ledger.emit(e.dn, e.event.callId, e.event.type, e.event.state, performance.now());
  });
  const driver = new CallDriver(lab, phones.map((p) => p.dn), opts['answer-ms'], opts['talk-ms']);
  const rig: Rig = { opts, driver, ledger, gateway };
  say('');
  say(row(COLUMNS.map(([name]) => name)));
  const results: StepResult[] = [];
  const overflowBefore = tally.overflowNotices;
  for (const rate of rates) {
    if (cleanup.stopping) break;
    const result = await runStep(rig, rate);
    results.push(result);
    describeStep(result);
  }

  // ---- Verdict.
  say('');
  say(
    'rate = calls/s offered; calls/s = calls dialled in the window per second; emitted/s = call events the lab controllers emitted for the ' +
      'monitored phones per second of the window; delivered/s = of them, received by the clients through getEvent per second; p50/p99/max = ' +
      'end-to-end latency of the window\'s events (the controller emits → the getEvent answer is read, one clock); lost = emitted, never ' +
      'received; gw_rss = gateway VmRSS at the window\'s end; gw_cpu% / gen_cpu% = CPU of the gateway process / of this process (lab ' +
      'controllers, lab MCS, clients) over the window, percent of one core.',
  );
  const lost = results.reduce((n, r) => n + r.events.lost, 0);
  const unmatched = results.reduce((n, r) => n + r.events.unmatched, 0);
  const overflow = tally.overflowNotices - overflowBefore;
  const held = results.filter((r) => r.calls.skipped === 0 && r.events.lost === 0 && r.events.unmatched === 0 && r.events.latencyMs.p99 < P99_TARGET_MS);
  const best = held.length > 0 ? Math.max(...held.map((r) => r.rate)) : undefined;
  say(
    `largest rate with p99 < ${P99_TARGET_MS} ms: ${best === undefined ? 'none of the rates run' : `${fmt(best, 1)} calls/s`} ` +
      '(no lost events and no skipped calls at that rate)',
  );
  say(
    `events lost ${lost}, unmatched ${unmatched}, overflow notices ${overflow}, other events ${tally.otherEvents}, getEvent failures ${tally.failures}, ` +
      `failed calls ${driver.failures}`,
  );
  for (const sample of tally.samples) say(`  e.g. ${sample}`);
  if (gateway.process.warnings > 0) {
    say(`the gateway logged ${gateway.process.warnings} warnings or errors during the run, e.g.:`);
    for (const line of gateway.process.warningSamples) say(`  ${line}`);
  }
  clearTimeout(deadline);
  const failed = lost > 0 || unmatched > 0 || overflow > 0 || tally.failures > 0;
  if (failed) say('FAILED: events were lost or went wrong (see above).');
  return failed ? 1 : 0;
}

main().then(
  (code) => cleanup.end(code),
  (err: unknown) => cleanup.end(1, `call-event benchmark failed: ${(err as Error).stack ?? String(err)}`),
);
