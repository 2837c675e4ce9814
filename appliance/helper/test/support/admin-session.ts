import { expect } from 'vitest';

/**
 * An administrator's login to a test gateway's admin API, with the calls the helper's tests make:
 * JSON or raw bodies (an upload), and following a job to its end while a restore restarts the
 * gateway.
 */
export interface AdminAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Buffer;
  readonly json: any;
}

export interface AdminSession {
  call(method: string, pathname: string, body?: object | Buffer, headers?: Record<string, string>): Promise<AdminAnswer>;
  jobEnd(id: string, timeoutMs?: number): Promise<any>;
}

export async function adminSession(baseUrl: string, password: string, context: () => string = () => ''): Promise<AdminSession> {
  const res = await fetch(`${baseUrl}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  expect(res.status).toBe(200);
  const csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;

  const call: AdminSession['call'] = async (method, pathname, body, headers = {}) => {
    const isBytes = Buffer.isBuffer(body);
    const answer = await fetch(`${baseUrl}/api/admin${pathname}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body ? { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' } : {}), ...headers },
      ...(body ? { body: isBytes ? body : JSON.stringify(body) } : {}),
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    return { status: answer.status, headers: answer.headers, bytes, json: (answer.headers.get('content-type') ?? '').includes('json') ? JSON.parse(bytes.toString()) : undefined };
  };

  /** Follows a job until it ends; the gateway may be restarting (a restore) meanwhile. */
  const jobEnd: AdminSession['jobEnd'] = async (id, timeoutMs = 50_000) => {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < end) {
      const answer = await call('GET', `/jobs/${id}`).catch((err: Error) => err.message);
      last = typeof answer === 'string' ? answer : answer.json;
      if (typeof answer !== 'string' && answer.status === 200 && answer.json.state !== 'running') return answer.json;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`job ${id} did not end; last answer ${JSON.stringify(last)}; ${context().slice(-1500)}`);
  };
  return { call, jobEnd };
}
