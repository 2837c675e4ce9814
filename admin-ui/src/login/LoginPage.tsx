import { Alert, Bullseye, Button, Card, CardBody, CardTitle, Form, PageSection, Title } from '@patternfly/react-core';
import { useState, type FormEvent } from 'react';
import { api, setCsrfToken, unwrap } from '../api/client';
import { ErrorAlert } from '../components/ErrorAlert';
import { TextField } from '../components/fields';
import { usePageTitle } from '../components/usePageTitle';
import { useSubmit } from '../components/useSubmit';

export type LoginNotice = 'session-ended' | 'logged-out';

const NOTICES: Record<LoginNotice, { variant: 'warning' | 'info'; title: string }> = {
  'session-ended': { variant: 'warning', title: 'Your administrator session has ended. Log in again.' },
  'logged-out': { variant: 'info', title: 'You have logged out.' },
};

interface LoginPageProps {
  notice?: LoginNotice;
  /** A failure of the first session check that was not "not logged in" (e.g. the database is down). */
  problem?: unknown;
  onLoggedIn: () => void;
}

/**
 * The administrator login. It is shown at whatever URL the administrator was on, so after a
 * session timeout they log in and are back on the same tab.
 */
export function LoginPage({ notice, problem, onLoggedIn }: LoginPageProps) {
  usePageTitle('Log in');
  const [password, setPassword] = useState('');
  const [emptyError, setEmptyError] = useState<string | undefined>();
  const { busy, error, submit } = useSubmit();

  const login = async (event: FormEvent) => {
    event.preventDefault();
    if (!password) {
      setEmptyError('Enter the administrator password');
      return;
    }
    setEmptyError(undefined);
    const ok = await submit(async () => {
      const answer = await unwrap(api.POST('/api/admin/login', { body: { password } }));
      setCsrfToken(answer.csrfToken);
    });
    if (ok) onLoggedIn();
  };

  return (
    <PageSection isFilled>
      <Bullseye>
        <Card style={{ width: '100%', maxWidth: '28rem' }}>
          <CardTitle>
            <Title headingLevel="h1" size="2xl">
              Log in to OpenOIG
            </Title>
          </CardTitle>
          <CardBody>
            {notice && !error && <Alert variant={NOTICES[notice].variant} isInline isLiveRegion title={NOTICES[notice].title} className="oig-gap" />}
            {problem !== undefined && !error && <ErrorAlert error={problem} context="The gateway could not check the login." />}
            {error !== undefined && <ErrorAlert error={error} />}
            <Form onSubmit={login} noValidate>
              <TextField
                id="login-password"
                label="Administrator password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={setPassword}
                error={emptyError}
                isRequired
              />
              <Button type="submit" variant="primary" isBlock isLoading={busy} isDisabled={busy}>
                Log in
              </Button>
            </Form>
          </CardBody>
        </Card>
      </Bullseye>
    </PageSection>
  );
}
