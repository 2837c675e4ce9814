import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The admin API's named schemas (Account, Session, NetworkElement, …), generated from its OpenAPI document. */
export type Schemas = components['schemas'];

/** A refusal or failure the gateway answered: its `code` (OIG_…), message and, for bad input, a message per field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The gateway did not answer at all (stopped, network down, or a proxy in front said so). */
export class GatewayUnreachableError extends Error {
  constructor(message = 'The gateway cannot be reached') {
    super(message);
    this.name = 'GatewayUnreachableError';
  }
}

export type ConnectionProblem = 'session-ended' | 'unreachable';
type ProblemListener = (problem: ConnectionProblem) => void;

const listeners = new Set<ProblemListener>();
let csrfToken: string | null = null;

/** The App shell listens: a 401 sends the administrator to the login page, no answer to the unreachable page. */
export function onConnectionProblem(listener: ProblemListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(problem: ConnectionProblem): void {
  for (const listener of listeners) listener(problem);
}

/** Set after login (and from GET /session on a reload); sent with every state change. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Header for polls that must not keep an idle administrator logged in (the Sessions tab's 30-s refresh). */
export const BACKGROUND = { 'X-OIG-Background-Refresh': '1' } as const;

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
// A TLS front (nginx) answers these when the gateway behind it is down.
const PROXY_UNREACHABLE = new Set([502, 503, 504]);

const connection: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  async onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/admin/login') && !request.url.endsWith('/api/admin/session')) announce('session-ended');
    if (PROXY_UNREACHABLE.has(response.status) && !(response.headers.get('content-type') ?? '').includes('application/json')) {
      announce('unreachable');
      throw new GatewayUnreachableError(`The gateway cannot be reached (HTTP ${response.status} from the server in front of it)`);
    }
    return response;
  },
  onError({ error }) {
    announce('unreachable');
    return new GatewayUnreachableError(error instanceof Error ? `The gateway cannot be reached: ${error.message}` : undefined);
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(connection);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError with the gateway's code, message and field messages. */
export async function unwrap<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (error !== undefined || !response.ok) {
    const body = (error ?? {}) as Partial<Schemas['Error']> & { fields?: Record<string, string> };
    throw new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText, body.fields ?? {});
  }
  return data as T;
}

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
/** A backup or restore job (GET /api/admin/jobs/{id}). */
export type BackupJob = JsonOf<paths['/api/admin/jobs/{id}']['get']['responses'][200]>;
/** A backup kept on the appliance. */
export type Backup = JsonOf<paths['/api/admin/backups']['get']['responses'][200]>['backups'][number];

/** Scheduled backups, their last run and the SFTP target (GET /api/admin/backups/schedule). */
export type BackupSchedule = JsonOf<paths['/api/admin/backups/schedule']['get']['responses'][200]>;
/** A backup on the SFTP target. */
export type TargetBackup = JsonOf<paths['/api/admin/backups/target/backups']['get']['responses'][200]>['backups'][number];

/** The login ended (e.g. a restore brought another appliance's logins): the shell shows the login page. */
export function reportSessionEnded(): void {
  announce('session-ended');
}

/**
 * Uploads a backup file to restore it (POST /api/admin/restore: the file as the body, its
 * passphrase in a header, so the file is never held as JSON). Answers the restore's job.
 */
export async function uploadBackupToRestore(file: File, passphrase: string | undefined): Promise<BackupJob> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (passphrase) headers['X-OIG-Backup-Passphrase'] = passphrase;
  let response: Response;
  try {
    response = await fetch('/api/admin/restore', { method: 'POST', credentials: 'same-origin', headers, body: file });
  } catch (err) {
    throw new GatewayUnreachableError(err instanceof Error ? `The gateway cannot be reached: ${err.message}` : undefined);
  }
  const body = (await response.json().catch(() => ({}))) as Partial<BackupJob & Schemas['Error']> & { fields?: Record<string, string> };
  if (!response.ok) throw new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText, body.fields ?? {});
  return body as BackupJob;
}

/**
 * A job's state while the gateway may be restarting (a restore stops and starts it): unlike the
 * API client, no answer and a 401 are states here, not problems to report to the shell.
 */
export async function peekJob(id: string): Promise<BackupJob | 'unreachable' | 'logged-out'> {
  try {
    const response = await fetch(`/api/admin/jobs/${encodeURIComponent(id)}`, { credentials: 'same-origin', headers: BACKGROUND });
    if (response.status === 401) return 'logged-out';
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('application/json')) return 'unreachable';
    return (await response.json()) as BackupJob;
  } catch {
    return 'unreachable';
  }
}
