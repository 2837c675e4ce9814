import { request } from 'undici';
import { LAB } from './gateway';

export interface AdminAnswer {
  status: number;
  json: any; // JSON as the API answered it
}

/** The admin API as a logged-in administrator: the cookie and the CSRF token on every call. */
export class AdminClient {
  private constructor(
    private readonly base: string,
    readonly cookie: string,
    readonly csrfToken: string,
  ) {}

  static async login(gatewayUrl: string, password: string = LAB.adminPassword): Promise<AdminClient> {
    const res = await request(`${gatewayUrl}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    const body = (await res.body.json()) as { csrfToken?: string; message?: string };
    if (res.statusCode !== 200 || !body.csrfToken) throw new Error(`admin login answered ${res.statusCode}: ${body.message}`);
    return new AdminClient(`${gatewayUrl}/api/admin`, String(res.headers['set-cookie']).split(';')[0] as string, body.csrfToken);
  }

  async call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<AdminAnswer> {
    const res = await request(`${this.base}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
  }
}
