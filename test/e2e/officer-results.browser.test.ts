import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tallyElectionProcessor } from '../../services/tally-worker/tally-election.processor.js';
import { castHandBallots } from '../integration/tally/tally-test-kit.js';
import { chromiumPresent, launchChromium } from '../support/chromium.js';
import { DAY, metaDate } from '../support/meta-dates.js';
import { candidateMd, electionYaml, votersYaml } from '../support/meta-git-repo.js';
import { startSyncedWebApp, type SyncedWebApp } from '../support/synced-web-app.js';
import { sleep } from '../support/wait-for.js';

// An officer in headless Chromium goes from "voting closed" to a published result with nothing
// but the console: confirms the count, watches the htmx-polled status turn into the result,
// copies (and downloads) the drafted results.md, commits it to the meta repository at the path
// the console names, presses "Sync now", and sees the console, then the public results page,
// update without a reload. Also without JavaScript, and at phone width. Leaves screenshots.

const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const CONSOLE = '/app/elections/board---2030/admin/';

describe.skipIf(!chromiumPresent)('officer computes and publishes results in Chromium', () => {
  let t: SyncedWebApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startSyncedWebApp({
      'elections/board/2030/election.yaml': electionYaml({
        name: 'Board 2030', no_winners: '2', election_officers: '\n  - Officer1', delete_after: 'False',
        start_datetime: metaDate(-2 * DAY), end_datetime: metaDate(-3_600_000), exception_due: metaDate(-2 * DAY),
      }),
      'elections/board/2030/voters.yaml': votersYaml(Array.from({ length: 15 }, (_, i) => `board---2030-voter${i + 1}`)),
      'elections/board/2030/candidate-alice.md': candidateMd('alice', 'Alice A.'),
      'elections/board/2030/candidate-bob.md': candidateMd('bob', 'Bob B.'),
      'elections/board/2030/candidate-carol.md': candidateMd('carol', 'Carol C.'),
    });
    await castHandBallots(t.kernel.repos, (await t.kernel.repos.elections.findByKey('board---2030'))!, 'board---2030');
    // The tally worker starts only when the test says so: the page first shows the queued count and
    // must pick up the result by polling. (On SQLite a running count holds the one connection.)
    t.kernel.processors.register('tally-election', tallyElectionProcessor(t.kernel));
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Script errors and failed requests, apart from the expected 401 of the sign-in prompt and the favicon. */
  function watchErrors(page: Page): string[] {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (r.status() >= 400 && !(r.status() === 401 && path.endsWith('/admin/')) && path !== '/favicon.ico') errors.push(`${r.status()} ${path}`);
    });
    return errors;
  }

  async function signIn(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    t.github.authorizeAs('officer1', 'Officer One');
    await page.goto(`${t.url}${CONSOLE}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in to continue');
    await page.getByRole('button', { name: 'Sign in with GitHub' }).click();
    await page.waitForURL(/\/admin\/$/);
    return page;
  }

  it('without JavaScript, "Compute results…" asks first, and "Cancel" counts nothing', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    const page = await signIn(context);
    expect(await page.locator('#tally-status').textContent()).toContain('11 ballots are waiting to be counted.');
    await page.getByRole('link', { name: 'Compute results…' }).click();
    await page.waitForURL(/\/admin\/results$/);
    expect(await page.locator('h1').textContent()).toBe('Count the ballots now?');
    expect(await page.getByRole('button', { name: 'Count 11 ballots now' }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL(/\/admin\/#results$/);
    expect(await t.kernel.db('tally_runs')).toHaveLength(0);
    await context.close();
  }, 60_000);

  it('confirms, counts, copies and downloads results.md, commits it, syncs, and sees it published', async () => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    const page = await signIn(context);
    const errors = watchErrors(page);
    expect(await page.locator('.turnout-figure').textContent()).toContain('11 of 15 eligible voters have voted (73 %)');

    // The button says what it leads to; the confirmation says what the count does.
    await page.getByRole('link', { name: 'Compute results…' }).click();
    await page.waitForURL(/\/admin\/results$/);
    const facts = await page.locator('.confirm-facts').innerText();
    expect(facts).toContain('11 ballots will be counted (11 of 15 eligible voters voted).');
    expect(facts).toContain('Voting can never reopen.');
    expect(facts).toContain('The count is final.');
    await page.screenshot({ path: join(SHOTS, 'officer-confirm-count.png'), fullPage: true });
    await page.getByRole('button', { name: 'Count 11 ballots now' }).click();

    await page.waitForURL(/\/admin\/#results$/);
    expect(await page.locator('#tally-status').textContent()).toMatch(/The count is queued|Counting the ballots/);
    expect(await page.locator('#tally-status [hx-trigger="every 2s"]').count()).toBe(1);
    await sleep(2500); // at least one poll comes back still pending
    expect(await page.locator('.winners').count()).toBe(0);
    await t.consume(['tally']);
    await page.locator('.winners').waitFor({ timeout: 15_000 });
    expect(await page.locator('.winners').textContent()).toBe('Bob B. and Carol C.');
    expect(await page.locator('.result-ranking li').allTextContents()).toEqual(['Bob B.', 'Carol C.', 'Alice A.']);
    const caption = page.locator('table.pairwise caption');
    expect(await caption.textContent()).toContain('Head-to-head counts');
    // Rows and columns in ranking order: Bob, Carol, Alice. Numbers are visible; the outcome is also in words.
    expect(await page.locator('table.pairwise tbody tr').first().locator('td').allTextContents()).toEqual([
      'Bob B. against itself—', '8 (Bob B. beats Carol C., 8 to 0)', '4 (Bob B. loses to Alice A., 4 to 5)',
    ]);
    expect(await page.locator('#tally-status .tally-pending').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'officer-results.png'), fullPage: true });

    // Publishing: the draft, where it goes, copied with one click.
    const path = await page.locator('.results-path').textContent();
    expect(path).toBe('elections/board/2030/results.md');
    const draft = await page.getByLabel('Draft results.md').inputValue();
    expect(draft).toContain('**Elected (2 seats):** Bob B. and Carol C.');
    expect(draft).toContain('11 of 15 eligible voters cast a ballot (73 %).');
    await page.getByRole('button', { name: 'Copy results.md' }).click();
    await expect.poll(() => page.locator('[data-copy-status]').textContent()).toBe('Copied results.md to the clipboard.');
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    expect(copied).toBe(draft);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download results.md' }).click()]);
    expect(download.suggestedFilename()).toBe('results.md');
    expect(readFileSync((await download.path())!, 'utf8')).toBe(draft);

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV (Elekto format)' }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toBe('board---2030-ballots.csv');
    const csv = readFileSync((await csvDownload.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('alice,bob,carol');
    expect(csv).toHaveLength(12);

    // The officers commit it where the console says; "Sync now", and the console follows by itself.
    t.meta.write({ [path!]: copied });
    const head = await t.meta.commit('Publish the Board 2030 results');
    const release = t.holdSyncs();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForURL(/\/admin\/#sync$/);
    expect(await page.locator('#sync-status').innerText()).toContain('A sync of the meta repository is queued or running.');
    expect(await page.locator('#tally-status').innerText()).not.toContain('Published:');
    await page.evaluate(() => { (globalThis as unknown as { sameDocument: boolean }).sameDocument = true; });
    release();
    await page.locator('#tally-status', { hasText: 'Published: the meta repository has this election\'s results.md' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#sync-status').innerText()).toContain(head.slice(0, 12));
    expect(await page.locator('#sync-status .sync-pending').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true); // no reload
    await page.locator('#publish').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'officer-results-published.png'), fullPage: true });

    await page.getByRole('link', { name: 'public results page' }).click();
    await page.waitForURL(/\/results$/);
    const published = page.getByRole('region', { name: 'Published results' });
    expect(await published.locator('h2').first().textContent()).toBe('Results: Board 2030');
    expect(await published.innerText()).toContain('Elected (2 seats): Bob B. and Carol C.');
    expect(await published.locator('table').first().locator('tbody tr').allInnerTexts()).toEqual(['1\tBob B.\telected', '2\tCarol C.\telected', '3\tAlice A.\t']);
    await page.screenshot({ path: join(SHOTS, 'results-published.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('at phone width the publish step fits, and copying falls back to a selected draft without clipboard access', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    // As on a page served over plain http, or a browser that refuses: no clipboard to write to.
    await context.addInitScript(() => Object.defineProperty((globalThis as unknown as { navigator: object }).navigator, 'clipboard', { value: undefined }));
    const page = await signIn(context);
    const errors = watchErrors(page);
    await page.locator('#publish').scrollIntoViewIfNeeded();
    // Nothing widens the page: the matrix scrolls inside its own box.
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: 'Copy results.md' }).tap();
    expect(await page.locator('[data-copy-status]').textContent()).toContain('the draft is selected');
    const selection = await page.getByLabel('Draft results.md').evaluate((el) => {
      const area = el as unknown as { selectionStart: number; selectionEnd: number; value: string };
      return [area.selectionStart, area.selectionEnd, area.value.length];
    });
    expect(selection).toEqual([0, selection[2], selection[2]]);
    await page.screenshot({ path: join(SHOTS, 'officer-publish-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
