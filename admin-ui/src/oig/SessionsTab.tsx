import { Button, Label, ToolbarItem } from '@patternfly/react-core';
import { SyncAltIcon } from '@patternfly/react-icons';
import { useEffect, useState } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { usePolledLoad } from '../api/usePolledLoad';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatDateTime } from '../components/time';
import { LoginLocksPanel } from './LoginLocksPanel';

type Session = Schemas['Session'];

/** The seed: "The list of sessions refreshes every 30 seconds. A manual refresh option is also provided." */
export const SESSIONS_REFRESH_MS = 30_000;

const COLUMNS: readonly Column<Session>[] = [
  { title: 'Application', cell: (s) => s.applicationName, text: (s) => s.applicationName, width: 20 },
  { title: 'Company', cell: (s) => s.companyName, text: (s) => s.companyName, width: 20 },
  {
    title: 'Created',
    cell: (s) => formatDateTime(s.createdAt),
    text: (s) => formatDateTime(s.createdAt),
    sortValue: (s) => Date.parse(s.createdAt),
    width: 25,
  },
  {
    title: 'Type',
    cell: (s) => <Label color={s.type === 'Advanced' ? 'purple' : 'blue'}>{s.type}</Label>,
    text: (s) => s.type,
    width: 10,
  },
  { title: 'Protocol', cell: (s) => s.protocol.toUpperCase(), text: (s) => s.protocol.toUpperCase(), width: 10 },
  { title: 'Monitors', cell: (s) => s.monitors, text: (s) => String(s.monitors), sortValue: (s) => s.monitors, width: 10 },
];

/**
 * Sessions tab (installation guide "Sessions Tab"): the live application sessions, refreshed every
 * 30 s while the tab is open (a background refresh: it does not keep an idle login alive) and
 * on demand.
 */
export function SessionsTab() {
  const loaded = usePolledLoad(
    (init) => unwrap(api.GET('/api/admin/sessions', init)),
    () => SESSIONS_REFRESH_MS,
  );
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);
  const { reload } = loaded;

  useEffect(() => {
    if (loaded.data && !loaded.loading) setRefreshedAt(new Date());
  }, [loaded.data, loaded.loading]);

  return (
    <>
      {loaded.error !== undefined && <ErrorAlert error={loaded.error} context="The sessions could not be loaded." />}
      <DataTable
        id="sessions"
        ariaLabel="Sessions"
        filterLabel="Filter sessions"
        rows={loaded.data}
        loading={loaded.loading}
        rowKey={(s) => s.sessionId}
        columns={COLUMNS}
        initialSort={{ index: 2, direction: 'desc' }}
        emptyMessage="No application has a session with this gateway now."
        toolbarItems={
          <>
            <ToolbarItem>
              <Button variant="secondary" icon={<SyncAltIcon />} onClick={() => void reload()} isLoading={loaded.loading} isDisabled={loaded.loading}>
                Refresh
              </Button>
            </ToolbarItem>
            <ToolbarItem alignSelf="center">
              <span className="oig-note" id="sessions-refreshed" aria-live="polite">
                {refreshedAt ? `Updated ${formatDateTime(refreshedAt)}; refreshes every 30 seconds` : 'Refreshes every 30 seconds'}
              </span>
            </ToolbarItem>
          </>
        }
      />
      <LoginLocksPanel refreshMs={SESSIONS_REFRESH_MS} />
    </>
  );
}
