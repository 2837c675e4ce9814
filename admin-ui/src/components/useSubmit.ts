import { useCallback, useState } from 'react';
import { fieldErrorsOf, type FieldErrors } from './fieldErrors';

export interface Submit {
  busy: boolean;
  /** The last failure, shown in the form (ErrorAlert); cleared by the next submit. */
  error: unknown;
  /** The server's per-field messages of that failure. */
  fieldErrors: FieldErrors;
  /** Runs the action; true when it succeeded. A second click while busy is ignored. */
  submit: (action: () => Promise<unknown>) => Promise<boolean>;
  reset: () => void;
}

/** The state of a form or dialog that sends one request: busy, and the refusal to show in it. */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = useCallback(
    async (action: () => Promise<unknown>) => {
      if (busy) return false;
      setBusy(true);
      setError(undefined);
      try {
        await action();
        return true;
      } catch (err) {
        setError(err);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [busy],
  );
  const reset = useCallback(() => {
    setError(undefined);
    setBusy(false);
  }, []);
  return { busy, error, fieldErrors: fieldErrorsOf(error), submit, reset };
}
