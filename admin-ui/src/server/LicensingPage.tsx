import { ActionGroup, Alert, Button, Form, Label, PageSection, Title } from '@patternfly/react-core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ConfirmModal } from '../components/ConfirmModal';
import { NotLoaded } from '../components/NotLoaded';
import { Facts } from '../components/Facts';
import { TextField } from '../components/fields';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';
import { useSubmit } from '../components/useSubmit';

type Licence = Schemas['LicenceStatus'];

const STATES: Record<Licence['state'], { text: string; color: 'green' | 'orange' | 'red' | 'grey' }> = {
  active: { text: 'Active', color: 'green' },
  grace: { text: 'Offline grace period', color: 'orange' },
  restricted: { text: 'Restricted', color: 'red' },
  expired: { text: 'Expired', color: 'red' },
  unlicensed: { text: 'Not activated', color: 'grey' },
};

function binding(licence: Licence): string {
  if (!licence.binding) return '—';
  return 'hardwareId' in licence.binding ? `Hardware id ${licence.binding.hardwareId}` : `Virtual appliance GUID ${licence.binding.guid}`;
}

function licenceFacts(licence: Licence): [string, ReactNode][] {
  const state = STATES[licence.state];
  return [
    ['State', <Label color={state.color}>{state.text}</Label>],
    ['ARID', licence.arid ?? '—'],
    ['Platform', licence.platform === 'virtual' ? 'Virtual' : 'Physical'],
    ['Binding', binding(licence)],
    ['Activated', formatDateTime(licence.activatedAt)],
    ['Last sync', formatDateTime(licence.lastSyncAt)],
    ['Last sync attempt', `${formatDateTime(licence.lastSyncAttemptAt)}${licence.lastSyncError ? ` (failed: ${licence.lastSyncError})` : ''}`],
    ['Offline grace ends', licence.graceEndsAt ? formatDateTime(licence.graceEndsAt) : `${licence.graceDays} days after the last sync`],
    ['Licence expires', formatDateTime(licence.expiresAt, 'Does not expire')],
  ];
}

/**
 * Server Manager, Licensing (installation guide "License Activation"): the ARID, what the
 * installation is bound to, the last sync and the offline grace; activate, sync now, deactivate.
 */
export function LicensingPage() {
  usePageTitle('Licensing – Server Manager');
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/licence')));
  const { statusAlert, run } = useActionStatus();
  const [arid, setArid] = useState('');
  const [aridError, setAridError] = useState<string | undefined>();
  const [deactivating, setDeactivating] = useState(false);
  const activate = useSubmit();
  const sync = useSubmit();

  const doActivate = async (event: FormEvent) => {
    event.preventDefault();
    const given = arid.trim();
    setAridError(given ? undefined : 'Enter the ARID (Application Record ID) of the licence');
    if (!given) return;
    await activate.submit(async () => {
      if (await run(() => unwrap(api.POST('/api/admin/licence/activate', { body: { arid: given } })), (r) => `The licence ${r.licence.arid ?? given} is activated.`, 'The licence was not activated.')) {
        setArid('');
      }
      await loaded.reload();
    });
  };
  const doSync = () =>
    sync.submit(async () => {
      await run(() => unwrap(api.POST('/api/admin/licence/sync')), 'The licence is synchronised with the licensing server.', 'The licence was not synchronised.');
      await loaded.reload();
    });

  const licence = loaded.data?.licence;
  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Licensing
      </Title>
      {statusAlert}
      {!loaded.data ? (
        <NotLoaded loaded={loaded} what="the licence status" />
      ) : (
        <>
          <Panel
            id="licence-status"
            title="Licence status"
            actions={
              licence?.arid ? (
                <>
                  <Button variant="secondary" onClick={() => void doSync()} isLoading={sync.busy} isDisabled={sync.busy}>
                    Sync now
                  </Button>{' '}
                  <Button variant="danger" onClick={() => setDeactivating(true)}>
                    Deactivate
                  </Button>
                </>
              ) : undefined
            }
          >
            {licence?.restriction && <Alert variant="danger" isInline title={licence.restriction} className="oig-gap" />}
            {loaded.data.overview.problem && !licence?.restriction && <Alert variant="warning" isInline title={loaded.data.overview.problem} className="oig-gap" />}
            {licence && <Facts ariaLabel="Licence status" items={licenceFacts(licence)} />}
          </Panel>
          {!licence?.arid && (
            <Panel id="licence-activate" title="Activate a licence">
              <Form onSubmit={doActivate} noValidate maxWidth="30rem" aria-label="Activate a licence">
                <TextField
                  id="licence-arid"
                  label="ARID"
                  hint="The Application Record ID from Mitel's licensing server (AMC) for this installation"
                  value={arid}
                  onChange={setArid}
                  error={aridError}
                  isRequired
                />
                <ActionGroup>
                  <Button type="submit" variant="primary" isLoading={activate.busy} isDisabled={activate.busy}>
                    Activate
                  </Button>
                </ActionGroup>
              </Form>
            </Panel>
          )}
        </>
      )}
      <ConfirmModal
        id="deactivate-licence"
        title="Deactivate the licence?"
        isOpen={deactivating}
        confirmLabel="Deactivate"
        onClose={() => setDeactivating(false)}
        onConfirm={() => unwrap(api.POST('/api/admin/licence/deactivate'))}
        onDone={async () => {
          setDeactivating(false);
          await run(async () => undefined, `The licence ${licence?.arid ?? ''} is deactivated: it can be activated on another installation.`);
          await loaded.reload();
        }}
      >
        <p>
          The licence {licence?.arid} is released on the licensing server. Until a licence is activated again, applications cannot log in to this
          gateway.
        </p>
      </ConfirmModal>
    </PageSection>
  );
}
