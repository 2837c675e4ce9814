import { describe, expect, it } from 'vitest';
import { computeEntitlement, type EntitlementContext } from '../../../src/domain/licensing/entitlement';

const NOW = new Date('2025-06-01T00:00:00Z');
const entitle = (lines: [string, number][], context: EntitlementContext = {}) =>
  computeEntitlement(
    lines.map(([partNumber, quantity]) => ({ partNumber, quantity })),
    { now: NOW, ...context },
  );

describe('base packages', () => {
  // Seed: Tables 3 and 4, "Mitel OIG Base Package application support".
  it.each([
    ['54005784', 'oig', 'physical', true],
    ['54005785', 'oig', 'virtual', true],
    ['54006216', 'mivoiceIntegrations', 'physical', false],
    ['54006217', 'mivoiceIntegrations', 'virtual', false],
  ] as const)('%s is the %s base package (%s); third-party applications allowed: %s', (partNumber, kind, platform, thirdParty) => {
    const e = entitle([[partNumber, 1]]);
    expect(e.valid).toBe(true);
    expect(e.basePackage).toMatchObject({ partNumber, kind, platform });
    expect(e.thirdPartyApplications).toBe(thirdParty);
  });

  // Seed: Table 4's SP note, Option 4 "does not permit ... third-party/custom OIG applications",
  // Developer Guide "allows only Mitel MiVoice Integration applications".
  it.each(['54006210', '54006213'])('the Service Provider package %s runs MiVoice Integrations only', (partNumber) => {
    const e = entitle([[partNumber, 1]]);
    expect(e.valid).toBe(true);
    expect(e.thirdPartyApplications).toBe(false);
    expect(e.mivoiceIntegration).toBe(true);
  });

  it('no base package makes the entitlement invalid with the reason', () => {
    const e = entitle([['54006214', 2]]);
    expect(e.valid).toBe(false);
    expect(e.problem).toMatch(/no base package: a server needs exactly one/);
    expect(e.basePackage).toBeNull();
    expect(e.thirdPartyApplications).toBe(false);
  });

  it('several base packages make the entitlement invalid, naming them', () => {
    const two = entitle([['54005784', 1], ['54006216', 1]]);
    expect(two.valid).toBe(false);
    expect(two.problem).toBe('The licence has 2 base packages (54005784, 54006216): a server takes exactly one');
    const twice = entitle([['54005785', 2]]);
    expect(twice.valid).toBe(false);
    expect(twice.problem).toContain('54005785 ×2');
  });

  it('a base package line with quantity 0 does not count', () => {
    expect(entitle([['54005784', 0], ['54005785', 1]]).basePackage?.partNumber).toBe('54005785');
  });
});

describe('call control user and server licences', () => {
  // Seed: Table 5; "Each Call Control user license supports 2 Monitors".
  it('adds 1-user and 50-user licences per level; each user licence is 2 monitors', () => {
    const e = entitle([['54005784', 1], ['54005792', 3], ['54006214', 2], ['54005793', 1], ['54006215', 1]]);
    expect(e.callControl.Standard).toEqual({ userLicences: 103, serverLicence: false, users: 103, monitors: 206 });
    expect(e.callControl.Advanced).toEqual({ userLicences: 51, serverLicence: false, users: 51, monitors: 102 });
  });

  // Seed: Table 5 "UP TO 25,000 USERS"; Table 6 note "Existing User licenses are not used if a Server license is added".
  it('a server licence is 25,000 users (50,000 monitors) and leaves that level’s user licences unused', () => {
    const e = entitle([['54005784', 1], ['54005807', 1], ['54006214', 2], ['54005793', 5]]);
    expect(e.callControl.Standard).toEqual({ userLicences: 100, serverLicence: true, users: 25_000, monitors: 50_000 });
    expect(e.callControl.Advanced).toEqual({ userLicences: 5, serverLicence: false, users: 5, monitors: 10 });
    expect(e.notes).toContain('100 Standard user licences are not used: a Standard server licence is present');
  });

  it('user licences beyond the system’s 25,000 users are capped and noted', () => {
    const e = entitle([['54005784', 1], ['54006214', 501]]);
    expect(e.callControl.Standard.users).toBe(25_000);
    expect(e.notes.some((n) => n.includes('capped at the system'))).toBe(true);
  });
});

describe('upgrades', () => {
  // Seed: "Upgrading Call Control user licenses" (54005797).
  it('each user upgrade converts one Standard user licence to Advanced', () => {
    const e = entitle([['54005784', 1], ['54006214', 1], ['54005793', 2], ['54005797', 10]]);
    expect(e.callControl.Standard.userLicences).toBe(40);
    expect(e.callControl.Advanced.userLicences).toBe(12);
  });

  it('user upgrades beyond the Standard user licences are noted and unused', () => {
    const e = entitle([['54005784', 1], ['54005792', 3], ['54005797', 5]]);
    expect(e.callControl.Standard.userLicences).toBe(0);
    expect(e.callControl.Advanced.userLicences).toBe(3);
    expect(e.notes).toContain('2 of 5 user upgrades (54005797) are unused: there are only 3 Standard user licences to convert');
  });

  // Seed: Table 6, Standard server → Advanced server with 54005811.
  it('the server upgrade turns the Standard server licence into an Advanced one', () => {
    const e = entitle([['54005784', 1], ['54005807', 1], ['54005811', 1], ['54006214', 1]]);
    expect(e.callControl.Advanced).toMatchObject({ serverLicence: true, users: 25_000 });
    expect(e.callControl.Standard).toMatchObject({ serverLicence: false, users: 50 });
  });

  it('a server upgrade without a Standard server licence is noted and unused', () => {
    const e = entitle([['54005784', 1], ['54005811', 1]]);
    expect(e.callControl.Advanced.serverLicence).toBe(false);
    expect(e.notes.some((n) => n.includes('54005811'))).toBe(true);
  });

  // Seed: Table 6, OIG Base Pkg Physical → Virtual with 54005786.
  it('the physical-to-virtual upgrade makes the physical OIG base package virtual', () => {
    const e = entitle([['54005784', 1], ['54005786', 1]]);
    expect(e.basePackage?.platform).toBe('virtual');
    expect(e.virtualEnablement).toBe(true);
    const other = entitle([['54006216', 1], ['54005786', 1]]);
    expect(other.basePackage?.platform).toBe('physical');
    expect(other.notes.some((n) => n.includes('54005786'))).toBe(true);
  });
});

describe('MiVoice Integration licences', () => {
  // Seed: Tables 7 and 8.
  it('counts Salesforce Standard, Salesforce Advanced and Google licences', () => {
    const e = entitle([['54005785', 1], ['54006723', 2], ['54006219', 1], ['54006724', 1], ['54006726', 1], ['54006702', 3], ['54006221', 1]]);
    expect(e.integrations).toEqual({ salesforceStandard: 52, salesforceAdvanced: 51, google: 53 });
    expect(e.maxIntegrationSessions).toBe(1500);
    expect(e.mivoiceIntegration).toBe(true);
  });

  // Seed: Option 4 "The maximum number allowed for each MiVoice Integration app is 1500".
  it('each integration’s licences are capped at 1500', () => {
    const e = entitle([['54005785', 1], ['54006221', 31]]);
    expect(e.integrations.google).toBe(1500);
    expect(e.notes.some((n) => n.includes('capped at 1500'))).toBe(true);
  });

  // Seed: Option 5 "Each MiVoice Integration license is set to 1500 when the OPEX option is purchased".
  it('the OPEX base package licenses every integration to 1500; its billing lines grant nothing more', () => {
    const e = entitle([['54006213', 1], ['54006208', 40], ['54006209', 40]]);
    expect(e.integrations).toEqual({ salesforceStandard: 1500, salesforceAdvanced: 1500, google: 1500 });
    expect(e.unrecognised).toEqual([]);
    expect(e.notes.filter((n) => n.includes('billed monthly'))).toHaveLength(2);
  });

  it('an OIG base package without integration licences has the MiVoice Integration flag off', () => {
    expect(entitle([['54005784', 1], ['54006214', 1]]).mivoiceIntegration).toBe(false);
  });
});

describe('kits (OpenOIG decision: the seed does not say what they include)', () => {
  it.each([
    ['54005787', { Standard: 10, Advanced: 0 }, true],
    ['54005788', { Standard: 10, Advanced: 10 }, true],
    ['54005933', { Standard: 10, Advanced: 10 }, true],
  ] as const)('%s brings %o user licences; third-party applications allowed: %s', (partNumber, users, thirdParty) => {
    const e = entitle([[partNumber, 1], ['54005792', 1]]);
    expect(e.callControl.Standard.userLicences).toBe(users.Standard + 1);
    expect(e.callControl.Advanced.userLicences).toBe(users.Advanced);
    expect(e.thirdPartyApplications).toBe(thirdParty);
  });

  it('the MiVoice Integrations Demo Kit brings 10 Salesforce and 10 Google licences, for MiVoice Integrations only', () => {
    const e = entitle([['54006307', 1]]);
    expect(e.integrations).toEqual({ salesforceStandard: 10, salesforceAdvanced: 0, google: 10 });
    expect(e.thirdPartyApplications).toBe(false);
  });
});

describe('Data Access and the Overview flags', () => {
  // Seed: Tables 8 and 9 "DATA ACCESS SERVER LICENSE — Included for all User licenses".
  it('Data Access is included with call control user licences', () => {
    expect(entitle([['54005784', 1], ['54006214', 1], ['54005793', 2]]).dataAccess).toEqual({ included: true, users: 52 });
    expect(entitle([['54005784', 1]]).dataAccess).toEqual({ included: false, users: 0 });
    expect(entitle([['54005784', 1], ['54005808', 1]]).dataAccess).toEqual({ included: true, users: 25_000 });
  });

  // Seed: "Overview Tab", Licensing panel: Virtual Enablement, MiVoice Integration, Trusted Mode.
  it('Virtual Enablement is on for packages that may run virtualised', () => {
    expect(entitle([['54005784', 1]]).virtualEnablement).toBe(false);
    expect(entitle([['54005785', 1]]).virtualEnablement).toBe(true);
    expect(entitle([['54006210', 1]]).virtualEnablement).toBe(true);
    expect(entitle([]).virtualEnablement).toBe(false);
  });

  it('Trusted Mode follows the ULM group: reported by the licensing server, else the packages the seed puts in one', () => {
    expect(entitle([['54006217', 1]]).trustedMode).toBe(true);
    expect(entitle([['54005785', 1]]).trustedMode).toBe(false);
    expect(entitle([['54005785', 1]], { ulmGroup: 'ULM-1' }).trustedMode).toBe(true);
    const outside = entitle([['54006217', 1]], { ulmGroup: null });
    expect(outside.trustedMode).toBe(false);
    expect(outside.notes.some((n) => n.includes('must be in an AMC ULM group'))).toBe(true);
  });
});

describe('lines the gateway cannot use', () => {
  it('unknown part numbers are reported, not dropped', () => {
    const e = entitle([['54005784', 1], ['99999999', 3], ['54006214', 1]]);
    expect(e.valid).toBe(true);
    expect(e.unrecognised).toEqual([{ partNumber: '99999999', quantity: 3, reason: 'unknown part number' }]);
    expect(e.callControl.Standard.users).toBe(50);
  });

  it('a quantity that is not a whole number of 0 or more is reported', () => {
    const e = entitle([['54005784', 1], ['54006214', -1], ['54005792', 1.5]]);
    expect(e.unrecognised.map((r) => r.partNumber)).toEqual(['54006214', '54005792']);
    expect(e.callControl.Standard.users).toBe(0);
  });

  it('a line that has lapsed is set aside; the base package’s end is the entitlement’s', () => {
    const past = new Date('2025-05-01T00:00:00Z');
    const future = new Date('2025-07-01T00:00:00Z');
    const e = computeEntitlement(
      [
        { partNumber: '54005933', quantity: 1, expiresAt: future },
        { partNumber: '54006214', quantity: 1, expiresAt: past },
      ],
      { now: NOW },
    );
    expect(e.expired.map((l) => l.partNumber)).toEqual(['54006214']);
    expect(e.callControl.Standard.userLicences).toBe(10);
    expect(e.expiresAt).toEqual(future);
    const sooner = new Date('2025-06-15T00:00:00Z');
    expect(computeEntitlement([{ partNumber: '54005933', quantity: 1, expiresAt: future }], { now: NOW, expiresAt: sooner }).expiresAt).toEqual(sooner);
  });
});
