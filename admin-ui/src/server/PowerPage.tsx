import { Button, PageSection, Title } from '@patternfly/react-core';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { ConfirmModal } from '../components/ConfirmModal';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';

type Action = 'reboot' | 'poweroff';

const WORDS: Record<Action, { button: string; title: string; doing: string }> = {
  reboot: { button: 'Reboot', title: 'Reboot the appliance?', doing: 'The appliance is rebooting' },
  poweroff: { button: 'Shut down', title: 'Shut down the appliance?', doing: 'The appliance is shutting down' },
};

/**
 * Server Manager, Reboot or Shut Down (MSL's panel of that name; issue #13). Each asks first, as
 * every application session ends; the privileged helper refuses while a backup or restore runs.
 */
export function PowerPage() {
  usePageTitle('Reboot or Shut Down – Server Manager');
  const [asking, setAsking] = useState<Action | undefined>();
  const { statusAlert, showSuccess } = useActionStatus();

  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Reboot or Shut Down
      </Title>
      {statusAlert}
      <Panel id="power" title="Reboot or shut down the appliance">
        <p className="oig-gap">
          Every application session ends and the gateway stops while the appliance goes down. After a reboot the admin UI answers again once the gateway is up; after a shut down the
          appliance stays off until it is powered on from the hypervisor or the server&apos;s button.
        </p>
        <Button id="power-reboot" variant="warning" onClick={() => setAsking('reboot')}>
          Reboot
        </Button>{' '}
        <Button id="power-poweroff" variant="danger" onClick={() => setAsking('poweroff')}>
          Shut down
        </Button>
      </Panel>
      <ConfirmModal
        id="confirm-power"
        title={asking ? WORDS[asking].title : ''}
        isOpen={asking !== undefined}
        confirmLabel={asking ? WORDS[asking].button : ''}
        onClose={() => setAsking(undefined)}
        onConfirm={async () => {
          const outcome = await unwrap(api.POST('/api/admin/system/power', { body: { action: asking as Action, confirm: true } }));
          showSuccess(`${WORDS[outcome.action].doing} (from ${formatDateTime(outcome.at)}). Every application session ends.`);
        }}
        onDone={() => setAsking(undefined)}
      >
        <p>Every application session ends, and the admin UI is unavailable until the appliance is up again.</p>
      </ConfirmModal>
    </PageSection>
  );
}
