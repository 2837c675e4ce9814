import { ActionGroup, Button, Form, PageSection, Title } from '@patternfly/react-core';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/ErrorAlert';
import type { FieldErrors } from '../components/fieldErrors';
import { TextField } from '../components/fields';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';
import { useSubmit } from '../components/useSubmit';

const EMPTY = { currentPassword: '', newPassword: '', confirm: '' };

/**
 * Server Manager, Administrator Password: the password of this UI. Until it is changed here, the
 * one set at installation is in use; afterwards only a hash of the new one is kept, and every
 * other administrator login ends.
 */
export function PasswordPage() {
  usePageTitle('Administrator Password – Server Manager');
  const status = useLoad(() => unwrap(api.GET('/api/admin/password')));
  const [form, setForm] = useState(EMPTY);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const { statusAlert, showSuccess } = useActionStatus();
  const { busy, error, fieldErrors, submit } = useSubmit();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!form.currentPassword) problems.currentPassword = 'Enter the current administrator password';
    if (!form.newPassword) problems.newPassword = 'Enter the new password';
    else if (form.confirm !== form.newPassword) problems.confirm = 'The two new passwords do not match';
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const ok = await submit(() => unwrap(api.PUT('/api/admin/password', { body: { currentPassword: form.currentPassword, newPassword: form.newPassword } })));
    if (ok) {
      setForm(EMPTY);
      showSuccess('The administrator password is changed. Every other administrator login has ended.');
      await status.reload();
    }
  };

  const errors = { ...fieldErrors, ...localErrors };
  const field = (key: keyof typeof EMPTY, label: string, autoComplete: string, hint?: string) => (
    <TextField
      id={`admin-${key}`}
      label={label}
      type="password"
      autoComplete={autoComplete}
      hint={hint}
      value={form[key]}
      onChange={(value) => setForm({ ...form, [key]: value })}
      error={errors[key]}
      isRequired
    />
  );
  const changedAt = status.data?.changedAt;
  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Administrator Password
      </Title>
      {statusAlert}
      <Panel id="admin-password" title="Change the administrator password">
        <p className="oig-gap" id="admin-password-status">
          {status.data === undefined ? '' : changedAt ? `Last changed ${formatDateTime(changedAt)}.` : 'The password set at installation is in use: change it here.'}
        </p>
        {error !== undefined && Object.keys(fieldErrors).length === 0 && <ErrorAlert error={error} context="The password was not changed." />}
        <Form onSubmit={save} noValidate maxWidth="30rem" aria-label="Change the administrator password">
          {field('currentPassword', 'Current password', 'current-password')}
          {field('newPassword', 'New password', 'new-password', 'At least 8 characters')}
          {field('confirm', 'Confirm new password', 'new-password')}
          <ActionGroup>
            <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy}>
              Change password
            </Button>
          </ActionGroup>
        </Form>
      </Panel>
    </PageSection>
  );
}
