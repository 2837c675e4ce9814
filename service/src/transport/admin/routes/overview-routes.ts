import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../domain/accounts/account-service';
import type { CallControl } from '../../../domain/callcontrol/call-control';
import type { Licensing } from '../../../domain/licensing/licensing';
import type { SessionManager } from '../../../domain/sessions/session-manager';
import { GATEWAY_VERSION } from '../../../version';
import { read } from '../admin-openapi';
import { ERROR_RESPONSES, ref } from '../admin-schemas';

/**
 * The Overview tab: how many applications, sessions and connected network elements, the version,
 * and the licensing summary.
 */
export interface OverviewRouteDeps {
  readonly accounts: AccountService;
  readonly sessions: SessionManager;
  readonly callControl: CallControl;
  readonly licensing: Licensing;
}

export async function overviewRoutes(secured: FastifyInstance, { accounts, sessions, callControl, licensing }: OverviewRouteDeps): Promise<void> {
  secured.get('/overview', { schema: { ...read('getOverview', 'overview', 'The Overview tab'), response: { 200: ref('Overview'), ...ERROR_RESPONSES } } }, async () => ({
    applications: (await accounts.list()).length,
    sessions: sessions.count(),
    networkElements: callControl.networkElements().filter((e) => e.connectionState === 'CONNECTED').length,
    version: GATEWAY_VERSION,
    licensing: licensing.status().overview,
  }));
}
