import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { oigError } from '../../errors';
import type { Logger } from '../../log';
import { MailDeliveryError, type DeliveryRecord, type DeliveryTrigger, type ReportMailer, type SmtpSecurity, type SmtpSettings, type UsageReportStore } from './ports';
import { monthToDate, namedMonth, previousMonth, type DayRange, type UsageData } from './usage';
import { buildUsageReport, type GatewayFacts } from './usage-report';

export interface ReportServiceDeps {
  readonly store: UsageReportStore;
  /** The recorder: flushes what it holds, then reads whole days. */
  readonly usage: { usageFor(range: DayRange): Promise<UsageData> };
  readonly mailer: ReportMailer;
  readonly gateway: GatewayFacts;
  /** Licence lines for the summary, when licensing knows them. */
  readonly licence?: () => Promise<readonly string[] | undefined> | readonly string[] | undefined;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Sending attempts per report (the first included). */
  readonly attempts?: number;
  /** Wait before the second attempt; doubled before each further one. */
  readonly retryDelayMs?: number;
}

/** The SMTP settings as the admin API shows them: the password only as "set or not". */
export interface SmtpSettingsView {
  readonly host: string;
  readonly port: number;
  readonly security: SmtpSecurity;
  readonly username: string | null;
  readonly passwordSet: boolean;
  readonly sender: string;
  readonly caPem: string | null;
}

export interface ReportSettingsView {
  readonly recipient: string | null;
  readonly smtp: SmtpSettingsView | null;
}

/** A change of the SMTP settings; `password` left out keeps the stored one, null or '' removes it. */
export interface SmtpSettingsInput {
  readonly host: string;
  readonly port: number;
  readonly security: SmtpSecurity;
  readonly sender: string;
  readonly username?: string | null;
  readonly password?: string | null;
  readonly caPem?: string | null;
}

export interface StartedDelivery {
  readonly delivery: DeliveryRecord;
  /** Settles with the final record (sent or failed) once the attempts are over; never rejects. */
  readonly completion: Promise<DeliveryRecord>;
}

const SECURITIES: readonly SmtpSecurity[] = ['tls', 'starttls', 'none'];
/** One address, as an administrator types it; the mail server has the final word. */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

const invalid = (message: string) => oigError('OIG_USAGE_SETTINGS_INVALID', message);

function address(value: string, what: string): string {
  const v = value.trim();
  if (v.length > 254 || !ADDRESS.test(v)) throw invalid(`The ${what} '${v.slice(0, 80)}' is not an e-mail address (name@domain)`);
  return v;
}

function optionalText(value: string | null | undefined, what: string, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (value.length > max || /[\r\n\0]/.test(value)) throw invalid(`The ${what} is longer than ${max} characters or has line breaks`);
  return value;
}

function view(smtp: SmtpSettings | null): SmtpSettingsView | null {
  if (!smtp) return null;
  return { host: smtp.host, port: smtp.port, security: smtp.security, username: smtp.username, passwordSet: !!smtp.password, sender: smtp.sender, caPem: smtp.caPem };
}

/**
 * The usage report (seed: "Send Mitel OIG Usage Report"): with a recipient configured, the
 * previous month's report on the 1st (usage-report-job.ts) and the month to date on demand;
 * without one, nothing is sent. Each report is tried `attempts` times with doubling waits, a 5xx
 * answer ending the tries at once; every delivery is in the delivery log.
 */
export class ReportService {
  private readonly running = new Set<Promise<DeliveryRecord>>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: ReportServiceDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** At start: deliveries a stopped process left half done are marked failed. */
  async start(): Promise<void> {
    const n = await this.deps.store.failInterrupted('The gateway stopped before the report was delivered', this.now());
    if (n > 0) this.deps.log.warn({ deliveries: n }, 'usage report deliveries interrupted by a restart marked failed');
  }

  async settings(): Promise<ReportSettingsView> {
    const s = await this.deps.store.loadSettings();
    return { recipient: s.recipient, smtp: view(s.smtp) };
  }

  /** Seed: "an option to enter or change the e-mail address"; empty or null: no reports. */
  async setRecipient(recipient: string | null): Promise<ReportSettingsView> {
    const value = recipient === null || recipient.trim() === '' ? null : address(recipient, 'report recipient');
    await this.deps.store.saveRecipient(value);
    this.deps.log.info({ recipientSet: value !== null }, 'usage report recipient changed');
    return this.settings();
  }

  /** Null removes the mail server settings. */
  async setSmtp(input: SmtpSettingsInput | null): Promise<ReportSettingsView> {
    if (input === null) {
      await this.deps.store.saveSmtp(null);
      this.deps.log.info('usage report mail server removed');
      return this.settings();
    }
    const host = input.host.trim();
    if (isIP(host) === 0 && !HOST_NAME.test(host)) throw invalid(`The mail server '${host.slice(0, 80)}' is not a host name or IP address`);
    if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) throw invalid('The mail server port must be a whole number from 1 to 65535');
    if (!SECURITIES.includes(input.security)) throw invalid(`The security must be one of ${SECURITIES.join(', ')}`);
    const username = optionalText(input.username, 'user name', 256);
    const caText = input.caPem?.trim() ?? '';
    if (caText.length > 64 * 1024) throw invalid('The CA certificate is longer than 64 KiB');
    const caPem = caText === '' ? null : `${caText}\n`;
    if (caPem) {
      try {
        new X509Certificate(caPem);
      } catch {
        throw invalid('The CA certificate is not a PEM X.509 certificate');
      }
    }
    const password = input.password === undefined ? undefined : optionalText(input.password, 'password', 256);
    const stored = (await this.deps.store.loadSettings()).smtp;
    const hasPassword = password === undefined ? !!stored?.password : password !== null;
    if (username && !hasPassword) throw invalid('A user name needs a password');
    if (!username && password) throw invalid('A password needs a user name');
    await this.deps.store.saveSmtp({
      host,
      port: input.port,
      security: input.security,
      username,
      // Without a user name no password is kept, whatever was stored.
      password: username ? password : null,
      sender: address(input.sender, 'sender address'),
      caPem,
    });
    this.deps.log.info({ host, port: input.port, security: input.security, authentication: username !== null }, 'usage report mail server changed');
    return this.settings();
  }

  deliveries(limit = 20): Promise<DeliveryRecord[]> {
    return this.deps.store.deliveries(Math.min(Math.max(1, Math.floor(limit)), 200));
  }

  /**
   * Seed: "Send Report To Email Now … from the first day of the month (current month-to-date)".
   * `month` ('YYYY-MM', this month or an earlier one) sends that month instead (e.g. to resend
   * one whose delivery failed). Refused, with nothing sent, without a recipient or a mail server.
   */
  async sendNow(options: { month?: string } = {}): Promise<StartedDelivery> {
    const now = this.now();
    let period = monthToDate(now);
    if (options.month !== undefined) {
      const month = namedMonth(options.month);
      if (!month || month.from > period.from) throw oigError('OIG_USAGE_PERIOD_INVALID', `'${options.month}' is not this month or an earlier one (YYYY-MM)`);
      if (month.from < period.from) period = month;
    }
    const settings = await this.deps.store.loadSettings();
    if (settings.recipient === null) throw oigError('OIG_USAGE_NO_RECIPIENT', 'No report recipient is configured, so no report was sent; set the e-mail address first');
    if (settings.smtp === null) throw oigError('OIG_USAGE_SMTP_NOT_CONFIGURED', 'No mail server is configured, so no report was sent; set the SMTP settings first');
    const delivery = await this.deps.store.startDelivery({ trigger: 'manual', period, recipient: settings.recipient, status: 'sending', at: now });
    if (!delivery) throw new Error('a manual delivery was not recorded');
    return { delivery, completion: this.track(this.deliver(delivery, settings.recipient, settings.smtp, period)) };
  }

  /**
   * The monthly report of the month before now (the job calls it on the 1st, and once at start
   * to catch up on a 1st the gateway missed). Once per month: a month that already has a
   * delivery (sent, failed, skipped or under way) is left alone and this answers undefined.
   */
  async runMonthly(): Promise<DeliveryRecord | undefined> {
    const now = this.now();
    const period = previousMonth(now);
    const settings = await this.deps.store.loadSettings();
    const base = { trigger: 'monthly' as DeliveryTrigger, period, recipient: settings.recipient, at: now };
    if (settings.recipient === null) {
      // Seed: "If no e-mail address is configured, no monthly reports will be sent."
      const skipped = await this.deps.store.startDelivery({ ...base, status: 'skipped', error: 'No report recipient is configured' });
      if (skipped) this.deps.log.info({ period }, 'monthly usage report not sent: no recipient is configured');
      return skipped;
    }
    if (settings.smtp === null) {
      // A recipient expects the report: a missing mail server is a failure the administrator must see.
      const failed = await this.deps.store.startDelivery({ ...base, status: 'failed', error: 'No mail server is configured' });
      if (failed) this.deps.log.warn({ period }, 'monthly usage report not sent: no mail server is configured');
      return failed;
    }
    const delivery = await this.deps.store.startDelivery({ ...base, status: 'sending' });
    if (!delivery) return undefined;
    return this.track(this.deliver(delivery, settings.recipient, settings.smtp, period));
  }

  /** Stops waiting retries (their deliveries are marked failed) and waits for sends under way. */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.running]);
  }

  private track(p: Promise<DeliveryRecord>): Promise<DeliveryRecord> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  private async deliver(delivery: DeliveryRecord, recipient: string, smtp: SmtpSettings, period: DayRange): Promise<DeliveryRecord> {
    const { store, log } = this.deps;
    const context = { delivery: delivery.id, trigger: delivery.trigger, period };
    const attempts = Math.max(1, this.deps.attempts ?? 3);
    let record = delivery;
    try {
      const report = buildUsageReport({
        gateway: this.deps.gateway,
        period,
        usage: await this.deps.usage.usageFor(period),
        generatedAt: this.now(),
        ...(await this.licenceLines()),
      });
      const mail = { to: recipient, subject: report.subject, text: report.text, attachments: [report.csv] };
      for (let attempt = 1; ; attempt += 1) {
        try {
          const { messageId } = await this.deps.mailer.send(smtp, mail);
          record = await store.recordAttempt(delivery.id, { at: this.now(), status: 'sent', error: null, messageId });
          log.info({ ...context, attempts: attempt }, 'usage report sent');
          return record;
        } catch (err) {
          const failure = err instanceof MailDeliveryError ? err : new MailDeliveryError(err instanceof Error ? err.message : String(err), false, null);
          const last = failure.permanent || attempt >= attempts || this.stopping.signal.aborted;
          const error = last
            ? `${failure.message} (${failure.permanent ? 'refused for good' : `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}`})`
            : failure.message;
          record = await store.recordAttempt(delivery.id, { at: this.now(), status: last ? 'failed' : 'sending', error });
          log.warn({ ...context, attempt, responseCode: failure.responseCode, reason: failure.message }, last ? 'usage report not delivered' : 'usage report attempt failed; will retry');
          if (last) return record;
          await sleep((this.deps.retryDelayMs ?? 60_000) * 2 ** (attempt - 1), undefined, { signal: this.stopping.signal });
        }
      }
    } catch (err) {
      // The report could not be built or recorded, or the gateway stopped between attempts.
      const stopped = this.stopping.signal.aborted;
      const reason = stopped ? 'The gateway stopped before the report was delivered' : `The report could not be prepared: ${err instanceof Error ? err.message : String(err)}`;
      log.error({ ...context, reason }, 'usage report not delivered');
      try {
        record = await store.recordAttempt(delivery.id, { at: this.now(), status: 'failed', error: record.error ? `${record.error}; ${reason}` : reason, attempted: false });
      } catch {
        // The next start marks it failed (failInterrupted).
      }
      return record;
    }
  }

  private async licenceLines(): Promise<{ licence?: readonly string[] }> {
    try {
      const lines = await this.deps.licence?.();
      return lines && lines.length > 0 ? { licence: lines } : {};
    } catch (err) {
      this.deps.log.warn({ reason: err instanceof Error ? err.message : String(err) }, 'licence summary unavailable for the usage report');
      return {};
    }
  }
}
