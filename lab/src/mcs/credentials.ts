import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabMcs } from './server';

export interface LabCredentialFiles {
  readonly caFile: string;
  readonly certificateFile: string;
  readonly privateKeyFile: string;
}

/**
 * Writes the MCS CA certificate and an Advanced application's certificate and private key,
 * for the gateway (which trusts the CA) and for developers' applications.
 */
export async function writeLabCredentials(mcs: LabMcs, dir: string, companyName: string, applicationName: string): Promise<LabCredentialFiles> {
  await mkdir(dir, { recursive: true });
  const files = {
    caFile: path.join(dir, 'mcs-ca.crt.pem'),
    certificateFile: path.join(dir, `${applicationName}.crt.pem`),
    privateKeyFile: path.join(dir, `${applicationName}.key.pem`),
  };
  const issued = mcs.issueApplicationCertificate(companyName, applicationName);
  await writeFile(files.caFile, mcs.ca.certPem);
  await writeFile(files.certificateFile, issued.certPem);
  await writeFile(files.privateKeyFile, issued.keyPem, { mode: 0o600 });
  return files;
}
