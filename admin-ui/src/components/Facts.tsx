import { DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm } from '@patternfly/react-core';
import type { ReactNode } from 'react';

/** Term/value pairs (Overview, Licensing, licence status): one look for every read-only panel. */
export function Facts({ items, ariaLabel }: { items: readonly (readonly [string, ReactNode])[]; ariaLabel: string }) {
  return (
    <DescriptionList isHorizontal isCompact aria-label={ariaLabel} horizontalTermWidthModifier={{ default: '22ch', md: '32ch' }}>
      {items.map(([term, value]) => (
        <DescriptionListGroup key={term}>
          <DescriptionListTerm>{term}</DescriptionListTerm>
          <DescriptionListDescription>{value}</DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  );
}

export const yesNo = (value: boolean) => (value ? 'Yes' : 'No');
