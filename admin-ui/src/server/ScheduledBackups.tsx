import { ActionGroup, Button, Checkbox, ClipboardCopy, Form, Label, Radio, ToolbarItem } from '@patternfly/react-core';
import { SyncAltIcon } from '@patternfly/react-icons';
import { useEffect, useState, type FormEvent } from 'react';
import { api, unwrap, type BackupJob, type BackupSchedule, type TargetBackup } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ConfirmModal } from '../components/ConfirmModal';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { Facts } from '../components/Facts';
import { SelectField, TextField } from '../components/fields';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import type { ActionStatus } from '../components/useActionStatus';
import { useSubmit } from '../components/useSubmit';
import { RestoreWarning } from './RestoreWarning';
import { fileSize } from './fileSize';

type Schedule = BackupSchedule['schedule'];
type ScannedKey = { hostKey: string; fingerprint: string };

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const HOURS = Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, '0')}:00 UTC` }));

interface Props {
  readonly status: ActionStatus;
  readonly running: boolean;
  /** Follows a restore started from the target, as the page follows its own jobs. */
  readonly follow: (job: BackupJob) => void;
}

function lastRunText(view: BackupSchedule): string {
  const last = view.lastRun;
  if (!last) return 'Not yet';
  if (last.state === 'succeeded') return `${formatDateTime(last.at)}: ${last.backup ?? ''}${last.uploaded ? ', sent to the SFTP target' : ''}`;
  return `${formatDateTime(last.at)}: failed. ${last.error?.message ?? ''}${last.backup ? ` (${last.backup} is kept on this appliance)` : ''}`;
}

/**
 * Scheduled backups (daily or weekly, the newest N kept) and the SFTP target they may go to, with
 * its host key pinned once the administrator compared the fingerprint; backups on the target can
 * be restored from here (issue #12, "Where" and "Restore").
 */
export function ScheduledBackups({ status, running, follow }: Props) {
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/backups/schedule')));
  const view = loaded.data;
  return (
    <>
      <Panel id="scheduled-backups" title="Scheduled backups">
        {view && <ScheduleForm view={view} status={status} onSaved={() => void loaded.reload()} />}
        {loaded.error !== undefined && loaded.error !== null && <ErrorAlert error={loaded.error} context="The schedule could not be read." />}
      </Panel>
      <Panel id="backup-target" title="SFTP target">
        {view && <TargetForm view={view} status={status} onSaved={() => void loaded.reload()} />}
      </Panel>
      {view?.target && <TargetBackups status={status} running={running} follow={follow} />}
    </>
  );
}

function ScheduleForm({ view, status, onSaved }: { view: BackupSchedule; status: ActionStatus; onSaved: () => void }) {
  const [schedule, setSchedule] = useState<Schedule>(view.schedule);
  const [encrypt, setEncrypt] = useState(view.encrypted);
  const [passphrase, setPassphrase] = useState('');
  const [passphraseError, setPassphraseError] = useState<string | undefined>();
  const { busy, error, fieldErrors, submit } = useSubmit();
  useEffect(() => setSchedule(view.schedule), [view.schedule]);
  const change = <K extends keyof Schedule>(key: K, value: Schedule[K]) => setSchedule((s) => ({ ...s, [key]: value }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const needsNew = encrypt && (!view.encrypted || passphrase !== '');
    const bad = needsNew && passphrase.length < 8 ? 'A passphrase has at least 8 characters' : undefined;
    setPassphraseError(bad);
    if (bad) return;
    const body = { ...schedule, ...(encrypt ? (passphrase ? { passphrase } : {}) : { passphrase: null }) };
    if (await submit(() => unwrap(api.PUT('/api/admin/backups/schedule', { body })))) {
      setPassphrase('');
      status.showSuccess(schedule.frequency === 'off' ? 'Scheduled backups are off.' : 'The backup schedule is saved.');
      onSaved();
    }
  };

  return (
    <>
      <Facts
        ariaLabel="Scheduled backups status"
        items={[
          ['Next backup', view.nextRun ? formatDateTime(view.nextRun) : 'None: scheduled backups are off'],
          ['Last scheduled backup', view.lastRun?.state === 'failed' ? <Label color="red">{lastRunText(view)}</Label> : lastRunText(view)],
          ['Encrypted', view.encrypted ? 'Yes, with the passphrase kept on this appliance (root only)' : 'No: the keys and passwords in them are in clear'],
        ]}
      />
      <Form onSubmit={save} noValidate maxWidth="30rem" aria-label="Backup schedule" className="oig-gap">
        <SelectField
          id="schedule-frequency"
          label="Back up"
          value={schedule.frequency}
          onChange={(v) => change('frequency', v as Schedule['frequency'])}
          options={[
            { value: 'off', label: 'Off' },
            { value: 'daily', label: 'Daily' },
            { value: 'weekly', label: 'Weekly' },
          ]}
        />
        {schedule.frequency === 'weekly' && (
          <SelectField id="schedule-weekday" label="On" value={String(schedule.weekday)} onChange={(v) => change('weekday', Number(v))} options={WEEKDAYS.map((d, i) => ({ value: String(i), label: d }))} />
        )}
        {schedule.frequency !== 'off' && (
          <>
            <SelectField id="schedule-hour" label="At" value={String(schedule.hour)} onChange={(v) => change('hour', Number(v))} options={HOURS} error={fieldErrors.hour} />
            <TextField
              id="schedule-retention"
              label="Keep the newest"
              type="number"
              hint="Scheduled backups kept in each place (1 to 100); a backup made by hand is never removed"
              value={String(schedule.retention)}
              onChange={(v) => change('retention', Number(v))}
              error={fieldErrors.retention}
            />
            <SelectField
              id="schedule-destination"
              label="Keep them"
              value={schedule.destination}
              onChange={(v) => change('destination', v as Schedule['destination'])}
              hint={view.target ? undefined : 'Set the SFTP target below to send backups off the appliance'}
              options={[
                { value: 'local', label: 'On this appliance' },
                { value: 'sftp', label: 'On this appliance and on the SFTP target', isDisabled: !view.target },
              ]}
            />
            <Checkbox id="schedule-encrypt" label="Encrypt scheduled backups" isChecked={encrypt} onChange={(_e, checked) => setEncrypt(checked)} />
            {encrypt && (
              <TextField
                id="schedule-passphrase"
                label={view.encrypted ? 'New passphrase (optional)' : 'Passphrase'}
                type="password"
                autoComplete="new-password"
                hint={view.encrypted ? 'Leave empty to keep the current one' : 'Kept on this appliance for unattended backups; keep a copy safe elsewhere to restore them'}
                value={passphrase}
                onChange={setPassphrase}
                error={passphraseError}
                isRequired={!view.encrypted}
              />
            )}
          </>
        )}
        {error !== undefined && <ErrorAlert error={error} context="The schedule was not saved." />}
        <ActionGroup>
          <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy}>
            Save schedule
          </Button>
        </ActionGroup>
      </Form>
    </>
  );
}

function TargetForm({ view, status, onSaved }: { view: BackupSchedule; status: ActionStatus; onSaved: () => void }) {
  const [host, setHost] = useState(view.target?.host ?? '');
  const [port, setPort] = useState(String(view.target?.port ?? 22));
  const [username, setUsername] = useState(view.target?.username ?? '');
  const [directory, setDirectory] = useState(view.target?.directory ?? '');
  const [keys, setKeys] = useState<ScannedKey[] | undefined>();
  const [chosen, setChosen] = useState<string | undefined>();
  const [removing, setRemoving] = useState(false);
  const scan = useSubmit();
  const save = useSubmit();

  const getKeys = async () => {
    setKeys(undefined);
    setChosen(undefined);
    await scan.submit(async () => setKeys((await unwrap(api.POST('/api/admin/backups/target/scan', { body: { host, port: Number(port) } }))).keys));
  };
  const saveTarget = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    if (await save.submit(() => unwrap(api.PUT('/api/admin/backups/target', { body: { host, port: Number(port), username, directory, hostKey: chosen } })))) {
      status.showSuccess(`The SFTP target ${username}@${host}:${port} is set; its host key is pinned.`);
      setKeys(undefined);
      onSaved();
    }
  };
  const fields = { ...scan.fieldErrors, ...save.fieldErrors };

  return (
    <>
      <p className="oig-gap">Add the appliance’s public key to the SFTP account’s authorized_keys:</p>
      <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" aria-label="The appliance’s public key" className="oig-gap">
        {view.publicKey}
      </ClipboardCopy>
      {view.target && (
        <Facts
          ariaLabel="SFTP target"
          items={[
            ['Target', `${view.target.username}@${view.target.host}:${view.target.port}:${view.target.directory}`],
            ['Pinned host key', view.target.hostKey.split(' ')[0] ?? ''],
          ]}
        />
      )}
      <Form onSubmit={saveTarget} noValidate maxWidth="40rem" aria-label="SFTP target" className="oig-gap">
        <TextField id="target-host" label="Server" isRequired value={host} onChange={setHost} error={fields.host} />
        <TextField id="target-port" label="Port" type="number" isRequired value={port} onChange={setPort} error={fields.port} />
        <TextField id="target-username" label="Account" isRequired value={username} onChange={setUsername} error={fields.username} />
        <TextField id="target-directory" label="Directory" isRequired hint="Where the backups go on the server" value={directory} onChange={setDirectory} error={fields.directory} />
        <ActionGroup>
          <Button variant="secondary" onClick={() => void getKeys()} isLoading={scan.busy} isDisabled={scan.busy || host === ''}>
            Get the server’s host key
          </Button>
        </ActionGroup>
        {scan.error !== undefined && <ErrorAlert error={scan.error} context="The server’s host key could not be read." />}
        {keys && (
          <div role="radiogroup" aria-label="Host keys">
            <p className="oig-gap">Compare the fingerprint with the server’s own (ssh-keygen -lf on the server) before you pin it:</p>
            {keys.map((k) => (
              <Radio key={k.hostKey} id={`host-key-${k.fingerprint}`} name="host-key" label={`${k.hostKey.split(' ')[0]} ${k.fingerprint}`} isChecked={chosen === k.hostKey} onChange={() => setChosen(k.hostKey)} />
            ))}
          </div>
        )}
        {save.error !== undefined && <ErrorAlert error={save.error} context="The target was not set." />}
        <ActionGroup>
          <Button type="submit" variant="primary" isLoading={save.busy} isDisabled={save.busy || !chosen}>
            Pin the key and save the target
          </Button>
          {view.target && (
            <Button variant="link" isDanger onClick={() => setRemoving(true)}>
              Remove the target
            </Button>
          )}
        </ActionGroup>
      </Form>
      <ConfirmModal
        id="confirm-remove-target"
        title="Remove the SFTP target?"
        isOpen={removing}
        confirmLabel="Remove"
        onClose={() => setRemoving(false)}
        onConfirm={() => unwrap(api.DELETE('/api/admin/backups/target'))}
        onDone={() => {
          setRemoving(false);
          status.showSuccess('The SFTP target is removed. The backups on it stay there.');
          onSaved();
        }}
      >
        <p>Backups are no longer sent there; those on it stay on the server.</p>
      </ConfirmModal>
    </>
  );
}

const TARGET_COLUMNS: readonly Column<TargetBackup>[] = [
  { title: 'Created', cell: (b) => formatDateTime(b.createdAt), text: (b) => formatDateTime(b.createdAt), sortValue: (b) => b.createdAt, width: 20 },
  { title: 'File', cell: (b) => b.name, text: (b) => b.name, width: 50 },
  { title: 'Size', cell: (b) => fileSize(b.size), text: (b) => fileSize(b.size), sortValue: (b) => b.size, width: 10 },
];

function TargetBackups({ status, running, follow }: Props) {
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/backups/target/backups')));
  const [restoring, setRestoring] = useState<TargetBackup | undefined>();
  const [passphrase, setPassphrase] = useState('');
  return (
    <Panel id="target-backups" title="Backups on the SFTP target">
      <DataTable
        id="target-backup-list"
        ariaLabel="Backups on the SFTP target"
        filterLabel="Filter backups on the target"
        rows={loaded.data?.backups}
        loading={loaded.loading}
        rowKey={(b) => b.name}
        columns={TARGET_COLUMNS}
        initialSort={{ index: 0, direction: 'desc' }}
        emptyMessage={loaded.error ? 'The backups on the target could not be listed.' : 'No backup is on the target yet.'}
        toolbarItems={
          <ToolbarItem>
            <Button variant="secondary" icon={<SyncAltIcon />} onClick={() => void loaded.reload()} isLoading={loaded.loading} isDisabled={loaded.loading}>
              Refresh
            </Button>
          </ToolbarItem>
        }
        actions={(b) => (
          <Button variant="link" isDisabled={running} onClick={() => (setRestoring(b), setPassphrase(''))} aria-label={`Restore ${b.name} from the target`}>
            Restore
          </Button>
        )}
      />
      {loaded.error !== undefined && loaded.error !== null && <ErrorAlert error={loaded.error} context="The backups on the target could not be listed." />}
      <ConfirmModal
        id="confirm-target-restore"
        title={`Restore ${restoring?.name ?? ''} from the target?`}
        isOpen={restoring !== undefined}
        confirmLabel="Restore"
        onClose={() => setRestoring(undefined)}
        onConfirm={async () => {
          const job = await unwrap(api.POST('/api/admin/backups/target/backups/{name}/restore', { params: { path: { name: restoring?.name ?? '' } }, body: passphrase ? { passphrase } : {} }));
          status.showSuccess('The restore from the SFTP target has started.');
          follow(job);
        }}
        onDone={() => setRestoring(undefined)}
      >
        <RestoreWarning />
        {restoring?.encrypted && <TextField id="target-restore-passphrase" label="Passphrase" type="password" autoComplete="off" value={passphrase} onChange={setPassphrase} isRequired />}
      </ConfirmModal>
    </Panel>
  );
}
