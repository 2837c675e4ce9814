import { Button, EmptyState, EmptyStateActions, EmptyStateBody, EmptyStateFooter, List, ListItem, PageSection } from '@patternfly/react-core';
import { DisconnectedIcon } from '@patternfly/react-icons';
import { usePageTitle } from '../components/usePageTitle';

interface UnreachablePageProps {
  checking: boolean;
  onRetry: () => void;
}

/**
 * The gateway did not answer at all (stopped, restarting, network down, or the TLS front said
 * so). The page keeps its URL, so "Try again" returns the administrator to where they were.
 */
export function UnreachablePage({ checking, onRetry }: UnreachablePageProps) {
  usePageTitle('Gateway unreachable');
  return (
    <PageSection isFilled>
      <EmptyState titleText="Cannot reach the OpenOIG gateway" headingLevel="h1" icon={DisconnectedIcon} status="danger" variant="lg">
        <EmptyStateBody>
          <p>This browser got no answer from the gateway. Check that:</p>
          <List className="oig-unreachable-list">
            <ListItem>the gateway service is running on the server (systemctl status openoig-gateway);</ListItem>
            <ListItem>the server is reachable from this computer (network, VPN, firewall);</ListItem>
            <ListItem>the web server in front of the gateway (nginx) is running, if there is one;</ListItem>
            <ListItem>the gateway is not just restarting: it answers again within a minute.</ListItem>
          </List>
        </EmptyStateBody>
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="primary" onClick={onRetry} isLoading={checking} isDisabled={checking}>
              Try again
            </Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      </EmptyState>
    </PageSection>
  );
}
