import { Card, CardBody, CardExpandableContent, CardHeader, CardTitle } from '@patternfly/react-core';
import { useState, type ReactNode } from 'react';

interface PanelProps {
  /** Unique on the page: the card, its title and its toggle take their ids from it. */
  id: string;
  title: string;
  /** Buttons at the right of the title. */
  actions?: ReactNode;
  defaultExpanded?: boolean;
  children: ReactNode;
}

/**
 * A collapsible panel, as the OIG tabs have them (Overview, Licensing, Allowed Applications, …).
 * The title is an h2 (the page's h1 is above it) and names the toggle button, which says whether
 * the panel is open with aria-expanded.
 */
export function Panel({ id, title, actions, defaultExpanded = true, children }: PanelProps) {
  const [expanded, setExpanded] = useState(defaultExpanded);
  return (
    <Card id={id} isExpanded={expanded} className="oig-panel">
      <CardHeader
        onExpand={() => setExpanded((open) => !open)}
        toggleButtonProps={{ id: `${id}-toggle`, 'aria-labelledby': `${id}-title`, 'aria-expanded': expanded }}
        actions={actions ? { actions, hasNoOffset: true } : undefined}
      >
        <CardTitle component="h2">{title}</CardTitle>
      </CardHeader>
      <CardExpandableContent>
        <CardBody>{children}</CardBody>
      </CardExpandableContent>
    </Card>
  );
}
