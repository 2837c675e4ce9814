import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import cookiePlugin from '@fastify/cookie';
import { startLabSmtp, type LabSmtp } from '@openoig/lab/smtp';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAdminCredentialStore } from '../../src/storage/admin-credential-store';
import { PgAdminSessionStore } from '../../src/storage/admin-session-store';
import { createAdminAuth } from '../../src/transport/admin/admin-auth';
import { ADMIN_PREFIX, registerAdminApi } from '../../src/transport/admin/admin-routes';
import { CcSession, describeEvent } from '../support/cc-client';
import { ICP1, startCcEnv, type CcEnv } from '../support/cc-env';
import { LAB } from '../support/gateway';

/**
 * The admin API's OpenAPI document (GET /api/admin/openapi.json, `npm run openapi`), which the
 * admin UI is typed from: valid OpenAPI 3.1, every admin route in it, and every answer of a walk
 * through the whole API conforms to it. Each call also goes to a twin of the admin API on the
 * same domain objects that answers with plain JSON.stringify (no response schemas): its answers
 * must conform too — fast-json-stringify would silently drop a field a handler returns and the
 * schema lacks — and the gateway's reads must be byte for byte the twin's, the wire as it was
 * before the schemas.
 */
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const SMTP_PASSWORD = 'smtp-walk-secret';

/** Every admin operation; a new route must be added here, to the document, and to the walk. */
const OPERATIONS = [
  'POST /login',
  'POST /logout',
  'GET /applications',
  'GET /acl',
  'POST /acl/refresh',
  'GET /accounts',
  'POST /accounts',
  'GET /accounts/{id}',
  'PATCH /accounts/{id}',
  'DELETE /accounts/{id}',
  'GET /sessions',
  'GET /login-locks',
  'DELETE /login-locks/{kind}/{key}',
  'GET /session',
  'GET /password',
  'PUT /password',
  'GET /network-elements',
  'POST /network-elements',
  'PUT /network-elements/{icpId}',
  'DELETE /network-elements/{icpId}',
  'GET /network-element-defaults',
  'PUT /network-element-defaults/mivb',
  'PUT /network-element-defaults/micc',
  'GET /options/logging',
  'PUT /options/logging',
  'GET /licence',
  'POST /licence/activate',
  'POST /licence/sync',
  'POST /licence/deactivate',
  'GET /overview',
  'GET /usage-report',
  'PUT /usage-report/recipient',
  'PUT /usage-report/smtp',
  'DELETE /usage-report/smtp',
  'POST /usage-report/send',
  'GET /usage-report/deliveries',
  'GET /usage/current',
].sort();
/**
 * Backup and restore, power and the network need the appliance's privileged helper, which this
 * gateway has not: here they are documented and answer 503 OIG_HELPER_UNAVAILABLE; the helper's
 * own tests (appliance/helper/test/admin-backups.test.ts, power-panel, networks-panel, logs-panel, date-time-panel, certificates-panel, trusted-networks-panel, blades-panel) exercise
 * them through a gateway that has one.
 */
const BACKUP_OPERATIONS = ['GET /backups', 'POST /backups', 'GET /backups/{name}', 'DELETE /backups/{name}', 'POST /backups/{name}/restore', 'POST /restore', 'GET /jobs/{id}',
  'GET /backups/schedule', 'PUT /backups/schedule', 'POST /backups/target/scan', 'PUT /backups/target', 'DELETE /backups/target', 'GET /backups/target/backups', 'POST /backups/target/backups/{name}/restore',
  'POST /system/power', 'GET /network', 'PUT /network', 'POST /network/confirm',
  'GET /system/logs/{source}', 'GET /system/logs/{source}/download', 'GET /system/time', 'PUT /system/time',
  'GET /certificate', 'PUT /certificate', 'POST /certificate/request',
  'GET /trusted-networks', 'PUT /trusted-networks', 'GET /blades', 'POST /blades/update-list',
].sort();
const ALL_OPERATIONS = [...OPERATIONS, ...BACKUP_OPERATIONS].sort();

/** JSON as parsed. */
type Json = any;
interface Operation {
  operationId: string;
  tags?: string[];
  summary?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
}
interface Answer {
  status: number;
  text: string;
  json: Json;
  contentType: string | undefined;
  setCookie: unknown;
}
interface Login {
  cookie: string;
  csrf: string;
}

let env: CcEnv;
let smtp: LabSmtp;
let twin: { url: string; close(): Promise<void> };
let document: Json;
let ajv: Ajv2020;
let gatewayLogin: Login;
let twinLogin: Login;
/** `METHOD /template` of every operation answered with a 2xx in the walk. */
const exercised = new Set<string>();

/** The admin API on the gateway's own domain objects and login store, without response schemas. */
async function startPlainJsonTwin(): Promise<{ url: string; close(): Promise<void> }> {
  const { gateway } = env.gw;
  const server = Fastify({ ajv: { customOptions: { removeAdditional: false, allErrors: false } } });
  server.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await server.register(cookiePlugin);
  await registerAdminApi(server, {
    auth: createAdminAuth(new PgAdminSessionStore(gateway.pool), new PgAdminCredentialStore(gateway.pool), LAB.adminPassword, 1_800_000),
    accounts: gateway.accounts,
    acl: gateway.acl,
    sessions: gateway.sessions,
    logins: gateway.logins,
    callControl: gateway.callControl,
    licensing: gateway.licensing,
    reports: gateway.reports,
    elements: gateway.elements,
    logging: gateway.logging,
    usage: gateway.usage,
    helper: gateway.helper,
    backups: gateway.backups,
    appliance: gateway.appliance,
  });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => server.close() };
}

async function call(
  base: string,
  method: string,
  template: string,
  options: { id?: number | string; query?: string; body?: unknown; login?: Login | null; csrf?: boolean; contentType?: string } = {},
): Promise<Answer> {
  const path = template.replace(/\{(id|icpId)\}/, String(options.id)).replace('{kind}/{key}', String(options.id)) + (options.query ? `?${options.query}` : '');
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  if (options.login) {
    headers.cookie = options.login.cookie;
    if (options.csrf !== false) headers['x-csrf-token'] = options.login.csrf;
  }
  const res = await request(`${base}${ADMIN_PREFIX}${path}`, {
    method: method as 'GET',
    headers,
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await res.body.text();
  const contentType = res.headers['content-type'];
  return { status: res.statusCode, text, json: text && String(contentType).startsWith('application/json') ? JSON.parse(text) : undefined, contentType: contentType as string | undefined, setCookie: res.headers['set-cookie'] };
}

const pointer = (...parts: string[]): string => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const validators = new Map<string, ValidateFunction>();

/** The answer is what the document says `METHOD template` answers with its status. */
function expectConforms(method: string, template: string, answer: Answer, where: string): void {
  const key = `${method} ${template}`;
  const operation = document.paths[`${ADMIN_PREFIX}${template}`]?.[method.toLowerCase()] as Operation | undefined;
  expect(operation, `${key} is documented`).toBeDefined();
  const code = String(answer.status);
  const documented = code in operation!.responses ? code : `${code[0]}XX`;
  const response = operation!.responses[documented];
  expect(response, `${key} documents ${code} (${where}: ${answer.text})`).toBeDefined();
  if (!response!.content) {
    expect(answer.text, `${key} ${code} has no body`).toBe('');
  } else {
    expect(answer.contentType, `${key} ${code} content type`).toMatch(/^application\/json/);
    const ref = `openapi.json#/${pointer('paths', `${ADMIN_PREFIX}${template}`, method.toLowerCase(), 'responses', documented, 'content', 'application/json', 'schema')}`;
    let validate = validators.get(ref);
    if (!validate) validators.set(ref, (validate = ajv.compile({ $ref: ref })));
    const valid = validate(answer.json);
    expect(validate.errors ?? [], `${key} ${code} (${where}) conforms: ${answer.text.slice(0, 2000)}`).toEqual([]);
    expect(valid).toBe(true);
  }
  if (answer.status >= 200 && answer.status < 300) exercised.add(key);
}

/** A read (or a change that answers the same twice): the gateway and the twin answer the same bytes, and conform. */
async function same(method: string, template: string, options: Parameters<typeof call>[3] & { live?: (text: string) => string } = {}): Promise<Answer> {
  const { live = (text: string) => text, ...callOptions } = options;
  const served = await call(env.url, method, template, { login: gatewayLogin, ...callOptions });
  const plain = await call(twin.url, method, template, { login: gatewayLogin, ...callOptions });
  expectConforms(method, template, served, 'gateway');
  expectConforms(method, template, plain, 'handler as returned');
  expect({ status: served.status, text: live(served.text) }, `${method} ${template}: the wire is unchanged`).toEqual({ status: plain.status, text: live(plain.text) });
  return served;
}

/**
 * A controller that is not there is retried all the time, so its state may move between the
 * gateway's answer and the twin's; the bytes are compared with the live state blanked.
 */
const withoutConnectionState = (text: string): string => text.replace(/"connectionState":"[A-Z_]+"/g, '"connectionState":"…"');

/** A change made once through the gateway and once, with its own options, through the twin; both answers conform. */
async function each(method: string, template: string, onGateway: Parameters<typeof call>[3], onTwin: Parameters<typeof call>[3]): Promise<[Answer, Answer]> {
  const served = await call(env.url, method, template, { login: gatewayLogin, ...onGateway });
  const plain = await call(twin.url, method, template, { login: twinLogin, ...onTwin });
  expectConforms(method, template, served, 'gateway');
  expectConforms(method, template, plain, 'handler as returned');
  return [served, plain];
}

async function login(base: string, where: string, password: string = LAB.adminPassword): Promise<Login> {
  const res = await call(base, 'POST', '/login', { body: { password } });
  expectConforms('POST', '/login', res, where);
  return { cookie: String(res.setCookie).split(';')[0] as string, csrf: res.json.csrfToken };
}

beforeAll(async () => {
  smtp = await startLabSmtp({ users: { reports: SMTP_PASSWORD } });
  env = await startCcEnv({ config: { usage: { flushIntervalMs: 100, reportRetryMs: 20 } } });
  twin = await startPlainJsonTwin();
  const served = await call(env.url, 'GET', '/openapi.json');
  expect(served.status).toBe(200);
  document = served.json;
  ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
});

afterAll(async () => {
  await twin?.close();
  await env?.close();
  await smtp?.stop();
});

/** Every `METHOD /template` of the document, the prefix taken off. */
function documentedOperations(): Array<[string, Operation]> {
  return Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([p, methods]) =>
    Object.entries(methods).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${p.slice(ADMIN_PREFIX.length)}`, op]),
  );
}

/** Every property name in a schema, nested ones included. */
function propertyNames(schema: Json): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const own = schema.properties ? Object.keys(schema.properties) : [];
  return [...own, ...Object.values(schema).flatMap((v) => (Array.isArray(v) ? v.flatMap(propertyNames) : propertyNames(v)))];
}

describe('the OpenAPI document', () => {
  it('is served without a login and is valid OpenAPI 3.1', async () => {
    const served = await call(env.url, 'GET', '/openapi.json');
    expect(served.contentType).toMatch(/^application\/json/);
    expect(served.json.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(served.json);
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('has every admin route and nothing else, each with a unique operationId, its security and documented answers', () => {
    expect(Object.keys(document.paths).every((p) => p.startsWith(`${ADMIN_PREFIX}/`))).toBe(true);
    const operations = documentedOperations();
    expect(operations.map(([key]) => key).sort()).toEqual(ALL_OPERATIONS);
    const ids = operations.map(([, op]) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['adminCookie', 'csrfToken']);
    expect(document.components.securitySchemes.adminCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'oig_admin' });
    expect(document.components.securitySchemes.csrfToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
    for (const [key, op] of operations) {
      expect(op.tags?.length, key).toBe(1);
      expect(op.summary, key).toBeTruthy();
      const security = key === 'POST /login' || key === 'POST /network/confirm' ? [] : key.startsWith('GET ') ? [{ adminCookie: [] }] : [{ adminCookie: [], csrfToken: [] }];
      expect(op.security, key).toEqual(security);
      const codes = Object.keys(op.responses);
      expect(codes.filter((c) => /^2\d\d$/.test(c)), key).toHaveLength(1);
      for (const errors of ['4XX', '5XX']) expect(op.responses[errors]?.content?.['application/json']?.schema, `${key} ${errors}`).toEqual(expect.objectContaining({ $ref: '#/components/schemas/Error' }));
      for (const [code, response] of Object.entries(op.responses)) {
        expect(response.description, `${key} ${code}`).toBeTruthy();
        // The answers that are not JSON: a backup file and a log, downloaded.
        const downloads: Record<string, string> = { 'GET /backups/{name}': 'application/octet-stream', 'GET /system/logs/{source}/download': 'text/plain' };
        const type = (code === '200' && downloads[key]) || 'application/json';
        if (code !== '204') expect(response.content?.[type]?.schema, `${key} ${code}`).toBeDefined();
      }
    }
  });

  it('holds no secret: no answer has a password, hash or secret, the SMTP settings only passwordSet', () => {
    const names = Object.values(document.components.schemas).flatMap(propertyNames);
    expect(names).toContain('passwordSet');
    expect(names.filter((n) => /password|hash|secret|token/i.test(n) && n !== 'passwordSet' && n !== 'csrfToken')).toEqual([]);
  });

  it('is what `npm run openapi` prints, without a database or network', async () => {
    const file = path.join(env.gw.dir, 'openapi.json');
    await promisify(execFile)('npm', ['run', '--silent', 'openapi', '-w', '@openoig/service', '--', file], { cwd: REPO });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(document);
  });
});

describe('every answer of a walk through the admin API conforms to the document', () => {
  let cc: CcSession;
  let restSessionId: string;

  beforeAll(async () => {
    gatewayLogin = await login(env.url, 'gateway');
    twinLogin = await login(twin.url, 'handler as returned');
    // A SOAP session holding a monitor (event counters), a REST one without, and two ACL applications without accounts.
    cc = await CcSession.open(env.url);
    const phone = await cc.monitor(await cc.icpId(ICP1), '1004');
    await cc.until((e) => describeEvent(e) === `${phone} MONITOR_SET/MONITOR_SET/IDLE`);
    const q = new URLSearchParams({ companyName: LAB.company, applicationName: LAB.advanced.applicationName, applicationPassword: LAB.advanced.applicationPassword, localPassword: LAB.localPassword, version: '4.0' });
    restSessionId = ((await (await request(`${env.url}/mitel/oig/rest/resources/v1/sessions?${q}`)).body.json()) as { sessionId: string }).sessionId;
    for (const applicationName of ['WalkOne', 'WalkTwo']) env.gw.mcs.upsertApplication({ companyName: 'Walk Co', applicationName, applicationPassword: 'walk', type: 'Standard' });
  });

  afterAll(async () => {
    await cc?.logout();
    if (restSessionId) await request(`${env.url}/mitel/oig/rest/resources/v1/sessions/${restSessionId}`, { method: 'DELETE' });
  });

  it('the ACL, applications, accounts, sessions, controllers, licence, overview and usage: the same bytes as without schemas', async () => {
    await each('POST', '/acl/refresh', {}, {});
    await same('GET', '/acl');
    expect((await same('GET', '/applications')).json).toContainEqual(expect.objectContaining({ applicationName: 'WalkOne', accountId: null }));
    const accounts = (await same('GET', '/accounts')).json as Array<{ id: number }>;
    await same('GET', '/accounts/{id}', { id: accounts[0]!.id });
    const sessions = (await same('GET', '/sessions')).json as Array<{ sessionId: string; events?: unknown }>;
    expect(sessions.find((s) => s.sessionId === cc.sessionId)?.events).toBeDefined();
    expect(sessions.some((s) => s.sessionId === restSessionId)).toBe(true);
    // Wrong application passwords lock the application (issue #11); the administrator lifts it.
    for (let i = 0; i < 5; i += 1) {
      const q = new URLSearchParams({ companyName: 'Walk Co', applicationName: 'WalkTwo', applicationPassword: 'not-walk', localPassword: 'walk-two' });
      expect((await request(`${env.url}/mitel/oig/rest/resources/v1/sessions?${q}`)).statusCode).toBe(401);
    }
    expect((await same('GET', '/login-locks')).json).toContainEqual(expect.objectContaining({ kind: 'application', key: 'Walk Co/WalkTwo', locks: 1 }));
    const lock = `application/${encodeURIComponent('Walk Co/WalkTwo')}`;
    const [unlocked, again] = await each('DELETE', '/login-locks/{kind}/{key}', { id: lock }, { id: lock });
    expect([unlocked.status, again.status, again.json?.code]).toEqual([204, 404, 'OIG_ADMIN_LOCK_NOT_FOUND']);
    expect((await same('GET', '/network-elements')).json).toContainEqual(expect.objectContaining({ address: ICP1, connectionState: 'CONNECTED' }));
    expect((await same('GET', '/licence')).json.licence.binding).toEqual({ guid: expect.any(String) });
    await same('GET', '/overview');
    await same('GET', '/usage-report');
    await same('GET', '/usage-report/deliveries', { query: 'limit=5' });
    expect((await same('GET', '/usage/current')).json.length).toBeGreaterThan(0);
  });

  it('account changes and the errors', async () => {
    const [one, two] = await each(
      'POST',
      '/accounts',
      { body: { companyName: 'Walk Co', applicationName: 'WalkOne', localPassword: 'walk-one' } },
      { body: { companyName: 'Walk Co', applicationName: 'WalkTwo', localPassword: 'walk-two' } },
    );
    expect([one.status, two.status]).toEqual([201, 201]);
    await each('PATCH', '/accounts/{id}', { id: one.json.id, body: { enabled: false } }, { id: two.json.id, body: { localPassword: 'walk-two-again' } });
    await same('GET', '/accounts/{id}', { id: one.json.id });

    expect((await same('POST', '/accounts', { body: { companyName: 'Walk Co', applicationName: 'WalkOne', localPassword: 'walk-one' } })).status).toBe(409);
    expect((await same('GET', '/accounts/{id}', { id: 2_000_000_000 })).status).toBe(404);
    expect((await same('GET', '/accounts/{id}', { id: 0 })).status).toBe(400);
    expect((await same('PATCH', '/accounts/{id}', { id: one.json.id, body: { enabled: true, hash: 'x' } })).status).toBe(400);
    expect((await same('POST', '/accounts', { body: '<account/>', contentType: 'application/xml' })).status).toBe(415);
    expect((await same('GET', '/accounts', { login: null })).status).toBe(401);
    expect((await same('POST', '/acl/refresh', { csrf: false })).status).toBe(403);
    expect((await same('POST', '/login', { login: null, body: { password: 'wrong' } })).status).toBe(401);

    const [gone, goneToo] = await each('DELETE', '/accounts/{id}', { id: one.json.id }, { id: two.json.id });
    expect([gone.status, goneToo.status]).toEqual([204, 204]);
  });

  it('the usage report: mail server, recipient, send now, deliveries', async () => {
    const smtpSettings = { host: '127.0.0.1', port: smtp.port, security: 'none', sender: 'oig@lab.example', username: 'reports', password: SMTP_PASSWORD };
    expect((await same('PUT', '/usage-report/smtp', { body: smtpSettings })).json.smtp).toMatchObject({ passwordSet: true });
    await same('PUT', '/usage-report/recipient', { body: { recipient: 'walk@lab.example' } });
    const [first, second] = await each('POST', '/usage-report/send', { body: {} }, { body: {} });
    expect([first.status, second.status]).toEqual([202, 202]);
    for (let i = 0; i < 100; i++) {
      const deliveries = (await call(env.url, 'GET', '/usage-report/deliveries', { login: gatewayLogin })).json as Array<{ id: string; status: string }>;
      if ([first, second].every((d) => deliveries.find((x) => x.id === d.json.delivery.id)?.status === 'sent')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const report = await same('GET', '/usage-report');
    expect(report.json.deliveries.slice(0, 2).map((d: { status: string }) => d.status)).toEqual(['sent', 'sent']);
    expect(report.text).not.toContain(SMTP_PASSWORD);
    await same('GET', '/usage-report/deliveries');
    expect((await same('POST', '/usage-report/send', { body: { month: '1999-13' } })).status).toBe(400);
    await same('DELETE', '/usage-report/smtp');
    expect((await same('POST', '/usage-report/send', { body: {} })).json.code).toBe('OIG_USAGE_SMTP_NOT_CONFIGURED');
  });

  it('network elements, their default values and the logging level', async () => {
    await same('GET', '/session');
    const custom = { outsidePrefix: '8', localCountryCode: '353', longDistancePrefix: '0', internationalPrefix: '00', localAreaCodes: ['1'], maxExtensionLength: 5, inboundTrunkServiceDigits: '' };
    const [mivb, micc] = await each(
      'POST',
      '/network-elements',
      { body: { type: 'MI_VB', address: '127.1.0.77', name: 'Walk', useDefaults: false, mivb: custom } },
      { body: { type: 'MI_CC', address: '127.1.0.78', useDefaults: true } },
    );
    expect([mivb.status, micc.status]).toEqual([201, 201]);
    expect([mivb.json.mivb, micc.json.micc]).toEqual([custom, { transport: 'https' }]);
    await each('PUT', '/network-elements/{icpId}', { id: mivb.json.icpId, body: { address: '127.1.0.79', useDefaults: true } }, { id: micc.json.icpId, body: { address: '127.1.0.78', useDefaults: false, micc: { transport: 'http' } } });
    const invalid = await same('POST', '/network-elements', { body: { type: 'MI_VB', address: 'pbx.example', useDefaults: false, mivb: { ...custom, localCountryCode: 'x' } } });
    expect([invalid.status, Object.keys(invalid.json.fields).sort()]).toEqual([400, ['address', 'localCountryCode']]);
    expect((await same('POST', '/network-elements', { body: { type: 'MI_CC', address: '127.1.0.80', useDefaults: true } })).json.code).toBe('OIG_ADMIN_NE_MICC_LIMIT');
    await same('GET', '/network-elements', { live: withoutConnectionState });
    await same('GET', '/network-element-defaults');
    await each('PUT', '/network-element-defaults/mivb', { body: custom }, { body: { ...custom, outsidePrefix: '9' } });
    await each('PUT', '/network-element-defaults/micc', { body: { transport: 'http' } }, { body: { transport: 'https' } });
    const [gone, goneToo] = await each('DELETE', '/network-elements/{icpId}', { id: mivb.json.icpId }, { id: micc.json.icpId });
    expect([gone.status, goneToo.status]).toEqual([204, 204]);
    expect((await same('DELETE', '/network-elements/{icpId}', { id: mivb.json.icpId })).status).toBe(404);

    await same('GET', '/options/logging');
    await each('PUT', '/options/logging', { body: { level: 'TRACE' } }, { body: { level: 'INFO' } });
    expect((await same('PUT', '/options/logging', { body: { level: 'LOUD' } })).status).toBe(400);
  });

  it('licensing: sync, deactivate, activate', async () => {
    await each('POST', '/licence/sync', {}, {});
    const [deactivated, notActivated] = await each('POST', '/licence/deactivate', {}, {});
    expect([deactivated.json.licence.state, notActivated.json.code]).toEqual(['unlicensed', 'OIG_LICENCE_NOT_ACTIVATED']);
    expect((await same('GET', '/licence')).json.licence).toMatchObject({ state: 'unlicensed', binding: null, activatedAt: null });
    await same('GET', '/overview');
    const [unknown, activated] = await each('POST', '/licence/activate', { body: { arid: 'ARID-NO-SUCH' } }, { body: { arid: LAB.arid } });
    expect([unknown.json.code, activated.json.licence.state]).toEqual(['OIG_LICENCE_UNKNOWN_ARID', 'active']);
    // The other way round, so that each answer is checked both as served and as the handler returns it.
    const deactivatedAgain = await call(twin.url, 'POST', '/licence/deactivate', { login: twinLogin });
    expectConforms('POST', '/licence/deactivate', deactivatedAgain, 'handler as returned');
    const activatedAgain = await call(env.url, 'POST', '/licence/activate', { login: gatewayLogin, body: { arid: LAB.arid } });
    expectConforms('POST', '/licence/activate', activatedAgain, 'gateway');
    expect([deactivatedAgain.json.licence.state, activatedAgain.json.licence.state]).toEqual(['unlicensed', 'active']);
    await same('GET', '/licence');
  });

  it('administrator password: status, a refused change, a change through each', async () => {
    expect((await same('GET', '/password')).json).toEqual({ changedAt: null });
    const wrong = await same('PUT', '/password', { body: { currentPassword: 'not-it', newPassword: 'walk-admin-one' } });
    expect([wrong.status, wrong.json.fields]).toEqual([400, { currentPassword: 'This is not the current administrator password' }]);
    // A change ends every other administrator login: each side logs in again after the other's change.
    const served = await call(env.url, 'PUT', '/password', { login: gatewayLogin, body: { currentPassword: LAB.adminPassword, newPassword: 'walk-admin-one' } });
    expectConforms('PUT', '/password', served, 'gateway');
    twinLogin = await login(twin.url, 'twin', 'walk-admin-one');
    const plain = await call(twin.url, 'PUT', '/password', { login: twinLogin, body: { currentPassword: 'walk-admin-one', newPassword: 'walk-admin-two' } });
    expectConforms('PUT', '/password', plain, 'handler as returned');
    gatewayLogin = await login(env.url, 'gateway', 'walk-admin-two');
    await same('GET', '/password');
  });

  it('logout', async () => {
    const [served, plain] = await each('POST', '/logout', {}, {});
    expect([served.json, plain.json]).toEqual([{ result: true }, { result: true }]);
  });

  it('touched every documented operation with a success', () => {
    expect([...exercised].sort()).toEqual(OPERATIONS);
  });
});
