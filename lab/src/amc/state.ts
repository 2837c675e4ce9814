import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createCertificateAuthority, type KeyAndCertificate } from '../mcs/ca';
import type { AmcState } from './accounts';

/**
 * The lab AMC's state directory (shared with the lab MCS, hence the amc- prefix): its CA, kept
 * across runs so a gateway configured with it keeps trusting it, and the activations.
 */
export interface AmcStateFiles {
  readonly caFile: string;
  readonly signingCertificateFile: string;
  readonly stateFile: string;
}

export function stateFiles(stateDir: string): AmcStateFiles {
  return {
    caFile: path.join(stateDir, 'amc-ca.crt.pem'),
    signingCertificateFile: path.join(stateDir, 'amc-signing.crt.pem'),
    stateFile: path.join(stateDir, 'amc-state.json'),
  };
}

export async function loadOrCreateAmcCa(stateDir: string | undefined): Promise<KeyAndCertificate> {
  if (!stateDir) return createCertificateAuthority('OpenOIG Lab AMC CA');
  const keyFile = path.join(stateDir, 'amc-ca.key.pem');
  const { caFile } = stateFiles(stateDir);
  if (existsSync(keyFile) && existsSync(caFile)) return { keyPem: await readFile(keyFile, 'utf8'), certPem: await readFile(caFile, 'utf8') };
  const ca = createCertificateAuthority('OpenOIG Lab AMC CA');
  await mkdir(stateDir, { recursive: true });
  await writeFile(keyFile, ca.keyPem, { mode: 0o600 });
  await writeFile(caFile, ca.certPem);
  return ca;
}

export function readAmcState(file: string): AmcState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as AmcState;
    if (state.format !== 'openoig-lab-amc-state/1') throw new Error(`format is ${String(state.format)}, expected openoig-lab-amc-state/1`);
    return state;
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}; delete it to forget the lab AMC's activations`);
  }
}

/** Synchronous and atomic (write, then rename), so the file always holds the last answer's state. */
export function writeAmcState(file: string, state: AmcState): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
