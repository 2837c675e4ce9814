import { Alert, AlertActionCloseButton } from '@patternfly/react-core';
import { useCallback, useState, type ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

type Status = { kind: 'success'; title: string } | { kind: 'error'; error: unknown; context?: string } | null;

export interface ActionStatus {
  /** The alert of the last action (success or the server's error), to place above the tab's content. */
  statusAlert: ReactNode;
  /**
   * Runs an action and reports it: the success text, or the error (code + message). Answers the
   * action's result, or undefined when it failed (the error is then already shown).
   */
  run: <T>(action: () => Promise<T>, success: string | ((result: T) => string), context?: string) => Promise<T | undefined>;
  showSuccess: (title: string) => void;
  showError: (error: unknown, context?: string) => void;
  clear: () => void;
}

/** Every page reports its actions the same way, in one alert that stays until the next action or a close. */
export function useActionStatus(): ActionStatus {
  const [status, setStatus] = useState<Status>(null);
  const clear = useCallback(() => setStatus(null), []);
  const showSuccess = useCallback((title: string) => setStatus({ kind: 'success', title }), []);
  const showError = useCallback((error: unknown, context?: string) => setStatus({ kind: 'error', error, context }), []);
  const run = useCallback(async <T,>(action: () => Promise<T>, success: string | ((result: T) => string), context?: string) => {
    setStatus(null);
    try {
      const result = await action();
      setStatus({ kind: 'success', title: typeof success === 'string' ? success : success(result) });
      return result;
    } catch (error) {
      setStatus({ kind: 'error', error, context });
      return undefined;
    }
  }, []);

  let statusAlert: ReactNode = null;
  if (status?.kind === 'success') {
    statusAlert = <Alert variant="success" isInline isLiveRegion title={status.title} actionClose={<AlertActionCloseButton onClose={clear} />} />;
  } else if (status?.kind === 'error') {
    statusAlert = <ErrorAlert error={status.error} context={status.context} onClose={clear} />;
  }
  return { statusAlert, run, showSuccess, showError, clear };
}
