import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page, type ViewportSize } from 'playwright-core';
import { afterEach, expect, inject } from 'vitest';

/**
 * Helpers for the admin UI's browser tests: Debian's Chromium (found by browser-setup.ts)
 * driven by playwright-core, which has no `expect` of its own, so assertions are vitest's.
 */

/** How long an action (click, fill, wait) or an expectation may take before the test fails. */
export const BROWSER_TIMEOUT_MS = 15_000;

const RESULTS_DIR = fileURLToPath(new URL('../../../test-results/admin-ui/', import.meta.url));

// Nothing a test does not ask for: no update checks, sync or first-run pages that reach the
// network or change timing; no sandbox, since the tests run as root on CI; no GPU on the machines.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: inject('chromiumPath'), headless: true, args: CHROMIUM_ARGS });
}

export interface NewPageOptions {
  /** Default America/Toronto, so dates and times render the same whatever the machine's zone. */
  timezoneId?: string;
  viewport?: ViewportSize | null;
}

/** A page in a fresh context (no cookies, so no administrator session), in Canadian English. */
export async function newPage(browser: Browser, options: NewPageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    timezoneId: options.timezoneId ?? 'America/Toronto',
    locale: 'en-CA',
    ...(options.viewport !== undefined && { viewport: options.viewport }),
  });
  context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  return context.newPage();
}

/**
 * Call at the top of a describe: when one of its tests fails, a full-page screenshot of the page
 * goes to test-results/admin-ui/<file>-<test>.png, since a DOM assertion alone rarely says why.
 */
export function keepScreenshotOnFailure(getPage: () => Page | undefined): void {
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    const page = getPage();
    if (!page || page.isClosed()) return;
    const file = path.join(RESULTS_DIR, `${path.basename(context.task.file.filepath).replace(/\.test\.ts$/, '')}-${fileNamePart(context.task.name)}.png`);
    try {
      await mkdir(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: file, fullPage: true });
      console.log(`Screenshot of the failed test: ${file}`);
    } catch (err) {
      // The test's own failure is the one to report; a crashed page may not give a screenshot.
      console.log(`No screenshot of the failed test: ${(err as Error).message}`);
    }
  });
}

function fileNamePart(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
}

/** Fails on any axe violation of impact serious or critical, listing each so it can be fixed from the message. */
export async function expectNoSeriousA11yViolations(page: Page, what: string): Promise<void> {
  await animationsSettled(page);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => {
      const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' '));
      const more = v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : '';
      return `${v.id} (${v.impact}): ${v.help} — ${targets.join('; ')}${more}`;
    });
  expect(serious, `serious accessibility violations on ${what}`).toEqual([]);
}

/**
 * Waits for the page's CSS transitions and animations to end (at most 2 s): a field that has just
 * turned red is still fading in, and axe would measure the colour contrast of a half-way colour.
 */
async function animationsSettled(page: Page): Promise<void> {
  // A string: this file is compiled without the DOM's types; the expression runs in the page.
  await page.evaluate(`Promise.race([
    Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined))),
    new Promise((resolve) => setTimeout(resolve, 2000)),
  ])`);
}

/** Waits until the text of the locator's elements contains the string, or matches the pattern. */
export async function expectText(locator: Locator, text: string | RegExp): Promise<void> {
  // allInnerTexts() does not wait for the element, so each poll is quick and the poll owns the deadline.
  const current = expect.poll(async () => (await locator.allInnerTexts()).join('\n'), { timeout: BROWSER_TIMEOUT_MS, message: `text of ${locator}` });
  await (typeof text === 'string' ? current.toContain(text) : current.toMatch(text));
}

/** Logs in as the administrator at the gateway `url` and waits for the OIG page. */
export async function adminLogin(page: Page, url: string, password = 'admin'): Promise<void> {
  await page.goto(`${url}/admin/`);
  await page.getByLabel('Administrator password').fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('heading', { name: 'Open Integration Gateway', level: 1 }).waitFor();
}
