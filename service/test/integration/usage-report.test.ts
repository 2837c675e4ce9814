import { PassThrough } from 'node:stream';
import { createCertificateAuthority, issueCertificate } from '@openoig/lab/mcs';
import { startLabSmtp, type LabSmtp, type LabSmtpMessage } from '@openoig/lab/smtp';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/domain/usage/ports';
import { ReportService } from '../../src/domain/usage/report-service';
import { UsageRecorder } from '../../src/domain/usage/usage-recorder';
import { CSV_COLUMNS } from '../../src/domain/usage/usage-report';
import { DEFAULT_USAGE_REPORT_CRON, scheduleUsageReport, type Scheduler } from '../../src/jobs/usage-report-job';
import { createLogger } from '../../src/log';
import { SmtpMailer } from '../../src/mail/smtp-mailer';
import { createPool, migrate } from '../../src/storage/database';
import { PgUsageReportStore } from '../../src/storage/usage-report-store';
import { PgUsageStore } from '../../src/storage/usage-store';
import { createTestDatabase } from '../support/database';

/**
 * Usage recording and the usage report (seed: "Send Mitel OIG Usage Report") against a real
 * PostgreSQL and the lab SMTP server: what the gateway records, and the mail as delivered.
 */
const SALES = { companyName: 'Acme', applicationName: 'SalesDialer' };
const RECORDER = { companyName: 'Acme', applicationName: 'CallRecorder' };
const CRM = { companyName: 'Beta, Inc.', applicationName: 'MiVoice Integration for Salesforce' };
const SMTP_PASSWORD = 'smtp-S3cret-pw';

let pool: pg.Pool;
let logs = '';
const log = (() => {
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
  return createLogger('debug', sink);
})();
let clock = new Date('2026-11-01T00:00:00Z');
const now = (): Date => clock;
const at = (iso: string): Date => (clock = new Date(iso));

let recorder: UsageRecorder;
let reportStore: PgUsageReportStore;
let smtp: LabSmtp;
const services: ReportService[] = [];

function reportService(options: { attempts?: number } = {}): ReportService {
  const service = new ReportService({
    store: reportStore,
    usage: recorder,
    mailer: new SmtpMailer({ timeoutMs: 5000 }),
    gateway: { name: 'oig-lab-1', version: '0.1.0', host: 'oig-lab-1.example.test' },
    licence: () => ['OIG Call Control users: 250 (lab)'],
    log,
    now,
    attempts: options.attempts ?? 3,
    retryDelayMs: 20,
  });
  services.push(service);
  return service;
}

async function configure(service: ReportService, server: LabSmtp, extra: { security?: 'tls' | 'starttls' | 'none'; username?: string; password?: string; caPem?: string } = {}): Promise<void> {
  await service.setSmtp({ host: server.host, port: server.port, security: extra.security ?? 'none', sender: 'oig@example.test', ...extra });
  await service.setRecipient('billing@provider.example');
}

/** The CSV attachment as rows of cells (no quoted commas in these tests but the company's). */
function csvRows(message: LabSmtpMessage): string[][] {
  const csv = message.attachments.find((a) => a.filename?.endsWith('.csv'));
  expect(csv?.contentType).toBe('text/csv');
  const text = (csv?.content ?? Buffer.alloc(0)).toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return text
    .slice(1)
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => [...l.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => (m[1] ?? '').replace(/^"|"$/g, '').replaceAll('""', '"')));
}

beforeAll(async () => {
  pool = createPool(await createTestDatabase());
  await migrate(pool, 'up', createLogger('silent'));
  recorder = new UsageRecorder({ store: new PgUsageStore(pool), log, now, flushIntervalMs: 3_600_000 });
  reportStore = new PgUsageReportStore(pool);
  smtp = await startLabSmtp();
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  smtp.reset();
  await pool.query('TRUNCATE usage_report_delivery');
  await pool.query('UPDATE usage_report_settings SET recipient = NULL');
});

afterAll(async () => {
  await recorder?.close();
  await smtp?.stop();
  await pool?.end();
});

describe('usage recording', () => {
  it('counts sessions opened and keeps each UTC day’s peaks per application and for the whole gateway', async () => {
    at('2026-10-05T09:00:00Z');
    recorder.sessionOpened(SALES);
    recorder.sessionOpened(SALES);
    recorder.concurrency(SALES, { monitors: 40 });
    recorder.sessionOpened(RECORDER);
    recorder.concurrency(RECORDER, { monitors: 100 });
    at('2026-10-05T10:00:00Z');
    recorder.sessionEnded(SALES);
    recorder.concurrency(SALES, { monitors: 10 });
    recorder.sessionOpened(SALES); // back to 2 sessions, below no earlier peak
    await recorder.flush();
    // A second batch the same day merges: openings add up, peaks keep the greatest.
    at('2026-10-05T18:00:00Z');
    recorder.concurrency(RECORDER, { monitors: 60 });
    recorder.concurrency(SALES, { monitors: 0 });
    recorder.sessionEnded(SALES);
    recorder.sessionEnded(SALES);
    // Still open at midnight: CallRecorder's session and monitors count for the next day too.
    at('2026-10-06T08:00:00Z');
    await recorder.flush();

    const usage = await recorder.usageFor({ from: '2026-10-01', to: '2026-10-31' });
    expect(usage.applications).toEqual([
      { day: '2026-10-05', companyName: 'Acme', applicationName: 'CallRecorder', sessionsOpened: 1, peakSessions: 1, peakMonitors: 100, peakIntegrationUsers: 0 },
      { day: '2026-10-05', companyName: 'Acme', applicationName: 'SalesDialer', sessionsOpened: 3, peakSessions: 2, peakMonitors: 40, peakIntegrationUsers: 0 },
      { day: '2026-10-06', companyName: 'Acme', applicationName: 'CallRecorder', sessionsOpened: 0, peakSessions: 1, peakMonitors: 60, peakIntegrationUsers: 0 },
    ]);
    // The gateway's peak is of the sum at one moment: 3 sessions and 140 monitors at 09:00, not 2 + 1 and 40 + 100 by chance.
    expect(usage.gateway).toEqual([
      { day: '2026-10-05', sessionsOpened: 4, peakSessions: 3, peakMonitors: 140, peakIntegrationUsers: 0 },
      { day: '2026-10-06', sessionsOpened: 0, peakSessions: 1, peakMonitors: 60, peakIntegrationUsers: 0 },
    ]);

    // Another recorder on the same database (a restart) merges into the same rows with GREATEST.
    const second = new UsageRecorder({ store: new PgUsageStore(pool), log, now, flushIntervalMs: 3_600_000 });
    at('2026-10-06T09:00:00Z');
    second.sessionOpened(SALES);
    second.concurrency(SALES, { integrationUsers: 25, monitors: 5 });
    await second.close();
    const after = await recorder.usageFor({ from: '2026-10-06', to: '2026-10-06' });
    expect(after.applications.find((d) => d.applicationName === 'SalesDialer')).toMatchObject({ sessionsOpened: 1, peakSessions: 1, peakMonitors: 5, peakIntegrationUsers: 25 });
    expect(after.applications.find((d) => d.applicationName === 'CallRecorder')).toMatchObject({ peakMonitors: 60 });
    recorder.concurrency(RECORDER, { sessions: 0, monitors: 0 });
    await recorder.flush();
  });
});

describe('usage report by e-mail', () => {
  it('the monthly job on the 1st sends the previous month: subject, summary and CSV read back from the SMTP server', async () => {
    at('2026-11-03T10:00:00Z');
    recorder.sessionOpened(SALES);
    recorder.sessionOpened(CRM);
    recorder.concurrency(CRM, { integrationUsers: 12, monitors: 12 });
    at('2026-11-17T10:00:00Z');
    recorder.sessionOpened(CRM);
    recorder.concurrency(CRM, { integrationUsers: 30, monitors: 31 });
    recorder.sessionEnded(SALES);
    recorder.sessionEnded(CRM);
    recorder.sessionEnded(CRM);
    recorder.concurrency(CRM, { integrationUsers: 0, monitors: 0 });
    at('2026-10-31T23:00:00Z');
    recorder.sessionOpened(RECORDER); // October: not in November's report
    recorder.sessionEnded(RECORDER);
    await recorder.flush();

    const service = reportService();
    await configure(service, smtp);
    let fire: (() => void) | undefined;
    const scheduled: Array<{ expression: string; timezone: string }> = [];
    const schedule: Scheduler = (expression, run, options) => {
      scheduled.push({ expression, timezone: options.timezone });
      fire = run;
      return { stop: () => {} };
    };
    at('2026-11-30T23:59:00Z');
    const job = scheduleUsageReport(service, { log, schedule, catchUpAtStart: false });
    expect(scheduled).toEqual([{ expression: DEFAULT_USAGE_REPORT_CRON, timezone: 'Etc/UTC' }]);
    expect(DEFAULT_USAGE_REPORT_CRON).toBe('0 0 1 * *');

    at('2026-12-01T00:00:00.200Z');
    recorder.sessionOpened(SALES); // December: not in the report either
    fire?.();
    const message = await smtp.waitForMessage((m) => m.subject?.includes('November 2026') ?? false);
    expect(message.envelope).toEqual({ from: 'oig@example.test', to: ['billing@provider.example'] });
    expect(message.subject).toBe('OpenOIG usage report: oig-lab-1, November 2026');
    expect(message.text).toContain('Period:     November 2026: 2026-11-01 to 2026-11-30 (UTC days)');
    expect(message.text).toContain('Peak concurrent sessions:        3 (on 2026-11-17)');
    expect(message.text).toContain('Peak MiVoice Integration users:  30 (on 2026-11-17)');
    expect(message.text).toContain(
      '  Acme / SalesDialer\n    sessions opened 1, peak sessions 1, peak monitors 0, peak MiVoice Integration users 0\n' +
        '  Beta, Inc. / MiVoice Integration for Salesforce\n    sessions opened 2, peak sessions 2, peak monitors 31, peak MiVoice Integration users 30\n',
    );
    expect(message.text).toContain('OIG Call Control users: 250 (lab)');
    expect(message.text).not.toContain('CallRecorder');

    const rows = csvRows(message);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      ['gateway', 'oig-lab-1', '2026-11-03', '', '', '2', '2', '12', '12'],
      ['application', 'oig-lab-1', '2026-11-03', 'Acme', 'SalesDialer', '1', '1', '0', '0'],
      ['application', 'oig-lab-1', '2026-11-03', 'Beta, Inc.', 'MiVoice Integration for Salesforce', '1', '1', '12', '12'],
      ['gateway', 'oig-lab-1', '2026-11-17', '', '', '1', '3', '31', '30'],
      ['application', 'oig-lab-1', '2026-11-17', 'Acme', 'SalesDialer', '0', '1', '0', '0'],
      ['application', 'oig-lab-1', '2026-11-17', 'Beta, Inc.', 'MiVoice Integration for Salesforce', '1', '2', '31', '30'],
    ]);

    // Once per month: the schedule firing again (or the catch-up at the next start) sends nothing more.
    expect(await job.trigger()).toBeUndefined();
    const [delivery] = await service.deliveries();
    expect(delivery).toMatchObject({ trigger: 'monthly', periodFrom: '2026-11-01', periodTo: '2026-11-30', status: 'sent', attempts: 1, error: null });
    expect(smtp.messages()).toHaveLength(1);
    job.stop();
    recorder.sessionEnded(SALES);
  });

  it('catches up at start on a 1st the gateway missed, once', async () => {
    const service = reportService();
    await configure(service, smtp);
    at('2027-01-10T08:00:00Z');
    const job = scheduleUsageReport(service, { log, schedule: () => ({ stop: () => {} }) });
    const message = await smtp.waitForMessage();
    expect(message.subject).toBe('OpenOIG usage report: oig-lab-1, December 2026');
    expect(await job.trigger()).toBeUndefined();
    expect(smtp.messages()).toHaveLength(1);
  });

  it('send now sends the month to date', async () => {
    at('2027-02-01T12:00:00Z');
    recorder.sessionOpened(SALES);
    at('2027-02-09T12:00:00Z');
    recorder.sessionOpened(SALES);
    recorder.sessionEnded(SALES);
    recorder.sessionEnded(SALES);
    const service = reportService();
    await configure(service, smtp);
    at('2027-02-09T15:30:00Z');
    const { delivery, completion } = await service.sendNow();
    expect(delivery).toMatchObject({ trigger: 'manual', periodFrom: '2027-02-01', periodTo: '2027-02-09', status: 'sending' });
    expect(await completion).toMatchObject({ status: 'sent', attempts: 1 });
    const message = await smtp.waitForMessage();
    expect(message.subject).toBe('OpenOIG usage report: oig-lab-1, February 2027, 1 to 9 (month to date)');
    expect(csvRows(message).slice(1).map((r) => [r[0], r[2], r[4], r[5], r[6]])).toEqual([
      ['gateway', '2027-02-01', '', '1', '1'],
      ['application', '2027-02-01', 'SalesDialer', '1', '1'],
      ['gateway', '2027-02-09', '', '1', '2'],
      ['application', '2027-02-09', 'SalesDialer', '1', '2'],
    ]);
    // A named earlier month is sent whole (e.g. to resend one that failed); a future one is refused.
    await (await service.sendNow({ month: '2027-01' })).completion;
    expect((await smtp.waitForMessage((m) => m.n === 2)).subject).toBe('OpenOIG usage report: oig-lab-1, January 2027');
    await expect(service.sendNow({ month: '2027-03' })).rejects.toMatchObject({ code: 'OIG_USAGE_PERIOD_INVALID' });
  });

  it('without a recipient nothing is sent: send now says so, the 1st records the month as skipped (failed without a mail server)', async () => {
    const service = reportService();
    await configure(service, smtp);
    await service.setRecipient('');
    expect((await service.settings()).recipient).toBeNull();
    at('2027-03-01T00:00:00Z');
    await expect(service.sendNow()).rejects.toMatchObject({ code: 'OIG_USAGE_NO_RECIPIENT', message: expect.stringContaining('No report recipient is configured') });
    expect(await service.runMonthly()).toMatchObject({ trigger: 'monthly', periodFrom: '2027-02-01', status: 'skipped', attempts: 0, error: 'No report recipient is configured' });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages()).toEqual([]);

    await service.setRecipient('billing@provider.example');
    await service.setSmtp(null);
    await expect(service.sendNow()).rejects.toMatchObject({ code: 'OIG_USAGE_SMTP_NOT_CONFIGURED' });
    at('2027-04-01T00:00:00Z');
    expect(await service.runMonthly()).toMatchObject({ periodFrom: '2027-03-01', status: 'failed', attempts: 0, error: 'No mail server is configured' });
    await expect(service.setRecipient('not an address')).rejects.toMatchObject({ code: 'OIG_USAGE_SETTINGS_INVALID' });
  });

  it('retries after temporary refusals, then delivers; the delivery log shows the attempts', async () => {
    const service = reportService({ attempts: 3 });
    await configure(service, smtp);
    smtp.failNext(2, 451);
    at('2027-04-14T09:00:00Z');
    const { completion } = await service.sendNow();
    const done = await completion;
    expect(done).toMatchObject({ status: 'sent', attempts: 3, error: null });
    expect(done.sentAt).toEqual(clock);
    expect(smtp.refusals().messages).toBe(2);
    expect(smtp.messages()).toHaveLength(1);
    expect(logs).toContain('usage report attempt failed; will retry');
  });

  it('gives up after the last attempt, or at once on a permanent refusal, with the server’s answer in the delivery log', async () => {
    const service = reportService({ attempts: 3 });
    await configure(service, smtp);
    at('2027-05-02T09:00:00Z');
    smtp.failNext(5, 451);
    const temporary = await (await service.sendNow()).completion;
    expect(temporary).toMatchObject({ status: 'failed', attempts: 3 });
    expect(temporary.error).toMatch(/^127\.0\.0\.1:\d+ answered 451 Try again later \(lab refusal\) \(gave up after 3 attempts\)$/);

    smtp.failNext(1, 550);
    const permanent = await (await service.sendNow()).completion;
    expect(permanent).toMatchObject({ status: 'failed', attempts: 1 });
    expect(permanent.error).toMatch(/answered 550 Mailbox unavailable \(lab refusal\) \(refused for good\)$/);
    const log: DeliveryRecord[] = await service.deliveries();
    expect(log.map((d) => d.status)).toEqual(['failed', 'failed']);
    expect(smtp.messages()).toEqual([]);
  });

  it('an unreachable server is retried and reported by address', async () => {
    const down = await startLabSmtp();
    await down.stop();
    const service = reportService({ attempts: 2 });
    await configure(service, down);
    at('2027-05-03T09:00:00Z');
    const failed = await (await service.sendNow()).completion;
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
    expect(failed.error).toContain(`127.0.0.1:${down.port}: `);
    expect(failed.error).toContain('gave up after 2 attempts');
  });
});

describe('SMTP security', () => {
  const ca = createCertificateAuthority('OpenOIG Lab mail CA');
  const server = issueCertificate(ca, { subject: { commonName: '127.0.0.1' }, serverNames: { dns: ['localhost'], ip: ['127.0.0.1'] } });
  const secured: LabSmtp[] = [];
  afterAll(async () => {
    await Promise.all(secured.map((s) => s.stop()));
  });

  it('logs in with a user name and password over STARTTLS, trusting the configured CA; the password shows nowhere', async () => {
    const sink = await startLabSmtp({ tls: { cert: server.certPem, key: server.keyPem }, users: { oig: SMTP_PASSWORD } });
    secured.push(sink);
    const service = reportService();
    await configure(service, sink, { security: 'starttls', username: 'oig', password: SMTP_PASSWORD, caPem: ca.certPem });
    const view = await service.settings();
    expect(view.smtp).toMatchObject({ security: 'starttls', username: 'oig', passwordSet: true });
    expect(JSON.stringify(view)).not.toContain(SMTP_PASSWORD);
    // Changing other settings without a password keeps the stored one.
    await configure(service, sink, { security: 'starttls', username: 'oig', caPem: ca.certPem });

    at('2027-06-05T09:00:00Z');
    expect(await (await service.sendNow()).completion).toMatchObject({ status: 'sent' });
    const message = await sink.waitForMessage();
    expect(message).toMatchObject({ user: 'oig', secure: true });

    // A wrong password is refused for good (535); the log and the delivery log name the user, not the password.
    await configure(service, sink, { security: 'starttls', username: 'oig', password: 'wrong-pw-123', caPem: ca.certPem });
    const refused = await (await service.sendNow()).completion;
    expect(refused).toMatchObject({ status: 'failed', attempts: 1 });
    expect(refused.error).toContain("refused the login of 'oig'");
    expect(refused.error).toContain('535');
    expect(sink.refusals().authentications).toBe(1);
    const stored = await pool.query('SELECT error FROM usage_report_delivery');
    for (const secret of [SMTP_PASSWORD, 'wrong-pw-123']) {
      expect(logs).not.toContain(secret);
      expect(JSON.stringify(stored.rows)).not.toContain(secret);
    }
  });

  it('refuses a server whose certificate the configured CA did not issue', async () => {
    const sink = await startLabSmtp({ tls: { cert: server.certPem, key: server.keyPem } });
    secured.push(sink);
    const service = reportService({ attempts: 1 });
    await configure(service, sink, { security: 'starttls' });
    at('2027-06-06T09:00:00Z');
    const failed = await (await service.sendNow()).completion;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/certificate/i);
    expect(sink.messages()).toEqual([]);
  });

  it('speaks TLS from the first byte (implicit TLS, as on port 465)', async () => {
    const sink = await startLabSmtp({ tls: { cert: server.certPem, key: server.keyPem, implicit: true } });
    secured.push(sink);
    const service = reportService();
    await configure(service, sink, { security: 'tls', caPem: ca.certPem });
    at('2027-06-07T09:00:00Z');
    expect(await (await service.sendNow()).completion).toMatchObject({ status: 'sent' });
    expect((await sink.waitForMessage()).secure).toBe(true);
  });
});
