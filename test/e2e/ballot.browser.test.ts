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
const BOARD_PATH = '/app/elections/board---2031';
const BOARD = [['grace', 'Grace Sample'], ['linus', 'Linus Placeholder'], ['ada', 'Ada Example'], ['ken', 'Ken Standin'],
  ['margaret', 'Margaret Mock'], ['dennis', 'Dennis Dummy'], ['barbara', 'Barbara Fixture'], ['edsger', 'Edsger Proxy']] as const;
const boardName = (key: string) => BOARD.find(([k]) => k === key)![1];

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
    // A longer ballot for the widget's own tests: tall enough to scroll at both widths.
    await t.seedElection({ key: 'board---2031', path: 'board/2031', name: 'Board 2031', candidates: BOARD.map(([key, name]) => ({ key, name, file: `board/2031/candidate-${key}.md`, info: {}, bio: '' })), voters: ['widget'] });
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

  // Whether focus is on an element matching `selector`, asked without waiting: a `:focus` locator
  // waits its whole timeout (30 s) whenever focus has left the page for the browser's own UI.
  const focusMatches = (page: Page, selector: string) =>
    page.locator('body').evaluate((body, s) => body.ownerDocument.activeElement?.matches(s) ?? false, selector);
  const tabTo = async (page: Page, selector: string, key = 'Tab') => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press(key);
      if (await focusMatches(page, selector)) return;
    }
    throw new Error(`could not reach ${selector} with ${key}`);
  };
  const tabEitherWayTo = (page: Page, selector: string) => tabTo(page, selector, 'Shift+Tab').catch(() => tabTo(page, selector));

  it('ranks with the keyboard alone, announcing each move', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'keys', `${K}/vote`);
    await page.locator('.ballot-enhanced').waitFor();
    const live = page.locator('.ballot [role="status"]');
    // One Tab stop per candidate (its handle); Left, Right, Home and End reach the card's other controls.
    await tabTo(page, '.ballot-item[data-key="bob"] .drag-handle');
    await page.keyboard.press('End');
    expect(await focusMatches(page, 'button[aria-label="Rank Bob Brown"]')).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => live.textContent()).toBe('Bob Brown: rank 1');
    await tabEitherWayTo(page, '.ballot-item[data-key="alice"] .drag-handle');
    await page.keyboard.press('End');
    await page.keyboard.press(' ');
    await expect.poll(() => live.textContent()).toBe('Alice Anderson: rank 2');
    // Focus stayed on Alice's card; Left twice from her last button is "Move up".
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await focusMatches(page, 'button[aria-label="Move Alice Anderson up"]')).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => live.textContent()).toBe('Alice Anderson: rank 1');
    expect(await values(page)).toEqual(['1', '2', 'none', 'none']);
    // "Move up" is disabled at the top, so focus went to the handle, whose arrow keys move her.
    expect(await focusMatches(page, '.ballot-item[data-key="alice"] .drag-handle')).toBe(true);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => live.textContent()).toBe('Alice Anderson: rank 2');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    expect(await focusMatches(page, 'button[aria-label="Tie Alice Anderson with the rank above"]')).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => live.textContent()).toBe('Alice Anderson: rank 1, tied with Bob Brown');
    expect(await values(page)).toEqual(['1', '1', 'none', 'none']);
    await shot(page, 'desktop-vote-keyboard');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.url}${K}/vote/review`);
    expect(await page.locator('.ranking-summary').textContent()).toMatch(/Alice Anderson and Bob Brown\s*\(tied\)/);
    await tabTo(page, '#field-passphrase');
    await page.keyboard.type('short');
    await tabTo(page, '#field-passphrase_confirm');
    await page.keyboard.type('short');
    await tabTo(page, '.cast-form button[type="submit"]');
    await page.keyboard.press('Enter');
    // The browser itself refuses a too-short passphrase (minlength); the ballot stays on the page.
    expect(page.url()).toBe(`${t.url}${K}/vote/review`);
    await page.locator('#field-passphrase').fill('');
    await page.locator('#field-passphrase_confirm').fill('');
    await page.locator('.cast-form button[type="submit"]').press('Enter');
    await page.waitForURL(`${t.url}${K}/confirmation`);
    expect(await page.locator('main').textContent()).toContain('did not set a passphrase');
    await context.close();
  }, 30_000);

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

  // The widget on a longer ballot, at both widths. Candidates come in a random order on every
  // request, so the tests pick them by position and name them by key.
  describe.each([['desktop', DESKTOP], ['phone', PHONE]] as const)('the ranking widget at %s width', (width, viewport) => {
    const live = (page: Page) => page.locator('.ballot [role="status"]');
    const keysIn = (page: Page, list: 'ranked' | 'unranked') =>
      page.locator(`.${list}-list .ballot-item`).evaluateAll((els) => els.map((e) => e.getAttribute('data-key')!));
    const badge = (page: Page, key: string) => item(page, key).locator('.rank-badge').textContent();
    const focusedCard = (page: Page) => page.locator('body').evaluate((body) => {
      const a = body.ownerDocument.activeElement;
      return { key: a?.closest('.ballot-item')?.getAttribute('data-key') ?? null, tag: a?.tagName.toLowerCase(), cls: a?.className };
    });
    /** The review page's ranking, one entry per rank ("A and B (tied)"), and its "No opinion" line. */
    async function review(page: Page) {
      await page.getByRole('button', { name: 'Review my ballot' }).click();
      await page.waitForURL(`${t.url}${BOARD_PATH}/vote/review`);
      const ranks = await page.locator('.ranking-summary li').evaluateAll((els) => els.map((e) => e.lastElementChild!.textContent!.trim()));
      const none = (await page.locator('.no-opinion-summary').textContent().catch(() => '')) ?? '';
      return { ranks, none };
    }
    async function openBallot(options: Parameters<Browser['newContext']>[0] = {}) {
      const opened = await newPage(viewport, options);
      await signIn(opened.page, 'widget', `${BOARD_PATH}/vote`);
      await opened.page.locator('.ballot-enhanced').waitFor();
      return opened;
    }

    it('picking a number keeps focus on the candidate, and badge and announcement show the rank stored', async () => {
      const { context, page } = await openBallot();
      const [a, b, c] = await keysIn(page, 'unranked');
      // "4" for the only ranked candidate is rank 1 on the ballot.
      await select(page, a).focus();
      await select(page, a).selectOption('4');
      expect(await keysIn(page, 'ranked')).toEqual([a]);
      expect(await focusedCard(page)).toEqual({ key: a, tag: 'select', cls: 'rank-select' });
      expect(await badge(page, a)).toBe('1');
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(a)}: rank 1`);
      // Numbers picked with the arrow keys on the closed menu: each one moves the card, and focus
      // stays on the menu through every move.
      await select(page, b).focus();
      await page.keyboard.press('ArrowUp');
      expect(await select(page, b).inputValue()).toBe(String(BOARD.length));
      expect(await focusedCard(page)).toEqual({ key: b, tag: 'select', cls: 'rank-select' });
      expect([await badge(page, a), await badge(page, b)]).toEqual(['1', '2']);
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(b)}: rank 2`);
      for (let n = BOARD.length - 1; n >= 1; n--) await page.keyboard.press('ArrowUp');
      expect(await select(page, b).inputValue()).toBe('1');
      expect(await focusedCard(page)).toEqual({ key: b, tag: 'select', cls: 'rank-select' });
      expect([await badge(page, b), await badge(page, a)]).toEqual(['1', '2']);
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(b)}: rank 1`);
      await select(page, c).focus();
      await select(page, c).selectOption('4');
      expect(await focusedCard(page)).toEqual({ key: c, tag: 'select', cls: 'rank-select' });
      expect(await badge(page, c)).toBe('2');
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(c)}: rank 2, tied with ${boardName(a)}`);
      await shot(page, `${width}-vote-picked-numbers`);
      const stored = await review(page);
      expect(stored.ranks).toEqual([boardName(b), `${[boardName(a), boardName(c)].sort((x, y) => x.localeCompare(y)).join(' and ')} (tied)`]);
      await context.close();
    }, 30_000);

    it('is one Tab stop per candidate; Left and Right reach its other controls', async () => {
      const { context, page } = await openBallot();
      const order = await keysIn(page, 'unranked');
      // Tab from the link before the ballot to "Review my ballot": one stop per card, each its handle.
      await page.locator('.back-link a').focus();
      const stops: Array<Awaited<ReturnType<typeof focusedCard>>> = [];
      for (let i = 0; i < 60 && !(await focusMatches(page, 'button[type="submit"]')); i++) {
        await page.keyboard.press('Tab');
        stops.push(await focusedCard(page));
      }
      expect(stops.pop()).toEqual({ key: null, tag: 'button', cls: 'button button-primary' });
      expect(stops).toEqual(order.map((key) => ({ key, tag: 'button', cls: 'drag-handle' })));

      const [x, y] = order;
      // Left and Right walk a card's controls (Home and End jump to either end).
      await item(page, y).locator('.drag-handle').focus();
      await page.keyboard.press('ArrowRight');
      expect(await focusMatches(page, `.ballot-item[data-key="${y}"] .profile-link`)).toBe(true);
      await page.keyboard.press('ArrowRight');
      expect(await focusMatches(page, `.ballot-item[data-key="${y}"] select`)).toBe(true);
      await page.keyboard.press('End');
      expect(await focusMatches(page, `button[aria-label="Rank ${boardName(y)}"]`)).toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(y)}: rank 1`);
      await item(page, x).locator('.drag-handle').focus();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(x)}: rank 2`);
      await page.keyboard.press('ArrowLeft');
      expect(await focusMatches(page, `button[aria-label="Tie ${boardName(x)} with the rank above"]`)).toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(x)}: rank 1, tied with ${boardName(y)}`);
      // The card keeps its last control as its Tab stop; Shift+Tab goes to the card before.
      await page.keyboard.press('Shift+Tab');
      expect((await focusedCard(page)).key).not.toBe(x);
      await page.keyboard.press('Tab');
      expect(await focusMatches(page, `.ballot-item[data-key="${x}"] [data-action="tie"]`)).toBe(true);
      expect(await page.locator('.ballot [tabindex="0"]').count()).toBe(BOARD.length);
      await shot(page, `${width}-vote-keyboard-roving`);
      const stored = await review(page);
      expect(stored.ranks).toEqual([`${[boardName(x), boardName(y)].sort((p, q) => p.localeCompare(q)).join(' and ')} (tied)`]);
      await context.close();
    }, 30_000);

    it('the arrow keys on an unranked candidate\'s handle rank it', async () => {
      const { context, page } = await openBallot();
      const [x, y] = await keysIn(page, 'unranked');
      await item(page, x).locator('.drag-handle').focus();
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(x)}: rank 1`);
      expect(await focusedCard(page)).toEqual({ key: x, tag: 'button', cls: 'drag-handle' });
      await item(page, y).locator('.drag-handle').focus();
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(y)}: rank 2`);
      expect(await focusedCard(page)).toEqual({ key: y, tag: 'button', cls: 'drag-handle' });
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => live(page).textContent()).toBe(`${boardName(y)}: rank 1`);
      expect(await keysIn(page, 'ranked')).toEqual([y, x]);
      const stored = await review(page);
      expect(stored.ranks).toEqual([boardName(y), boardName(x)]);
      await context.close();
    }, 30_000);

    for (const input of ['mouse', 'touch'] as const) {
      /** A page with the ballot, and one pointer (the mouse, or a finger through CDP) to press, move and release. */
      async function openWithPointer() {
        const { context, page } = await openBallot(input === 'touch' ? { hasTouch: true, isMobile: width === 'phone' } : {});
        const cdp = input === 'touch' ? await context.newCDPSession(page) : null;
        let at = { x: 0, y: 0 };
        const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd') => cdp!.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [at] });
        const pointer = {
          async press(p: { x: number; y: number }) {
            at = p;
            if (cdp) await touch('touchStart');
            else { await page.mouse.move(p.x, p.y); await page.mouse.down(); }
          },
          async moveTo(p: { x: number; y: number }, steps = 12) {
            const from = at;
            for (let i = 1; i <= steps; i++) {
              at = { x: from.x + ((p.x - from.x) * i) / steps, y: from.y + ((p.y - from.y) * i) / steps };
              if (cdp) await touch('touchMove');
              else await page.mouse.move(at.x, at.y);
            }
          },
          async release() { if (cdp) await touch('touchEnd'); else await page.mouse.up(); },
        };
        const handleOf = async (key: string) => { const b = (await item(page, key).locator('.drag-handle').boundingBox())!; return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; };
        return { context, page, pointer, handleOf };
      }

      it(`by ${input}: dropping a candidate onto another ties them, and the hint never shows through a dragged card`, async () => {
        const { context, page, pointer, handleOf } = await openWithPointer();
        const middleOf = async (key: string) => { const b = (await item(page, key).boundingBox())!; return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; };
        await page.locator('.ballot').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        const [a, b, c] = await keysIn(page, 'unranked');
        // Into the empty ranking: while the card is held there, the hint is gone and the card is opaque.
        await pointer.press(await handleOf(a));
        const zone = (await page.locator('.ranked-zone').boundingBox())!;
        await pointer.moveTo({ x: zone.x + zone.width / 2, y: zone.y + zone.height / 2 });
        expect(await page.locator('.drop-hint').isVisible()).toBe(false);
        expect(await item(page, a).evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).opacity)).toBe('1');
        expect(await item(page, a).evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
        await pointer.release();
        expect(await keysIn(page, 'ranked')).toEqual([a]);
        expect(await page.locator('.drop-hint').isVisible()).toBe(false);

        // Onto the middle of a ranked candidate: a tie.
        await pointer.press(await handleOf(b));
        await pointer.moveTo(await middleOf(a));
        expect(await item(page, a).getAttribute('class')).toContain('is-drop-target');
        await pointer.release();
        expect([await select(page, a).inputValue(), await select(page, b).inputValue()]).toEqual(['1', '1']);
        await expect.poll(() => live(page).textContent()).toBe(`${boardName(b)}: rank 1, tied with ${boardName(a)}`);
        // Near a candidate's lower edge: below it, untied.
        await pointer.press(await handleOf(c));
        const last = (await page.locator('.ranked-list .ballot-item').last().boundingBox())!;
        await pointer.moveTo({ x: last.x + last.width / 2, y: last.y + last.height - 4 });
        await pointer.release();
        expect(await select(page, c).inputValue()).toBe('2');
        await shot(page, `${width}-vote-${input}-tie-by-drop`);
        const stored = await review(page);
        expect(stored.ranks).toEqual([`${[boardName(a), boardName(b)].sort((p, q) => p.localeCompare(q)).join(' and ')} (tied)`, boardName(c)]);
        await context.close();
      }, 30_000);

      it(`by ${input}: pressing a handle near the bottom of the window does not scroll; moving it does`, async () => {
        const { context, page, pointer, handleOf } = await openWithPointer();
        const scrollY = () => page.locator('body').evaluate((body) => body.ownerDocument.defaultView!.scrollY);
        const unranked = await keysIn(page, 'unranked');
        const first = unranked[0];
        const lowest = unranked[unranked.length - 1];
        await select(page, first).selectOption('1');
        await item(page, lowest).locator('.drag-handle').evaluate((handle) => {
          const h = handle.getBoundingClientRect();
          const win = handle.ownerDocument.defaultView!;
          win.scrollBy(0, h.top + h.height / 2 - (win.innerHeight - 25));
        });
        const pressAt = await handleOf(lowest);
        expect(pressAt.y).toBeGreaterThan(viewport.height - 60);
        const before = await scrollY();
        await pointer.press(pressAt);
        await page.waitForTimeout(300);
        expect(await scrollY()).toBe(before);
        await pointer.release();
        expect(await scrollY()).toBe(before);
        // Once it moves, the page follows the window's edge as before.
        await pointer.press(pressAt);
        await pointer.moveTo({ x: pressAt.x, y: pressAt.y + 10 }, 3);
        await expect.poll(scrollY).toBeGreaterThan(before);
        await pointer.release();
        expect(await keysIn(page, 'ranked')).toEqual([first]);
        expect(await select(page, lowest).inputValue()).toBe('none');
        const stored = await review(page);
        expect(stored.ranks).toEqual([boardName(first)]);
        expect(stored.none).toContain(boardName(lowest));
        await context.close();
      }, 30_000);
    }
  });

  it('reported no script errors or CSP violations on any page', () => {
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
