import { readFile } from 'node:fs/promises';

/** An application registered with the lab certificate server (the fixture file's entries). */
export interface LabApplication {
  readonly companyName: string;
  readonly applicationName: string;
  readonly applicationPassword: string;
  readonly type: 'Standard' | 'Advanced';
  readonly revoked?: boolean;
}

export interface McsFixture {
  readonly applications: readonly LabApplication[];
}

export const LAB_COMPANY = 'OpenOIG Lab';

/** The lab's always-present applications (README: "Lab credentials"). */
export const DEFAULT_MCS_FIXTURE: McsFixture = {
  applications: [
    { companyName: LAB_COMPANY, applicationName: 'LabStandard', applicationPassword: 'lab-standard-secret', type: 'Standard' },
    { companyName: LAB_COMPANY, applicationName: 'LabAdvanced', applicationPassword: 'lab-advanced-secret', type: 'Advanced' },
    { companyName: LAB_COMPANY, applicationName: 'LabRecorder', applicationPassword: 'lab-recorder-secret', type: 'Standard' },
  ],
};

/**
 * The lab application that gets no local password at start (npm start, test gateways): the one
 * an administrator creates a local password for, as a new installation would (issue #6).
 */
export const LAB_APP_WITHOUT_LOCAL_PASSWORD = 'LabRecorder';

function check(fixture: unknown, file: string): McsFixture {
  const apps = (fixture as { applications?: unknown })?.applications;
  if (!Array.isArray(apps)) throw new Error(`${file}: expected { "applications": [...] }`);
  apps.forEach((a: Record<string, unknown>, i) => {
    for (const key of ['companyName', 'applicationName', 'applicationPassword']) {
      if (typeof a[key] !== 'string' || a[key] === '') throw new Error(`${file}: applications[${i}].${key} must be a non-empty string`);
    }
    if (a.type !== 'Standard' && a.type !== 'Advanced') throw new Error(`${file}: applications[${i}].type must be Standard or Advanced`);
    if (a.revoked !== undefined && typeof a.revoked !== 'boolean') throw new Error(`${file}: applications[${i}].revoked must be true or false`);
  });
  return fixture as McsFixture;
}

export async function readMcsFixture(file: string): Promise<McsFixture> {
  return check(JSON.parse(await readFile(file, 'utf8')), file);
}
