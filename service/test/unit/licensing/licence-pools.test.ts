import { describe, expect, it } from 'vitest';
import { computeEntitlement, type EntitlementContext } from '../../../src/domain/licensing/entitlement';
import { LicencePools, monitorPoolOf } from '../../../src/domain/licensing/licence-pools';
import type { Level } from '../../../src/domain/licensing/part-numbers';
import { OigError } from '../../../src/errors';

const NOW = new Date('2025-06-01T00:00:00Z');
const entitle = (lines: [string, number][], context: EntitlementContext = {}) =>
  computeEntitlement(
    lines.map(([partNumber, quantity]) => ({ partNumber, quantity })),
    { now: NOW, ...context },
  );
const OIG_VIRTUAL = '54005785';
const pools = (...lines: [string, number][]) => new LicencePools(entitle([[OIG_VIRTUAL, 1], ...lines]), { now: () => NOW.getTime() });

function monitor(p: LicencePools, sessionId: string, level: Level, n: number): void {
  for (let i = 0; i < n; i++) p.acquireMonitor(sessionId, level);
}

/** The coded error `action` throws. */
function refusal(action: () => void): OigError {
  try {
    action();
  } catch (err) {
    expect(err).toBeInstanceOf(OigError);
    return err as OigError;
  }
  throw new Error('expected a refusal');
}

describe('the seed’s worked examples ("Determining the number and type of OIG Licenses required")', () => {
  it('100 phones monitored on their prime lines consume 50 Standard user licences', () => {
    const p = pools(['54006214', 2]);
    monitor(p, 'recorder', 'Standard', 100);
    expect(p.overview().standardCallControl).toMatchObject({ available: 100, used: 50 });
    expect(p.overview().monitors.Standard).toEqual({ available: 200, used: 100 });
  });

  it('all four lines of 100 phones consume 200 Standard user licences', () => {
    const p = pools(['54006214', 4]);
    monitor(p, 'attendant', 'Standard', 4 * 100);
    expect(p.overview().standardCallControl).toMatchObject({ available: 200, used: 200 });
  });

  it('50 hot desk ACD agents on 50 phones, one ACD group and one ACD path consume 51 Advanced user licences', () => {
    const p = pools(['54006215', 2]);
    monitor(p, 'contact-centre', 'Advanced', 50); // the agents
    monitor(p, 'contact-centre', 'Advanced', 50); // the phones' prime lines
    monitor(p, 'contact-centre', 'Advanced', 2); // the ACD group and the ACD path
    expect(p.overview().advancedCallControl).toMatchObject({ available: 100, used: 51 });
    expect(p.overview().standardCallControl.used).toBe(0);
  });
});

describe('call monitors', () => {
  it('an empty pool refuses the next monitor with the reason, and the session keeps what it holds', () => {
    const p = pools(['54006214', 2]);
    monitor(p, 'a', 'Standard', 200);
    const err = refusal(() => p.acquireMonitor('a', 'Standard'));
    expect(err.code).toBe('OIG_CC_MONITOR_POOL_EXHAUSTED');
    expect(err.message).toBe('No Standard call control monitor is free: all 200 monitors (100 user licences) are in use');
    expect(p.heldBy('a').monitors.Standard).toBe(200);
    p.releaseMonitor('a', 'Standard');
    expect(() => p.acquireMonitor('a', 'Standard')).not.toThrow();
  });

  // Seed: "shared by all connected applications, and allocated to applications on a first-come, first-served basis".
  it('sessions share the pool first come, first served', () => {
    const p = pools(['54005792', 2]);
    monitor(p, 'first', 'Standard', 3);
    monitor(p, 'second', 'Standard', 1);
    expect(refusal(() => p.acquireMonitor('second', 'Standard')).code).toBe('OIG_CC_MONITOR_POOL_EXHAUSTED');
    p.releaseSession('first');
    monitor(p, 'second', 'Standard', 3);
    expect(p.heldBy('second').monitors.Standard).toBe(4);
  });

  it('Advanced sessions draw on the Advanced pool only', () => {
    const p = pools(['54006214', 1]);
    const err = refusal(() => p.acquireMonitor('adv', 'Advanced'));
    expect(err.message).toBe('No Advanced call control monitor is free: the licence has no Advanced call control user or server licence');
    expect(p.overview().standardCallControl.used).toBe(0);
  });

  it('one user licence is two monitors: an odd monitor still counts a whole licence', () => {
    const p = pools(['54005792', 1]);
    monitor(p, 'a', 'Standard', 1);
    expect(p.overview().standardCallControl).toMatchObject({ available: 1, used: 1 });
    monitor(p, 'b', 'Standard', 1);
    expect(refusal(() => p.acquireMonitor('c', 'Standard')).message).toBe('No Standard call control monitor is free: all 2 monitors (1 user licence) are in use');
  });

  it('releasing what a session does not hold changes nothing', () => {
    const p = pools(['54005792', 1]);
    p.releaseMonitor('nobody', 'Standard');
    monitor(p, 'a', 'Standard', 1);
    p.releaseMonitor('a', 'Advanced');
    expect(p.overview().monitors.Standard.used).toBe(1);
  });

  it('the session end gives back everything it held', () => {
    const p = pools(['54006214', 1], ['54006215', 1], ['54006702', 1]);
    monitor(p, 's', 'Standard', 5);
    monitor(p, 's', 'Advanced', 3);
    p.acquireIntegration('s', 'google');
    p.acquireDataAccess('s');
    p.releaseSession('s');
    const o = p.overview();
    expect([o.monitors.Standard.used, o.monitors.Advanced.used, o.mivoiceForGoogle.used, o.dataAccess.used, o.integrationSessions.used]).toEqual([0, 0, 0, 0, 0]);
    expect(p.heldBy('s')).toEqual({ monitors: { Standard: 0, Advanced: 0 }, integration: null, dataAccess: false });
  });

  it('serves as the proposed call-control MonitorPool port (level per acquire and release)', () => {
    const p = pools(['54005792', 1], ['54005793', 1]);
    const port = monitorPoolOf(p);
    port.acquire('s', 'Standard');
    port.acquire('s', 'Advanced');
    port.release('s', 'Standard');
    expect(p.heldBy('s').monitors).toEqual({ Standard: 0, Advanced: 1 });
  });
});

describe('server licence (seed: Table 5, Table 6 note, Overview "(Server)")', () => {
  it('a server licence makes the pool 25,000 users (50,000 monitors), shown "(Server)", ignoring that level’s user licences', () => {
    const p = pools(['54005807', 1], ['54006214', 2], ['54005793', 3]);
    const o = p.overview();
    expect(o.standardCallControl).toEqual({ available: 25_000, used: 0, server: true, availableText: '25000 (Server)' });
    expect(o.advancedCallControl).toEqual({ available: 3, used: 0, server: false, availableText: '3' });
    expect(o.monitors.Standard.available).toBe(50_000);
    monitor(p, 'big', 'Standard', 50_000);
    expect(p.overview().standardCallControl.used).toBe(25_000);
    expect(refusal(() => p.acquireMonitor('big', 'Standard')).message).toBe(
      'No Standard call control monitor is free: all 50000 monitors (25000 users, Standard server licence) are in use',
    );
  });
});

describe('MiVoice Integration sessions', () => {
  // Seed: Option 2, "Each MiVoice Integration for Google application consumes one Standard Call
  // Control user license and one MiVoice Integration for Google license", likewise Salesforce;
  // "Salesforce (Advanced) consumes one Advanced Call Control user license".
  it('on an OIG base package each takes one user licence of its level and one Salesforce or Google licence', () => {
    const p = pools(['54006214', 1], ['54006215', 1], ['54006723', 5], ['54006724', 5], ['54006702', 5]);
    p.acquireIntegration('sf-std', 'salesforceStandard');
    expect(p.overview()).toMatchObject({ standardCallControl: { used: 1 }, advancedCallControl: { used: 0 }, mivoiceForSalesforce: { used: 1 } });
    p.acquireIntegration('sf-adv', 'salesforceAdvanced');
    expect(p.overview()).toMatchObject({ standardCallControl: { used: 1 }, advancedCallControl: { used: 1 }, mivoiceForSalesforce: { used: 2 } });
    p.acquireIntegration('google', 'google');
    const o = p.overview();
    expect(o).toMatchObject({ standardCallControl: { used: 2 }, advancedCallControl: { used: 1 }, mivoiceForGoogle: { used: 1, available: 5 } });
    expect(o.mivoiceForSalesforce).toMatchObject({ available: 10, used: 2 });
    expect(o.monitors.Standard.used).toBe(4);
    expect(o.integrationSessions).toEqual({ available: 1500, used: 3 });
    expect(p.heldBy('sf-adv').integration).toEqual({ kind: 'salesforceAdvanced', callControl: 'Advanced' });
  });

  // Seed: Table 4, MiVoice Integrations base packages: "Call Control licenses are not required,
  // with one exception: MiVoice Integration for Salesforce with MiContact Center".
  it('on a MiVoice Integrations base package only Salesforce (Advanced) takes a call control licence', () => {
    const p = new LicencePools(entitle([['54006217', 1], ['54006725', 1], ['54006724', 1], ['54006220', 1], ['54005793', 1]]));
    p.acquireIntegration('g', 'google');
    p.acquireIntegration('s', 'salesforceStandard');
    expect(p.overview()).toMatchObject({ standardCallControl: { used: 0 }, advancedCallControl: { used: 0 }, mivoiceForGoogle: { used: 1 }, mivoiceForSalesforce: { used: 1 } });
    p.acquireIntegration('a', 'salesforceAdvanced');
    expect(p.overview().advancedCallControl).toMatchObject({ available: 1, used: 1 });
  });

  it('no free call control user licence refuses the integration session and takes nothing', () => {
    const p = pools(['54005792', 1], ['54006702', 2]);
    monitor(p, 'recorder', 'Standard', 1);
    const err = refusal(() => p.acquireIntegration('g', 'google'));
    expect(err.code).toBe('OIG_LICENCE_EXHAUSTED');
    expect(err.message).toBe(
      'No Standard call control user licence is free for the MiVoice Integration for Google session: all 2 monitors (1 user licence) are in use',
    );
    expect(p.overview().mivoiceForGoogle.used).toBe(0);
    expect(p.heldBy('g').integration).toBeNull();
  });

  it('no free Salesforce or Google licence refuses the session with the reason', () => {
    const p = pools(['54006214', 1], ['54006723', 1]);
    p.acquireIntegration('one', 'salesforceStandard');
    expect(refusal(() => p.acquireIntegration('two', 'salesforceStandard')).message).toBe(
      'No MiVoice Integration for Salesforce (Standard) licence is free: the one licence is in use',
    );
    expect(refusal(() => p.acquireIntegration('three', 'google')).message).toBe('No MiVoice Integration for Google licence is free: the licence has none');
  });

  // Seed: "up to 1500 MiVoice Integration for Salesforce sessions, up to 1500 ... for Google, or a
  // combination of both that does not exceed 1500 in total".
  it('the 1501st integration session is refused even with licences left', () => {
    const p = pools(['54005807', 1], ['54006725', 20], ['54006703', 20]);
    for (let i = 0; i < 750; i++) p.acquireIntegration(`sf-${i}`, 'salesforceStandard');
    for (let i = 0; i < 750; i++) p.acquireIntegration(`g-${i}`, 'google');
    const err = refusal(() => p.acquireIntegration('g-750', 'google'));
    expect(err.code).toBe('OIG_LICENCE_INTEGRATION_LIMIT_REACHED');
    expect(err.message).toContain('1500 MiVoice Integration sessions are active');
    p.releaseSession('sf-0');
    expect(() => p.acquireIntegration('g-750', 'google')).not.toThrow();
  });

  it('asking again for the same integration licence is a no-op', () => {
    const p = pools(['54006214', 1], ['54006702', 2]);
    p.acquireIntegration('g', 'google');
    p.acquireIntegration('g', 'google');
    expect(p.overview().mivoiceForGoogle.used).toBe(1);
    expect(p.overview().standardCallControl.used).toBe(1);
  });
});

describe('admission (seed: Table 4, Option 1 "does not permit the deployment of third-party OIG applications")', () => {
  it('a third-party application is refused on a MiVoice-Integrations-only base package, with the reason', () => {
    const p = new LicencePools(entitle([['54006216', 1], ['54006723', 10]]));
    const err = refusal(() => p.admit('thirdParty'));
    expect(err.code).toBe('OIG_LICENCE_THIRD_PARTY_NOT_ALLOWED');
    expect(err.message).toBe(
      'Third-party applications cannot run on this gateway: its MiVoice Integrations Base Package - Physical (54006216) supports only the MiVoice Integrations for Salesforce and Google',
    );
    expect(() => p.admit('mivoiceIntegration')).not.toThrow();
  });

  it('a third-party application is admitted on an OIG base package', () => {
    expect(() => pools().admit('thirdParty')).not.toThrow();
  });

  it('without an entitlement nothing is admitted or acquired, with the reason', () => {
    const p = new LicencePools();
    const err = refusal(() => p.admit('thirdParty'));
    expect(err.code).toBe('OIG_LICENCE_UNAVAILABLE');
    expect(err.message).toMatch(/has not received its licences/);
    expect(refusal(() => p.acquireMonitor('s', 'Standard')).code).toBe('OIG_LICENCE_UNAVAILABLE');
    expect(p.overview().problem).toBe(err.message);
  });

  it('an invalid entitlement refuses with its problem', () => {
    const p = new LicencePools(entitle([['54006214', 1]]));
    expect(refusal(() => p.admit('thirdParty')).message).toMatch(/^The licence is not usable: The licence has no base package/);
    expect(p.overview().standardCallControl.available).toBe(0);
  });

  it('an expired entitlement refuses with the date', () => {
    let now = NOW.getTime();
    const e = entitle([['54005933', 1]], { expiresAt: new Date('2025-06-02T00:00:00Z') });
    const p = new LicencePools(e, { now: () => now });
    expect(() => p.admit('thirdParty')).not.toThrow();
    now = new Date('2025-06-02T00:00:00Z').getTime();
    const err = refusal(() => p.admit('thirdParty'));
    expect(err.code).toBe('OIG_LICENCE_UNAVAILABLE');
    expect(err.message).toBe('The licence expired on 2025-06-02T00:00:00.000Z: Mitel OIG Base Pkg - 60 Day Trial (54005933)');
  });
});

describe('licence sync replacing the entitlement', () => {
  it('a shrunken pool keeps what sessions hold; new monitors fail until use drops below the new size', () => {
    const p = pools(['54006214', 2]);
    monitor(p, 'a', 'Standard', 150);
    p.replaceEntitlement(entitle([[OIG_VIRTUAL, 1], ['54006214', 1]]));
    expect(p.heldBy('a').monitors.Standard).toBe(150);
    expect(p.overview().standardCallControl).toMatchObject({ available: 50, used: 75 });
    expect(refusal(() => p.acquireMonitor('b', 'Standard')).message).toBe(
      'No Standard call control monitor is free: 150 monitors are in use, the licence now provides 100 (50 user licences)',
    );
    for (let i = 0; i < 51; i++) p.releaseMonitor('a', 'Standard');
    expect(() => p.acquireMonitor('b', 'Standard')).not.toThrow();
  });

  it('losing the licence keeps holdings and refuses new requests with the reason', () => {
    const p = pools(['54006214', 1]);
    monitor(p, 'a', 'Standard', 2);
    p.replaceEntitlement(null);
    expect(p.heldBy('a').monitors.Standard).toBe(2);
    expect(refusal(() => p.acquireMonitor('a', 'Standard')).code).toBe('OIG_LICENCE_UNAVAILABLE');
    expect(p.overview().monitors.Standard).toEqual({ available: 0, used: 2 });
  });
});

describe('Data Access (seed: Tables 8–9 "Included for all User licenses")', () => {
  it('one Data Access licence per session, from the call control user licences', () => {
    const p = pools(['54005792', 1], ['54005793', 1]);
    p.acquireDataAccess('a');
    p.acquireDataAccess('a');
    p.acquireDataAccess('b');
    expect(p.overview().dataAccess).toMatchObject({ available: 2, used: 2 });
    expect(refusal(() => p.acquireDataAccess('c')).message).toBe('No Data Access licence is free: all 2 licences are in use');
  });

  it('without user licences there is no Data Access', () => {
    expect(refusal(() => pools().acquireDataAccess('a')).message).toMatch(/comes with call control user licences/);
  });
});

describe('the Overview tab’s Licensing panel', () => {
  it('shows every available/used pair the seed lists and the three flags', () => {
    const p = new LicencePools(entitle([['54006217', 1], ['54005808', 1], ['54006725', 1], ['54006724', 1], ['54006221', 1], ['12345678', 1]]));
    const o = p.overview();
    expect(o).toMatchObject({
      problem: null,
      basePackage: { partNumber: '54006217', name: 'MiVoice Integrations Base Package - Virtual' },
      standardCallControl: { available: 0, used: 0, availableText: '0' },
      advancedCallControl: { available: 25_000, used: 0, server: true, availableText: '25000 (Server)' },
      mivoiceForGoogle: { available: 50, used: 0 },
      mivoiceForSalesforce: { available: 51, used: 0 },
      dataAccess: { available: 25_000, used: 0, availableText: '25000 (Server)' },
      virtualEnablement: true,
      mivoiceIntegration: true,
      trustedMode: true,
      unrecognisedParts: ['12345678 ×1: unknown part number'],
    });
  });
});
