import { describe, expect, it } from 'vitest';
import { KIT_CONTENTS, lookUpPart } from '../../../src/domain/licensing/part-numbers';

/** Seed (Installation and Maintenance Guide): Tables 3 and 5–11 name every part number. */
describe('part number catalogue', () => {
  it.each([
    // Table 3: base packages.
    ['54005784', { kind: 'base', package: 'oig', platform: 'physical', thirdPartyApplications: true }],
    ['54005785', { kind: 'base', package: 'oig', platform: 'virtual', thirdPartyApplications: true }],
    ['54006216', { kind: 'base', package: 'mivoiceIntegrations', platform: 'physical', thirdPartyApplications: false }],
    ['54006217', { kind: 'base', package: 'mivoiceIntegrations', platform: 'virtual', thirdPartyApplications: false }],
    ['54006210', { kind: 'base', package: 'serviceProviderCapex', thirdPartyApplications: false }],
    ['54006213', { kind: 'base', package: 'serviceProviderOpex', thirdPartyApplications: false }],
    ['54005787', { kind: 'base', package: 'developerStandardKit', thirdPartyApplications: true }],
    ['54005788', { kind: 'base', package: 'developerAdvancedKit', thirdPartyApplications: true }],
    ['54006307', { kind: 'base', package: 'mivoiceIntegrationsDemoKit', thirdPartyApplications: false }],
    ['54005933', { kind: 'base', package: 'trial', thirdPartyApplications: true }],
    // Table 5: user and server licences.
    ['54005792', { kind: 'users', level: 'Standard', users: 1 }],
    ['54006214', { kind: 'users', level: 'Standard', users: 50 }],
    ['54005793', { kind: 'users', level: 'Advanced', users: 1 }],
    ['54006215', { kind: 'users', level: 'Advanced', users: 50 }],
    ['54005807', { kind: 'server', level: 'Standard' }],
    ['54005808', { kind: 'server', level: 'Advanced' }],
    // "Upgrading Call Control user licenses", Table 6.
    ['54005797', { kind: 'upgrade', upgrade: 'userToAdvanced' }],
    ['54005811', { kind: 'upgrade', upgrade: 'serverToAdvanced' }],
    ['54005786', { kind: 'upgrade', upgrade: 'physicalToVirtual' }],
    // Tables 7, 8, 10: MiVoice Integration licences.
    ['54006723', { kind: 'integration', integration: 'salesforceStandard', users: 1 }],
    ['54006218', { kind: 'integration', integration: 'salesforceStandard', users: 1 }],
    ['54006725', { kind: 'integration', integration: 'salesforceStandard', users: 50 }],
    ['54006219', { kind: 'integration', integration: 'salesforceStandard', users: 50 }],
    ['54006724', { kind: 'integration', integration: 'salesforceAdvanced', users: 1 }],
    ['54006726', { kind: 'integration', integration: 'salesforceAdvanced', users: 50 }],
    ['54006220', { kind: 'integration', integration: 'google', users: 1 }],
    ['54006221', { kind: 'integration', integration: 'google', users: 50 }],
    ['54006702', { kind: 'integration', integration: 'google', users: 1 }],
    ['54006703', { kind: 'integration', integration: 'google', users: 50 }],
    ['54006211', { kind: 'integration', integration: 'salesforceStandard', users: 1 }],
    ['54006212', { kind: 'integration', integration: 'google', users: 1 }],
    ['54006120', { kind: 'integration', integration: 'google', users: 1 }],
    // Table 11: OPEX monthly billing lines.
    ['54006208', { kind: 'subscription', integration: 'salesforceStandard' }],
    ['54006209', { kind: 'subscription', integration: 'google' }],
  ])('%s means what the seed says', (partNumber, meaning) => {
    expect(lookUpPart(partNumber)).toMatchObject(meaning);
  });

  it('knows no number the seed does not give, and nothing inherited from Object', () => {
    expect(lookUpPart('54000000')).toBeUndefined();
    expect(lookUpPart('toString')).toBeUndefined();
    expect(lookUpPart('__proto__')).toBeUndefined();
  });

  it('the kits carry the bundles decided in KIT_CONTENTS (the seed does not say)', () => {
    expect(lookUpPart('54005787')).toMatchObject({ includes: KIT_CONTENTS.developerStandardKit });
    expect(lookUpPart('54005788')).toMatchObject({ includes: KIT_CONTENTS.developerAdvancedKit });
    expect(lookUpPart('54005933')).toMatchObject({ includes: KIT_CONTENTS.trial });
    expect(lookUpPart('54006307')).toMatchObject({ includes: KIT_CONTENTS.mivoiceIntegrationsDemoKit });
  });
});
