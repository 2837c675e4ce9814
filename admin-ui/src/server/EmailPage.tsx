import { ActionGroup, Button, Checkbox, Form, PageSection, Title } from '@patternfly/react-core';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ConfirmModal } from '../components/ConfirmModal';
import { NotLoaded } from '../components/NotLoaded';
import { SelectField, TextAreaField, TextField } from '../components/fields';
import { Panel } from '../components/Panel';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';
import { useSubmit } from '../components/useSubmit';

type Security = Schemas['SmtpSettings']['security'];

interface Draft {
  host: string;
  port: string;
  security: Security;
  sender: string;
  username: string;
  /** Empty: the stored password is kept (it is never shown). */
  password: string;
  removePassword: boolean;
  caPem: string;
}

const PORTS: Record<Security, string> = { tls: '465', starttls: '587', none: '25' };

const draftOf = (smtp: Schemas['SmtpSettings'] | null): Draft =>
  smtp
    ? { host: smtp.host, port: String(smtp.port), security: smtp.security, sender: smtp.sender, username: smtp.username ?? '', password: '', removePassword: false, caPem: smtp.caPem ?? '' }
    : { host: '', port: PORTS.starttls, security: 'starttls', sender: '', username: '', password: '', removePassword: false, caPem: '' };

/**
 * Server Manager, E-mail Settings (the MSL "E-mail Settings" the usage report uses): the mail
 * server, its security, the sender and the login. The password is write-only: it is never shown,
 * an empty field keeps the stored one.
 */
export function EmailPage() {
  usePageTitle('E-mail Settings – Server Manager');
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/usage-report')));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [removing, setRemoving] = useState(false);
  const { statusAlert, run } = useActionStatus();
  const save = useSubmit();
  const smtp = loaded.data?.smtp ?? null;
  const current = draft ?? (loaded.data ? draftOf(smtp) : null);
  const change = (patch: Partial<Draft>) => current && setDraft({ ...current, ...patch });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!current) return;
    const problems: Record<string, string> = {};
    if (!current.host.trim()) problems.host = 'Enter the mail server (host name or IP address)';
    if (!/^[0-9]{1,5}$/.test(current.port.trim())) problems.port = 'Enter the port, a whole number from 1 to 65535';
    if (!current.sender.trim()) problems.sender = 'Enter the sender address of the reports';
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const username = current.username.trim() || null;
    let password: string | null | undefined;
    if (!username || current.removePassword) password = null;
    else if (current.password) password = current.password;
    await save.submit(async () => {
      const answer = await run(
        () =>
          unwrap(
            api.PUT('/api/admin/usage-report/smtp', {
              body: { host: current.host.trim(), port: Number(current.port), security: current.security, sender: current.sender.trim(), username, caPem: current.caPem.trim() || null, ...(password === undefined ? {} : { password }) },
            }),
          ),
        (result) => `The mail server ${result.smtp?.host ?? ''} is saved.`,
        'The e-mail settings were not saved.',
      );
      if (answer) {
        setDraft(null);
        await loaded.reload();
      }
    });
  };

  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        E-mail Settings
      </Title>
      {statusAlert}
      {!current ? (
        <NotLoaded loaded={loaded} what="the e-mail settings" />
      ) : (
        <Panel
          id="smtp-settings"
          title="Outbound mail server (SMTP)"
          actions={
            smtp ? (
              <Button variant="danger" onClick={() => setRemoving(true)}>
                Remove
              </Button>
            ) : undefined
          }
        >
          <p className="oig-gap">{smtp ? `Reports are sent through ${smtp.host}:${smtp.port}.` : 'No mail server is set: the gateway cannot send usage reports.'}</p>
          <Form onSubmit={submit} noValidate maxWidth="40rem" aria-label="Outbound mail server">
            <TextField id="smtp-host" label="Mail server" hint="Host name or IP address" value={current.host} onChange={(host) => change({ host })} error={localErrors.host} isRequired />
            <SelectField
              id="smtp-security"
              label="Security"
              value={current.security}
              onChange={(next) => {
                const security = next as Security;
                // The port follows the security while it is still the usual one of the previous choice.
                change({ security, ...(current.port === PORTS[current.security] ? { port: PORTS[security] } : {}) });
              }}
              options={[
                { value: 'starttls', label: 'STARTTLS (usually port 587)' },
                { value: 'tls', label: 'TLS from the start (usually port 465)' },
                { value: 'none', label: 'None: plain SMTP (usually port 25)' },
              ]}
              isRequired
            />
            <TextField id="smtp-port" label="Port" type="number" value={current.port} onChange={(port) => change({ port })} error={localErrors.port} isRequired />
            <TextField id="smtp-sender" label="Sender address" type="email" hint="The From address of the reports" value={current.sender} onChange={(sender) => change({ sender })} error={localErrors.sender} isRequired />
            <TextField id="smtp-username" label="User name" hint="Empty: the server takes mail without a login" value={current.username} onChange={(username) => change({ username })} autoComplete="off" />
            <TextField
              id="smtp-password"
              label="Password"
              type="password"
              autoComplete="new-password"
              hint={smtp?.passwordSet ? 'A password is stored. Leave this empty to keep it.' : 'Needed with a user name'}
              value={current.password}
              onChange={(password) => change({ password, removePassword: false })}
              isDisabled={current.removePassword}
            />
            {smtp?.passwordSet && (
              <Checkbox id="smtp-remove-password" label="Remove the stored password" isChecked={current.removePassword} onChange={(_event, removePassword) => change({ removePassword, password: '' })} />
            )}
            <TextAreaField
              id="smtp-ca"
              label="CA certificate (PEM)"
              hint="Only for a mail server whose certificate a public CA did not sign"
              value={current.caPem}
              onChange={(caPem) => change({ caPem })}
            />
            <ActionGroup>
              <Button type="submit" variant="primary" isLoading={save.busy} isDisabled={save.busy}>
                Save
              </Button>
              {draft && (
                <Button variant="link" onClick={() => setDraft(null)}>
                  Undo changes
                </Button>
              )}
            </ActionGroup>
          </Form>
        </Panel>
      )}
      <ConfirmModal
        id="remove-smtp"
        title="Remove the mail server settings?"
        isOpen={removing}
        confirmLabel="Remove"
        onClose={() => setRemoving(false)}
        onConfirm={() => unwrap(api.DELETE('/api/admin/usage-report/smtp'))}
        onDone={async () => {
          setRemoving(false);
          setDraft(null);
          await run(async () => undefined, 'The mail server settings are removed: no usage report can be sent until they are set again.');
          await loaded.reload();
        }}
      >
        <p>The gateway will not be able to send usage reports, monthly or on demand, until a mail server is set again.</p>
      </ConfirmModal>
    </PageSection>
  );
}
