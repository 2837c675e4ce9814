import { startLabSmtp, type LabSmtp } from '@openoig/lab/smtp';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcSession } from '../support/cc-client';
import { LAB, startTestGateway, type TestGateway } from '../support/gateway';

/**
 * The usage report through the running gateway (installation guide "Options Tab", "Send Mitel
 * OIG Usage Report"): sessions are recorded per application and day, the administrator sets
 * the mail server and recipient, "send now" delivers the month-to-date report with its CSV to
 * a real SMTP server on loopback, and the delivery shows in the admin API.
 */
let gw: TestGateway;
let smtp: LabSmtp;
let cookie: string;
let csrf: string;

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await request(`${gw.url}/api/admin${path}`, {
    method: method as 'GET',
    headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  smtp = await startLabSmtp({ users: { reports: 'smtp-secret-pw' } });
  gw = await startTestGateway({ config: { usage: { flushIntervalMs: 100, reportRetryMs: 20 } } });
  const res = await request(`${gw.url}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: LAB.adminPassword }) });
  cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  csrf = ((await res.body.json()) as { csrfToken: string }).csrfToken;
});

afterAll(async () => {
  await gw?.close();
  await smtp?.stop();
});

describe('the usage report through the admin API', () => {
  it('with no recipient, send now sends nothing and says why', async () => {
    const refused = await admin('POST', '/usage-report/send', {});
    expect(refused).toMatchObject({ status: 409, json: { code: 'OIG_USAGE_NO_RECIPIENT' } });
    expect(smtp.messages()).toEqual([]);
  });

  it('refuses bad settings field by field', async () => {
    expect((await admin('PUT', '/usage-report/smtp', { host: 'mail.example.com', port: 70_000, security: 'tls', sender: 'oig@example.com' })).status).toBe(400);
    expect((await admin('PUT', '/usage-report/smtp', { host: 'bad host!', port: 25, security: 'none', sender: 'oig@example.com' })).json.code).toBe('OIG_USAGE_SETTINGS_INVALID');
    expect((await admin('PUT', '/usage-report/recipient', { recipient: 'not an address' })).json.code).toBe('OIG_USAGE_SETTINGS_INVALID');
  });

  it('send now delivers the month-to-date report with the sessions recorded today, and the password is never shown', async () => {
    const app = await CcSession.open(gw.url);
    await app.logout();

    const set = await admin('PUT', '/usage-report/smtp', { host: '127.0.0.1', port: smtp.port, security: 'none', sender: 'oig@lab.example', username: 'reports', password: 'smtp-secret-pw' });
    expect(set.status).toBe(200);
    expect(JSON.stringify(set.json)).not.toContain('smtp-secret-pw');
    expect(set.json.smtp).toMatchObject({ host: '127.0.0.1', passwordSet: true, username: 'reports' });
    await admin('PUT', '/usage-report/recipient', { recipient: 'technician@lab.example' });

    const sent = await admin('POST', '/usage-report/send', {});
    expect(sent.status).toBe(202);
    const message = await smtp.waitForMessage((m) => m.to.includes('technician@lab.example'), 10_000);
    expect(message.user).toBe('reports');
    expect(message.subject).toMatch(/usage/i);
    const csv = message.attachments.find((a) => a.filename?.endsWith('.csv'));
    expect(csv).toBeDefined();
    const rows = (csv?.content.toString('utf8') ?? '').replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(rows[0]).toBe('record_type,gateway_name,date,company_name,application_name,sessions_opened,peak_sessions,peak_monitors,peak_integration_users');
    const today = new Date().toISOString().slice(0, 10);
    expect(rows.find((r) => r.startsWith('application,') && r.includes(`,${today},${LAB.company},${LAB.standard.applicationName},`))).toMatch(/,1,1,0,0$/);

    // The server accepted the message; the gateway records the delivery right after.
    let report = await admin('GET', '/usage-report');
    for (let i = 0; i < 50 && report.json.deliveries[0]?.status !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      report = await admin('GET', '/usage-report');
    }
    expect(report.json.deliveries[0]).toMatchObject({ status: 'sent', trigger: 'manual', attempts: 1, recipient: 'technician@lab.example' });
    expect(JSON.stringify(report.json)).not.toContain('smtp-secret-pw');
  });

  it('a mail server that refuses is retried, and the failure is visible with its reason', async () => {
    smtp.failNext(3, 451);
    await admin('POST', '/usage-report/send', {});
    for (let i = 0; i < 100; i++) {
      const [latest] = (await admin('GET', '/usage-report/deliveries?limit=1')).json;
      if (latest?.status === 'failed') {
        expect(latest.error).toMatch(/451/);
        expect(latest.attempts).toBe(3);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the delivery did not fail after its attempts');
  });
});
