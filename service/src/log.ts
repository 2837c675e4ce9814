import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * pino JSON logs to stdout (journald on the appliance). Secrets never reach a log: the keys
 * below are redacted wherever they appear, as a second line of defence behind code that
 * never passes them in the first place.
 */
const SECRET_PATHS = [
  'password',
  'localPassword',
  'applicationPassword',
  'adminPassword',
  'currentPassword',
  'newPassword',
  'privateKey',
  'certificate',
  'signedAuthenticationData',
  '*.password',
  '*.localPassword',
  '*.applicationPassword',
  '*.currentPassword',
  '*.newPassword',
  '*.privateKey',
  '*.certificate',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'openoig-gateway' }, redact: { paths: SECRET_PATHS, censor: '[redacted]' } },
    destination as pino.DestinationStream | undefined,
  );
}
