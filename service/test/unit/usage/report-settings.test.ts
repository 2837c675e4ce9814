import { describe, expect, it } from 'vitest';
import type { SmtpSettings, UsageReportSettings, UsageReportStore } from '../../../src/domain/usage/ports';
import { ReportService } from '../../../src/domain/usage/report-service';
import { createLogger } from '../../../src/log';

/** Settings only: the delivery side is covered against PostgreSQL and the lab SMTP server. */
function service() {
  let settings: UsageReportSettings = { recipient: null, smtp: null };
  const unused = () => Promise.reject(new Error('not used here'));
  const store: UsageReportStore = {
    loadSettings: async () => settings,
    saveRecipient: async (recipient) => void (settings = { ...settings, recipient }),
    saveSmtp: async (smtp) => {
      const password = smtp && smtp.password === undefined ? (settings.smtp?.password ?? null) : (smtp?.password ?? null);
      settings = { ...settings, smtp: smtp ? ({ ...smtp, password } as SmtpSettings) : null };
    },
    startDelivery: unused,
    recordAttempt: unused,
    failInterrupted: unused,
    deliveries: unused,
  };
  const reports = new ReportService({
    store,
    usage: { usageFor: unused },
    mailer: { send: unused },
    gateway: { name: 'gw', version: '0' },
    log: createLogger('silent'),
  });
  return { reports, stored: () => settings };
}

const smtp = { host: 'mail.example.test', port: 587, security: 'starttls' as const, sender: 'oig@example.test' };

describe('usage report settings', () => {
  it('takes one e-mail address as the recipient; empty means no reports', async () => {
    const { reports } = service();
    expect((await reports.setRecipient('  billing@provider.example ')).recipient).toBe('billing@provider.example');
    expect((await reports.setRecipient('root@localhost')).recipient).toBe('root@localhost');
    expect((await reports.setRecipient('')).recipient).toBeNull();
    for (const bad of ['billing', 'a@b, c@d', 'Billing <b@p.example>', 'a b@c.example', `${'x'.repeat(250)}@p.example`]) {
      await expect(reports.setRecipient(bad), bad).rejects.toMatchObject({ code: 'OIG_USAGE_SETTINGS_INVALID' });
    }
  });

  it('checks the mail server settings and names what is wrong', async () => {
    const { reports } = service();
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ host: 'mail server' }, /not a host name or IP address/],
      [{ host: 'https://mail.example.test' }, /not a host name/],
      [{ port: 0 }, /port/],
      [{ port: 25.5 }, /port/],
      [{ security: 'ssl' }, /security must be one of tls, starttls, none/],
      [{ sender: 'oig' }, /sender address/],
      [{ username: 'oig' }, /user name needs a password/],
      [{ password: 'pw' }, /password needs a user name/],
      [{ caPem: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' }, /not a PEM X\.509 certificate/],
    ];
    for (const [change, message] of bad) {
      await expect(reports.setSmtp({ ...smtp, ...change } as typeof smtp), JSON.stringify(change)).rejects.toMatchObject({ code: 'OIG_USAGE_SETTINGS_INVALID', message: expect.stringMatching(message) });
    }
    expect((await reports.setSmtp({ ...smtp, host: '192.0.2.25' })).smtp?.host).toBe('192.0.2.25');
    expect((await reports.setSmtp({ ...smtp, host: '2001:db8::25' })).smtp?.host).toBe('2001:db8::25');
  });

  it('keeps the password when a change leaves it out, drops it with the user name, and never shows it', async () => {
    const { reports, stored } = service();
    await reports.setSmtp({ ...smtp, username: 'oig', password: 'pw-1' });
    const view = await reports.setSmtp({ ...smtp, port: 465, security: 'tls', username: 'oig' });
    expect(view.smtp).toEqual({ host: 'mail.example.test', port: 465, security: 'tls', username: 'oig', passwordSet: true, sender: 'oig@example.test', caPem: null });
    expect(stored().smtp?.password).toBe('pw-1');
    expect((await reports.setSmtp({ ...smtp, username: null })).smtp?.passwordSet).toBe(false);
    expect(stored().smtp?.password).toBeNull();
    expect((await reports.setSmtp(null)).smtp).toBeNull();
  });
});
