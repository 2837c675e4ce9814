import { PageSection, Tab, Tabs, TabTitleText, Title } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { usePageTitle } from '../components/usePageTitle';
import { AccountsTab } from './AccountsTab';
import { NetworkElementsTab } from './NetworkElementsTab';
import { OptionsTab } from './OptionsTab';
import { OverviewTab } from './OverviewTab';
import { SessionsTab } from './SessionsTab';

/** The tabs of the installation guide's "Configure Mitel OIG Software", each at its own URL. */
const TABS: readonly { key: string; title: string; content: () => ReactNode }[] = [
  { key: 'overview', title: 'Overview', content: () => <OverviewTab /> },
  { key: 'accounts', title: 'Application Accounts', content: () => <AccountsTab /> },
  { key: 'sessions', title: 'Sessions', content: () => <SessionsTab /> },
  { key: 'network-elements', title: 'Network Elements', content: () => <NetworkElementsTab /> },
  { key: 'options', title: 'Options', content: () => <OptionsTab /> },
];

/**
 * The Open Integration Gateway page. Only the open tab is mounted: it loads its data when opened
 * (fresh numbers each time) and the Sessions tab's 30-s refresh stops when another tab is open.
 */
export function OigPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((t) => t.key === tab);
  usePageTitle(current ? `${current.title} – Open Integration Gateway` : 'Open Integration Gateway');
  if (!current) return <Navigate to="/oig/overview" replace />;
  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Open Integration Gateway
      </Title>
      <Tabs
        activeKey={current.key}
        onSelect={(_event, key) => navigate(`/oig/${String(key)}`)}
        aria-label="Open Integration Gateway tabs"
        mountOnEnter
        unmountOnExit
      >
        {TABS.map((t) => (
          <Tab key={t.key} eventKey={t.key} id={`oig-tab-${t.key}`} title={<TabTitleText>{t.title}</TabTitleText>}>
            <div className="oig-tab-body">{t.key === current.key && t.content()}</div>
          </Tab>
        ))}
      </Tabs>
    </PageSection>
  );
}
