import { Alert, Bullseye, Button, Card, CardBody, CardTitle } from '@patternfly/react-core';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorAlert } from '../components/ErrorAlert';
import { usePageTitle } from '../components/usePageTitle';

/**
 * The new address's side of a network change (Server Manager, Networks): the link the Networks
 * page gives carries the change's token in its fragment (never sent to any server log); keeping
 * the settings from here shows the appliance is reachable at its new address. No login: this
 * origin has no login cookie yet, and the token is the authority.
 */
export function NetworkConfirmPage() {
  usePageTitle('Keep the network settings');
  const token = window.location.hash.replace(/^#/, '');
  const [state, setState] = useState<{ kind: 'asking' } | { kind: 'busy' } | { kind: 'kept' } | { kind: 'failed'; error: unknown }>({ kind: 'asking' });
  const keep = async () => {
    setState({ kind: 'busy' });
    try {
      await unwrap(api.POST('/api/admin/network/confirm', { body: { token } }));
      setState({ kind: 'kept' });
    } catch (error) {
      setState({ kind: 'failed', error });
    }
  };
  return (
    <Bullseye style={{ minHeight: '100vh' }}>
      <Card style={{ maxWidth: '36rem' }} id="network-confirm">
        <CardTitle component="h1">Keep the network settings?</CardTitle>
        <CardBody>
          {state.kind === 'kept' ? (
            <Alert variant="success" isInline title="The network settings are kept.">
              <a href="/admin/server/networks">Log in at this address</a>
            </Alert>
          ) : (
            <>
              <p className="oig-gap">This page reached the appliance at its new address. Keep the settings, or they go back by themselves within a minute of the change.</p>
              {state.kind === 'failed' && <ErrorAlert error={state.error} context="The settings could not be kept." />}
              <Button variant="primary" onClick={() => void keep()} isLoading={state.kind === 'busy'} isDisabled={state.kind === 'busy' || token === ''}>
                Keep these settings
              </Button>
            </>
          )}
        </CardBody>
      </Card>
    </Bullseye>
  );
}
