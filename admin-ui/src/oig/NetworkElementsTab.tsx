import { Button, Label, Split, SplitItem, ToolbarItem } from '@patternfly/react-core';
import { PencilAltIcon, PlusCircleIcon, SyncAltIcon, TimesIcon } from '@patternfly/react-icons';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { usePolledLoad } from '../api/usePolledLoad';
import { ConfirmModal } from '../components/ConfirmModal';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { useActionStatus } from '../components/useActionStatus';
import { DefaultsModal } from './DefaultsModal';
import { ElementModal } from './ElementModal';

type Element = Schemas['NetworkElement'];
type ElementType = Element['type'];

export const TYPE_NAMES: Record<ElementType, string> = { MI_VB: 'MiVoice Business', MI_CC: 'MiContact Center' };

const STATES: Record<Element['connectionState'], { text: string; color: 'green' | 'blue' | 'red' | 'grey' }> = {
  CONNECTED: { text: 'Connected', color: 'green' },
  CONNECTION_ATTEMPT: { text: 'Connecting', color: 'blue' },
  CONNECTION_INITIALIZING: { text: 'Initializing', color: 'blue' },
  CONNECTION_FAILURE: { text: 'Connection failed', color: 'red' },
  NOT_CONNECTED: { text: 'Not connected', color: 'grey' },
};

const stateText = (e: Element) => (e.type === 'MI_CC' ? 'Not linked (kept for MiContact Center)' : STATES[e.connectionState].text);

const COLUMNS: readonly Column<Element>[] = [
  { title: 'Type', cell: (e) => TYPE_NAMES[e.type], text: (e) => TYPE_NAMES[e.type], width: 15 },
  { title: 'IP address', cell: (e) => e.address, text: (e) => e.address, width: 15 },
  { title: 'Name', cell: (e) => e.name ?? '—', text: (e) => e.name ?? '', width: 10 },
  { title: 'Version', cell: (e) => e.version ?? '—', text: (e) => e.version ?? '', width: 10 },
  {
    title: 'Connection',
    cell: (e) => <Label color={e.type === 'MI_CC' ? 'grey' : STATES[e.connectionState].color}>{stateText(e)}</Label>,
    text: stateText,
    width: 15,
  },
  { title: 'Setup', cell: (e) => (e.useDefaults ? 'Default' : 'Custom'), text: (e) => (e.useDefaults ? 'Default' : 'Custom'), width: 10 },
];

/** How often the list is read again while a controller is connecting. */
const LINK_POLL_MS = 3_000;

/**
 * Network Elements tab (installation guide "Network Elements Tab"): the controllers with their
 * address, version and link; add MiVoice Business or the one MiContact Center, Default or
 * Custom; edit; delete with confirmation; Set Default Values per type.
 */
export function NetworkElementsTab() {
  // While a controller is not connected yet its state is polled, so "Connected" shows without a click.
  const loaded = usePolledLoad(
    (init) => unwrap(api.GET('/api/admin/network-elements', init)),
    (elements) => ((elements ?? []).some((e) => e.type === 'MI_VB' && e.connectionState !== 'CONNECTED') ? LINK_POLL_MS : null),
  );
  const { statusAlert, showSuccess } = useActionStatus();
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'edit'; element: Element } | { kind: 'defaults' } | null>(null);
  const [deleting, setDeleting] = useState<Element | null>(null);
  const { data, reload } = loaded;

  const hasMicc = (data ?? []).some((e) => e.type === 'MI_CC');
  const label = (e: Element) => `${TYPE_NAMES[e.type]} ${e.address}`;
  return (
    <>
      {statusAlert}
      {loaded.error !== undefined && <ErrorAlert error={loaded.error} context="The network elements could not be loaded." />}
      <DataTable
        id="network-elements"
        ariaLabel="Network Elements"
        filterLabel="Filter network elements"
        rows={data}
        loading={loaded.loading}
        rowKey={(e) => e.icpId}
        columns={COLUMNS}
        initialSort={{ index: 1, direction: 'asc' }}
        emptyMessage="No network element yet. Add the MiVoice Business controllers of the cluster."
        toolbarItems={
          <>
            <ToolbarItem>
              <Button variant="primary" icon={<PlusCircleIcon />} onClick={() => setDialog({ kind: 'add' })}>
                Add Network Element
              </Button>
            </ToolbarItem>
            <ToolbarItem>
              <Button variant="secondary" onClick={() => setDialog({ kind: 'defaults' })}>
                Set Default Values
              </Button>
            </ToolbarItem>
            <ToolbarItem>
              <Button variant="plain" aria-label="Refresh the network elements" icon={<SyncAltIcon />} onClick={() => void reload()} />
            </ToolbarItem>
          </>
        }
        actions={(element) => (
          <Split>
            <SplitItem>
              <Button variant="plain" aria-label={`Edit ${label(element)}`} icon={<PencilAltIcon />} onClick={() => setDialog({ kind: 'edit', element })} />
            </SplitItem>
            <SplitItem>
              <Button variant="plain" isDanger aria-label={`Delete ${label(element)}`} icon={<TimesIcon />} onClick={() => setDeleting(element)} />
            </SplitItem>
          </Split>
        )}
      />
      {dialog?.kind === 'add' && (
        <ElementModal
          hasMicc={hasMicc}
          onClose={() => setDialog(null)}
          onSaved={async (element) => {
            setDialog(null);
            showSuccess(`${label(element)} is added.${element.type === 'MI_VB' ? ' The gateway is connecting to it.' : ''}`);
            await reload();
          }}
        />
      )}
      {dialog?.kind === 'edit' && (
        <ElementModal
          element={dialog.element}
          hasMicc={hasMicc}
          onClose={() => setDialog(null)}
          onSaved={async (element) => {
            setDialog(null);
            showSuccess(`${label(element)} is saved.`);
            await reload();
          }}
        />
      )}
      {dialog?.kind === 'defaults' && (
        <DefaultsModal
          onClose={() => setDialog(null)}
          onSaved={async (type) => {
            setDialog(null);
            showSuccess(`The ${TYPE_NAMES[type]} default values are saved. Default elements of that type use them now.`);
            await reload();
          }}
        />
      )}
      <ConfirmModal
        id="delete-element"
        title="Delete the network element?"
        isOpen={deleting !== null}
        confirmLabel="Delete"
        onClose={() => setDeleting(null)}
        onConfirm={() => unwrap(api.DELETE('/api/admin/network-elements/{icpId}', { params: { path: { icpId: deleting?.icpId ?? '0' } } }))}
        onDone={async () => {
          const gone = deleting;
          setDeleting(null);
          if (gone) showSuccess(`${label(gone)} is deleted.`);
          await reload();
        }}
      >
        {deleting && (
          <p>
            {label(deleting)}
            {deleting.name ? ` (${deleting.name})` : ''} will be removed.
            {deleting.type === 'MI_VB'
              ? ' The gateway disconnects from it: applications can no longer reach its phones through this gateway.'
              : ' Applications can no longer use this MiContact Center.'}
          </p>
        )}
      </ConfirmModal>
    </>
  );
}
