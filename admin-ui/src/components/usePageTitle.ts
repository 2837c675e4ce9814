import { useEffect } from 'react';

/** The browser tab says which page is open (screen readers announce it after navigation too). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} – OpenOIG`;
  }, [title]);
}
