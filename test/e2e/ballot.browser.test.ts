import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, launchChromium } from '../support/chromium.js';
import { startTestWebApp, type TestWebApp } from '../support/web-app.js';

// Voting in headless Chromium: sign in through the fake GitHub, rank by drag (mouse and touch)
// and by keyboard only, cast with a passphrase, view, revoke, vote again, and vote without
// JavaScript. Screenshots at phone and desktop widths go to test-artifacts/screenshots/.


const SHOTS = 'test-artifacts/screenshots';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const K = '/app/elections/steering---2030';
const PASS = 'purple elephant dances';

describe.skipIf(!chromiumPresent)('voting in Chromium', () => {
  let t: TestWebApp;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestWebApp({ env: { MIN_PASSCODE_LENGTH: '8' } });
    await t.seedElection({
      description: '# About\n\nThe Steering Committee oversees the project. Rank **every** candidate you have an opinion on.',
      candidates: [
        { key: 'alice', name: 'Alice Anderson', file: 'c/candidate-alice.md', info: { affiliation: 'Acme' }, bio: '## Why me\n\nI maintain the scheduler.' },
        { key: 'bob', name: 'Bob Brown', file: 'c/candidate-bob.md', info: {}, bio: '' },
        { key: 'carol', name: 'Carol Castillo-Rodríguez', file: 'c/candidate-carol.md', info: {}, bio: 'Hi' },
        { key: 'dan', name: 'Dan Dimitrov', file: 'c/candidate-dan.md', info: {}, bio: 'Hello' },
      ],
      voters: ['mouse', 'keys', 'phone', 'nojs'],
      exceptionDueAt: new Date(Date.now() + 3_600_000),
    });
    await t.seedElection({ key: 'closed', path: 'closed', name: 'Closed 2020', startAt: new Date(Date.now() - 9e8), endAt: new Date(Date.now() - 8e8), results: '# Winner\n\nAlice' });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(viewport = DESKTOP, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, timezoneId: 'Europe/Berlin', ...options });
    const page = await context.newPage();
    // Deliberate 4xx pages (wrong passphrase, mismatch) log "Failed to load resource"; anything
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
  const select = (page: Page, key: string) => page.locator(`select[name="candidate@${key}"]`);
  const item = (page: Page, key: string) => page.locator(`.ballot-item[data-key="${key}"]`);
  const values = (page: Page) => Promise.all(['alice', 'bob', 'carol', 'dan'].map((k) => select(page, k).inputValue()));

  async function drag(page: Page, key: string, target: () => Promise<{ x: number; y: number }>) {
    // Both lists fit on screen once the ballot is scrolled to the top.
    await page.locator('.ballot').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const box = (await item(page, key).locator('.drag-handle').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 8, { steps: 3 });
    const to = await target();
    await page.mouse.move(to.x, to.y, { steps: 15 });
    await page.mouse.up();
  }
  const above = (l: Locator) => async () => { const b = (await l.boundingBox())!; return { x: b.x + b.width / 2, y: b.y + 4 }; };
  const below = (l: Locator) => async () => { const b = (await l.boundingBox())!; return { x: b.x + b.width / 2, y: b.y + b.height - 4 }; };

  async function castWithPassphrase(page: Page) {
    await page.getByRole('button', { name: 'Review my ballot' }).click();
    await expect(page.getByRole('heading', { name: 'Check your ballot' })).toBeDefined();
    await page.getByLabel('Passphrase', { exact: false }).first().fill(PASS);
    await page.getByLabel('Repeat the passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL(`${t.url}${K}/confirmation`);
  }

  it('signs in through GitHub and shows the election, with local times', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'mouse');
    expect(await page.locator('h1').textContent()).toBe('Steering Committee 2030');
    expect(await page.locator('.flash').textContent()).toContain('Signed in as mouse');
    expect(await page.locator('.local-time').first().textContent()).toMatch(/your time/);
    await shot(page, 'desktop-election');
    await page.setViewportSize(PHONE);
    await shot(page, 'phone-election');
    await page.goto(`${t.url}/app`);
    await shot(page, 'phone-election-list');
    await context.close();
  }, 60_000);

  it('filters the election list with htmx, without reloading the page', async () => {
    const { context, page } = await newPage();
    await page.goto(`${t.url}/app`);
    await page.evaluate(() => { (globalThis as unknown as { marker: number }).marker = 42; });
    await page.locator('#filter-closed').click();
    await page.waitForURL(`${t.url}/app?status=closed`);
    await page.locator('#filter-closed[aria-current="page"]').waitFor();
    expect(await page.locator('.card-title').allTextContents()).toEqual(['Closed 2020']);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    await shot(page, 'desktop-election-list');
    await context.close();
  }, 60_000);

  it('ranks by mouse drag, casts with a passphrase, views, revokes and votes again', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'mouse', `${K}/vote`);
    await page.locator('.ballot-enhanced').waitFor();
    expect(await values(page)).toEqual(['none', 'none', 'none', 'none']);
    await shot(page, 'desktop-vote-empty');

    await drag(page, 'carol', async () => { const b = (await page.locator('.ranked-zone').boundingBox())!; return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; });
    expect(await select(page, 'carol').inputValue()).toBe('1');
    await drag(page, 'alice', below(item(page, 'carol')));
    await drag(page, 'bob', above(item(page, 'carol')));
    expect(await values(page)).toEqual(['3', '1', '2', 'none']);
    expect(await page.locator('.ranked-list .ballot-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(['bob', 'carol', 'alice']);
    // Dragging back to the other list means No opinion.
    await drag(page, 'alice', async () => { const b = (await page.locator('.unranked-zone').boundingBox())!; return { x: b.x + b.width / 2, y: b.y + b.height - 6 }; });
    expect(await values(page)).toEqual(['none', '1', '2', 'none']);
    await shot(page, 'desktop-vote-ranked');

    await page.getByRole('button', { name: 'Review my ballot' }).click();
    expect(await page.locator('.ranking-summary').textContent()).toMatch(/1\s*Rank 1: Bob Brown[\s\S]*2\s*Rank 2: Carol Castillo-Rodríguez/);
    expect(await page.locator('.no-opinion-summary').textContent()).toContain('Alice Anderson and Dan Dimitrov');
    await shot(page, 'desktop-review');
    await page.getByRole('button', { name: 'Change my ranking' }).click();
    expect(await values(page)).toEqual(['none', '1', '2', 'none']);
    await castWithPassphrase(page);
    expect(await page.locator('h1').textContent()).toBe('Thank you for voting');

    await page.goto(`${t.url}${K}`);
    await page.getByLabel('Your passphrase').fill('not the passphrase');
    await page.getByRole('button', { name: 'View my ballot' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('does not match');
    expect(await page.locator('.error-summary').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.getByLabel('Your passphrase').fill(PASS);
    await page.getByRole('button', { name: 'View my ballot' }).click();
    expect(await page.locator('.ranking-summary').textContent()).toContain('Bob Brown');
    expect(await page.locator('.no-opinion-summary').textContent()).toContain('No opinion');
    await shot(page, 'desktop-ballot-view');

    await page.locator('#revoke-passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Revoke my ballot' }).click();
    await page.waitForURL(`${t.url}${K}`);
    expect(await page.locator('.flash').textContent()).toContain('Your ballot was revoked');
    await page.getByRole('link', { name: 'Vote', exact: true }).click();
    await page.locator('.ballot-enhanced').waitFor();
    await select(page, 'dan').selectOption('1');
    expect(await page.locator('.ranked-list .ballot-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(['dan']);
    await castWithPassphrase(page);
    await context.close();
  }, 90_000);

  it('ranks with the keyboard alone, announcing each move', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'keys', `${K}/vote`);
    await page.locator('.ballot-enhanced').waitFor();
    const live = page.locator('.ballot [role="status"]');
    const tabTo = async (selector: string, key = 'Tab') => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press(key);
        if (await page.locator(':focus').evaluate((el, s) => el.matches(s), selector).catch(() => false)) return;
      }
      throw new Error(`could not reach ${selector} with ${key}`);
    };
    await tabTo('button[aria-label="Rank Bob Brown"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => live.textContent()).toBe('Bob Brown: rank 1 of 1');
    await tabTo('button[aria-label="Rank Alice Anderson"]', 'Shift+Tab').catch(() => tabTo('button[aria-label="Rank Alice Anderson"]'));
    await page.keyboard.press(' ');
    await expect.poll(() => live.textContent()).toBe('Alice Anderson: rank 2 of 2');
    // Focus stayed on Alice's row; Shift+Tab back to "Move up", then the handle's arrow keys.
    await tabTo('button[aria-label="Move Alice Anderson up"]', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => live.textContent()).toBe('Alice Anderson: rank 1 of 2');
    expect(await values(page)).toEqual(['1', '2', 'none', 'none']);
    await tabTo('.ballot-item[data-key="alice"] .drag-handle', 'Shift+Tab');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => live.textContent()).toBe('Alice Anderson: rank 2 of 2');
    await tabTo('button[aria-label="Tie Alice Anderson with the rank above"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => live.textContent()).toBe('Alice Anderson: rank 1, tied with Bob Brown of 1');
    expect(await values(page)).toEqual(['1', '1', 'none', 'none']);
    await shot(page, 'desktop-vote-keyboard');
    await tabTo('button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.url}${K}/vote/review`);
    expect(await page.locator('.ranking-summary').textContent()).toMatch(/Alice Anderson and Bob Brown\s*\(tied\)/);
    await tabTo('#field-passphrase');
    await page.keyboard.type('short');
    await tabTo('#field-passphrase_confirm');
    await page.keyboard.type('short');
    await tabTo('.cast-form button[type="submit"]');
    await page.keyboard.press('Enter');
    // The browser itself refuses a too-short passphrase (minlength); the ballot stays on the page.
    expect(page.url()).toBe(`${t.url}${K}/vote/review`);
    await page.locator('#field-passphrase').fill('');
    await page.locator('#field-passphrase_confirm').fill('');
    await page.locator('.cast-form button[type="submit"]').press('Enter');
    await page.waitForURL(`${t.url}${K}/confirmation`);
    expect(await page.locator('main').textContent()).toContain('did not set a passphrase');
    await context.close();
  }, 90_000);

  it('ranks by touch drag on a phone', async () => {
    const { context, page } = await newPage(PHONE, { hasTouch: true, isMobile: true });
    await signIn(page, 'phone', `${K}/vote`);
    await page.locator('.ballot-enhanced').waitFor();
    const cdp = await context.newCDPSession(page);
    const touchDrag = async (key: string, to: { x: number; y: number }) => {
      const b = (await item(page, key).locator('.drag-handle').boundingBox())!;
      const from = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
      for (let i = 1; i <= 12; i++) {
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: from.x + ((to.x - from.x) * i) / 12, y: from.y + ((to.y - from.y) * i) / 12 }] });
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    };
    // Work near the top of the ballot, where both lists are on screen.
    await page.locator('.ballot').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const firstUnranked = () => page.locator('.unranked-list .ballot-item').first().getAttribute('data-key') as Promise<string>;
    const first = await firstUnranked();
    const zone = (await page.locator('.ranked-zone').boundingBox())!;
    await touchDrag(first, { x: zone.x + zone.width / 2, y: zone.y + zone.height / 2 });
    expect(await select(page, first).inputValue()).toBe('1');
    const second = await firstUnranked();
    const top = (await item(page, first).boundingBox())!;
    await touchDrag(second, { x: top.x + top.width / 2, y: top.y + 4 });
    expect(await select(page, second).inputValue()).toBe('1');
    expect(await select(page, first).inputValue()).toBe('2');
    await shot(page, 'phone-vote');
    await page.getByRole('button', { name: 'Review my ballot' }).click();
    await shot(page, 'phone-review');
    await context.close();
  }, 60_000);

  it('votes without JavaScript, with the selects alone', async () => {
    const { context, page } = await newPage(PHONE, { javaScriptEnabled: false });
    await signIn(page, 'nojs', `${K}/vote`);
    expect(await page.locator('.ballot-enhanced').count()).toBe(0);
    await select(page, 'carol').selectOption('1');
    await select(page, 'alice').selectOption('2');
    await select(page, 'bob').selectOption('2');
    await shot(page, 'phone-vote-nojs');
    await page.getByRole('button', { name: 'Review my ballot' }).click();
    expect(await page.locator('.ranking-summary').textContent()).toMatch(/Carol Castillo-Rodríguez[\s\S]*Alice Anderson and Bob Brown/);
    await page.locator('#field-passphrase').fill(PASS);
    await page.locator('#field-passphrase_confirm').fill(`${PASS}x`);
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('not the same');
    await page.locator('#field-passphrase').fill(PASS);
    await page.locator('#field-passphrase_confirm').fill(PASS);
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL(`${t.url}${K}/confirmation`);
    await context.close();
  }, 60_000);

  it('reported no script errors or CSP violations on any page', () => {
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
