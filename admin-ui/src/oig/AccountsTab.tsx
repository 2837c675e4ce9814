import { Button, Form, Label, Split, SplitItem, Switch } from '@patternfly/react-core';
import { PencilAltIcon, SyncAltIcon, TrashIcon } from '@patternfly/react-icons';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ConfirmModal } from '../components/ConfirmModal';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { SelectField } from '../components/fields';
import { FormModal } from '../components/FormModal';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';
import { useSubmit } from '../components/useSubmit';
import { checkPasswordPair, EMPTY_PAIR, passwordErrorOf, PasswordPairFields, type PasswordPair } from './localPassword';

type Account = Schemas['Account'];
type Application = Schemas['Application'];

interface AccountsData {
  accounts: Account[];
  applications: Application[];
  acl: Schemas['AclStatus'];
}

const appKey = (companyName: string, applicationName: string) => `${companyName}\u0000${applicationName}`;

function accountState(account: Account): { text: string; color: 'green' | 'grey' | 'red' | 'orange' } {
  if (account.revoked) return { text: 'Revoked by Mitel', color: 'red' };
  if (!account.inAcl) return { text: 'Not in the ACL', color: 'orange' };
  return account.enabled ? { text: 'Enabled', color: 'green' } : { text: 'Disabled', color: 'grey' };
}

const COLUMNS: readonly Column<Account>[] = [
  { title: 'Application', cell: (a) => a.applicationName, text: (a) => a.applicationName, width: 30 },
  { title: 'Company', cell: (a) => a.companyName, text: (a) => a.companyName, width: 25 },
  { title: 'Active sessions', cell: (a) => a.activeSessions, text: (a) => String(a.activeSessions), sortValue: (a) => a.activeSessions, width: 20 },
  {
    title: 'State',
    cell: (a) => {
      const state = accountState(a);
      return <Label color={state.color}>{state.text}</Label>;
    },
    text: (a) => accountState(a).text,
    width: 10,
  },
];

/**
 * Application Accounts tab (installation guide "Application Accounts Tab"): the Allowed
 * Applications (accounts with a local password: edit it, disable, delete) and Create Application
 * Local Password (an ACL application without one), with the link that fetches the latest ACL.
 */
export function AccountsTab() {
  const loaded = useLoad<AccountsData>(async () => {
    const [accounts, applications, acl] = await Promise.all([
      unwrap(api.GET('/api/admin/accounts')),
      unwrap(api.GET('/api/admin/applications')),
      unwrap(api.GET('/api/admin/acl')),
    ]);
    return { accounts, applications, acl };
  });
  const { statusAlert, run, showSuccess } = useActionStatus();
  const [editing, setEditing] = useState<Account | null>(null);
  const [deleting, setDeleting] = useState<Account | null>(null);
  const [toggling, setToggling] = useState<number | null>(null);

  const setEnabled = async (account: Account, enabled: boolean) => {
    setToggling(account.id);
    await run(
      () => unwrap(api.PATCH('/api/admin/accounts/{id}', { params: { path: { id: account.id } }, body: { enabled } })),
      `${account.applicationName} is ${enabled ? 'enabled' : 'disabled'}. This applies to its next login; current sessions continue.`,
      `${account.applicationName} was not ${enabled ? 'enabled' : 'disabled'}.`,
    );
    setToggling(null);
    await loaded.reload();
  };

  const name = (a: Account) => `${a.applicationName} (${a.companyName})`;
  return (
    <>
      {statusAlert}
      {loaded.error !== undefined && <ErrorAlert error={loaded.error} context="The application accounts could not be loaded." />}
      <Panel id="allowed-applications" title="Allowed Applications">
        <DataTable
          id="accounts"
          ariaLabel="Allowed Applications"
          filterLabel="Filter application accounts"
          rows={loaded.data?.accounts}
          loading={loaded.loading}
          rowKey={(a) => a.id}
          columns={COLUMNS}
          initialSort={{ index: 0, direction: 'asc' }}
          emptyMessage="No application has a local password yet. Create one below."
          actions={(account) => (
            <Split hasGutter>
              <SplitItem>
                <Switch
                  id={`account-enabled-${account.id}`}
                  aria-label={`Allow logins of ${name(account)}`}
                  isChecked={account.enabled}
                  isDisabled={toggling === account.id}
                  onChange={(_event, checked) => void setEnabled(account, checked)}
                />
              </SplitItem>
              <SplitItem>
                <Button variant="plain" aria-label={`Edit the local password of ${name(account)}`} icon={<PencilAltIcon />} onClick={() => setEditing(account)} />
              </SplitItem>
              <SplitItem>
                <Button variant="plain" isDanger aria-label={`Delete the local password of ${name(account)}`} icon={<TrashIcon />} onClick={() => setDeleting(account)} />
              </SplitItem>
            </Split>
          )}
        />
      </Panel>
      <Panel id="create-local-password" title="Create Application Local Password">
        <CreateAccountForm
          data={loaded.data}
          onCreated={async (account) => {
            showSuccess(`The local password of ${name(account)} is created: the application can log in with it now.`);
            await loaded.reload();
          }}
          onAclRefreshed={async (acl) => {
            showSuccess(`The applications list is up to date: ${acl.applications} applications from the certificate server.`);
            await loaded.reload();
          }}
        />
      </Panel>
      <EditPasswordModal
        account={editing}
        onClose={() => setEditing(null)}
        onDone={async (account) => {
          setEditing(null);
          showSuccess(`The local password of ${name(account)} is changed. It applies to its next login; current sessions continue.`);
          await loaded.reload();
        }}
      />
      <ConfirmModal
        id="delete-account"
        title="Delete the local password?"
        isOpen={deleting !== null}
        confirmLabel="Delete"
        onClose={() => setDeleting(null)}
        onConfirm={() => unwrap(api.DELETE('/api/admin/accounts/{id}', { params: { path: { id: deleting?.id ?? 0 } } }))}
        onDone={async () => {
          const gone = deleting;
          setDeleting(null);
          if (gone) showSuccess(`The local password of ${name(gone)} is deleted.`);
          await loaded.reload();
        }}
      >
        {deleting && (
          <>
            <p>
              {name(deleting)} will no longer be able to log in to this gateway until a new local password is created for it.
            </p>
            <p>
              Its {deleting.activeSessions === 1 ? 'current session is' : `${deleting.activeSessions} current sessions are`} not disconnected: they continue until
              they end, and the next login fails.
            </p>
          </>
        )}
      </ConfirmModal>
    </>
  );
}

interface CreateAccountFormProps {
  data: AccountsData | undefined;
  onCreated: (account: Account) => Promise<void>;
  onAclRefreshed: (acl: Schemas['AclStatus']) => Promise<void>;
}

/** Pick an ACL application that has no local password yet, type the password twice, Create. */
function CreateAccountForm({ data, onCreated, onAclRefreshed }: CreateAccountFormProps) {
  const [choice, setChoice] = useState('');
  const [pair, setPair] = useState<PasswordPair>(EMPTY_PAIR);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const create = useSubmit();
  const refresh = useSubmit();

  const withAccount = new Set((data?.accounts ?? []).map((a) => appKey(a.companyName, a.applicationName)));
  const available = (data?.applications ?? [])
    .filter((a) => !withAccount.has(appKey(a.companyName, a.applicationName)))
    .sort((x, y) => x.applicationName.localeCompare(y.applicationName) || x.companyName.localeCompare(y.companyName));
  const chosen = available.find((a) => appKey(a.companyName, a.applicationName) === choice);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = { ...checkPasswordPair(pair) };
    if (!chosen) problems.application = 'Choose the application';
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0 || !chosen) return;
    let account: Account | undefined;
    const ok = await create.submit(async () => {
      account = await unwrap(
        api.POST('/api/admin/accounts', { body: { companyName: chosen.companyName, applicationName: chosen.applicationName, localPassword: pair.password } }),
      );
    });
    if (ok && account) {
      setChoice('');
      setPair(EMPTY_PAIR);
      await onCreated(account);
    }
  };

  const fetchAcl = async () => {
    let acl: Schemas['AclStatus'] | undefined;
    if (await refresh.submit(async () => (acl = await unwrap(api.POST('/api/admin/acl/refresh'))))) {
      if (acl) await onAclRefreshed(acl);
    }
  };

  const acl = data?.acl;
  const options = [
    { value: '', label: available.length === 0 ? 'No application without a local password' : 'Choose an application', isDisabled: true },
    ...available.map((a) => ({
      value: appKey(a.companyName, a.applicationName),
      label: `${a.applicationName} (${a.companyName}, ${a.type}${a.revoked ? ', revoked' : ''})`,
      isDisabled: a.revoked,
    })),
  ];
  return (
    <>
      {create.error !== undefined && !passwordErrorOf(create.error) && <ErrorAlert error={create.error} context="The local password was not created." />}
      {refresh.error !== undefined && <ErrorAlert error={refresh.error} context="The applications list could not be fetched from the certificate server." />}
      <Form onSubmit={submit} noValidate aria-label="Create Application Local Password" maxWidth="40rem">
        <SelectField id="create-application" label="Application" value={choice} onChange={setChoice} options={options} error={localErrors.application} isRequired />
        <PasswordPairFields
          idPrefix="create"
          label="Local password"
          value={pair}
          onChange={setPair}
          errors={{ ...localErrors, ...(passwordErrorOf(create.error) ? { password: passwordErrorOf(create.error) as string } : {}) }}
        />
        <div>
          <Button type="submit" variant="primary" isLoading={create.busy} isDisabled={create.busy}>
            Create
          </Button>
        </div>
      </Form>
      <p className="oig-note">
        <Button variant="link" isInline icon={<SyncAltIcon />} onClick={() => void fetchAcl()} isLoading={refresh.busy} isDisabled={refresh.busy}>
          Get the latest applications list from Mitel
        </Button>{' '}
        <span id="acl-status">
          {acl?.fetchedAt ? `Last fetched from the certificate server ${formatDateTime(acl.fetchedAt)}` : 'Not fetched from the certificate server yet'}
          {acl?.source === 'stored' ? ' (this list is the stored copy: the certificate server was not reached at start).' : '.'}
          {acl?.lastError ? ` The last attempt failed: ${acl.lastError}` : ''}
        </span>
      </p>
    </>
  );
}

interface EditPasswordModalProps {
  account: Account | null;
  onClose: () => void;
  onDone: (account: Account) => Promise<void>;
}

function EditPasswordModal({ account, onClose, onDone }: EditPasswordModalProps) {
  const [pair, setPair] = useState<PasswordPair>(EMPTY_PAIR);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const { busy, error, submit, reset } = useSubmit();
  const close = () => {
    setPair(EMPTY_PAIR);
    setLocalErrors({});
    reset();
    onClose();
  };
  const save = async () => {
    if (!account) return;
    const problems = checkPasswordPair(pair);
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    let changed: Account | undefined;
    const ok = await submit(async () => {
      changed = await unwrap(api.PATCH('/api/admin/accounts/{id}', { params: { path: { id: account.id } }, body: { localPassword: pair.password } }));
    });
    if (ok && changed) {
      setPair(EMPTY_PAIR);
      await onDone(changed);
    }
  };
  const passwordError = passwordErrorOf(error);
  return (
    <FormModal
      id="edit-password"
      title="Edit local password"
      description={account ? `${account.applicationName} (${account.companyName}). The new password applies to its next login.` : undefined}
      isOpen={account !== null}
      onClose={close}
      onSubmit={() => void save()}
      submitLabel="Save"
      busy={busy}
      error={passwordError ? undefined : error}
      errorContext="The local password was not changed."
    >
      <PasswordPairFields idPrefix="edit" label="New local password" value={pair} onChange={setPair} errors={{ ...localErrors, ...(passwordError ? { password: passwordError } : {}) }} />
    </FormModal>
  );
}
