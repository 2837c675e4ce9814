import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../domain/accounts/account-service';
import type { CallControl } from '../../../domain/callcontrol/call-control';
import type { Licensing } from '../../../domain/licensing/licensing';
import type { SessionManager } from '../../../domain/sessions/session-manager';
import type { ApplianceControl } from '../../../domain/system/ports';
import { GATEWAY_VERSION } from '../../../version';
import { read } from '../admin-openapi';
import { ERROR_RESPONSES, ref } from '../admin-schemas';

/**
 * The Overview tab: how many applications, sessions and connected network elements, the version,
 * the licensing summary, and the TLS certificate's end (a warning when it is near, issue #13).
 */
export interface OverviewRouteDeps {
  readonly accounts: AccountService;
  readonly sessions: SessionManager;
  readonly callControl: CallControl;
  readonly licensing: Licensing;
  readonly appliance: ApplianceControl;
}

/** The certificate's end, from the helper; unknown (null) when it cannot say, which does not stop the Overview. */
async function certificateSummary(appliance: ApplianceControl) {
  try {
    const { subject, validTo, daysLeft, expiring, selfSigned } = (await appliance.certificate()).certificate;
    return { subject, validTo, daysLeft, expiring, selfSigned };
  } catch {
    return null;
  }
}

export async function overviewRoutes(secured: FastifyInstance, { accounts, sessions, callControl, licensing, appliance }: OverviewRouteDeps): Promise<void> {
  secured.get('/overview', { schema: { ...read('getOverview', 'overview', 'The Overview tab'), response: { 200: ref('Overview'), ...ERROR_RESPONSES } } }, async () => ({
    applications: (await accounts.list()).length,
    sessions: sessions.count(),
    networkElements: callControl.networkElements().filter((e) => e.connectionState === 'CONNECTED').length,
    version: GATEWAY_VERSION,
    licensing: licensing.status().overview,
    certificate: await certificateSummary(appliance),
  }));
}
