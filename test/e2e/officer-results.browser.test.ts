import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tallyElectionProcessor } from '../../services/tally-worker/tally-election.processor.js';
import { castHandBallots } from '../integration/tally/tally-test-kit.js';
import { sleep } from '../support/wait-for.js';
import { chromiumPresent, launchChromium } from '../support/chromium.js';
import { startTestWebApp, type TestWebApp } from '../support/web-app.js';

// An officer in headless Chromium signs in, computes the results of a closed election, watches
// the htmx-polled status turn into the result, and downloads the CSV. Leaves a screenshot.

const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const hour = 3_600_000;

describe.skipIf(!chromiumPresent)('officer computes results in Chromium', () => {
  let t: TestWebApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestWebApp();
    const now = Date.now();
    const election = await t.seedElection({
      key: 'board---2030', path: 'board/2030', name: 'Board 2030', officers: ['Officer1'], noWinners: 2,
      startAt: new Date(now - 48 * hour), endAt: new Date(now - hour), exceptionDueAt: new Date(now - 48 * hour),
      voters: Array.from({ length: 15 }, (_, i) => `board---2030-voter${i + 1}`),
    });
    await castHandBallots(t.kernel.repos, election, election.key);
    // The worker starts only when the test says so: the page first shows the queued count and
    // must pick up the result by polling. (On SQLite a running count holds the one connection.)
    t.kernel.processors.register('tally-election', tallyElectionProcessor(t.kernel));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, computes, sees the ranking and matrix appear, downloads the CSV', async () => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    // Script errors and failed requests, apart from the expected 401 of the sign-in prompt and the favicon.
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (r.status() >= 400 && !(r.status() === 401 && path.endsWith('/admin/')) && path !== '/favicon.ico') errors.push(`${r.status()} ${path}`);
    });

    t.github.authorizeAs('officer1', 'Officer One');
    await page.goto(`${t.url}/app/elections/board---2030/admin/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in to continue');
    await page.getByRole('button', { name: 'Sign in with GitHub' }).click();
    await page.waitForURL(/\/admin\/$/);
    expect(await page.locator('.turnout-figure').textContent()).toContain('11 of 15 eligible voters have voted (73 %)');

    await page.getByRole('button', { name: 'Compute results' }).click();
    await page.waitForURL(/\/admin\/#results$/);
    expect(await page.locator('#tally-status').textContent()).toMatch(/The count is queued|Counting the ballots/);
    expect(await page.locator('#tally-status [hx-trigger="every 2s"]').count()).toBe(1);
    await sleep(2500); // at least one poll comes back still pending
    expect(await page.locator('.winners').count()).toBe(0);
    await t.kernel.queue.startWorkers(t.kernel.processors, ['tally']);
    await page.locator('.winners').waitFor({ timeout: 15_000 });
    expect(await page.locator('.winners').textContent()).toBe('Bob B. and Carol C.');
    expect(await page.locator('.result-ranking li').allTextContents()).toEqual(['Bob B.', 'Carol C.', 'Alice A.']);
    const caption = page.locator('table.pairwise caption');
    expect(await caption.textContent()).toContain('Head-to-head counts');
    // Rows and columns in ranking order: Bob, Carol, Alice. Numbers are visible; the outcome is also in words.
    expect(await page.locator('table.pairwise tbody tr').first().locator('td').allTextContents()).toEqual([
      'Bob B. against itself—', '8 (Bob B. beats Carol C., 8 to 0)', '4 (Bob B. loses to Alice A., 4 to 5)',
    ]);
    expect(await page.locator('[hx-trigger]').count()).toBe(0);

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'officer-results.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV (Elekto format)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('board---2030-ballots.csv');
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('alice,bob,carol');
    expect(csv).toHaveLength(12);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
