import { Bullseye, PageSection, Spinner, Title } from '@patternfly/react-core';
import { useCallback, useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { api, ApiError, BACKGROUND, GatewayUnreachableError, onConnectionProblem, setCsrfToken, unwrap } from './api/client';
import { LoginPage, type LoginNotice } from './login/LoginPage';
import { OigPage } from './oig/OigPage';
import { BackupPage } from './server/BackupPage';
import { CertificatesPage } from './server/CertificatesPage';
import { EmailPage } from './server/EmailPage';
import { LicensingPage } from './server/LicensingPage';
import { PasswordPage } from './server/PasswordPage';
import { NetworkConfirmPage } from './server/NetworkConfirmPage';
import { NetworksPage } from './server/NetworksPage';
import { DateTimePage } from './server/DateTimePage';
import { TrustedNetworksPage } from './server/TrustedNetworksPage';
import { BladesPage } from './server/BladesPage';
import { LogsPage } from './server/LogsPage';
import { PowerPage } from './server/PowerPage';
import { AppLayout } from './shell/AppLayout';
import { UnreachablePage } from './shell/UnreachablePage';

/**
 * How often an open page asks whether its login is still live. A page with nothing polling would
 * otherwise go on showing the gateway's data after the login has ended (idle timeout).
 */
const LOGIN_CHECK_MS = 60_000;

/** Where the administrator stands: the pages are shown only with a live login. */
type Gate =
  | { state: 'checking' }
  | { state: 'login'; notice?: LoginNotice; problem?: unknown }
  | { state: 'unreachable'; retrying: boolean }
  | { state: 'in' };

/** The UI: one public page, and behind the login gate everything else. */
export function App() {
  // The one page without a login: a network change confirmed from the appliance's new address.
  if (useLocation().pathname === '/network-confirm') return <NetworkConfirmPage />;
  return <LoggedInApp />;
}

/**
 * The login gate and the routes. Whatever call answers 401 (idle timeout, cookie gone), or the
 * minutely login check, brings the login page with "session ended"; no answer at all brings the
 * "cannot reach" page. Both keep the URL, so logging in again or "Try again" returns to the same
 * page and tab.
 */
function LoggedInApp() {
  const [gate, setGate] = useState<Gate>({ state: 'checking' });
  const [loggingOut, setLoggingOut] = useState(false);

  // GET /session says whether the browser's cookie is a live login and gives its CSRF token
  // (a reloaded page lost the one the login answered).
  const checkSession = useCallback(async (retrying: boolean) => {
    if (retrying) setGate({ state: 'unreachable', retrying: true });
    try {
      const session = await unwrap(api.GET('/api/admin/session'));
      setCsrfToken(session.csrfToken);
      setGate({ state: 'in' });
    } catch (err) {
      if (err instanceof GatewayUnreachableError) setGate({ state: 'unreachable', retrying: false });
      else if (err instanceof ApiError && err.status === 401) setGate({ state: 'login' });
      else setGate({ state: 'login', problem: err });
    }
  }, []);

  useEffect(() => {
    void checkSession(false);
    return onConnectionProblem((problem) => {
      if (problem === 'session-ended') {
        setCsrfToken(null);
        setGate({ state: 'login', notice: 'session-ended' });
      } else {
        setGate((current) => (current.state === 'unreachable' ? current : { state: 'unreachable', retrying: false }));
      }
    });
  }, [checkSession]);

  // The check is a background call: it must not itself keep the login alive.
  const loggedIn = gate.state === 'in';
  useEffect(() => {
    if (!loggedIn) return;
    const timer = setInterval(() => {
      unwrap(api.GET('/api/admin/session', { headers: BACKGROUND })).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) {
          setCsrfToken(null);
          setGate({ state: 'login', notice: 'session-ended' });
        }
        // No answer: the client has already sent the shell to the unreachable page.
      });
    }, LOGIN_CHECK_MS);
    return () => clearInterval(timer);
  }, [loggedIn]);

  const logout = async () => {
    setLoggingOut(true);
    try {
      await unwrap(api.POST('/api/admin/logout'));
    } catch (err) {
      // Unreachable: the shell shows that page. Any other refusal (the login had already ended) still ends here.
      if (err instanceof GatewayUnreachableError) return;
    } finally {
      setLoggingOut(false);
    }
    setCsrfToken(null);
    setGate({ state: 'login', notice: 'logged-out' });
  };

  switch (gate.state) {
    case 'checking':
      return (
        <Bullseye style={{ minHeight: '100vh' }}>
          <Spinner aria-label="Checking the administrator login" />
        </Bullseye>
      );
    case 'unreachable':
      return <UnreachablePage checking={gate.retrying} onRetry={() => void checkSession(true)} />;
    case 'login':
      return <LoginPage notice={gate.notice} problem={gate.problem} onLoggedIn={() => setGate({ state: 'in' })} />;
    case 'in':
      return (
        <AppLayout onLogout={() => void logout()} loggingOut={loggingOut}>
          <Routes>
            <Route path="/" element={<Navigate to="/oig/overview" replace />} />
            <Route path="/oig" element={<Navigate to="/oig/overview" replace />} />
            <Route path="/oig/:tab" element={<OigPage />} />
            <Route path="/server" element={<Navigate to="/server/licensing" replace />} />
            <Route path="/server/licensing" element={<LicensingPage />} />
            <Route path="/server/email" element={<EmailPage />} />
            <Route path="/server/password" element={<PasswordPage />} />
            <Route path="/server/backup" element={<BackupPage />} />
            <Route path="/server/networks" element={<NetworksPage />} />
            <Route path="/server/certificates" element={<CertificatesPage />} />
            <Route path="/server/trusted-networks" element={<TrustedNetworksPage />} />
            <Route path="/server/blades" element={<BladesPage />} />
            <Route path="/server/time" element={<DateTimePage />} />
            <Route path="/server/logs" element={<LogsPage />} />
            <Route path="/server/power" element={<PowerPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </AppLayout>
      );
  }
}

function NotFound() {
  return (
    <PageSection>
      <Title headingLevel="h1">Page not found</Title>
      <p>
        There is no such page. <Link to="/oig/overview">Go to the Open Integration Gateway overview</Link>.
      </p>
    </PageSection>
  );
}
