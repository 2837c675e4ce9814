import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';

/**
 * REST/JSON Session Management (developer guide, "REST / JSON Data Access Web Service":
 * GET = login, PUT = reset the inactivity timer, DELETE = logout).
 */
const PATH = '/mitel/oig/rest/resources/v1/sessions';
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

const credentials = {
  companyName: LAB.company,
  applicationName: LAB.standard.applicationName,
  applicationPassword: LAB.standard.applicationPassword,
  localPassword: LAB.localPassword,
  version: '4.0',
};

async function call(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown) {
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

async function login(): Promise<string> {
  const res = await call('GET', `${PATH}?${new URLSearchParams(credentials)}`);
  expect(res.status).toBe(200);
  return res.json.sessionId as string;
}

describe('REST sessions', () => {
  it('GET with query parameters logs in and answers the id as a string', async () => {
    const res = await call('GET', `${PATH}?${new URLSearchParams(credentials)}`);
    expect(res).toMatchObject({ status: 200, json: { result: true, sessionType: 'Standard', timeoutSeconds: 10 } });
    expect(res.json.sessionId).toMatch(/^\d+$/);
    expect(gw.gateway.sessions.get(res.json.sessionId as string).protocol).toBe('rest');
  });

  it('GET with the credentials as a JSON body logs in too', async () => {
    const res = await call('GET', PATH, credentials);
    expect(res).toMatchObject({ status: 200, json: { result: true } });
  });

  it('PUT resets the timer and DELETE logs out, with the id in the path, the query or a JSON body', async () => {
    const a = await login();
    expect(await call('PUT', `${PATH}/${a}`)).toMatchObject({ status: 200, json: { result: true, sessionId: a } });
    expect(await call('PUT', `${PATH}?sessionId=${a}`)).toMatchObject({ status: 200 });
    expect(await call('PUT', PATH, { sessionId: a })).toMatchObject({ status: 200 });
    expect(await call('DELETE', PATH, { sessionId: a })).toMatchObject({ status: 200, json: { result: true } });
    expect(await call('PUT', `${PATH}/${a}`)).toMatchObject({ status: 404, json: { code: 'OIG_SESSION_NOT_FOUND' } });
    const b = await login();
    expect(await call('DELETE', `${PATH}?sessionId=${b}`)).toMatchObject({ status: 200 });
  });

  it('errors are JSON with a code and a message', async () => {
    const wrong = await call('GET', `${PATH}?${new URLSearchParams({ ...credentials, localPassword: 'nope' })}`);
    expect(wrong).toEqual({ status: 401, json: { code: 'OIG_SESSION_WRONG_LOCAL_PASSWORD', message: 'Local Password Invalid' } });

    const missing = await call('GET', `${PATH}?companyName=x`);
    expect(missing).toMatchObject({ status: 400, json: { code: 'OIG_SESSION_LOGIN_INCOMPLETE' } });
    expect(missing.json.message).toMatch(/application name/);

    expect(await call('PUT', `${PATH}/abc`)).toMatchObject({ status: 400, json: { code: 'OIG_SESSION_INVALID_ID' } });
    expect(await call('PUT', PATH)).toMatchObject({ status: 400, json: { code: 'OIG_SESSION_INVALID_ID' } });
    expect(await call('PUT', `${PATH}/99999999999999999999`)).toMatchObject({ status: 400, json: { code: 'OIG_SESSION_INVALID_ID' } });

    const tooLong = await call('GET', `${PATH}?${new URLSearchParams({ ...credentials, applicationName: 'x'.repeat(300) })}`);
    expect(tooLong).toMatchObject({ status: 400, json: { code: 'OIG_REST_INVALID_REQUEST' } });

    const badJson = await request(`${gw.url}${PATH}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"sessionId":' });
    expect(badJson.statusCode).toBe(400);
    expect(await badJson.body.json()).toMatchObject({ code: 'OIG_REST_INVALID_REQUEST' });
  });

  it('unknown resources answer a JSON 404', async () => {
    expect(await call('GET', '/mitel/oig/rest/resources/v1/nothing')).toMatchObject({ status: 404, json: { code: 'OIG_REST_NOT_FOUND' } });
  });
});
