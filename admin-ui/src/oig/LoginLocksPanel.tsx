import { Button, Label } from '@patternfly/react-core';
import { api, unwrap, type Schemas } from '../api/client';
import { usePolledLoad } from '../api/usePolledLoad';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';

type LoginLock = Schemas['LoginLock'];

const COLUMNS: readonly Column<LoginLock>[] = [
  { title: 'Locked', cell: (l) => l.key, text: (l) => l.key, width: 30 },
  {
    title: 'By',
    cell: (l) => <Label color={l.kind === 'application' ? 'orange' : 'red'}>{l.kind === 'application' ? 'Application' : 'Client address'}</Label>,
    text: (l) => l.kind,
    width: 15,
  },
  { title: 'Until', cell: (l) => formatDateTime(l.lockedUntil), text: (l) => formatDateTime(l.lockedUntil), sortValue: (l) => Date.parse(l.lockedUntil), width: 20 },
  { title: 'Locks in a row', cell: (l) => l.locks, text: (l) => String(l.locks), sortValue: (l) => l.locks, width: 10 },
  { title: 'Last failure', cell: (l) => formatDateTime(l.lastFailureAt), text: (l) => formatDateTime(l.lastFailureAt), sortValue: (l) => Date.parse(l.lastFailureAt), width: 20 },
];

/**
 * Application logins locked after wrong passwords (issue #11), per application or client
 * address, refreshed with the sessions; the administrator lifts a lock at once (a technician who
 * fixed a misconfigured application need not wait for it to run out).
 */
export function LoginLocksPanel({ refreshMs }: { refreshMs: number }) {
  const loaded = usePolledLoad(
    (init) => unwrap(api.GET('/api/admin/login-locks', init)),
    () => refreshMs,
  );
  const { statusAlert, run } = useActionStatus();
  const unlock = async (lock: LoginLock) => {
    await run(
      () => unwrap(api.DELETE('/api/admin/login-locks/{kind}/{key}', { params: { path: { kind: lock.kind, key: lock.key } } })),
      `Logins of ${lock.key} are allowed again`,
      `The lock of ${lock.key} could not be lifted.`,
    );
    // Reloaded either way: a lock that ran out meanwhile answers 404 and leaves the list too.
    await loaded.reload();
  };
  return (
    <section aria-labelledby="login-locks-title">
      <h2 className="oig-subheading" id="login-locks-title">
        Login locks
      </h2>
      <p className="oig-note">Wrong application or local passwords lock an application, or the address they come from, for a while; each further lock lasts twice as long.</p>
      {statusAlert}
      {loaded.error !== undefined && <ErrorAlert error={loaded.error} context="The login locks could not be loaded." />}
      <DataTable
        id="login-locks"
        ariaLabel="Login locks"
        filterLabel="Filter login locks"
        rows={loaded.data}
        loading={loaded.loading}
        rowKey={(l) => `${l.kind}:${l.key}`}
        columns={COLUMNS}
        initialSort={{ index: 4, direction: 'desc' }}
        emptyMessage="No application or address is locked out."
        actions={(l) => (
          <Button variant="secondary" size="sm" aria-label={`Unlock ${l.key}`} onClick={() => void unlock(l)}>
            Unlock
          </Button>
        )}
      />
    </section>
  );
}
