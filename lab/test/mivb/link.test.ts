import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../src/mcs/ca';
import { DEFAULT_MIVB_FIXTURE, startLabMivb, type LabMivb, type LabMivbOptions } from '../../src/mivb/index';
import { eventually, TestLinkClient, type Frame } from './link-client';

const ICP1 = '127.1.0.1';
const ICP2 = '127.1.0.2';

async function withLab(options: LabMivbOptions, run: (lab: LabMivb, port: number) => Promise<void>): Promise<void> {
  const lab = await startLabMivb({ linkPort: 0, heartbeatMs: 200, ...options });
  try {
    await run(lab, lab.controllers()[0]?.port as number);
  } finally {
    await lab.stop();
  }
}

const refusedConnection = (host: string, port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

describe('lab MiVB link', () => {
  it('binds each controller on its own address, one port for all', async () => {
    await withLab({}, async (lab, port) => {
      expect(lab.controllers().map((c) => [c.name, c.address, c.port, c.state])).toEqual([
        ['ICP-1', ICP1, port, 'up'],
        ['ICP-2', ICP2, port, 'up'],
      ]);
    });
  });

  it('handshake: welcome with heartbeat and controller; refused for unknown versions; nothing else before hello', async () => {
    await withLab({}, async (_lab, port) => {
      const { client, welcome } = await TestLinkClient.open(ICP2, port);
      expect(welcome).toEqual({
        type: 'welcome',
        version: 1,
        heartbeatMs: 200,
        controller: { name: 'ICP-2', address: ICP2, version: '10.1.0.12', clusterId: 'lab-cluster' },
      });
      await client.close();

      const old = await TestLinkClient.connect(ICP1, port);
      old.send({ type: 'hello', versions: [0, 7], client: 'test/0' });
      expect(await old.waitFor((f) => f.type === 'refused')).toMatchObject({ code: 'UNSUPPORTED_VERSION' });
      await old.closed;

      const eager = await TestLinkClient.connect(ICP1, port);
      eager.send({ type: 'request', id: 1, op: 'system.info', args: {} });
      expect(await eager.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'PROTOCOL_ERROR' });
      await eager.closed;
    });
  });

  it('answers requests, with the error codes of the protocol', async () => {
    await withLab({}, async (_lab, port) => {
      const { client } = await TestLinkClient.open(ICP1, port);
      expect(await client.ok('system.info')).toEqual({
        name: 'ICP-1',
        address: ICP1,
        version: '10.1.0.12',
        clusterId: 'lab-cluster',
        outsidePrefix: '9',
        localCountryCode: '1',
        longDistancePrefix: '1',
        internationalPrefix: '011',
        localAreaCodes: ['613'],
        maxExtLength: 4,
        trunkPrefix: '9',
      });
      expect(await client.ok('device.get', { dn: '2001' })).toMatchObject({ primary: ICP2, secondary: ICP1, activeController: ICP2, inService: true });
      const code = async (op: string, args: Record<string, unknown>): Promise<string | undefined> => (await client.request(op, args)).error?.code;
      expect(await code('device.get', { dn: '2005' })).toBe('NO_SUCH_DEVICE');
      expect(await code('call.make', { dn: '2001', number: '1000' })).toBe('NOT_IN_SERVICE');
      expect(await code('call.make', { dn: '1007', number: '1000' })).toBe('COS_CALL_CONTROL_DENIED');
      expect(await code('monitor.start', { dn: '1006', kind: 'call' })).toBe('COS_MONITOR_DENIED');
      expect(await code('monitor.stop', { monitorId: 99 })).toBe('NO_SUCH_MONITOR');
      expect(await code('call.answer', { dn: '1000', callId: 99 })).toBe('NO_SUCH_CALL');
      expect(await code('call.fly', {})).toBe('BAD_REQUEST');
      expect((await client.request('call.make', { dn: '1000' })).error).toEqual({ code: 'BAD_REQUEST', message: 'args.number must be a non-empty string' });
      expect(await client.ok('number.dialable', { e164: '+16135550100' })).toEqual({ dialable: '96135550100' });
      expect(await client.ok('hotdesk.verifyPin', { userDn: '3000', pin: '1234' })).toEqual({ valid: true });

      await client.ok('call.make', { dn: '1001', number: '1002' });
      const busy = await client.request('call.make', { dn: '1000', number: '1001' });
      expect(busy.error).toMatchObject({ code: 'DESTINATION_BUSY', callId: 2, cause: 'DESTINATION_BUSY' });
      await client.ok('call.campOn', { dn: '1000', callId: busy.error?.callId });
    });
  });

  it('events go to each connection\'s own monitors, numbered from 1, after the response', async () => {
    await withLab({}, async (lab, port) => {
      const a = (await TestLinkClient.open(ICP1, port)).client;
      const b = (await TestLinkClient.open(ICP1, port)).client;
      const c = (await TestLinkClient.open(ICP2, port)).client;
      const a1000 = (await a.ok('monitor.start', { dn: '1000', kind: 'call' })).monitorId;
      const b1000 = (await b.ok('monitor.start', { dn: '1000', kind: 'call' })).monitorId;
      const b2005 = (await b.request('monitor.start', { dn: '2005', kind: 'call' })).error?.code;
      const c2005 = (await c.ok('monitor.start', { dn: '2005', kind: 'call' })).monitorId;
      expect([a1000, b1000, b2005, c2005]).toEqual([1, 1, 'NO_SUCH_DEVICE', 1]);

      a.send({ type: 'request', id: 50, op: 'call.make', args: { dn: '1000', number: '2005' } });
      await eventually(() => a.events().length === 2 && b.events().length === 2 && c.events().length === 1);
      const responseAt = a.frames.findIndex((f) => f.type === 'response' && f.id === 50);
      expect(responseAt).toBeGreaterThan(-1);
      expect(responseAt).toBeLessThan(a.frames.findIndex((f) => f.type === 'event'));
      const summary = (client: TestLinkClient) => client.events().map((e) => [e.seq, e.monitorId, e.event.dn, e.event.type]);
      expect(summary(a)).toEqual([
        [1, 1, '1000', 'CALL_ORIGINATED'],
        [2, 1, '1000', 'CALL_DELIVERED'],
      ]);
      expect(summary(b)).toEqual(summary(a));
      expect(summary(c)).toEqual([[1, 1, '2005', 'CALL_DELIVERED']]);

      await b.ok('monitor.stop', { monitorId: b1000 });
      lab.answer('2005');
      await eventually(() => a.events().length === 3 && c.events().length === 2);
      expect(a.events()[2]).toMatchObject({ seq: 3, event: { type: 'CALL_ESTABLISHED', dn: '1000' } });
      expect(b.events()).toHaveLength(2);
      expect(lab.events().map((e) => [e.dn, e.controller, e.event.type])).toEqual([
        ['1000', 'ICP-1', 'CALL_ORIGINATED'],
        ['2005', 'ICP-2', 'CALL_DELIVERED'],
        ['1000', 'ICP-1', 'CALL_DELIVERED'],
        ['2005', 'ICP-2', 'CALL_ESTABLISHED'],
        ['1000', 'ICP-1', 'CALL_ESTABLISHED'],
      ]);
    });
  });

  it('heartbeat: pings an idle link, answers pings, closes a silent peer after 3 heartbeats', async () => {
    await withLab({}, async (_lab, port) => {
      const { client } = await TestLinkClient.open(ICP1, port);
      client.send({ type: 'ping', n: 5 });
      expect(await client.waitFor((f) => f.type === 'pong')).toEqual({ type: 'pong', n: 5 });
      expect(await client.waitFor((f) => f.type === 'ping')).toEqual({ type: 'ping', n: 1 });
      await new Promise((r) => setTimeout(r, 800));
      expect(client.socket.destroyed).toBe(false);

      const { client: silent } = await TestLinkClient.open(ICP1, port);
      silent.answerPings = false;
      const started = Date.now();
      await silent.closed;
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      expect(silent.frames.filter((f) => f.type === 'ping').length).toBeGreaterThanOrEqual(1);
      await client.close();
    });
  });

  it('a malformed frame closes the connection', async () => {
    await withLab({}, async (_lab, port) => {
      const header = (n: number): Buffer => {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(n);
        return b;
      };
      const body = (text: string | Buffer): Buffer => {
        const bytes = typeof text === 'string' ? Buffer.from(text) : text;
        return Buffer.concat([header(bytes.length), bytes]);
      };
      const cases: [string, Buffer][] = [
        ['length 0', header(0)],
        ['over 1 MiB', header(1_048_577)],
        ['not JSON', body('{"type":')],
        ['not UTF-8', body(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
        ['an array', body('[1,2]')],
        ['no type', body('{"versions":[1]}')],
      ];
      for (const [name, bytes] of cases) {
        const client = await TestLinkClient.connect(ICP1, port);
        client.sendRaw(bytes);
        const error = await client.waitFor((f) => f.type === 'error');
        expect(error.code, name).toBe('PROTOCOL_ERROR');
        await client.closed;
      }
      const { client } = await TestLinkClient.open(ICP1, port);
      client.send({ type: 'gossip' });
      expect(await client.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'PROTOCOL_ERROR', message: 'unexpected frame type gossip' });
      await client.closed;
    });
  });

  it('dropLinks closes every connection of the controller; it accepts new ones', async () => {
    await withLab({}, async (lab, port) => {
      const one = (await TestLinkClient.open(ICP1, port)).client;
      const two = (await TestLinkClient.open(ICP1, port)).client;
      const other = (await TestLinkClient.open(ICP2, port)).client;
      lab.dropLinks('ICP-1');
      await Promise.all([one.closed, two.closed]);
      expect(await other.ok('system.info')).toMatchObject({ name: 'ICP-2' });
      const again = (await TestLinkClient.open(ICP1, port)).client;
      expect(await again.ok('system.info')).toMatchObject({ name: 'ICP-1' });
      await Promise.all([other.close(), again.close()]);
    });
  });

  it('restart: refused while down, calls cleared, resilient devices to the secondary and back', async () => {
    await withLab({ fixture: { ...DEFAULT_MIVB_FIXTURE, failbackMs: 100 } }, async (lab, port) => {
      const one = (await TestLinkClient.open(ICP1, port)).client;
      const two = (await TestLinkClient.open(ICP2, port)).client;
      await one.ok('monitor.start', { dn: '1000', kind: 'call' });
      const on1 = (await one.ok('monitor.start', { dn: '2000', kind: 'call' })).monitorId;
      const { callId } = lab.dial('1000', '2000');
      lab.answer('2000', callId);
      await eventually(() => one.events().length === 3);

      const restarted = lab.restart('ICP-2', 500);
      await two.closed;
      expect(await refusedConnection(ICP2, port)).toBe('ECONNREFUSED');
      await eventually(() => one.events().length === 5);
      expect(one.events().slice(3).map((e) => [e.event.dn, e.event.type, e.event.cause])).toEqual([
        ['1000', 'CALL_CLEAR', 'DEVICE_OUT_OF_SERVICE'],
        ['2000', 'IN_SERVICE', 'DEVICE_IN_SERVICE'],
      ]);
      expect(lab.controllers()[1]?.state).toBe('down');
      expect(await one.ok('device.get', { dn: '2000' })).toMatchObject({ activeController: ICP1, inService: true });
      const made = await one.ok('call.make', { dn: '2000', number: '1001' });
      await one.ok('call.clear', { dn: '2000', callId: made.callId });

      await restarted;
      const back = (await TestLinkClient.open(ICP2, port)).client;
      const on2 = (await back.ok('monitor.start', { dn: '2000', kind: 'call' })).monitorId;
      await back.waitFor((f) => f.type === 'event' && (f.event as { type: string }).type === 'IN_SERVICE');
      await one.waitFor((f) => f.type === 'event' && (f.event as { type: string }).type === 'OUT_OF_SERVICE');
      expect(one.events().at(-1)).toMatchObject({ monitorId: on1, event: { dn: '2000', state: 'OUT_OF_SERVICE', cause: 'DEVICE_OUT_OF_SERVICE' } });
      expect(back.events().at(-1)).toMatchObject({ monitorId: on2, seq: 1, event: { dn: '2000', state: 'IDLE', cause: 'DEVICE_IN_SERVICE' } });
      expect((await one.request('call.make', { dn: '2000', number: '1001' })).error?.code).toBe('NOT_IN_SERVICE');
      await Promise.all([one.close(), back.close()]);
    });
  });

  it('stopAnswering keeps connections open and silent until resume', async () => {
    await withLab({}, async (lab, port) => {
      const { client } = await TestLinkClient.open(ICP1, port);
      lab.stopAnswering('127.1.0.1');
      client.send({ type: 'request', id: 7, op: 'system.info', args: {} });
      client.send({ type: 'ping', n: 1 });
      await new Promise((r) => setTimeout(r, 900));
      expect(client.frames.map((f) => f.type)).toEqual(['welcome']);
      expect(client.socket.destroyed).toBe(false);
      expect(lab.controllers()[0]).toMatchObject({ stopAnswering: true, connections: 1 });
      lab.resume('ICP-1');
      expect(await client.ok('system.info')).toMatchObject({ name: 'ICP-1' });
      expect(client.frames.some((f) => f.type === 'response' && f.id === 7)).toBe(false);
      await client.close();
    });
  });

  it('slowLink delays every outgoing frame, in order', async () => {
    await withLab({}, async (lab, port) => {
      const { client } = await TestLinkClient.open(ICP1, port);
      await client.ok('monitor.start', { dn: '1000', kind: 'call' });
      lab.slowLink('ICP-1', 300);
      const started = Date.now();
      client.send({ type: 'request', id: 40, op: 'call.make', args: { dn: '1000', number: '1001' } });
      await client.waitFor((f) => f.type === 'response' && f.id === 40);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      await eventually(() => client.events().length === 2);
      expect(client.frames.slice(-3).map((f) => f.type)).toEqual(['response', 'event', 'event']);
      lab.resume('ICP-1');
      await client.close();
    });
  });

  it('speaks TLS with the certificate it is given', async () => {
    const ca = createCertificateAuthority('lab MiVB test CA');
    const cert = issueCertificate(ca, { subject: { commonName: 'lab-mivb' }, serverNames: { dns: [], ip: [ICP1, ICP2] } });
    await withLab({ tls: { cert: cert.certPem, key: cert.keyPem } }, async (_lab, port) => {
      const { client, welcome } = await TestLinkClient.open(ICP2, port, { ca: ca.certPem });
      expect(welcome).toMatchObject({ type: 'welcome', controller: { name: 'ICP-2' } });
      expect(await client.ok('device.get', { dn: '2005' })).toMatchObject({ dn: '2005', kind: 'phone' });
      await client.close();
    });
  });

  it('the HTTP control API drives phones, the outside world, the directory and faults', async () => {
    await withLab({ controlPort: 0 }, async (lab) => {
      const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Frame }> => {
        const res = await fetch(`${lab.controlUrl}${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
        return { status: res.status, json: (await res.json()) as Frame };
      };
      expect((await call('POST', '/phones/1000/dial', { digits: '1001' })).json).toEqual({ callId: 1 });
      expect((await call('POST', '/phones/1001/answer')).status).toBe(200);
      expect((await call('GET', '/calls')).json).toMatchObject([{ callId: 1, legs: [{ dn: '1000', state: 'ESTABLISHED' }, { dn: '1001', state: 'ESTABLISHED' }] }]);
      expect((await call('POST', '/externals/call', { from: '6135550123', to: '1002' })).json).toEqual({ callId: 2 });
      expect((await call('GET', '/devices/1002')).json).toMatchObject({ dn: '1002', calls: 1 });
      expect((await call('POST', '/phones/1888/answer')).status).toBe(404);
      expect((await call('POST', '/phones/1000/hold', { callId: 'x' })).json).toMatchObject({ error: { code: 'BAD_REQUEST' } });
      expect((await call('POST', '/directory/phones', { dn: '1001', controller: 'ICP-1' })).json).toMatchObject({
        error: { code: 'INVALID_DIRECTORY', message: expect.stringContaining('DN 1001 is already used') },
      });
      expect((await call('PUT', '/directory/devices/1005/cos', { monitor: false })).status).toBe(200);
      expect(lab.device('1005').cos).toEqual({ callControl: true, monitor: false });
      expect((await call('POST', '/controllers/ICP-2/slowLink', { ms: 50 })).status).toBe(200);
      expect((await call('GET', '/controllers')).json).toMatchObject([{ name: 'ICP-1', slowLinkMs: 0 }, { name: 'ICP-2', slowLinkMs: 50 }]);
      expect(((await call('GET', '/events?after=4')).json as unknown as unknown[]).length).toBe(lab.events(4).length);
    });
  });
});
