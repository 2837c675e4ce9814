import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../src/mcs/index';
import { startLabSmtp, type LabSmtp } from '../src/smtp/index';

function client(smtp: LabSmtp, extra: Record<string, unknown> = {}) {
  return nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, ...extra });
}

const mail = { from: 'a@lab.test', to: 'b@lab.test', subject: 'Hello', text: 'Body', attachments: [{ filename: 'r.csv', content: 'x,y\r\n1,2\r\n', contentType: 'text/csv' }] };

describe('lab SMTP server', () => {
  it('keeps what it accepts: envelope, raw message, subject, text and attachments', async () => {
    const smtp = await startLabSmtp();
    try {
      const waiting = smtp.waitForMessage((m) => m.subject === 'Hello');
      await client(smtp).sendMail(mail);
      const m = await waiting;
      expect(m).toMatchObject({ n: 1, envelope: { from: 'a@lab.test', to: ['b@lab.test'] }, subject: 'Hello', from: 'a@lab.test', to: ['b@lab.test'], secure: false, user: undefined });
      expect(m.text?.trim()).toBe('Body');
      expect(m.raw.toString()).toContain('Subject: Hello');
      expect(m.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['r.csv', 'text/csv', 'x,y\r\n1,2\r\n']]);
      await expect(smtp.waitForMessage((x) => x.subject === 'never', 50)).rejects.toThrow(/no matching message within 50 ms/);
    } finally {
      await smtp.stop();
    }
  });

  it('refuses the next n messages with the code asked for, then accepts again', async () => {
    const smtp = await startLabSmtp({ failNext: 1 });
    try {
      await expect(client(smtp).sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
      smtp.failNext(1, 554);
      await expect(client(smtp).sendMail(mail)).rejects.toMatchObject({ responseCode: 554 });
      await client(smtp).sendMail(mail);
      expect(smtp.refusals()).toEqual({ messages: 2, authentications: 0 });
      expect(smtp.messages()).toHaveLength(1);
      expect(() => smtp.failNext(1, 250)).toThrow();
    } finally {
      await smtp.stop();
    }
  });

  it('requires AUTH with its users over STARTTLS when given a certificate and users', async () => {
    const ca = createCertificateAuthority('lab smtp test CA');
    const cert = issueCertificate(ca, { subject: { commonName: '127.0.0.1' }, serverNames: { dns: ['localhost'], ip: ['127.0.0.1'] } });
    const smtp = await startLabSmtp({ tls: { cert: cert.certPem, key: cert.keyPem }, users: { u: 'p' } });
    try {
      const tls = { ignoreTLS: false, requireTLS: true, tls: { ca: [ca.certPem] } };
      await expect(client(smtp, tls).sendMail(mail)).rejects.toMatchObject({ responseCode: 530 });
      await expect(client(smtp, { ...tls, auth: { user: 'u', pass: 'wrong' } }).sendMail(mail)).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
      await client(smtp, { ...tls, auth: { user: 'u', pass: 'p' } }).sendMail(mail);
      expect(smtp.messages()[0]).toMatchObject({ user: 'u', secure: true });
      expect(smtp.refusals().authentications).toBe(1);
    } finally {
      await smtp.stop();
    }
  });
});
