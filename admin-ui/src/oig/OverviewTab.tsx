import { Alert } from '@patternfly/react-core';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/useLoad';
import { NotLoaded } from '../components/NotLoaded';
import { Facts, yesNo } from '../components/Facts';
import { Panel } from '../components/Panel';

/** The seed's Licensing list, in its order: each service's available and used count. */
const COUNTED: readonly (readonly [keyof Schemas['LicensingOverview'], string])[] = [
  ['standardCallControl', 'Standard Call Control'],
  ['advancedCallControl', 'Advanced Call Control'],
  ['mivoiceForGoogle', 'MiVoice for Google'],
  ['mivoiceForSalesforce', 'MiVoice for Salesforce'],
  ['dataAccess', 'Data Access'],
];

/** The licensing panel's rows. availableText carries the "(Server)" qualifier when the maximum is licensed. */
function licensingFacts(licensing: Schemas['LicensingOverview']): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, label] of COUNTED) {
    const count = licensing[key] as Schemas['LicenceCount'];
    rows.push([`${label} available`, count.availableText], [`${label} used`, String(count.used)]);
  }
  rows.push(
    ['Virtual Enablement', yesNo(licensing.virtualEnablement)],
    ['MiVoice Integration', yesNo(licensing.mivoiceIntegration)],
    ['Trusted Mode', yesNo(licensing.trustedMode)],
  );
  if (licensing.basePackage) rows.unshift(['Base package', `${licensing.basePackage.name} (${licensing.basePackage.partNumber})`]);
  return rows;
}

/** Overview tab: the gateway's current state and its licensing (installation guide "Overview Tab"). */
export function OverviewTab() {
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/overview')));
  const { data } = loaded;
  if (!data) return <NotLoaded loaded={loaded} what="the overview" />;
  const { licensing, certificate } = data;
  return (
    <>
      {certificate?.expiring && (
        <Alert
          variant="warning"
          isInline
          className="oig-gap"
          id="overview-certificate-warning"
          title={certificate.daysLeft < 0 ? `The TLS certificate for ${certificate.subject} has expired` : `The TLS certificate for ${certificate.subject} expires in ${certificate.daysLeft} days`}
        >
          Applications that check it refuse to connect once it has expired. <Link to="/server/certificates">Install a new one in Server Manager, Certificates.</Link>
        </Alert>
      )}
      <Panel id="overview-panel" title="Overview">
        <Facts
          ariaLabel="Gateway overview"
          items={[
            ['Applications', data.applications],
            ['Sessions', data.sessions],
            ['Network Elements', data.networkElements],
            ['Version', data.version],
          ]}
        />
      </Panel>
      <Panel id="licensing-panel" title="Licensing">
        {licensing.problem && <Alert variant="warning" isInline title={licensing.problem} className="oig-gap" />}
        <Facts ariaLabel="Licences" items={licensingFacts(licensing)} />
        {licensing.unrecognisedParts.length > 0 && (
          <p className="oig-note">Part numbers this gateway does not know: {licensing.unrecognisedParts.join(', ')}</p>
        )}
        {licensing.notes.map((note) => (
          <p key={note} className="oig-note">
            {note}
          </p>
        ))}
      </Panel>
    </>
  );
}
