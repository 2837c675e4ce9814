import { ActionGroup, Alert, Button, FileUpload, Form, FormGroup, Label, PageSection, Progress, Title, ToolbarItem } from '@patternfly/react-core';
import { SyncAltIcon } from '@patternfly/react-icons';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, peekJob, reportSessionEnded, unwrap, uploadBackupToRestore, type Backup, type BackupJob } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ConfirmModal } from '../components/ConfirmModal';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { TextField } from '../components/fields';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';
import { fileSize } from './fileSize';
import { RestoreWarning } from './RestoreWarning';
import { ScheduledBackups } from './ScheduledBackups';

/** How often a running job is asked about (the helper's steps take seconds). */
export const JOB_POLL_MS = 1000;

const STEPS: Record<string, string> = {
  starting: 'Starting',
  'dumping-database': 'Copying the database',
  'copying-settings': 'Copying the settings, certificate and key',
  'writing-archive': 'Writing the backup file',
  'encrypting-archive': 'Encrypting the backup file',
  receiving: 'Receiving the file',
  downloading: 'Fetching the backup from the SFTP target',
  uploading: 'Sending the backup to the SFTP target',
  verifying: 'Checking the backup',
  'loading-database': 'Loading the database into a new one',
  migrating: 'Bringing the database to this release',
  switching: 'Stopping the gateway and switching to the restored state',
  'health-check': 'Waiting for the gateway to be healthy',
  done: 'Done',
};

const COLUMNS: readonly Column<Backup>[] = [
  { title: 'Created', cell: (b) => formatDateTime(b.createdAt), text: (b) => formatDateTime(b.createdAt), sortValue: (b) => b.createdAt, width: 20 },
  { title: 'File', cell: (b) => b.name, text: (b) => b.name, width: 40 },
  { title: 'Size', cell: (b) => fileSize(b.size), text: (b) => fileSize(b.size), sortValue: (b) => b.size, width: 10 },
  {
    title: 'Protection',
    cell: (b) => (b.encrypted ? <Label color="green">Encrypted</Label> : <Label color="orange">Keys and passwords in clear</Label>),
    text: (b) => (b.encrypted ? 'Encrypted' : 'Keys and passwords in clear'),
    width: 20,
  },
];

type Following = { job: BackupJob; note?: string } | { loggedOut: true; kind: BackupJob['kind'] };

/**
 * Follows a job until it ends. A restore stops and starts the gateway, so no answer for a while
 * is expected; and a restore brings the backed-up appliance's administrator logins, so this
 * login may end with it.
 */
function useJobFollower(onEnd: (job: BackupJob) => void) {
  const [following, setFollowing] = useState<Following | undefined>();
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const follow = (job: BackupJob) => {
    setFollowing({ job });
    const poll = async () => {
      const answer = await peekJob(job.id);
      if (answer === 'logged-out') return setFollowing({ loggedOut: true, kind: job.kind });
      if (answer === 'unreachable') {
        setFollowing((current) => (current && 'job' in current ? { job: current.job, note: 'The gateway is restarting…' } : current));
      } else {
        setFollowing({ job: answer });
        if (answer.state !== 'running') return onEnd(answer);
      }
      timer.current = window.setTimeout(() => void poll(), JOB_POLL_MS);
    };
    timer.current = window.setTimeout(() => void poll(), JOB_POLL_MS);
  };
  return { following, follow, running: following !== undefined && 'job' in following && following.job.state === 'running' };
}

function JobView({ following }: { following: Following }) {
  if ('loggedOut' in following) {
    return (
      <Alert variant="info" isInline title="The gateway runs on the restored state" className="oig-gap">
        <p>Its administrator logins are the restored appliance’s: log in again with that appliance’s administrator password.</p>
        <Button variant="primary" onClick={reportSessionEnded}>
          Log in again
        </Button>
      </Alert>
    );
  }
  const { job, note } = following;
  const what = job.kind === 'backup' ? 'Backup' : 'Restore';
  if (job.state === 'failed') return <ErrorAlert error={new ApiError(500, job.error?.code ?? 'OIG_HELPER_INTERNAL', job.error?.message ?? 'The job failed.')} context={`${what} failed.`} />;
  if (job.state === 'succeeded') return null;
  return (
    <Progress
      className="oig-gap"
      value={job.percent}
      title={`${what}: ${note ?? STEPS[job.step] ?? job.step}`}
      aria-label={`${what} progress`}
      measureLocation="outside"
    />
  );
}

/**
 * Server Manager, Backup and Restore (installation guide, "Back up Mitel OIG Server and MSL
 * database" and "Restore from Backup?"): back up now (optionally encrypted), the backups kept on
 * the appliance (download, restore, delete), scheduled backups and the SFTP target, and restore
 * from an uploaded file or the target. The privileged
 * helper does the work; this page follows its jobs.
 */
export function BackupPage() {
  usePageTitle('Backup and Restore – Server Manager');
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/backups')));
  const status = useActionStatus();
  const { statusAlert, run, showSuccess, showError } = status;
  const [passphrase, setPassphrase] = useState('');
  const [passphraseError, setPassphraseError] = useState<string | undefined>();
  const [restoring, setRestoring] = useState<Backup | undefined>();
  const [restorePassphrase, setRestorePassphrase] = useState('');
  const [deleting, setDeleting] = useState<Backup | undefined>();
  const [file, setFile] = useState<File | undefined>();
  const [fileError, setFileError] = useState<string | undefined>();
  const [uploadPassphrase, setUploadPassphrase] = useState('');
  const [confirmUpload, setConfirmUpload] = useState(false);

  const { following, follow, running } = useJobFollower((job) => {
    if (job.state === 'succeeded' && job.kind === 'backup' && job.result && 'name' in job.result) showSuccess(`The backup ${job.result.name} is made.`);
    if (job.state === 'succeeded' && job.kind === 'restore' && job.result && 'restoredFrom' in job.result) {
      showSuccess(`Restored from ${job.result.restoredFrom} (made by OpenOIG ${job.result.productVersion}); the gateway runs on the restored state.`);
    }
    void loaded.reload();
  });

  const backUp = async (event: FormEvent) => {
    event.preventDefault();
    const bad = passphrase !== '' && passphrase.length < 8 ? 'A passphrase has at least 8 characters (or leave it empty)' : undefined;
    setPassphraseError(bad);
    if (bad) return;
    const job = await run(() => unwrap(api.POST('/api/admin/backups', { body: passphrase ? { passphrase } : {} })), 'The backup has started.', 'The backup did not start.');
    if (job) {
      setPassphrase('');
      follow(job);
    }
  };

  const startUpload = async () => {
    if (!file) return;
    setConfirmUpload(false);
    try {
      const job = await uploadBackupToRestore(file, uploadPassphrase || undefined);
      showSuccess('The file is with the appliance; the restore has started.');
      setFile(undefined);
      setUploadPassphrase('');
      follow(job);
    } catch (err) {
      showError(err, 'The restore did not start.');
    }
  };

  const downloadUrl = (b: Backup) => `/api/admin/backups/${encodeURIComponent(b.name)}`;
  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Backup and Restore
      </Title>
      {statusAlert}
      {following && <JobView following={following} />}
      <Panel id="backup-now" title="Back up">
        <p className="oig-gap">
          A backup holds the gateway’s database (accounts, network elements, licence and its GUID), its settings, the TLS certificate and key, and the
          administrator password. Restore it here or at the first boot of a new appliance.
        </p>
        <Form onSubmit={backUp} noValidate maxWidth="30rem" aria-label="Back up">
          <TextField
            id="backup-passphrase"
            label="Passphrase (optional)"
            type="password"
            autoComplete="new-password"
            hint="Encrypts the backup. Without one, whoever has the file can read the TLS key and the passwords in it. It is not stored: keep it safe."
            value={passphrase}
            onChange={setPassphrase}
            error={passphraseError}
          />
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={running}>
              Back up now
            </Button>
          </ActionGroup>
        </Form>
      </Panel>
      <Panel id="backups" title="Backups on this appliance">
        <DataTable
          id="backup-list"
          ariaLabel="Backups"
          filterLabel="Filter backups"
          rows={loaded.data?.backups}
          loading={loaded.loading}
          rowKey={(b) => b.name}
          columns={COLUMNS}
          initialSort={{ index: 0, direction: 'desc' }}
          emptyMessage={loaded.error ? 'The backups could not be listed.' : 'No backup is kept on this appliance.'}
          toolbarItems={
            <ToolbarItem>
              <Button variant="secondary" icon={<SyncAltIcon />} onClick={() => void loaded.reload()} isLoading={loaded.loading} isDisabled={loaded.loading}>
                Refresh
              </Button>
            </ToolbarItem>
          }
          actions={(b) => (
            <>
              <Button component="a" variant="link" href={downloadUrl(b)} download={b.name} aria-label={`Download ${b.name}`}>
                Download
              </Button>
              <Button variant="link" isDisabled={running} onClick={() => (setRestoring(b), setRestorePassphrase(''))} aria-label={`Restore ${b.name}`}>
                Restore
              </Button>
              <Button variant="link" isDanger onClick={() => setDeleting(b)} aria-label={`Delete ${b.name}`}>
                Delete
              </Button>
            </>
          )}
        />
        {loaded.error !== undefined && loaded.error !== null && <ErrorAlert error={loaded.error} context="The backups could not be listed." />}
      </Panel>
      <ScheduledBackups status={status} running={running} follow={follow} />
      <Panel id="restore-upload" title="Restore from a file">
        <Form
          onSubmit={(event) => {
            event.preventDefault();
            setFileError(file ? undefined : 'Choose the backup file to restore');
            if (file) setConfirmUpload(true);
          }}
          noValidate
          maxWidth="40rem"
          aria-label="Restore from a file"
        >
          <FormGroup label="Backup file" fieldId="restore-file" isRequired>
            <FileUpload
              id="restore-file"
              filename={file?.name ?? ''}
              filenamePlaceholder="Drag a backup file here or browse"
              browseButtonText="Browse…"
              onFileInputChange={(_event, chosen) => (setFile(chosen), setFileError(undefined))}
              onClearClick={() => setFile(undefined)}
              hideDefaultPreview
              validated={fileError ? 'error' : 'default'}
            />
            {fileError && (
              <p id="restore-file-helper" className="pf-v6-c-helper-text__item-text pf-m-error" role="alert">
                {fileError}
              </p>
            )}
          </FormGroup>
          <TextField
            id="restore-passphrase"
            label="Passphrase"
            type="password"
            autoComplete="off"
            hint="Only for an encrypted backup (a .age file)"
            value={uploadPassphrase}
            onChange={setUploadPassphrase}
          />
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={running}>
              Restore
            </Button>
          </ActionGroup>
        </Form>
      </Panel>
      <ConfirmModal
        id="confirm-upload-restore"
        title="Restore from this file?"
        isOpen={confirmUpload}
        confirmLabel="Restore"
        onClose={() => setConfirmUpload(false)}
        onConfirm={async () => undefined}
        onDone={() => void startUpload()}
      >
        <RestoreWarning />
      </ConfirmModal>
      <ConfirmModal
        id="confirm-restore"
        title={`Restore ${restoring?.name ?? ''}?`}
        isOpen={restoring !== undefined}
        confirmLabel="Restore"
        onClose={() => setRestoring(undefined)}
        onConfirm={async () => {
          const job = await unwrap(api.POST('/api/admin/backups/{name}/restore', { params: { path: { name: restoring?.name ?? '' } }, body: restorePassphrase ? { passphrase: restorePassphrase } : {} }));
          follow(job);
        }}
        onDone={() => setRestoring(undefined)}
      >
        <RestoreWarning />
        {restoring?.encrypted && (
          <TextField id="stored-restore-passphrase" label="Passphrase" type="password" autoComplete="off" value={restorePassphrase} onChange={setRestorePassphrase} isRequired />
        )}
      </ConfirmModal>
      <ConfirmModal
        id="confirm-delete-backup"
        title="Delete this backup?"
        isOpen={deleting !== undefined}
        confirmLabel="Delete"
        onClose={() => setDeleting(undefined)}
        onConfirm={() => unwrap(api.DELETE('/api/admin/backups/{name}', { params: { path: { name: deleting?.name ?? '' } } }))}
        onDone={async () => {
          const name = deleting?.name;
          setDeleting(undefined);
          await run(async () => undefined, `The backup ${name ?? ''} is deleted.`);
          await loaded.reload();
        }}
      >
        <p>{deleting?.name} is removed from this appliance. A downloaded copy is not affected.</p>
      </ConfirmModal>
    </PageSection>
  );
}
