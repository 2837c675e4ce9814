import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import { MailDeliveryError, type ReportMail, type ReportMailer, type SmtpSettings } from '../domain/usage/ports';

export interface SmtpMailerOptions {
  /** Connection, greeting and per-command socket timeout. */
  readonly timeoutMs: number;
  /** The name the gateway gives in EHLO (default: nodemailer's, the host name). */
  readonly clientName?: string;
}

interface NodemailerFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Words for the delivery log: the server's answer or what went wrong, never the credentials. */
function describe(err: unknown, settings: SmtpSettings): MailDeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as NodemailerFailure;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const where = `${settings.host}:${settings.port}`;
  let text: string;
  if (responseCode !== null) {
    text = `${where} answered ${e.response ?? responseCode}`;
    if (e.code === 'EAUTH') text = `${where} refused the login of '${settings.username ?? ''}': ${e.response ?? responseCode}`;
  } else {
    text = `${where}: ${e.message ?? 'unknown failure'}${e.code ? ` (${e.code})` : ''}`;
  }
  const password = settings.password;
  if (password) {
    for (const secret of [password, Buffer.from(password).toString('base64')]) text = text.replaceAll(secret, '[redacted]');
  }
  return new MailDeliveryError(text.replace(/\s+/g, ' ').trim().slice(0, 1000), responseCode !== null && responseCode >= 500, responseCode);
}

/**
 * The ReportMailer over SMTP (nodemailer): one connection per message (reports are monthly),
 * TLS verified against the system CAs plus the configured CA, at least TLS 1.2.
 */
export class SmtpMailer implements ReportMailer {
  constructor(private readonly options: SmtpMailerOptions) {}

  async send(settings: SmtpSettings, mail: ReportMail): Promise<{ messageId: string | null }> {
    const transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.security === 'tls',
      requireTLS: settings.security === 'starttls',
      ignoreTLS: settings.security === 'none',
      ...(settings.username ? { auth: { user: settings.username, pass: settings.password ?? '' } } : {}),
      // A configured CA is added to Node's bundled ones, not put in their place.
      tls: { minVersion: 'TLSv1.2', ...(settings.caPem ? { ca: [...rootCertificates, settings.caPem] } : {}) },
      connectionTimeout: this.options.timeoutMs,
      greetingTimeout: this.options.timeoutMs,
      socketTimeout: this.options.timeoutMs,
      ...(this.options.clientName ? { name: this.options.clientName } : {}),
      // Messages are built here from text; nothing may make nodemailer read files or fetch URLs.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
      debug: false,
    });
    try {
      const info = await transport.sendMail({
        from: settings.sender,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      });
      return { messageId: typeof info.messageId === 'string' ? info.messageId : null };
    } catch (err) {
      throw describe(err, settings);
    } finally {
      transport.close();
    }
  }
}
