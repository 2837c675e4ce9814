import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcSession } from '../support/cc-client';
import { startTestGateway, type TestGateway } from '../support/gateway';

/**
 * StandardCCService answers that need no controller: the contract's failure forms
 * (result="false" + errorDescription), Advanced operations on a Standard session (issue #4),
 * the getEvent timeout text, and input checked at the edge.
 */
let gw: TestGateway;
let std: CcSession;

beforeAll(async () => {
  gw = await startTestGateway({ config: { pbx: { connectWaitMs: 200, reconnectMinMs: 50, reconnectMaxMs: 200 } } });
  std = await CcSession.open(gw.url);
});

afterAll(async () => {
  await gw?.close();
});

describe('StandardCCService without a controller', () => {
  it('an Advanced operation on a Standard session answers result="false" saying it needs an Advanced session', async () => {
    const answer = await std.call('advGetACDAgentStatus', { sessionId: std.sessionId, objectId: 1 });
    expect(answer.result).toBe('false');
    expect(answer.errorDescription).toMatch(/advGetACDAgentStatus requires an Advanced session/);
    expect(answer.DND).toBe('false');
  });

  it('an Advanced operation on an Advanced session says plainly it is not provided yet', async () => {
    const adv = await CcSession.open(gw.url, 'standard');
    // A Standard application cannot become Advanced; the lab's Advanced app signs in through the
    // certificate handshake, which the session contract tests cover. Here: the gateway's own check.
    gw.gateway.sessions.get(adv.sessionId).type = 'Advanced';
    const answer = await adv.call('advGetSystemConferences', { sessionId: adv.sessionId, icpId: 1 });
    expect(answer.result).toBe('false');
    expect(answer.errorDescription).toMatch(/advGetSystemConferences is an Advanced operation this release of OpenOIG does not provide yet/);
    await adv.logout();
  });

  it('getEvent with nothing to report answers result="false" with the contract text after the timeout', async () => {
    const started = Date.now();
    const answer = await std.call('getEvent', { sessionId: std.sessionId, timeout: 300 });
    expect(answer.result).toBe('false');
    expect(answer.errorDescription).toBe('Timeout no event message available.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('getNumberedEvent on timeout answers result="false" with eventNumber 0', async () => {
    const answer = await std.call('getNumberedEvent', { sessionId: std.sessionId, timeout: 0, eventNumber: 0 });
    expect(answer).toMatchObject({ result: 'false', eventNumber: '0', advanced: 'false', errorDescription: 'Timeout no event message available.' });
  });

  it('cancelGetEvent ends a waiting getEvent', async () => {
    const waiting = std.call('getEvent', { sessionId: std.sessionId, timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 200));
    const other = await CcSession.open(gw.url);
    const cancel = await other.call('cancelGetEvent', { sessionId: std.sessionId });
    expect(cancel.result).toBe('true');
    const answer = await waiting;
    expect(answer.result).toBe('false');
    expect(answer.errorDescription).toMatch(/cancelled by cancelGetEvent/);
    await other.logout();
  });

  it('an unknown session, an unknown object and a host name instead of an IP are refused with the reason', async () => {
    const unknown = await std.call('monitorObject', { sessionId: '12345', objectId: 1 });
    expect(unknown).toMatchObject({ result: 'false', objectId: '0', icpId: '0' });
    expect(unknown.errorDescription).toMatch(/Session 12345 does not exist/);

    const object = await std.call('monitorObject', { sessionId: std.sessionId, objectId: 999 });
    expect(object.errorDescription).toMatch(/Object id 999 is not known/);

    const host = await std.call('getIcpId', { request: { attributes: { sessionId: std.sessionId }, icpIpAddress: 'pbx.example.com' } });
    expect(host).toMatchObject({ result: 'false', icpId: '0' });
    expect(host.errorDescription).toMatch(/not an IP address/);

    const icp = await std.call('getPhoneNumberId', { request: { attributes: { sessionId: std.sessionId, icpId: 42 }, primeDn: '1000' } });
    expect(icp.errorDescription).toMatch(/icpId 42 is not a MiVoice Business known to this gateway/);
  });

  it('a controller nobody answers at gets an icpId and the state CONNECTION_FAILURE, and the same id again later', async () => {
    const first = await std.ok('getIcpId', { request: { attributes: { sessionId: std.sessionId }, icpIpAddress: '127.1.9.9' } });
    expect(first.connectionState).toMatch(/CONNECTION_FAILURE|CONNECTION_ATTEMPT/);
    const again = await std.ok('getIcpId', { request: { attributes: { sessionId: std.sessionId }, icpIpAddress: '127.1.9.9' } });
    expect(again.icpId).toBe(first.icpId);
    const call = await std.call('getPhoneNumberId', { request: { attributes: { sessionId: std.sessionId, icpId: first.icpId }, primeDn: '1000' } });
    expect(call.result).toBe('false');
    expect(call.errorDescription).toMatch(/controller is not reachable/);
  });

  it('registerEventHandler refuses a URL that is not http(s)', async () => {
    const answer = await std.call('registerEventHandler', { sessionId: std.sessionId, eventHandlerURL: 'file:///etc/passwd' });
    expect(answer.result).toBe('false');
    expect(answer.errorDescription).toMatch(/absolute http or https URL/);
  });

  it('a gateway that stops tells waiting applications with the system event OIG_SHUTDOWN', async () => {
    const own = await startTestGateway();
    const app = await CcSession.open(own.url);
    const waiting = app.call('getEvent', { sessionId: app.sessionId, timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 200));
    const closing = own.close();
    const answer = await waiting;
    await closing;
    expect(answer.result).toBe('true');
    expect(answer.eventType).toBe('SYSTEM_EVENT');
    expect(answer.systemEvent).toMatchObject({ eventType: 'OIG_SHUTDOWN', attributes: { icpId: '0' } });
  });
});
