import type { ApplicationRef, DayFigures, DayRange, UsageData } from './usage';

/** One (application or gateway, day) increment to merge: openings add up, peaks keep the greatest. */
export interface ApplicationDayDelta extends ApplicationRef, DayFigures {
  readonly day: string;
}
export interface GatewayDayDelta extends DayFigures {
  readonly day: string;
}

/** The durable usage record (storage/usage-store.ts). */
export interface UsageStore {
  /** Merges a batch in one statement: sessions_opened += …, peaks = GREATEST(…). */
  merge(applications: readonly ApplicationDayDelta[], gateway: readonly GatewayDayDelta[]): Promise<void>;
  read(range: DayRange): Promise<UsageData>;
}

/** How the gateway reaches its mail server (MSL's "E-mail Setting"; here kept by the gateway). */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** 'tls': TLS from the first byte (SMTPS, usually 465); 'starttls': STARTTLS required (587, 25); 'none': clear text (a relay on a trusted network). */
  readonly security: SmtpSecurity;
  readonly username: string | null;
  /** Never enumerable on loaded settings, never in a log, an answer or the delivery log. */
  readonly password: string | null;
  /** The From address of reports. */
  readonly sender: string;
  /** PEM of a CA to trust besides the system's (a private or self-signed mail server). */
  readonly caPem: string | null;
}
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface UsageReportSettings {
  /** Seed: "the e-mail address configured to receive the Mitel OIG monthly usage report"; null: no reports. */
  readonly recipient: string | null;
  readonly smtp: SmtpSettings | null;
}

export type DeliveryTrigger = 'monthly' | 'manual';
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'skipped';

/** One report delivery as the admin API shows it. */
export interface DeliveryRecord {
  readonly id: string;
  readonly trigger: DeliveryTrigger;
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly recipient: string | null;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly lastAttemptAt: Date | null;
  readonly sentAt: Date | null;
  /** The last failure (or why it was skipped), without secrets. */
  readonly error: string | null;
  readonly messageId: string | null;
}

/** Settings and the delivery log (storage/usage-report-store.ts). */
export interface UsageReportStore {
  loadSettings(): Promise<UsageReportSettings>;
  saveRecipient(recipient: string | null): Promise<void>;
  /** `password: undefined` keeps the stored one. */
  saveSmtp(smtp: (Omit<SmtpSettings, 'password'> & { password?: string | null }) | null): Promise<void>;
  /**
   * Starts a delivery record. A monthly delivery is made once per period: when one exists
   * already (any status) this answers undefined.
   */
  startDelivery(entry: {
    trigger: DeliveryTrigger;
    period: DayRange;
    recipient: string | null;
    status: 'sending' | 'skipped' | 'failed';
    error?: string;
    at: Date;
  }): Promise<DeliveryRecord | undefined>;
  /** The outcome of an attempt (`attempted: false`: a conclusion without one, e.g. the gateway stopped). */
  recordAttempt(id: string, outcome: { at: Date; status: DeliveryStatus; error: string | null; messageId?: string | null; attempted?: boolean }): Promise<DeliveryRecord>;
  /** Deliveries a stopped process left 'sending' become 'failed' with this reason. */
  failInterrupted(reason: string, at: Date): Promise<number>;
  deliveries(limit: number): Promise<DeliveryRecord[]>;
}

/** A report message; the sender is the SMTP settings' address. */
export interface ReportMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachments: ReadonlyArray<{ readonly filename: string; readonly content: string; readonly contentType: string }>;
}

/** Sends one message through the configured server (mail/smtp-mailer.ts). Throws MailDeliveryError. */
export interface ReportMailer {
  send(settings: SmtpSettings, mail: ReportMail): Promise<{ messageId: string | null }>;
}

/** A failed send, in words fit for the delivery log (no credentials). */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    /** A 5xx answer: the server refused for good, trying again will not help. */
    readonly permanent: boolean,
    readonly responseCode: number | null,
  ) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}
