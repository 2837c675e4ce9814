import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { adminLogin, launchBrowser, newPage } from '../../../../admin-ui/test/support/browser';
import { HelperService, type HelperParts } from '../../src/helper-service';
import { createHelperServer } from '../../src/server';
import { makeTestAppliance, type TestAppliance } from './test-appliance';

/**
 * What a browser test of a Server Manager panel stands on: a test appliance, the real helper
 * behind its socket, the real gateway talking to it, and Debian's Chromium logged in as the
 * administrator. A test may give the helper its own parts (a simulated network, a TLS server
 * standing in for nginx) before anything starts.
 */
export interface PanelHarness {
  readonly app: TestAppliance;
  readonly helper: HelperService;
  /** The helper's socket, for a test that asks it directly (as the gateway does). */
  readonly socket: string;
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

export const quietLog = { info: () => {}, error: () => {} };

export async function startPanelHarness(
  name: string,
  parts: (app: TestAppliance) => Promise<HelperParts> | HelperParts = () => ({}),
  /** More of the gateway's settings (gateway.env). */
  gatewayEnv: Record<string, string> = {},
): Promise<PanelHarness> {
  const socket = path.join(os.tmpdir(), `openoig-helper-${name}-${process.pid}.sock`);
  const app = await makeTestAppliance(name, { ...gatewayEnv, OIG_HELPER_SOCKET: socket });
  const helper = new HelperService(app.config, app.gateway, quietLog, await parts(app));
  const server: net.Server = createHelperServer(helper, app.config, quietLog);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  await app.startGateway();
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await adminLogin(page, app.baseUrl, app.adminPassword);
  return {
    app,
    helper,
    socket,
    browser,
    page,
    close: async () => {
      await browser.close();
      await new Promise((r) => server.close(r));
      await app.close();
    },
  };
}
