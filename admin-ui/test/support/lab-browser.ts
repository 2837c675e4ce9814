import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { LAB_RUNNER_START_BUDGET_MS, startLabRunner, type LabRunner } from '../../../service/test/support/lab-runner';
import { adminLogin, keepScreenshotOnFailure, launchBrowser, newPage } from './browser';

export interface LabInBrowser {
  readonly lab: LabRunner;
  readonly page: Page;
}

interface LabInBrowserOptions {
  /** More settings for the runner's gateway (e.g. OIG_MAX_SESSIONS). */
  env?: Record<string, string>;
  timezoneId?: string;
  /** Log in as the administrator before the first test (default true). */
  login?: boolean;
  /** Runs on the new page before anything loads in it (e.g. installing a controllable clock). */
  prepare?: (page: Page) => Promise<void>;
}

/**
 * A browser test file's world: its own `npm start` runner, Chromium with one page (logged in
 * unless asked not to), a screenshot of every failed test, and all of it closed after the file.
 * `use` receives the runner and the page once they are up.
 */
export function useLabInBrowser(options: LabInBrowserOptions, use: (started: LabInBrowser) => void): void {
  let lab: LabRunner | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    [lab, browser] = await Promise.all([startLabRunner({ env: options.env }), launchBrowser()]);
    page = await newPage(browser, { timezoneId: options.timezoneId });
    await options.prepare?.(page);
    if (options.login !== false) await adminLogin(page, lab.url);
    use({ lab, page });
  }, LAB_RUNNER_START_BUDGET_MS);
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });
  keepScreenshotOnFailure(() => page);
}

/** A table by its accessible name (PatternFly gives a sortable table the grid role). */
export const tableNamed = (page: Page, name: string) => page.getByRole('grid', { name }).or(page.getByRole('table', { name }));

/** The first alert on the page: a tab's success or error report sits above its content. */
export const firstAlert = (page: Page) => page.locator('.pf-v6-c-alert').first();

export const mainNavigation = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' });

/** Opens an Open Integration Gateway tab and waits until it is the selected one. */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect.poll(() => page.getByRole('tab', { name }).getAttribute('aria-selected')).toBe('true');
}
