import { Alert, Button, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, unwrap } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/ErrorAlert';
import { NotLoaded } from '../components/NotLoaded';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';
import { useSubmit } from '../components/useSubmit';

/**
 * Server Manager, Blades (issue #14; the installation guide's "Install the Mitel OIG blade in MSL":
 * ServiceLink, Blades, Update List): the blades installed and the versions the signed blade
 * repository offers. Update List fetches its indexes again; what apt refused is shown.
 */
export function BladesPage() {
  usePageTitle('Blades – Server Manager');
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/blades')));
  const { statusAlert, showSuccess } = useActionStatus();
  const update = useSubmit();
  const v = loaded.data;

  const updateList = async () => {
    const done = await update.submit(async () => {
      const answer = await unwrap(api.POST('/api/admin/blades/update-list'));
      if (answer.lastUpdate?.ok) showSuccess('The list of blades is up to date.');
    });
    if (done) await loaded.reload();
  };

  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Blades
      </Title>
      {statusAlert}
      <Panel
        id="blades"
        title="Blades"
        actions={
          <Button variant="primary" onClick={() => void updateList()} isLoading={update.busy} isDisabled={update.busy || !v?.source}>
            Update List
          </Button>
        }
      >
        {update.error !== undefined && <ErrorAlert error={update.error} context="The list was not updated." />}
        {!v ? (
          <NotLoaded loaded={loaded} what="the blades" />
        ) : (
          <>
            {!v.source && <Alert id="blades-no-source" variant="info" isInline isPlain title="This appliance has no ServiceLink repository: blades cannot be listed or updated here." className="oig-gap" />}
            {v.lastUpdate && !v.lastUpdate.ok && (
              <Alert id="blades-refused" variant="danger" isInline title={`The last Update List (${formatDateTime(v.lastUpdate.at)}) was refused; the list from before is shown.`} className="oig-gap">
                {v.lastUpdate.message}
              </Alert>
            )}
            <p className="oig-gap" id="blades-source">
              ServiceLink: {v.source ?? 'none'} · Last Update List: {v.lastUpdate ? formatDateTime(v.lastUpdate.at) : 'never'}
            </p>
            <Table aria-label="Blades" variant="compact">
              <Thead>
                <Tr>
                  <Th>Blade</Th>
                  <Th>Installed</Th>
                  <Th>Available</Th>
                  <Th>Status</Th>
                </Tr>
              </Thead>
              <Tbody>
                {v.blades.map((b) => (
                  <Tr key={b.name}>
                    <Td dataLabel="Blade">{b.name}</Td>
                    <Td dataLabel="Installed">{b.installed ?? 'Not installed'}</Td>
                    <Td dataLabel="Available">{b.available ?? '—'}</Td>
                    <Td dataLabel="Status">{b.upgradable ? 'An upgrade is available' : b.installable ? 'Can be installed' : b.installed ? 'Up to date' : 'Not offered'}</Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          </>
        )}
      </Panel>
    </PageSection>
  );
}
