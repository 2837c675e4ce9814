import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabMivb } from './cluster';
import { FORWARD_MODES, type ForwardMode } from './engine';
import { MivbError } from './errors';
import { FixtureError } from './fixture';

/**
 * The lab's HTTP control API (lab/README.md "Control API"): JSON on 127.0.0.1, the same actions
 * as the in-process handle. For tests in other processes and for people with curl.
 */
export interface ControlApi {
  readonly url: string;
  close(): Promise<void>;
}

class Body {
  constructor(private readonly value: Record<string, unknown>) {}

  get raw(): Record<string, unknown> {
    return this.value;
  }

  str(key: string): string {
    const v = this.value[key];
    if (typeof v !== 'string' || v === '') throw new MivbError('BAD_REQUEST', `${key} must be a non-empty string`);
    return v;
  }

  optStr(key: string): string | undefined {
    return this.value[key] === undefined ? undefined : this.str(key);
  }

  int(key: string): number {
    const v = this.value[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new MivbError('BAD_REQUEST', `${key} must be a whole number`);
    return v;
  }

  optInt(key: string): number | undefined {
    return this.value[key] === undefined ? undefined : this.int(key);
  }

  bool(key: string): boolean {
    const v = this.value[key];
    if (typeof v !== 'boolean') throw new MivbError('BAD_REQUEST', `${key} must be true or false`);
    return v;
  }
}

type Action = (lab: LabMivb, id: string, body: Body) => unknown;

/** POST /phones/:dn/<action>: callId is optional (the phone's current call). */
const PHONE_ACTIONS: Record<string, Action> = {
  offHook: (lab, dn) => lab.offHook(dn),
  dial: (lab, dn, b) => lab.dial(dn, b.str('digits'), b.optStr('accountCode')),
  answer: (lab, dn, b) => lab.answer(dn, b.optInt('callId')),
  hangUp: (lab, dn, b) => lab.hangUp(dn, b.optInt('callId')),
  hold: (lab, dn, b) => lab.hold(dn, b.optInt('callId')),
  retrieve: (lab, dn, b) => lab.retrieve(dn, b.optInt('callId')),
  consult: (lab, dn, b) => lab.consult(dn, b.str('number'), b.optInt('callId')),
  transfer: (lab, dn, b) => lab.transfer(dn, b.optInt('callId')),
  conference: (lab, dn, b) => lab.conference(dn, b.optInt('callId')),
  splitConference: (lab, dn, b) => lab.splitConference(dn, b.optInt('callId')),
  cancelConsultation: (lab, dn, b) => lab.cancelConsultation(dn, b.optInt('callId')),
  alternate: (lab, dn, b) => lab.alternate(dn, b.optInt('callId')),
  newCall: (lab, dn, b) => lab.newCall(dn, b.int('callId')),
  redirect: (lab, dn, b) => lab.redirect(dn, b.str('to'), b.optInt('callId')),
  pickup: (lab, dn, b) => lab.pickup(dn, b.str('ringDn')),
  remoteRetrieve: (lab, dn, b) => lab.remoteRetrieve(dn, b.optStr('remoteDn')),
  campOn: (lab, dn, b) => lab.campOn(dn, b.optInt('callId')),
  callMeBack: (lab, dn, b) => lab.callMeBack(dn, b.optInt('callId')),
  digits: (lab, dn, b) => lab.digits(dn, b.str('digits'), b.optInt('callId')),
  accountCode: (lab, dn, b) => lab.accountCode(dn, b.str('accountCode'), b.optInt('callId')),
  dnd: (lab, dn, b) => lab.setDnd(dn, b.bool('on')),
  forward: (lab, dn, b) => {
    const mode = b.str('mode') as ForwardMode;
    if (!FORWARD_MODES.includes(mode)) throw new MivbError('BAD_REQUEST', `mode must be one of ${FORWARD_MODES.join(', ')}`);
    return lab.setForward(dn, mode, b.bool('on'), b.optStr('to'));
  },
  callbackMessage: (lab, dn, b) => lab.callbackMessage(dn, b.str('target'), b.bool('on')),
  prgPresence: (lab, dn, b) => lab.prgPresence(dn, b.str('prgDn'), b.bool('present')),
};

const HOTDESK_ACTIONS: Record<string, Action> = {
  login: (lab, user, b) => lab.hotDeskLogin(user, b.str('deviceDn'), b.str('pin')),
  logout: (lab, user) => lab.hotDeskLogout(user),
  loginExternal: (lab, user, b) => lab.hotDeskLoginExternal(user, b.str('externalNumber'), b.str('pin')),
  logoutExternal: (lab, user) => lab.hotDeskLogoutExternal(user),
};

const CONTROLLER_ACTIONS: Record<string, Action> = {
  dropLinks: (lab, c) => lab.dropLinks(c),
  restart: (lab, c, b) => {
    // Answers at once; the controller comes back by itself after downMs.
    void lab.restart(c, b.optInt('downMs')).catch(() => undefined);
  },
  stopAnswering: (lab, c) => lab.stopAnswering(c),
  slowLink: (lab, c, b) => lab.slowLink(c, b.int('ms')),
  resume: (lab, c) => lab.resume(c),
};

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  run(lab: LabMivb, params: string[], body: Body, query: URLSearchParams): unknown;
}

const actionRoute = (prefix: string, actions: Record<string, Action>): Route => ({
  method: 'POST',
  pattern: new RegExp(`^/${prefix}/([^/]+)/([A-Za-z]+)$`),
  run(lab, [id, action], body) {
    const fn = actions[action as string];
    if (!fn) throw new MivbError('BAD_REQUEST', `unknown action ${action}; known: ${Object.keys(actions).join(', ')}`);
    return fn(lab, id as string, body);
  },
});

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/health$/, run: () => ({ status: 'ok' }) },
  { method: 'GET', pattern: /^\/controllers$/, run: (lab) => lab.controllers() },
  { method: 'GET', pattern: /^\/fixture$/, run: (lab) => lab.fixture() },
  { method: 'GET', pattern: /^\/devices$/, run: (lab) => lab.devices() },
  { method: 'GET', pattern: /^\/devices\/([^/]+)$/, run: (lab, [dn]) => lab.device(dn as string) },
  { method: 'GET', pattern: /^\/devices\/([^/]+)\/features$/, run: (lab, [dn]) => lab.features(dn as string) },
  { method: 'GET', pattern: /^\/calls$/, run: (lab) => lab.calls() },
  { method: 'GET', pattern: /^\/events$/, run: (lab, _p, _b, q) => lab.events(Number(q.get('after') ?? 0)) },
  { method: 'POST', pattern: /^\/reset$/, run: (lab) => lab.reset() },
  actionRoute('phones', PHONE_ACTIONS),
  actionRoute('hotdesk', HOTDESK_ACTIONS),
  actionRoute('controllers', CONTROLLER_ACTIONS),
  { method: 'POST', pattern: /^\/externals\/call$/, run: (lab, _p, b) => lab.externalCall(b.str('from'), b.str('to')) },
  { method: 'POST', pattern: /^\/externals\/([0-9]+)\/answer$/, run: (lab, [n]) => lab.externalAnswer(n as string) },
  { method: 'POST', pattern: /^\/externals\/([0-9]+)\/hangUp$/, run: (lab, [n]) => lab.externalHangUp(n as string) },
  { method: 'POST', pattern: /^\/directory\/phones$/, run: (lab, _p, b) => lab.addPhone(b.raw as never) },
  { method: 'PATCH', pattern: /^\/directory\/phones\/([^/]+)$/, run: (lab, [dn], b) => lab.updatePhone(dn as string, b.raw) },
  { method: 'POST', pattern: /^\/directory\/hotdesk-users$/, run: (lab, _p, b) => lab.addHotDeskUser(b.raw as never) },
  { method: 'PATCH', pattern: /^\/directory\/hotdesk-users\/([^/]+)$/, run: (lab, [dn], b) => lab.updateHotDeskUser(dn as string, b.raw) },
  { method: 'POST', pattern: /^\/directory\/prgs$/, run: (lab, _p, b) => lab.addPrg(b.raw as never) },
  { method: 'PATCH', pattern: /^\/directory\/prgs\/([^/]+)$/, run: (lab, [dn], b) => lab.updatePrg(dn as string, b.raw) },
  { method: 'PUT', pattern: /^\/directory\/devices\/([^/]+)\/cos$/, run: (lab, [dn], b) => lab.setCos(dn as string, b.raw) },
  { method: 'DELETE', pattern: /^\/directory\/devices\/([^/]+)$/, run: (lab, [dn]) => lab.removeDevice(dn as string) },
];

const STATUS: Partial<Record<MivbError['code'], number>> = {
  BAD_REQUEST: 400,
  NO_SUCH_DEVICE: 404,
  NO_SUCH_CALL: 404,
  NO_SUCH_NUMBER: 404,
  INTERNAL: 500,
};

function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_048_576) reject(new MivbError('BAD_REQUEST', 'body over 1 MiB'));
      else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve({});
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        resolve(value as Record<string, unknown>);
      } catch {
        reject(new MivbError('BAD_REQUEST', 'the body must be a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

export async function startControlApi(lab: LabMivb, port: number, host = '127.0.0.1'): Promise<ControlApi> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value ?? {}));
    };
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://lab');
        for (const route of ROUTES) {
          const match = route.method === req.method ? route.pattern.exec(url.pathname) : null;
          if (!match) continue;
          const body = new Body(await readBody(req));
          return reply(200, await route.run(lab, match.slice(1).map(decodeURIComponent), body, url.searchParams));
        }
        reply(404, { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${url.pathname}` } });
      } catch (e) {
        if (e instanceof MivbError) return reply(STATUS[e.code] ?? 409, { error: { code: e.code, message: e.message } });
        if (e instanceof FixtureError) return reply(400, { error: { code: 'INVALID_DIRECTORY', message: e.message } });
        reply(500, { error: { code: 'INTERNAL', message: (e as Error).message } });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
