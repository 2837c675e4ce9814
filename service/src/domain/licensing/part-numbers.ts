import type { SessionType } from '../sessions/session';

/**
 * The AMC part numbers the gateway understands, each with what it grants. Every number here is
 * the seed's (Installation and Maintenance Guide, "Mitel OIG 3.0 part numbers, licensing, and
 * deployment options", Tables 3–11); none is invented. What the seed does not say — what the
 * kits include — is decided once, in KIT_CONTENTS below.
 */

/** Call-control licence level; the same names as the session types that draw on them. */
export type Level = SessionType;
export const LEVELS: readonly Level[] = ['Standard', 'Advanced'];

export type PackagePlatform = 'physical' | 'virtual' | 'either';

export type BasePackageKind =
  | 'oig'
  | 'mivoiceIntegrations'
  | 'serviceProviderCapex'
  | 'serviceProviderOpex'
  | 'developerStandardKit'
  | 'developerAdvancedKit'
  | 'mivoiceIntegrationsDemoKit'
  | 'trial';

/** The MiVoice Integration licence a session of that integration consumes. */
export type IntegrationKind = 'salesforceStandard' | 'salesforceAdvanced' | 'google';
export const INTEGRATION_KINDS: readonly IntegrationKind[] = ['salesforceStandard', 'salesforceAdvanced', 'google'];

/** Licences a base package brings with it (per package). */
export interface Bundle {
  readonly users?: Partial<Record<Level, number>>;
  readonly integrations?: Partial<Record<IntegrationKind, number>>;
}

export interface BasePackagePart {
  readonly kind: 'base';
  readonly name: string;
  readonly package: BasePackageKind;
  readonly platform: PackagePlatform;
  /** Table 4's "third-party applications" column, with the Service Provider reading below. */
  readonly thirdPartyApplications: boolean;
  /**
   * Which MiVoice Integration sessions also take a call-control user licence. Table 4: on the
   * MiVoice Integrations base packages "Call Control licenses are not required, with one
   * exception: MiVoice Integration for Salesforce with MiContact Center, which requires Advanced
   * Call Control licensing" → 'advancedOnly'. Option 2 (OIG base packages): each Google or
   * Salesforce session consumes one Standard, a Salesforce (Advanced) one Advanced → 'every'.
   */
  readonly integrationsTakeCallControl: 'every' | 'advancedOnly';
  /**
   * The seed's list of base packages whose server "must be added to an AMC ULM Group along with
   * the MiVoice Business nodes" (54006216, 54006217, 54006210, 54006213); it sets Trusted Mode
   * when the licensing server does not report the ULM group itself (entitlement.ts).
   */
  readonly ulmGroup: boolean;
  readonly includes: Bundle;
}

export type Part =
  | BasePackagePart
  | { readonly kind: 'users'; readonly name: string; readonly level: Level; readonly users: number }
  | { readonly kind: 'server'; readonly name: string; readonly level: Level }
  | { readonly kind: 'upgrade'; readonly name: string; readonly upgrade: 'userToAdvanced' | 'serverToAdvanced' | 'physicalToVirtual' }
  | { readonly kind: 'integration'; readonly name: string; readonly integration: IntegrationKind; readonly users: number }
  /** Option 5's monthly-billed lines: "not licensed through AMC"; recognised, they grant nothing themselves. */
  | { readonly kind: 'subscription'; readonly name: string; readonly integration: IntegrationKind };

/** The system limit for each MiVoice Integration and for all of them together (seed: "up to 1500 ... in total"). */
export const MAX_INTEGRATION_SESSIONS = 1500;

/**
 * OpenOIG decision — the seed lists the kits (Table 3) and says what the Demo Kit is for ("to
 * demonstrate the MiVoice Integration applications (for Salesforce and Google)", Developer
 * Guide) and who the trial is for (end-customers evaluating development), but not what they
 * include. A kit that grants nothing would be useless on its own, so each brings a small,
 * development-sized bundle; more licences can be added to the same ARID as usual:
 * - Developer Standard Kit: 10 Standard user licences (20 monitors).
 * - Developer Advanced Kit and 60-day trial: 10 Standard + 10 Advanced user licences (the
 *   developer tools need Advanced: "The Call Control Browser Tool requires the Advanced Call
 *   Control license").
 * - MiVoice Integrations Demo Kit: 10 Salesforce (Standard) + 10 Google licences; no call-control
 *   licences, as on the MiVoice Integrations base packages it belongs with.
 * - SP OPEX base package: not a kit, but the seed fixes it: "Each MiVoice Integration license is
 *   set to 1500 when the OPEX option is purchased" — all three integration licences at 1500.
 */
export const KIT_CONTENTS = {
  developerStandardKit: { users: { Standard: 10 } },
  developerAdvancedKit: { users: { Standard: 10, Advanced: 10 } },
  trial: { users: { Standard: 10, Advanced: 10 } },
  mivoiceIntegrationsDemoKit: { integrations: { salesforceStandard: 10, google: 10 } },
  serviceProviderOpex: {
    integrations: { salesforceStandard: MAX_INTEGRATION_SESSIONS, salesforceAdvanced: MAX_INTEGRATION_SESSIONS, google: MAX_INTEGRATION_SESSIONS },
  },
} as const satisfies Partial<Record<BasePackageKind, Bundle>>;

type BaseTraits = Omit<BasePackagePart, 'kind' | 'name' | 'package' | 'platform' | 'includes'>;
// Table 4: OIG base packages run Mitel and third-party applications.
const OIG: BaseTraits = { thirdPartyApplications: true, integrationsTakeCallControl: 'every', ulmGroup: false };
// Table 3/4: "These base packs can be used only to support Mitel applications."
const MIVOICE_ONLY: BaseTraits = { thirdPartyApplications: false, integrationsTakeCallControl: 'advancedOnly', ulmGroup: true };
/*
 * Service Provider packages. Table 4 marks them Y/Y but adds "third-party OIG-based apps and
 * MiVoice Integration applications cannot be combined on one server"; Option 4 "does not permit
 * the deployment of third-party/custom OIG applications", both packages are named "... Base –
 * MiVoice Integr", and the Developer Guide says an SP-licensed OIG "allows only Mitel MiVoice
 * Integration applications (no third-party developed applications)". So on these packages the
 * one kind of application allowed is the MiVoice Integrations: third-party logins are refused.
 */
const SERVICE_PROVIDER: BaseTraits = MIVOICE_ONLY;

const base = (name: string, pkg: BasePackageKind, platform: PackagePlatform, traits: BaseTraits, includes: Bundle = {}): BasePackagePart => ({
  kind: 'base',
  name,
  package: pkg,
  platform,
  ...traits,
  includes,
});
const users = (name: string, level: Level, n: number): Part => ({ kind: 'users', name, level, users: n });
const integration = (name: string, kind: IntegrationKind, n: number): Part => ({ kind: 'integration', name, integration: kind, users: n });

/*
 * Platform: the seed names physical and virtual only for the OIG and MiVoice Integrations base
 * packages; SP packages, kits and the trial are 'either' (Virtual Enablement is then on).
 */
export const PART_NUMBERS: Readonly<Record<string, Part>> = {
  // Table 3: base packages.
  '54005784': base('Mitel OIG Base Package - Physical', 'oig', 'physical', OIG),
  '54005785': base('Mitel OIG Base Package - Virtual', 'oig', 'virtual', OIG),
  '54006216': base('MiVoice Integrations Base Package - Physical', 'mivoiceIntegrations', 'physical', MIVOICE_ONLY),
  '54006217': base('MiVoice Integrations Base Package - Virtual', 'mivoiceIntegrations', 'virtual', MIVOICE_ONLY),
  '54006210': base('SP CAPEX Base Package', 'serviceProviderCapex', 'either', SERVICE_PROVIDER),
  '54006213': base('SP Subscription (OPEX) Base Package', 'serviceProviderOpex', 'either', SERVICE_PROVIDER, KIT_CONTENTS.serviceProviderOpex),
  '54005787': base('Developer Standard Kit', 'developerStandardKit', 'either', OIG, KIT_CONTENTS.developerStandardKit),
  '54005788': base('Developer Advanced Kit', 'developerAdvancedKit', 'either', OIG, KIT_CONTENTS.developerAdvancedKit),
  '54006307': base('MiVoice Integrations Demo Kit', 'mivoiceIntegrationsDemoKit', 'either', { ...MIVOICE_ONLY, ulmGroup: false }, KIT_CONTENTS.mivoiceIntegrationsDemoKit),
  '54005933': base('Mitel OIG Base Pkg - 60 Day Trial', 'trial', 'either', OIG, KIT_CONTENTS.trial),

  // Table 5: call-control user and server licences.
  '54005792': users('OIG Call Control - Std User', 'Standard', 1),
  '54006214': users('OIG Call Control - 50 Std Users', 'Standard', 50),
  '54005793': users('OIG Call Control - Adv User', 'Advanced', 1),
  '54006215': users('OIG Call Control - 50 Adv Users', 'Advanced', 50),
  '54005807': { kind: 'server', name: 'Std Server license', level: 'Standard' },
  '54005808': { kind: 'server', name: 'Adv Server license', level: 'Advanced' },

  // "Upgrading Call Control user licenses", Table 6.
  '54005797': { kind: 'upgrade', name: 'Std to Adv Call Control User upgrade', upgrade: 'userToAdvanced' },
  '54005811': { kind: 'upgrade', name: 'Std to Adv Call Control Server upgrade', upgrade: 'serverToAdvanced' },
  '54005786': { kind: 'upgrade', name: 'OIG Base Pkg Physical to Virtual upgrade', upgrade: 'physicalToVirtual' },

  // MiVoice Integration licences, Tables 7, 8 and 10 (both numbers the seed gives for a licence are kept).
  '54006723': integration('1 MiVoice Integration for Salesforce User-Std', 'salesforceStandard', 1),
  '54006218': integration('1 MiVoice Integration for Salesforce User-Std', 'salesforceStandard', 1),
  '54006725': integration('50 MiVoice Integration for Salesforce User-Std', 'salesforceStandard', 50),
  '54006219': integration('50 MiVoice Integration for Salesforce User-Std', 'salesforceStandard', 50),
  '54006724': integration('1 MiVoice Integration for Salesforce User-Adv', 'salesforceAdvanced', 1),
  '54006726': integration('50 MiVoice Integration for Salesforce User-Adv', 'salesforceAdvanced', 50),
  '54006220': integration('1 MiVoice Integration for Google User-Std', 'google', 1),
  '54006221': integration('50 MiVoice Integration for Google User-Std', 'google', 50),
  '54006702': integration('1 MiVoice Integration for Google User-Std', 'google', 1),
  '54006703': integration('50 MiVoice Integration for Google User-Std', 'google', 50),
  '54006211': integration('1 SP CAPEX License-MiVoice SFDC User - Std', 'salesforceStandard', 1),
  '54006212': integration('1 SP CAPEX License-MiVoice Google User', 'google', 1),
  // Table 10: "existing part number 54006120 (UCCv4 Std. UCC) includes MiVoice Google part number".
  '54006120': integration('UCCv4 Standard UCC user (includes MiVoice Integration for Google)', 'google', 1),
  // Table 11 (OPEX, billed monthly, "not licensed through AMC").
  '54006208': { kind: 'subscription', name: 'MiVoice Integration for Salesforce - UCCv4 Standard users (OPEX)', integration: 'salesforceStandard' },
  '54006209': { kind: 'subscription', name: 'MiVoice Integration for Google - UCCv4 Standard users (OPEX)', integration: 'google' },
};

export function lookUpPart(partNumber: string): Part | undefined {
  return Object.hasOwn(PART_NUMBERS, partNumber) ? PART_NUMBERS[partNumber] : undefined;
}
