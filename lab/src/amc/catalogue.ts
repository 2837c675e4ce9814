/**
 * The part numbers the lab AMC knows (installation and maintenance guide, "Mitel OIG 3.0 part
 * numbers, licensing, and deployment options", tables 3-11). The lab needs only enough to
 * describe each part, find an Application Record's base package and the platform it may run on;
 * what a licence allows is the gateway's business.
 */
export type Platform = 'physical' | 'virtual';
export type BasePlatform = Platform | 'either';

export interface PartInfo {
  readonly partNumber: string;
  readonly description: string;
  readonly kind: 'base' | 'callControl' | 'upgrade' | 'integration';
  /** Base packages only: where the package may be activated. */
  readonly platform?: BasePlatform;
  /** Base packages only: the 60-day trial, which expires 60 days after its first activation. */
  readonly trial?: boolean;
}

const base = (partNumber: string, description: string, platform: BasePlatform, trial = false): PartInfo => ({
  partNumber,
  description,
  kind: 'base',
  platform,
  ...(trial ? { trial } : {}),
});
const part = (kind: PartInfo['kind'], partNumber: string, description: string): PartInfo => ({ partNumber, description, kind });

export const PART_CATALOGUE: readonly PartInfo[] = [
  base('54005784', 'Mitel OIG Base Package - Physical', 'physical'),
  base('54005785', 'Mitel OIG Base Package - Virtual', 'virtual'),
  base('54006216', 'MiVoice Integrations Base Package - Physical', 'physical'),
  base('54006217', 'MiVoice Integrations Base Package - Virtual', 'virtual'),
  base('54006210', 'SP CAPEX Base Package', 'either'),
  base('54006213', 'SP Subscription (OPEX) Base Package', 'either'),
  base('54005787', 'Developer Standard Kit', 'either'),
  base('54005788', 'Developer Advanced Kit', 'either'),
  base('54006307', 'MiVoice Integrations Demo Kit', 'either'),
  base('54005933', 'Mitel OIG Base Pkg - 60 Day Trial', 'either', true),
  part('callControl', '54005792', 'OIG Call Control - Std User (1 user)'),
  part('callControl', '54006214', 'OIG Call Control - Std User (50 users)'),
  part('callControl', '54005793', 'OIG Call Control - Adv User (1 user)'),
  part('callControl', '54006215', 'OIG Call Control - Adv User (50 users)'),
  part('callControl', '54005807', 'OIG Call Control - Std Server license'),
  part('callControl', '54005808', 'OIG Call Control - Adv Server license'),
  part('upgrade', '54005797', 'Upgrade OIG Call Control Std User to Adv User'),
  part('upgrade', '54005811', 'Upgrade OIG Std Call Control Server license to Adv Server license'),
  part('upgrade', '54005786', 'Upgrade OIG Base Package - Physical to Virtual'),
  // The guide gives two numbers for the standard Salesforce licences (tables 7 and 8) and
  // different Google numbers for option 1 (MiVoice Integrations only) and option 2.
  part('integration', '54006723', 'MiVoice Integration for Salesforce User-Std (1 user)'),
  part('integration', '54006218', 'MiVoice Integration for Salesforce User-Std (1 user)'),
  part('integration', '54006725', 'MiVoice Integration for Salesforce User-Std (50 users)'),
  part('integration', '54006219', 'MiVoice Integration for Salesforce User-Std (50 users)'),
  part('integration', '54006724', 'MiVoice Integration for Salesforce User-Adv (1 user)'),
  part('integration', '54006726', 'MiVoice Integration for Salesforce User-Adv (50 users)'),
  part('integration', '54006220', 'MiVoice Integration for Google User-Std (1 user, MiVoice Integrations only)'),
  part('integration', '54006221', 'MiVoice Integration for Google User-Std (50 users, MiVoice Integrations only)'),
  part('integration', '54006702', 'MiVoice Integration for Google User-Std (1 user)'),
  part('integration', '54006703', 'MiVoice Integration for Google User-Std (50 users)'),
  part('integration', '54006211', 'SP CAPEX License - MiVoice SFDC User - Std (1 user)'),
  part('integration', '54006212', 'SP CAPEX License - MiVoice Google User (1 user)'),
];

const BY_NUMBER = new Map(PART_CATALOGUE.map((p) => [p.partNumber, p]));

export function partInfo(partNumber: string): PartInfo | undefined {
  return BY_NUMBER.get(partNumber);
}

export const TRIAL_DAYS = 60;
/** Upgrades a physical OIG base package (54005784) to run on a virtual appliance. */
export const PHYSICAL_TO_VIRTUAL_UPGRADE = '54005786';
export const OIG_PHYSICAL_BASE = '54005784';
