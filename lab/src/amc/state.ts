import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadOrCreateCa, type KeyAndCertificate } from '../mcs/ca';
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

export function loadOrCreateAmcCa(stateDir: string | undefined): Promise<KeyAndCertificate> {
  return loadOrCreateCa(stateDir ? { keyFile: path.join(stateDir, 'amc-ca.key.pem'), certFile: stateFiles(stateDir).caFile } : undefined, 'OpenOIG Lab AMC CA');
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
