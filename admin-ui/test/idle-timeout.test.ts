import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LabRunner } from '../../service/test/support/lab-runner';
import { adminLogin, expectText } from './support/browser';
import { openTab, useLabInBrowser } from './support/lab-browser';

/**
 * The administrator login's idle timeout, end to end: the gateway ends a login after the idle
 * time (here 4 s instead of 30 minutes), the UI's automatic refreshes do not keep it alive, and
 * an open page notices the end by itself. The page's clock is driven, so the UI's 30-s refresh
 * and 60-s login check come when the test says; the gateway's idle time passes for real.
 */
const IDLE_MS = 4000;
let lab: LabRunner;
let page: Page;
useLabInBrowser({ env: { OIG_ADMIN_IDLE_TIMEOUT_MS: String(IDLE_MS) }, login: false, prepare: (fresh) => fresh.clock.install() }, (started) => ({ lab, page } = started));

const loginPageNotice = () => page.locator('.pf-v6-c-alert').filter({ hasText: 'Your administrator session has ended' });

/** Whether the gateway still takes the browser's login, asked without extending it. */
async function loginIsLive(): Promise<boolean> {
  const answer = await page.request.get(`${lab.url}/api/admin/session`, { headers: { 'X-OIG-Background-Refresh': '1' } });
  return answer.status() === 200;
}

describe('an idle administrator', () => {
  it("is logged out although the Sessions tab's refresh keeps running", async () => {
    await adminLogin(page, lab.url);
    await openTab(page, 'Sessions');
    await expectText(page.locator('#sessions-refreshed'), 'Updated');
    // A refresh while the login is live, then the idle time passes with nothing but refreshes.
    await page.clock.fastForward(30_000);
    await expect.poll(loginIsLive, { timeout: IDLE_MS * 5, interval: 500 }).toBe(false);
    expect(await loginPageNotice().count()).toBe(0);
    await page.clock.fastForward(30_000);
    await loginPageNotice().waitFor();
    expect(page.url()).toMatch(/\/admin\/oig\/sessions$/);
  });

  it('on a page that polls nothing, sees the login page once the login has ended', async () => {
    await page.locator('#login-password').fill('admin');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await openTab(page, 'Overview');
    // The minutely check while the login is live keeps the page.
    await page.clock.fastForward(60_000);
    await expect.poll(loginIsLive, { timeout: IDLE_MS * 5, interval: 500 }).toBe(false);
    expect(await page.getByRole('tab', { name: 'Overview' }).isVisible()).toBe(true);
    await page.clock.fastForward(60_000);
    await loginPageNotice().waitFor();
    expect(page.url()).toMatch(/\/admin\/oig\/overview$/);
  });
});
