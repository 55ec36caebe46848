import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, launchChromium } from '../support/chromium.js';
import { startTestWebApp, type TestWebApp } from '../support/web-app.js';

// The voter's pages in Chromium, on a phone (390×844) and a desktop (1280×800): the election's
// texts render as markdown with working links, a candidate profile's headings nest under the
// page's, the deadline is near the top for everyone, and a wrong passphrase says how many tries
// are left, then the lockout and its wait, worded alike wherever it is reached. Screenshots go to
// test-artifacts/screenshots/voter-*.png.

const SHOTS = 'test-artifacts/screenshots';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const VIEWPORTS = [['phone', PHONE], ['desktop', DESKTOP]] as const;
const K = '/app/elections/steering---2030';
const hour = 3_600_000;

// Long enough that, on a phone, the dates panel ends up far below the first screen.
const DESCRIPTION = ['# The election', ...Array.from({ length: 8 }, (_, i) => `Paragraph ${i + 1}: the steering committee decides on the project's direction, its budget and its governance.`)].join('\n\n');
const ELIGIBILITY = 'Contributors with [50 contributions](https://example.org/devstats) in the last year.';
const EXCEPTION = 'Ask on [the forum](https://example.org/forum) with links to your work.';
const PASS = 'a long enough passphrase';
const BIO = '## Why I am running\n\nBecause.\n\n#### A detail\n\nMore.\n\n## What I would do\n\nThings.';

describe.skipIf(!chromiumPresent)('voter pages in Chromium', () => {
  let t: TestWebApp;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestWebApp({ limits: { lockoutAfterFailures: 3, lockoutBaseMs: 60_000 } });
    await t.seedElection({
      description: DESCRIPTION,
      eligibility: ELIGIBILITY,
      exceptionDescription: EXCEPTION,
      exceptionDueAt: new Date(Date.now() + 2 * hour),
      candidates: [
        { key: 'ada', name: 'Ada Demo', file: 'steering/2030/candidate-ada.md', info: { affiliation: 'Acme' }, bio: BIO },
        { key: 'grace', name: 'Grace Sample', file: 'steering/2030/candidate-grace.md', info: {}, bio: 'Plain bio.' },
        { key: 'linus', name: 'Linus Placeholder', file: 'steering/2030/candidate-linus.md', info: {}, bio: 'Another.' },
      ],
      voters: ['voter1', 'voter2', 'voter3'],
    });
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, timezoneId: 'Europe/Berlin', hasTouch: viewport === PHONE, isMobile: viewport === PHONE });
    const page = await context.newPage();
    // Deliberate 4xx answers (wrong passphrase, lockout) log "Failed to load resource"; anything
    // else, CSP refusals included, is a problem.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    return { context, page };
  }

  async function signIn(page: Page, login: string, next = K) {
    t.github.authorizeAs(login, `${login} Example`);
    await page.goto(`${t.url}/login?next=${encodeURIComponent(next)}`);
    await page.getByRole('button', { name: 'Sign in with GitHub' }).click();
    await page.waitForURL(`${t.url}${next}`);
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  /** Every heading of the page in document order, as "h2 Title". */
  const headings = (page: Page) => page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((els) =>
    els.map((el) => `${el.tagName.toLowerCase()} ${(el.textContent ?? '').trim()}`));
  const skips = (list: string[]) => list.filter((h, i) => i > 0 && Number(h[1]) > Number(list[i - 1][1]) + 1);

  for (const [name, viewport] of VIEWPORTS) {
    it(`${name}: eligibility and the exception text are markdown with working links`, async () => {
      const { context, page } = await newPage(viewport);
      await page.goto(`${t.url}${K}`);
      const who = page.locator('section[aria-labelledby="who"]');
      await expect.poll(() => who.textContent()).toContain('Contributors with 50 contributions in the last year.');
      expect(await who.textContent()).not.toContain('](');
      const link = who.getByRole('link', { name: '50 contributions' });
      expect(await link.getAttribute('href')).toBe('https://example.org/devstats');
      expect(await link.isVisible()).toBe(true);
      await shot(page, `voter-election-anonymous-${name}`);

      await signIn(page, 'stranger', `${K}/exception`);
      expect(await page.locator('h1').textContent()).toBe('Request an exception');
      const forum = page.getByRole('link', { name: 'the forum' });
      expect(await forum.getAttribute('href')).toBe('https://example.org/forum');
      expect(await forum.isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: '50 contributions' }).getAttribute('href')).toBe('https://example.org/devstats');
      expect(await page.locator('main').textContent()).not.toContain('](');
      expect(skips(await headings(page))).toEqual([]);
      await shot(page, `voter-exception-${name}`);
      await context.close();
    }, 60_000);

    it(`${name}: the candidate profile's headings nest under the page's`, async () => {
      const { context, page } = await newPage(viewport);
      await page.goto(`${t.url}${K}/candidates/ada`);
      const list = await headings(page);
      expect(list).toEqual(['h1 Ada Demo', 'h2 Profile', 'h3 Why I am running', 'h4 A detail', 'h3 What I would do']);
      expect(skips(list)).toEqual([]);
      await shot(page, `voter-candidate-${name}`);
      await page.goto(`${t.url}${K}`);
      expect(skips(await headings(page))).toEqual([]);
      await context.close();
    }, 60_000);

    it(`${name}: "Voting closes" is on the first screen, signed in or not`, async () => {
      const { context, page } = await newPage(viewport);
      const deadlineOnFirstScreen = async () => {
        const line = page.getByText(/^Voting closes/).first();
        expect(await line.isVisible()).toBe(true);
        const box = (await line.boundingBox())!;
        // Near the top: within the first half of the first screen, before any scrolling.
        expect(await page.evaluate('window.scrollY')).toBe(0);
        expect(box.y + box.height).toBeLessThan(viewport.height / 2);
        expect(await line.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
      };
      await page.goto(`${t.url}${K}`);
      await deadlineOnFirstScreen();
      // The dates panel itself is far down on a phone: the head line is what shows the deadline there.
      if (viewport === PHONE) expect((await page.locator('#when').boundingBox())!.y).toBeGreaterThan(viewport.height);
      await signIn(page, 'voter1');
      await page.evaluate('window.scrollTo(0, 0)');
      await deadlineOnFirstScreen();
      await shot(page, `voter-election-signed-in-${name}`);
      await context.close();
    }, 60_000);
  }

  const LOCKOUT = /^Too many wrong passphrases in a row: to protect your ballot, it cannot be viewed or revoked for now\. Wait 1 minute before trying again \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/;

  for (const [name, viewport, login] of [['phone', PHONE, 'voter2'], ['desktop', DESKTOP, 'voter3']] as const) {
    it(`${name}: a wrong passphrase says how many tries are left, then the lockout and how long to wait`, async () => {
      const { context, page } = await newPage(viewport);
      await signIn(page, login);
      // The ballot is cast through the plain form's POST (the widget has its own suite).
      const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
      const cast = await page.request.post(`${t.url}${K}/vote`, {
        form: { _csrf: csrf!, 'candidate@ada': '1', 'candidate@grace': '2', 'candidate@linus': 'none', passphrase: PASS, passphrase_confirm: PASS },
      });
      expect(cast.ok()).toBe(true);
      await page.goto(`${t.url}${K}`);
      const alertItems = page.locator('.error-summary li');
      const tryWrong = async (guess: string) => {
        await page.getByLabel('Your passphrase').fill(guess);
        await page.getByRole('button', { name: 'View my ballot' }).click();
        await page.waitForLoadState('load');
      };

      await tryWrong('wrong guess 1');
      expect(await page.locator('h1').textContent()).toBe('View your ballot');
      expect(await alertItems.allTextContents()).toEqual([
        'That passphrase does not match your ballot. Nothing was changed.',
        'You have 2 more tries; after that, viewing and revoking this ballot are locked for 1 minute.',
      ]);
      // Read at once: the summary is in view (and focused) without scrolling, on a phone too.
      const box = (await page.locator('.error-summary').boundingBox())!;
      expect(box.y + box.height).toBeLessThan(viewport.height);
      expect(await page.evaluate('document.activeElement?.className')).toContain('error-summary');
      await shot(page, `voter-passphrase-tries-left-${name}`);

      await tryWrong('wrong guess 2');
      expect(await alertItems.nth(1).textContent()).toBe('You have one more try; after that, viewing and revoking this ballot are locked for 1 minute.');
      await tryWrong('wrong guess 3');
      const onForm = (await alertItems.nth(1).textContent())!;
      expect(onForm).toMatch(LOCKOUT);

      // The right passphrase now meets the lockout page, which words it exactly as the form did.
      await page.getByLabel('Your passphrase').fill(PASS);
      await page.getByRole('button', { name: 'View my ballot' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').textContent()).toBe('Too many wrong passphrases');
      expect(await page.locator('.message-page .lead').textContent()).toBe(onForm);
      expect(await page.locator('.status-code').textContent()).toBe('Error 429');
      await shot(page, `voter-passphrase-locked-${name}`);
      await context.close();
    }, 60_000);
  }

  it('raised no script errors or CSP refusals', () => {
    expect(problems).toEqual([]);
  });
});
