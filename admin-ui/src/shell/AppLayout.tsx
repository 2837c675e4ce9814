import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavGroup,
  NavItem,
  NavList,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  SkipToContent,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';

const MAIN_ID = 'oig-main';

// The product name in the masthead leads home, within the single-page app (no reload).
const HomeLink = (props: { className?: string; children?: ReactNode }) => <Link {...props} to="/oig/overview" />;

interface AppLayoutProps {
  onLogout: () => void;
  loggingOut: boolean;
  children: ReactNode;
}

/**
 * The page frame: masthead (product name, Log out) and one sidebar navigation with the two areas,
 * the Open Integration Gateway and the Server Manager group, where more server panels can be added.
 */
export function AppLayout({ onLogout, loggingOut, children }: AppLayoutProps) {
  const { pathname } = useLocation();
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton aria-label="Show or hide the navigation" />
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component={HomeLink}>
            <span className="oig-product-name">OpenOIG</span>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight>
          <ToolbarContent>
            <ToolbarItem align={{ default: 'alignEnd' }}>
              <Button variant="secondary" onClick={onLogout} isLoading={loggingOut} isDisabled={loggingOut}>
                Log out
              </Button>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
  const item = (to: string, label: string, active: boolean) => (
    <NavItem isActive={active}>
      <Link to={to}>{label}</Link>
    </NavItem>
  );
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Main navigation">
          <NavList>{item('/oig/overview', 'Open Integration Gateway', pathname.startsWith('/oig'))}</NavList>
          <NavGroup title="Server Manager">
            {item('/server/blades', 'Blades', pathname === '/server/blades')}
            {item('/server/licensing', 'Licensing', pathname === '/server/licensing')}
            {item('/server/email', 'E-mail Settings', pathname === '/server/email')}
            {item('/server/password', 'Administrator Password', pathname === '/server/password')}
            {item('/server/backup', 'Backup and Restore', pathname === '/server/backup')}
            {item('/server/networks', 'Networks', pathname === '/server/networks')}
            {item('/server/trusted-networks', 'Trusted networks', pathname === '/server/trusted-networks')}
            {item('/server/certificates', 'Certificates', pathname === '/server/certificates')}
            {item('/server/time', 'Date and time', pathname === '/server/time')}
            {item('/server/logs', 'View log files', pathname === '/server/logs')}
            {item('/server/power', 'Reboot or Shut Down', pathname === '/server/power')}
          </NavGroup>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
  return (
    <Page
      masthead={masthead}
      sidebar={sidebar}
      isManagedSidebar
      mainContainerId={MAIN_ID}
      skipToContent={<SkipToContent href={`#${MAIN_ID}`}>Skip to content</SkipToContent>}
    >
      {children}
    </Page>
  );
}
