import { oigError } from '../../errors';
import type { SessionType } from '../sessions/session';
import { LicenceActivation, type LicenceActivationDeps, type LicenceStatus } from './activation';
import { computeEntitlement } from './entitlement';
import { LicencePools, type LicensingOverview } from './licence-pools';

export type LicensingDeps = Omit<LicenceActivationDeps, 'onEntitlement'>;

/**
 * The gateway's licence as the rest of it sees it: the activated ARID's entitlement turned into
 * the licence pools, the check every login passes, and the monitors call control takes.
 */
export class Licensing {
  readonly activation: LicenceActivation;
  readonly pools: LicencePools;

  constructor(deps: LicensingDeps) {
    const now = deps.now ?? (() => new Date());
    this.pools = new LicencePools(null, { now: () => now().getTime() });
    this.activation = new LicenceActivation({
      ...deps,
      now,
      onEntitlement: (signed) => {
        this.pools.replaceEntitlement(signed ? computeEntitlement(signed.parts, { now: now(), expiresAt: signed.expiresAt, ulmGroup: signed.ulmGroup }) : null);
      },
    });
  }

  start(): Promise<void> {
    return this.activation.start();
  }

  /** A login of a third-party (ACL) application: refused while unlicensed, restricted, or on a MiVoice-Integrations-only package. */
  admitLogin(): void {
    const { restriction } = this.activation.status();
    if (restriction) throw oigError('OIG_LICENCE_UNAVAILABLE', restriction);
    this.pools.admit('thirdParty');
  }

  acquireMonitor(sessionId: string, level: SessionType): void {
    this.pools.acquireMonitor(sessionId, level);
  }

  releaseMonitor(sessionId: string, level: SessionType): void {
    this.pools.releaseMonitor(sessionId, level);
  }

  sessionEnded(sessionId: string): void {
    this.pools.releaseSession(sessionId);
  }

  status(): { licence: LicenceStatus; overview: LicensingOverview } {
    return { licence: this.activation.status(), overview: this.pools.overview() };
  }
}
