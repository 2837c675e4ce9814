import type { FastifyInstance } from 'fastify';
import type { ReportService, SmtpSettingsInput } from '../../../domain/usage/report-service';
import type { UsageRecorder } from '../../../domain/usage/usage-recorder';
import { change, read } from '../admin-openapi';
import { DeliveriesQuery, ERROR_RESPONSES, RecipientBody, ref, refList, SendBody, SmtpBody } from '../admin-schemas';

/**
 * The usage report (installation guide "Options Tab", "Send Mitel OIG Usage Report": the Options
 * tab's panel) and its mail server (MSL "E-mail Settings": Server Manager, E-mail Settings), its
 * delivery log, and what each application holds now. The SMTP password is write-only: answers
 * say passwordSet.
 */
export interface UsageRouteDeps {
  readonly reports: ReportService;
  readonly usage: UsageRecorder;
}

export async function usageRoutes(secured: FastifyInstance, { reports, usage }: UsageRouteDeps): Promise<void> {
  const settingsAnswer = { 200: ref('ReportSettings', 'The report settings (the SMTP password only as passwordSet)'), ...ERROR_RESPONSES };
  secured.get(
    '/usage-report',
    { schema: { ...read('getUsageReport', 'usage', 'Report settings and the latest deliveries'), response: { 200: ref('UsageReport'), ...ERROR_RESPONSES } } },
    async () => ({ ...(await reports.settings()), deliveries: await reports.deliveries() }),
  );
  secured.put(
    '/usage-report/recipient',
    { schema: { ...change('setReportRecipient', 'usage', 'Sets the report recipient (empty: no reports)'), body: RecipientBody, response: settingsAnswer } },
    async (request) => reports.setRecipient((request.body as { recipient: string | null }).recipient),
  );
  secured.put(
    '/usage-report/smtp',
    { schema: { ...change('setReportSmtp', 'usage', 'Sets the mail server (a left-out password keeps the stored one)'), body: SmtpBody, response: settingsAnswer } },
    async (request) => reports.setSmtp(request.body as SmtpSettingsInput),
  );
  secured.delete('/usage-report/smtp', { schema: { ...change('deleteReportSmtp', 'usage', 'Removes the mail server settings'), response: settingsAnswer } }, async () => reports.setSmtp(null));
  secured.post(
    '/usage-report/send',
    {
      schema: {
        ...change('sendUsageReport', 'usage', 'Sends the report now (month to date, or an earlier month)'),
        body: SendBody,
        response: { 202: ref('DeliveryStarted', 'The delivery, under way'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { delivery } = await reports.sendNow(request.body as { month?: string });
      return reply.code(202).send({ delivery });
    },
  );
  secured.get(
    '/usage-report/deliveries',
    {
      schema: {
        ...read('listReportDeliveries', 'usage', 'The delivery log, newest first'),
        querystring: DeliveriesQuery,
        response: { 200: refList('Delivery', 'Deliveries, newest first'), ...ERROR_RESPONSES },
      },
    },
    async (request) => reports.deliveries((request.query as { limit?: number }).limit ?? 20),
  );
  secured.get(
    '/usage/current',
    {
      schema: {
        ...read('getCurrentUsage', 'usage', 'What each application holds now'),
        response: { 200: refList('ApplicationUsage', 'Applications holding sessions, monitors or integration users'), ...ERROR_RESPONSES },
      },
    },
    async () => usage.current(),
  );
}
