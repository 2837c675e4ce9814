import type { TestProject } from 'vitest/node';
import { findChromium } from './chromium';
import { buildAdminUiIfStale } from './ui-build';

/**
 * vitest globalSetup of the browser tests: a Chromium to drive (Debian's, installed when
 * missing) and an admin UI build that matches admin-ui/src, since the gateway serves the build.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

export async function setup(project: TestProject): Promise<void> {
  const chromiumPath = await findChromium();
  await buildAdminUiIfStale();
  project.provide('chromiumPath', chromiumPath);
}
