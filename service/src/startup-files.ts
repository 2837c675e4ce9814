import { X509Certificate } from 'node:crypto';
import { readFile, rm, truncate } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { oigError } from './errors';

/**
 * The files the gateway reads once at start (CAs, its TLS certificate and key, the machine id),
 * each checked there with the setting named, so a bad file stops the start (exit 78) instead of
 * failing at the first handshake.
 */
/** A PEM file the gateway cannot run without, checked at start with the variable named. */
export async function readPem(file: string, what: string, variable: string): Promise<string> {
  try {
    const pem = await readFile(file, 'utf8');
    new X509Certificate(pem);
    return pem;
  } catch (err) {
    throw oigError('OIG_CONFIG_INVALID', `Cannot read the ${what} from ${file} (${variable}): ${(err as Error).message}`, err);
  }
}

export async function readCertificateAuthority(file: string): Promise<{ pem: string; cert: X509Certificate }> {
  const pem = await readPem(file, 'certificate server CA', 'OIG_MCS_CA_FILE');
  return { pem, cert: new X509Certificate(pem) };
}

export async function readTlsFiles(certFile: string, keyFile: string): Promise<{ cert: string; key: string }> {
  try {
    const tls = { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
    // Fail at start, with the files named, rather than at the first handshake.
    createSecureContext(tls);
    return tls;
  } catch (err) {
    throw oigError('OIG_CONFIG_INVALID', `Cannot use the TLS certificate ${certFile} and key ${keyFile} (OIG_TLS_CERT_FILE, OIG_TLS_KEY_FILE): ${(err as Error).message}`, err);
  }
}

/** The hardware id a physical install is known by: configured, else systemd's machine id, else the host name. */
export async function hardwareIdOf(configured: string | undefined): Promise<string> {
  if (configured) return configured;
  try {
    const id = (await readFile('/etc/machine-id', 'utf8')).trim();
    if (/^[0-9a-f]{32}$/.test(id)) return id;
  } catch {
    // not a systemd system
  }
  return hostname().replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 128) || 'unknown-host';
}

/**
 * Removes the console's one-time administrator password notice (OIG_CONSOLE_NOTICE_FILE):
 * emptied first, so the password is gone even where the file cannot be unlinked, then removed.
 */
export async function removeConsoleNoticeFile(file: string | undefined, log: Logger): Promise<void> {
  if (!file) return;
  const existed = await truncate(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
  await rm(file, { force: true });
  if (existed) log.info({ file }, 'the console notice of the one-time administrator password is removed');
}

/** Whether the console notice (when there is one) shows `password`. */
export async function consoleNoticeShows(file: string | undefined, password: string): Promise<boolean> {
  if (!file) return true;
  const text = await readFile(file, 'utf8').catch(() => null);
  return text === null || text.includes(`: ${password}\n`);
}
