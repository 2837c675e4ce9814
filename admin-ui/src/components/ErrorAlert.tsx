import { Alert, AlertActionCloseButton } from '@patternfly/react-core';
import { ApiError, GatewayUnreachableError } from '../api/client';

/** What an error says to the administrator: the gateway's message and code, or what went wrong locally. */
export function describeError(error: unknown): { message: string; code: string | null } {
  if (error instanceof ApiError) return { message: error.message, code: error.code };
  if (error instanceof GatewayUnreachableError) return { message: error.message, code: null };
  if (error instanceof Error) return { message: error.message, code: null };
  return { message: String(error), code: null };
}

interface ErrorAlertProps {
  error: unknown;
  /** What was being done, e.g. "The account was not created". */
  context?: string;
  onClose?: () => void;
}

/**
 * The one way a failure is shown: the server's message as the title (so tests and people read
 * the same text) and its OIG_… code, which support can search the logs for.
 */
export function ErrorAlert({ error, context, onClose }: ErrorAlertProps) {
  const { message, code } = describeError(error);
  return (
    <Alert
      variant="danger"
      isInline
      isLiveRegion
      title={message}
      actionClose={onClose ? <AlertActionCloseButton onClose={onClose} /> : undefined}
    >
      {context && <p>{context}</p>}
      {code && <p>Error code: {code}</p>}
    </Alert>
  );
}
