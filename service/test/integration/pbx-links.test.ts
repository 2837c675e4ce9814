import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createCertificateAuthority, issueCertificate, type KeyAndCertificate } from '@openoig/lab/mcs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { PbxError, type LinkState, type PbxEvent } from '../../src/domain/callcontrol/pbx-port';
import { createLogger } from '../../src/log';
import { createPbxLinks, type PbxLinkManager } from '../../src/pbx/pbx-links';
import { GATEWAY_VERSION } from '../../src/version';
import { frame, LinkPeer, type LinkPeerOptions } from '../support/link-peer';
import { rejection } from '../support/rejection';

/** The gateway's controller links (src/pbx/) against a scripted controller (test/support/link-peer.ts). */
const ADDRESS = '127.0.0.1';

interface Harness {
  readonly links: PbxLinkManager;
  readonly peer: LinkPeer;
  /** Every state change, with the time it was seen. */
  readonly states: Array<{ address: string; state: LinkState; at: number }>;
  readonly events: Array<{ address: string; monitorId: number; event: PbxEvent }>;
  readonly logs: Array<Record<string, unknown>>;
}

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.links.close();
    await h.peer.close();
  }
});

async function start(peerOptions: LinkPeerOptions = {}, pbx: Partial<Config['pbx']> = {}): Promise<Harness> {
  const peer = await LinkPeer.start(peerOptions);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const links = await createPbxLinks(
    { linkPort: peer.port, requestTimeoutMs: 500, reconnectMinMs: 40, reconnectMaxMs: 2_000, connectWaitMs: 1_000, maxControllers: 250, ...pbx },
    createLogger('trace', sink),
  );
  const h: Harness = { links, peer, states: [], events: [], logs };
  links.listen({
    state: (address, state) => h.states.push({ address, state, at: performance.now() }),
    event: (address, monitorId, event) => h.events.push({ address, monitorId, event }),
  });
  open.push(h);
  return h;
}

async function until(test: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stateNames = (h: Harness) => h.states.map((s) => s.state);
const countOf = (h: Harness, state: LinkState) => h.states.filter((s) => s.state === state).length;
const logged = (h: Harness, text: string) => h.logs.filter((l) => JSON.stringify(l).includes(text));


const dnd = { class: 'feature', type: 'DO_NOT_DISTURB', dn: '1001', attributes: { FEATURE_EVENT_STATE: 'true', DEVICE_NUMBER: '1001' } };

describe('handshake', () => {
  it('hello with version 1 and the gateway version, welcome → CONNECTED with the controller info', async () => {
    const h = await start({ controller: { name: 'ICP-1', version: '10.1.0.12', clusterId: 'lab-cluster' } });
    expect(await h.links.connect(ADDRESS, 3_000)).toBe('CONNECTED');
    expect(stateNames(h)).toEqual(['CONNECTION_ATTEMPT', 'CONNECTION_INITIALIZING', 'CONNECTED']);
    expect(h.peer.last?.received[0]).toEqual({ type: 'hello', versions: [1], client: `OpenOIG/${GATEWAY_VERSION}` });
    expect(h.links.info(ADDRESS)).toEqual({ name: 'ICP-1', address: ADDRESS, version: '10.1.0.12', clusterId: 'lab-cluster' });
    expect(h.links.state(ADDRESS)).toBe('CONNECTED');
    expect(h.links.addresses()).toEqual([ADDRESS]);
    // Already connected: answers at once.
    expect(await h.links.connect(ADDRESS, 0)).toBe('CONNECTED');
    expect(h.peer.connections).toHaveLength(1);
  });

  it('refused (UNSUPPORTED_VERSION) is a failure with the controller’s reason, and is retried', async () => {
    const h = await start({ hello: () => ({ refuse: { code: 'UNSUPPORTED_VERSION', message: 'controller speaks versions [2]' } }) });
    expect(await h.links.connect(ADDRESS, 300)).not.toBe('CONNECTED');
    expect(stateNames(h).slice(0, 3)).toEqual(['CONNECTION_ATTEMPT', 'CONNECTION_INITIALIZING', 'CONNECTION_FAILURE']);
    const warning = logged(h, 'UNSUPPORTED_VERSION').find((l) => l.level === 40);
    expect(warning).toMatchObject({ level: 40, controller: ADDRESS, reason: 'the controller refused the link: UNSUPPORTED_VERSION: controller speaks versions [2]' });
    await until(() => h.peer.connections.length >= 2, 'a second attempt');
    expect(h.links.info(ADDRESS)).toBeUndefined();
  });

  it('no welcome within the timeout is a failure', async () => {
    const h = await start({ hello: () => 'ignore' }, { requestTimeoutMs: 200 });
    await h.links.connect(ADDRESS, 0);
    await until(() => stateNames(h).includes('CONNECTION_FAILURE'), 'the failure');
    expect(stateNames(h).slice(0, 3)).toEqual(['CONNECTION_ATTEMPT', 'CONNECTION_INITIALIZING', 'CONNECTION_FAILURE']);
    expect(logged(h, 'no welcome within 200 ms')).not.toHaveLength(0);
    await h.peer.connections[0]?.closed;
  });

  it('a welcome for a version the hello did not offer is a protocol error', async () => {
    const h = await start({ hello: (_m, conn) => (conn.send({ type: 'welcome', version: 2, heartbeatMs: 1000, controller: { name: 'x', address: ADDRESS, version: '1', clusterId: 'c' } }), 'ignore') });
    await h.links.connect(ADDRESS, 0);
    await until(() => stateNames(h).includes('CONNECTION_FAILURE'), 'the failure');
    expect(stateNames(h)).not.toContain('CONNECTED');
    expect(await h.peer.connections[0]?.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'PROTOCOL_ERROR', message: expect.stringContaining('version 2') });
  });

  it('connect waits at most waitMs for a controller that is not there', async () => {
    const h = await start();
    await h.peer.stopListening();
    const state = await h.links.connect(ADDRESS, 200);
    expect(['CONNECTION_ATTEMPT', 'CONNECTION_FAILURE']).toContain(state);
    expect(h.links.state(ADDRESS)).not.toBe('CONNECTED');
  });
});

describe('requests', () => {
  it('a request is answered with the controller’s result; PINs never reach a log, frames only at trace', async () => {
    const h = await start({
      request: ({ op, args }) => (op === 'call.make' ? { result: { callId: 4711, echo: args } } : op === 'hotdesk.verifyPin' ? { result: { valid: true } } : undefined),
    });
    await h.links.connect(ADDRESS, 3_000);
    expect(await h.links.request(ADDRESS, 'call.make', { dn: '1000', number: '1001' })).toEqual({ callId: 4711, echo: { dn: '1000', number: '1001' } });
    expect(await h.links.request<{ valid: boolean }>(ADDRESS, 'hotdesk.verifyPin', { userDn: '2000', pin: '90210' })).toEqual({ valid: true });
    const sent = h.peer.last?.received.filter((m) => m.type === 'request');
    expect(sent).toEqual([
      { type: 'request', id: 1, op: 'call.make', args: { dn: '1000', number: '1001' } },
      { type: 'request', id: 2, op: 'hotdesk.verifyPin', args: { userDn: '2000', pin: '90210' } },
    ]);
    expect(logged(h, 'hotdesk.verifyPin').length).toBeGreaterThan(0);
    expect(logged(h, '90210')).toEqual([]);
    expect(h.logs.filter((l) => (l.level as number) >= 30 && 'frame' in l)).toEqual([]);
  });

  it('an error answer rejects with the controller’s code; an unknown code becomes INTERNAL', async () => {
    const h = await start({
      request: ({ op }) => ({ error: op === 'call.make' ? { code: 'DESTINATION_BUSY', message: '1001 is busy' } : { code: 'FLUX_CAPACITOR', message: 'odd' } }),
    });
    await h.links.connect(ADDRESS, 3_000);
    const busy = await rejection(h.links.request(ADDRESS, 'call.make', { dn: '1000', number: '1001' }), PbxError);
    expect([busy.code, busy.message]).toEqual(['DESTINATION_BUSY', '1001 is busy']);
    const odd = await rejection(h.links.request(ADDRESS, 'system.info', {}), PbxError);
    expect([odd.code, odd.message]).toEqual(['INTERNAL', 'FLUX_CAPACITOR: odd']);
  });

  it('answers may come in any order', async () => {
    const held: Array<() => void> = [];
    const h = await start({
      request: ({ id, args }, conn) => {
        held.push(() => conn.send({ type: 'response', id, ok: true, result: { n: args.n } }));
        if (held.length === 3) for (const answer of held.reverse()) answer();
        return undefined;
      },
    });
    await h.links.connect(ADDRESS, 3_000);
    const answers = await Promise.all([1, 2, 3].map((n) => h.links.request(ADDRESS, 'x', { n })));
    expect(answers).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('an unanswered request times out; its late answer is ignored and the link stays up', async () => {
    const h = await start({ request: ({ op }) => (op === 'slow' ? undefined : { result: { fine: true } }) }, { requestTimeoutMs: 200 });
    await h.links.connect(ADDRESS, 3_000);
    const timedOut = await rejection(h.links.request(ADDRESS, 'slow', { dn: '1000' }), PbxError);
    expect(timedOut.code).toBe('TIMEOUT');
    expect(timedOut.message).toContain('slow');
    const conn = h.peer.last!;
    const slow = conn.received.find((m) => m.op === 'slow')!;
    conn.send({ type: 'response', id: slow.id, ok: true, result: { late: true } });
    expect(await h.links.request(ADDRESS, 'fast', {})).toEqual({ fine: true });
    expect(h.links.state(ADDRESS)).toBe('CONNECTED');
    expect(h.peer.connections).toHaveLength(1);
  });

  it('requests while not connected reject at once with LINK_DOWN; pending ones when the link drops', async () => {
    const h = await start({ request: () => undefined }, { requestTimeoutMs: 5_000 });
    expect((await rejection(h.links.request(ADDRESS, 'system.info', {}), PbxError)).code).toBe('LINK_DOWN');
    await h.links.connect(ADDRESS, 3_000);
    const pending = h.links.request(ADDRESS, 'call.make', { dn: '1000', number: '1001' });
    await h.peer.last!.waitFor((m) => m.type === 'request');
    await h.peer.stopListening();
    h.peer.last!.destroy();
    const dropped = await rejection(pending, PbxError);
    expect(dropped.code).toBe('LINK_DOWN');
    expect(dropped.message).toContain('call.make');
    const started = performance.now();
    expect((await rejection(h.links.request(ADDRESS, 'system.info', {}), PbxError)).code).toBe('LINK_DOWN');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('events', () => {
  it('events reach listeners in order with the address and monitor id', async () => {
    const h = await start();
    await h.links.connect(ADDRESS, 3_000);
    const conn = h.peer.last!;
    const call = { class: 'call', type: 'CALL_DELIVERED', cause: 'NEW_CALL', state: 'DELIVERED', dn: '1000', callId: 4711, devices: [], parties: [], future: 'ignored' };
    conn.event(3, call);
    conn.event(4, dnd);
    // Several frames in one write.
    conn.sendBytes(Buffer.concat([frame({ type: 'event', seq: 3, monitorId: 3, event: { ...call, callId: 4712 } }), frame({ type: 'event', seq: 4, monitorId: 3, event: { ...call, callId: 4713 } })]));
    await until(() => h.events.length === 4, 'four events');
    expect(h.events.map((e) => [e.address, e.monitorId, e.event.class, e.event.class === 'call' ? e.event.callId : e.event.type])).toEqual([
      [ADDRESS, 3, 'call', 4711],
      [ADDRESS, 4, 'feature', 'DO_NOT_DISTURB'],
      [ADDRESS, 3, 'call', 4712],
      [ADDRESS, 3, 'call', 4713],
    ]);
    expect(h.links.state(ADDRESS)).toBe('CONNECTED');
  });

  it('a seq gap drops the link (monitors may have lost events) and reconnects', async () => {
    const h = await start();
    await h.links.connect(ADDRESS, 3_000);
    const first = h.peer.last!;
    first.event(1, dnd);
    first.event(1, dnd);
    first.event(1, dnd, 4);
    first.event(1, dnd, 5);
    await h.peer.connection(1);
    await until(() => h.links.state(ADDRESS) === 'CONNECTED' && countOf(h, 'CONNECTED') === 2, 'the reconnect');
    expect(h.events).toHaveLength(2);
    expect(stateNames(h).slice(2)).toEqual(['CONNECTED', 'CONNECTION_FAILURE', 'CONNECTION_ATTEMPT', 'CONNECTION_INITIALIZING', 'CONNECTED']);
    expect(logged(h, 'event sequence gap')[0]).toMatchObject({ level: 40, expected: 3, got: 4 });
    // A new connection counts from 1 again.
    h.peer.last!.event(7, dnd);
    await until(() => h.events.length === 3, 'the event on the new connection');
    expect(h.events[2]?.monitorId).toBe(7);
  });
});

describe('heartbeat', () => {
  it('the gateway pings when idle, answers pings, and keeps a talking link up', async () => {
    const h = await start({ heartbeatMs: 150 });
    await h.links.connect(ADDRESS, 3_000);
    const conn = h.peer.last!;
    conn.send({ type: 'ping', n: 9 });
    expect(await conn.waitFor((m) => m.type === 'pong')).toEqual({ type: 'pong', n: 9 });
    await sleep(700);
    expect(conn.received.filter((m) => m.type === 'ping').length).toBeGreaterThanOrEqual(2);
    expect(stateNames(h)).toEqual(['CONNECTION_ATTEMPT', 'CONNECTION_INITIALIZING', 'CONNECTED']);
  });

  it('a silent controller is found dead after 3 heartbeats and the link is made again', async () => {
    const h = await start({ heartbeatMs: 100 });
    await h.links.connect(ADDRESS, 3_000);
    h.peer.last!.silent = true;
    await until(() => stateNames(h).includes('CONNECTION_FAILURE'), 'the dead link');
    expect(logged(h, 'nothing received for 300 ms')).not.toHaveLength(0);
    await until(() => countOf(h, 'CONNECTED') === 2, 'the reconnect');
    expect(h.peer.connections).toHaveLength(2);
  });
});

describe('failures and reconnects', () => {
  it('a peer that closes gives CONNECTION_FAILURE, then retries with growing delays until it is back', async () => {
    const h = await start();
    await h.links.connect(ADDRESS, 3_000);
    await h.peer.stopListening();
    h.peer.last!.close();
    await until(() => countOf(h, 'CONNECTION_ATTEMPT') >= 5, 'four retries');
    await h.peer.listen();
    await until(() => countOf(h, 'CONNECTED') === 2, 'the reconnect');

    const names = stateNames(h);
    const retries = countOf(h, 'CONNECTION_ATTEMPT') - 1;
    expect(names).toEqual([
      'CONNECTION_ATTEMPT',
      'CONNECTION_INITIALIZING',
      'CONNECTED',
      ...Array.from({ length: retries - 1 }, () => ['CONNECTION_FAILURE', 'CONNECTION_ATTEMPT']).flat(),
      'CONNECTION_FAILURE',
      'CONNECTION_ATTEMPT',
      'CONNECTION_INITIALIZING',
      'CONNECTED',
    ]);
    // Backoff from reconnectMinMs (40): each wait at least the lower half of 40, 80, 160, … and never below 40.
    const waits = h.states.flatMap((s, i) => (s.state === 'CONNECTION_ATTEMPT' && i > 0 ? [s.at - (h.states[i - 1] as { at: number }).at] : []));
    const floors = [40, 40, 80, 160];
    floors.forEach((floor, i) => expect(waits[i]).toBeGreaterThanOrEqual(floor - 2));
    const scheduled = h.logs.filter((l) => typeof l.retryInMs === 'number').map((l) => [l.failures, l.level]);
    expect(scheduled.slice(0, 3)).toEqual([
      [1, 40],
      [2, 40],
      [3, 20],
    ]);
    expect(logged(h, 'link to controller lost')).toHaveLength(1);

    // The backoff starts again from the minimum after a successful connection.
    h.peer.last!.close();
    await until(() => countOf(h, 'CONNECTED') === 3, 'the next reconnect');
    const lost = logged(h, 'link to controller lost');
    expect(lost).toHaveLength(2);
    expect(lost[1]).toMatchObject({ failures: 1, retryInMs: 40 });
  });

  it('garbage from the controller is a protocol error: it is told, the link closes and is made again', async () => {
    const h = await start();
    await h.links.connect(ADDRESS, 3_000);
    const first = h.peer.last!;
    first.sendBytes(Buffer.from([0, 0, 0, 0]));
    expect(await first.waitFor((m) => m.type === 'error')).toMatchObject({ type: 'error', code: 'PROTOCOL_ERROR', message: 'frame of length 0' });
    await first.closed;
    await until(() => countOf(h, 'CONNECTED') === 2, 'the reconnect');

    const second = h.peer.last!;
    second.send({ type: 'subscribe', dn: '1000' });
    expect(await second.waitFor((m) => m.type === 'error')).toMatchObject({ message: 'unknown message type "subscribe"' });
    await until(() => countOf(h, 'CONNECTED') === 3, 'the second reconnect');

    const third = h.peer.last!;
    third.sendBytes(frame(['not', 'an', 'object']));
    await third.closed;
    expect(logged(h, 'holds a JSON array')).not.toHaveLength(0);
  });

  it('release stops the retries and closes the link', async () => {
    const h = await start();
    await h.links.connect(ADDRESS, 3_000);
    await h.links.release(ADDRESS);
    await h.peer.connections[0]?.closed;
    expect(stateNames(h).at(-1)).toBe('NOT_CONNECTED');
    expect(h.links.addresses()).toEqual([]);
    expect(h.links.state(ADDRESS)).toBe('NOT_CONNECTED');
    expect(h.links.info(ADDRESS)).toBeUndefined();

    await h.peer.stopListening();
    await h.links.connect(ADDRESS, 0);
    await until(() => countOf(h, 'CONNECTION_FAILURE') >= 1, 'a failed attempt');
    await h.links.release(ADDRESS);
    const changes = h.states.length;
    await h.peer.listen();
    await sleep(300);
    expect(h.peer.connections).toHaveLength(1);
    expect(h.states).toHaveLength(changes);
    expect(stateNames(h).at(-1)).toBe('NOT_CONNECTED');
  });

  it('a waiting connect returns when the link is released', async () => {
    const h = await start({ hello: () => 'ignore' }, { requestTimeoutMs: 5_000 });
    const waiting = h.links.connect(ADDRESS, 10_000);
    await h.peer.connection(0);
    await h.links.release(ADDRESS);
    expect(await waiting).toBe('NOT_CONNECTED');
  });
});

describe('addresses', () => {
  it('hostnames are refused: controllers are named by IP address', async () => {
    const h = await start();
    for (const name of ['icp1.example.com', 'localhost', '[::1]']) {
      await expect(h.links.connect(name, 0)).rejects.toMatchObject({ code: 'OIG_PBX_ADDRESS_INVALID' });
    }
    expect(h.links.addresses()).toEqual([]);
    expect(h.links.state('localhost')).toBe('NOT_CONNECTED');
    expect((await rejection(h.links.request('localhost', 'system.info', {}), PbxError)).code).toBe('LINK_DOWN');
  });

  it('IPv6 controllers work; spellings of one address share a link, reported as first spelled', async () => {
    const h = await start({ host: '::1' });
    expect(await h.links.connect('0:0:0:0:0:0:0:1', 3_000)).toBe('CONNECTED');
    expect(await h.links.connect('::1', 0)).toBe('CONNECTED');
    expect(h.peer.connections).toHaveLength(1);
    expect(h.links.addresses()).toEqual(['0:0:0:0:0:0:0:1']);
    expect(h.links.state('0::1')).toBe('CONNECTED');
    h.peer.last!.event(2, dnd);
    await until(() => h.events.length === 1, 'the event');
    expect(h.events[0]?.address).toBe('0:0:0:0:0:0:0:1');
    expect(h.states.every((s) => s.address === '0:0:0:0:0:0:0:1')).toBe(true);
    await h.links.release('::1');
    expect(h.links.addresses()).toEqual([]);
  });

  it('at most maxControllers links are kept', async () => {
    const h = await start({}, { maxControllers: 2 });
    expect(await h.links.connect(ADDRESS, 3_000)).toBe('CONNECTED');
    await h.links.connect('127.0.0.2', 0);
    await expect(h.links.connect('127.0.0.3', 0)).rejects.toMatchObject({ code: 'OIG_PBX_CONTROLLER_LIMIT_REACHED' });
    expect(await h.links.connect(ADDRESS, 0)).toBe('CONNECTED');
    await h.links.release('127.0.0.2');
    await h.links.connect('127.0.0.3', 0);
    expect([...h.links.addresses()].sort()).toEqual([ADDRESS, '127.0.0.3']);
  });
});

describe('TLS', () => {
  let dir: string;
  let ca: KeyAndCertificate;
  let caFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pbx-links-'));
    ca = createCertificateAuthority('Test Controller CA');
    caFile = path.join(dir, 'controller-ca.pem');
    await writeFile(caFile, ca.certPem);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const serverCert = (issuer: KeyAndCertificate, ip: string) => issueCertificate(issuer, { subject: { commonName: 'ICP-TLS' }, serverNames: { dns: [], ip: [ip] } });

  it('a controller certificate signed by the configured CA for its IP address works', async () => {
    const cert = serverCert(ca, ADDRESS);
    const h = await start({ tls: { keyPem: cert.keyPem, certPem: cert.certPem } }, { caFile });
    expect(await h.links.connect(ADDRESS, 3_000)).toBe('CONNECTED');
    expect(await h.links.request(ADDRESS, 'x', {}).catch((err: PbxError) => err.code)).toBe('BAD_REQUEST');
  });

  it('TLS checks an IPv6 address against the certificate too', async () => {
    const cert = serverCert(ca, '::1');
    const h = await start({ host: '::1', tls: { keyPem: cert.keyPem, certPem: cert.certPem } }, { caFile });
    expect(await h.links.connect('::1', 3_000)).toBe('CONNECTED');
  });

  it('a certificate from another CA is refused', async () => {
    const other = serverCert(createCertificateAuthority('Some Other CA'), ADDRESS);
    const h = await start({ tls: { keyPem: other.keyPem, certPem: other.certPem } }, { caFile });
    expect(await h.links.connect(ADDRESS, 300)).not.toBe('CONNECTED');
    expect(stateNames(h)).not.toContain('CONNECTED');
    expect(stateNames(h)).not.toContain('CONNECTION_INITIALIZING');
    expect(logged(h, 'certificate')[0]).toMatchObject({ level: 40, msg: 'link to controller failed' });
  });

  it('a certificate of the right CA for another IP address is refused', async () => {
    const elsewhere = serverCert(ca, '127.0.0.9');
    const h = await start({ tls: { keyPem: elsewhere.keyPem, certPem: elsewhere.certPem } }, { caFile });
    expect(await h.links.connect(ADDRESS, 300)).not.toBe('CONNECTED');
    expect(logged(h, "IP: 127.0.0.1 is not in the cert's list")).not.toHaveLength(0);
  });

  it('an unreadable CA file is a configuration error at start', async () => {
    await expect(createPbxLinks({ linkPort: 7001, caFile: path.join(dir, 'missing.pem'), requestTimeoutMs: 500, reconnectMinMs: 40, reconnectMaxMs: 2_000, connectWaitMs: 0, maxControllers: 1 }, createLogger('silent'))).rejects.toMatchObject({
      code: 'OIG_CONFIG_INVALID',
      message: expect.stringContaining('OIG_PBX_CA_FILE'),
    });
  });
});
