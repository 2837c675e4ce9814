import { Bullseye, Spinner } from '@patternfly/react-core';
import type { Loaded } from '../api/useLoad';
import { ErrorAlert } from './ErrorAlert';

/**
 * What stands in for a page's or dialog's content until its data has come: the failure (with the
 * gateway's code), else a spinner. `what` names the data: "the licence status".
 */
export function NotLoaded({ loaded, what }: { loaded: Loaded<unknown>; what: string }) {
  if (loaded.error !== undefined) return <ErrorAlert error={loaded.error} context={`${what.charAt(0).toUpperCase()}${what.slice(1)} could not be loaded.`} />;
  return <Bullseye>{loaded.loading && <Spinner aria-label={`Loading ${what}`} />}</Bullseye>;
}
