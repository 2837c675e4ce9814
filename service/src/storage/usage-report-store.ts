import type pg from 'pg';
import type { DeliveryRecord, DeliveryStatus, DeliveryTrigger, SmtpSecurity, SmtpSettings, UsageReportSettings, UsageReportStore } from '../domain/usage/ports';
import type { DayRange } from '../domain/usage/usage';

interface SettingsRow {
  recipient: string | null;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: SmtpSecurity | null;
  smtp_username: string | null;
  smtp_password: string | null;
  smtp_sender: string | null;
  smtp_ca_pem: string | null;
}

interface DeliveryRow {
  id: string;
  trigger: DeliveryTrigger;
  period_from: string;
  period_to: string;
  recipient: string | null;
  status: DeliveryStatus;
  attempts: number;
  created_at: Date;
  last_attempt_at: Date | null;
  sent_at: Date | null;
  error: string | null;
  message_id: string | null;
}

const DELIVERY = `id::text AS id, trigger, period_from::text AS period_from, period_to::text AS period_to, recipient, status, attempts,
  created_at, last_attempt_at, sent_at, error, message_id`;

/** The delivery log keeps this many entries; older ones are dropped as new ones come. */
const KEEP_DELIVERIES = 200;

function toDelivery(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id,
    trigger: r.trigger,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    recipient: r.recipient,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    sentAt: r.sent_at,
    error: r.error,
    messageId: r.message_id,
  };
}

function toSmtp(r: SettingsRow): SmtpSettings | null {
  if (r.smtp_host === null || r.smtp_port === null || r.smtp_security === null || r.smtp_sender === null) return null;
  const smtp = { host: r.smtp_host, port: r.smtp_port, security: r.smtp_security, username: r.smtp_username, sender: r.smtp_sender, caPem: r.smtp_ca_pem };
  // Like account hashes: present for the mailer, absent from JSON, logs and spreads.
  Object.defineProperty(smtp, 'password', { value: r.smtp_password, enumerable: false });
  return smtp as SmtpSettings;
}

export class PgUsageReportStore implements UsageReportStore {
  constructor(private readonly pool: pg.Pool) {}

  async loadSettings(): Promise<UsageReportSettings> {
    const { rows } = await this.pool.query<SettingsRow>('SELECT * FROM usage_report_settings WHERE id = 1');
    const row = rows[0];
    if (!row) return { recipient: null, smtp: null };
    return { recipient: row.recipient, smtp: toSmtp(row) };
  }

  async saveRecipient(recipient: string | null): Promise<void> {
    await this.pool.query('UPDATE usage_report_settings SET recipient = $1, updated_at = now() WHERE id = 1', [recipient]);
  }

  async saveSmtp(smtp: (Omit<SmtpSettings, 'password'> & { password?: string | null }) | null): Promise<void> {
    if (smtp === null) {
      await this.pool.query(
        `UPDATE usage_report_settings SET smtp_host = NULL, smtp_port = NULL, smtp_security = NULL, smtp_username = NULL, smtp_password = NULL,
           smtp_sender = NULL, smtp_ca_pem = NULL, updated_at = now() WHERE id = 1`,
      );
      return;
    }
    const keepPassword = smtp.password === undefined;
    await this.pool.query(
      `UPDATE usage_report_settings SET smtp_host = $1, smtp_port = $2, smtp_security = $3, smtp_username = $4,
         smtp_password = CASE WHEN $5 THEN smtp_password ELSE $6 END, smtp_sender = $7, smtp_ca_pem = $8, updated_at = now() WHERE id = 1`,
      [smtp.host, smtp.port, smtp.security, smtp.username, keepPassword, keepPassword ? null : smtp.password, smtp.sender, smtp.caPem],
    );
  }

  async startDelivery(entry: {
    trigger: DeliveryTrigger;
    period: DayRange;
    recipient: string | null;
    status: 'sending' | 'skipped' | 'failed';
    error?: string;
    at: Date;
  }): Promise<DeliveryRecord | undefined> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `INSERT INTO usage_report_delivery (trigger, period_from, period_to, recipient, status, error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (period_from) WHERE trigger = 'monthly' DO NOTHING
       RETURNING ${DELIVERY}`,
      [entry.trigger, entry.period.from, entry.period.to, entry.recipient, entry.status, entry.error ?? null, entry.at],
    );
    await this.pool.query(
      `DELETE FROM usage_report_delivery WHERE id <= (SELECT id FROM usage_report_delivery ORDER BY id DESC OFFSET $1 LIMIT 1)`,
      [KEEP_DELIVERIES],
    );
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }

  async recordAttempt(
    id: string,
    outcome: { at: Date; status: DeliveryStatus; error: string | null; messageId?: string | null; attempted?: boolean },
  ): Promise<DeliveryRecord> {
    const attempted = outcome.attempted ?? true;
    const { rows } = await this.pool.query<DeliveryRow>(
      `UPDATE usage_report_delivery SET status = $3, error = $4, message_id = COALESCE($5, message_id),
         attempts = attempts + CASE WHEN $6 THEN 1 ELSE 0 END,
         last_attempt_at = CASE WHEN $6 THEN $2 ELSE last_attempt_at END,
         sent_at = CASE WHEN $3 = 'sent' THEN $2 ELSE sent_at END
       WHERE id = $1 RETURNING ${DELIVERY}`,
      [id, outcome.at, outcome.status, outcome.error, outcome.messageId ?? null, attempted],
    );
    if (!rows[0]) throw new Error(`usage report delivery ${id} does not exist`);
    return toDelivery(rows[0]);
  }

  async failInterrupted(reason: string, at: Date): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE usage_report_delivery SET status = 'failed', error = $1, last_attempt_at = COALESCE(last_attempt_at, $2) WHERE status = 'sending'`,
      [reason, at],
    );
    return rowCount ?? 0;
  }

  async deliveries(limit: number): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query<DeliveryRow>(`SELECT ${DELIVERY} FROM usage_report_delivery ORDER BY id DESC LIMIT $1`, [limit]);
    return rows.map(toDelivery);
  }
}
