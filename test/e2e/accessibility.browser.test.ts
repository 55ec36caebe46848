import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tallyElectionProcessor } from '../../services/tally-worker/tally-election.processor.js';
import { castHandBallots } from '../integration/tally/tally-test-kit.js';
import { chromiumPresent, launchChromium } from '../support/chromium.js';
import { waitFor } from '../support/wait-for.js';
import { electionVersion, startTestWebApp, type TestWebApp } from '../support/web-app.js';

// axe-core in Chromium on every page type, each reached in its real state (a voter who voted with
// a passphrase views and revokes, a real 409 from voting twice, a real 429 from the passphrase
// lockout, a counted election's console and published results), plus the states in between (a
// tie on the ballot, a reviewed exception request, files with problems, a queued sync), at
// 1280×800 and 390×844. Any violation fails, with its rule, impact, elements and help.
// Screenshots of every page and width go to test-artifacts/screenshots/a11y/.

const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots', 'a11y');
const AXE_SOURCE = readFileSync(join(dirname(createRequire(import.meta.url).resolve('axe-core/package.json')), 'axe.min.js'), 'utf8');
const WIDTHS = [
  ['desktop', { viewport: { width: 1280, height: 800 } }],
  ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
] as const;
type Width = (typeof WIDTHS)[number][0];

const OPEN = '/app/elections/steering---2030';
const CLOSED = '/app/elections/board---2030';
const UPCOMING = '/app/elections/infra---2031';
const PASS = 'a long enough passphrase';
const hour = 3_600_000;

const BIO = '## Why I am running\n\nI maintain the [scheduler](https://example.org/scheduler).\n\n### Priorities\n\n- Releases\n- Mentoring\n\n## Experience\n\nTen years of `code`.';

interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

describe.skipIf(!chromiumPresent)('accessibility (axe-core) of every page type, at both widths', () => {
  let t: TestWebApp;
  let browser: Browser;
  const problems: string[] = [];
  const audited: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // A short lockout: the 429 page is reached by the passphrase lockout, as a voter would.
    t = await startTestWebApp({ limits: { lockoutAfterFailures: 2, lockoutBaseMs: 60_000 } });
    await t.seedElection({
      description: '# About\n\nThe Steering Committee oversees the project. Read the [charter](https://example.org/charter).\n\n## How to vote\n\nRank **every** candidate you have an opinion on.',
      eligibility: 'Contributors with [50 contributions](https://example.org/devstats) in the last year.',
      exceptionDescription: 'Ask on [the forum](https://example.org/forum) with links to your work.',
      exceptionDueAt: new Date(Date.now() + 2 * hour),
      officers: ['officer1'],
      candidates: [
        { key: 'ada', name: 'Ada Demo', file: 'steering/2030/candidate-ada.md', info: { affiliation: 'Acme' }, bio: BIO },
        { key: 'grace', name: 'Grace Sample', file: 'steering/2030/candidate-grace.md', info: { affiliation: 'Example Co' }, bio: 'Plain bio.' },
        { key: 'linus', name: 'Linus Placeholder', file: 'steering/2030/candidate-linus.md', info: {}, bio: '' },
      ],
      voters: ['voter-desktop', 'voter-phone', 'voter-extra'],
    });
    await t.seedElection({
      key: 'infra---2031', path: 'infra/2031', name: 'Infrastructure 2031', description: '# Coming soon',
      startAt: new Date(Date.now() + 48 * hour), endAt: new Date(Date.now() + 96 * hour), exceptionDueAt: new Date(Date.now() + 24 * hour), officers: ['officer1'],
    });
    await t.kernel.repos.elections.markBroken('infra---2031', [
      { path: 'infra/2031/election.yaml', line: 3, level: 'error', message: 'end_datetime is not a date.' },
      { path: 'infra/2031/candidate-x.md', level: 'warning', message: 'No ID in the header; the file name was used.' },
    ]);
    const closed = await t.seedElection(closedVersion(null));
    await castHandBallots(t.kernel.repos, closed, 'board---2030');
    t.kernel.processors.register('tally-election', tallyElectionProcessor(t.kernel));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The closed, counted election (11 hand ballots of 15 voters), with or without its published results.md. */
  function closedVersion(results: string | null) {
    return electionVersion({
      key: 'board---2030', path: 'board/2030', name: 'Board 2030', officers: ['officer1'], noWinners: 2,
      startAt: new Date(Date.now() - 48 * hour), endAt: new Date(Date.now() - hour), exceptionDueAt: new Date(Date.now() - 48 * hour),
      candidates: [
        { key: 'alice', name: 'Alice A.', file: 'board/2030/candidate-alice.md', info: {}, bio: 'Alice.' },
        { key: 'bob', name: 'Bob B.', file: 'board/2030/candidate-bob.md', info: {}, bio: 'Bob.' },
        { key: 'carol', name: 'Carol C.', file: 'board/2030/candidate-carol.md', info: {}, bio: 'Carol.' },
      ],
      voters: Array.from({ length: 15 }, (_, i) => `board---2030-voter${i + 1}`),
      results,
    });
  }

  async function newPage(width: Width): Promise<{ context: BrowserContext; page: Page }> {
    const options = WIDTHS.find(([name]) => name === width)![1];
    const context = await browser.newContext({ ...options, timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    // Deliberate 4xx pages log "Failed to load resource"; anything else, CSP refusals included, is a problem.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    return { context, page };
  }

  async function signIn(page: Page, login: string, next: string) {
    t.github.authorizeAs(login, `${login} Example`);
    await page.goto(`${t.url}/login?next=${encodeURIComponent(next)}`);
    await page.getByRole('button', { name: 'Sign in with GitHub' }).click();
    await page.waitForURL(`${t.url}${next}`);
  }

  /** axe-core's violations on the page as it is, injected through the DevTools protocol (so the page's CSP does not refuse it). */
  async function axeViolations(page: Page): Promise<AxeResult[]> {
    if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
    return page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeResult[] }> } }).axe;
      const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
      return result.violations.map(({ id, impact, help, helpUrl, nodes }) => ({ id, impact, help, helpUrl, nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })) }));
    });
  }

  /** Audits the page, saves its screenshot, and fails softly on any violation (so every page is still audited). */
  async function audit(page: Page, width: Width, name: string, status?: number) {
    await page.waitForLoadState('load');
    if (status !== undefined) expect(await page.locator('.status-code').textContent(), `${name} is the ${status} page`).toBe(`Error ${status}`);
    const violations = await axeViolations(page);
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
    audited.push(`${name}-${width}`);
    const report = violations.map((v) => `${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\n\s*/g, ' ')}`).join('\n')}`);
    expect.soft(report, `axe violations on ${name} at ${width} width (${page.url()}):\n${report.join('\n')}`).toEqual([]);
  }

  it('the audit itself finds violations where there are some', async () => {
    const { context, page } = await newPage('desktop');
    await page.setContent('<html><head><title>Broken</title></head><body><img src="data:,"><p style="color:#aaa;background:#fff">Faint text</p><input type="text"></body></html>');
    const found = await axeViolations(page);
    expect(found.map((v) => v.id)).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt', 'color-contrast', 'label']));
    expect(found.find((v) => v.id === 'image-alt')!.nodes[0].target).toEqual(['img']);
    await context.close();
  }, 30_000);

  for (const [width] of WIDTHS) {
    it(`${width}: public pages, the sign-in prompt (401) and a 404`, async () => {
      const { context, page } = await newPage(width);
      await page.goto(`${t.url}/login`);
      expect(await page.locator('h1').textContent()).toBe('Sign in');
      await audit(page, width, 'login');
      await page.goto(`${t.url}/app`);
      expect(await page.locator('.card-title').allTextContents()).toEqual(expect.arrayContaining(['Steering Committee 2030', 'Board 2030']));
      await audit(page, width, 'election-list');
      await page.locator('#filter-closed').click();
      await page.locator('#filter-closed[aria-current="page"]').waitFor();
      expect(await page.locator('.card-title').allTextContents()).toEqual(['Board 2030']);
      await audit(page, width, 'election-list-closed');
      await page.goto(`${t.url}${OPEN}`);
      await audit(page, width, 'election-anonymous');
      await page.goto(`${t.url}${UPCOMING}`);
      expect(await page.locator('h1').textContent()).toBe('Infrastructure 2031');
      await audit(page, width, 'election-upcoming');
      await page.goto(`${t.url}${OPEN}/candidates/ada`);
      expect(await page.locator('h1').textContent()).toBe('Ada Demo');
      await audit(page, width, 'candidate');
      await page.goto(`${t.url}/app/elections/no-such-election`);
      await audit(page, width, 'error-404', 404);
      await page.goto(`${t.url}/app/dashboard`);
      expect(await page.locator('h1').textContent()).toBe('Sign in to continue');
      await audit(page, width, 'error-401');
      await context.close();
    }, 60_000);

    it(`${width}: a voter votes with a passphrase, votes twice (409), views, revokes and is locked out (429)`, async () => {
      const { context, page } = await newPage(width);
      await signIn(page, `voter-${width}`, OPEN);
      await audit(page, width, 'election-signed-in');
      await page.goto(`${t.url}/app/dashboard`);
      await audit(page, width, 'dashboard');

      await page.goto(`${t.url}${OPEN}/vote`);
      await page.locator('.ballot-enhanced').waitFor();
      await audit(page, width, 'ballot-empty');
      await page.locator('select[name="candidate@grace"]').selectOption('1');
      await page.locator('select[name="candidate@ada"]').selectOption('2');
      await expect.poll(() => page.locator('.ranked-list .ballot-item').count()).toBe(2);
      await audit(page, width, 'ballot-ranked');
      await page.locator('select[name="candidate@ada"]').selectOption('1');
      await expect.poll(() => page.locator('.ranked-list .ballot-item.is-tied').count()).toBe(2);
      await audit(page, width, 'ballot-tied');
      await page.locator('select[name="candidate@ada"]').selectOption('2');
      await expect.poll(() => page.locator('.ranked-list .ballot-item.is-tied').count()).toBe(0);
      await page.getByRole('button', { name: 'Review my ballot' }).click();
      await page.waitForURL(`${t.url}${OPEN}/vote/review`);
      expect(await page.locator('.ranking-summary').textContent()).toMatch(/Grace Sample[\s\S]*Ada Demo/);
      await audit(page, width, 'review');
      await page.locator('#field-passphrase').fill(PASS);
      await page.locator('#field-passphrase_confirm').fill(`${PASS} but different`);
      // The server's own check (enhance.js would stop the mismatch in the browser first).
      await page.locator('form.cast-form').evaluate((form) => { (form as unknown as { noValidate: boolean }).noValidate = true; });
      await page.getByRole('button', { name: 'Cast my ballot' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('.error-summary').textContent()).toContain('not the same');
      await audit(page, width, 'review-errors');
      await page.locator('#field-passphrase').fill(PASS);
      await page.locator('#field-passphrase_confirm').fill(PASS);
      await page.getByRole('button', { name: 'Cast my ballot' }).click();
      await page.waitForURL(`${t.url}${OPEN}/confirmation`);
      expect(await page.locator('h1').textContent()).toBe('Thank you for voting');
      await audit(page, width, 'confirmation');

      await page.goto(`${t.url}${OPEN}`);
      await audit(page, width, 'election-voted');
      await page.goto(`${t.url}${OPEN}/vote`);
      expect(await page.locator('h1').textContent()).toBe('You have already voted');
      await audit(page, width, 'error-409', 409);

      await page.goto(`${t.url}${OPEN}/view`);
      expect(await page.locator('h1').textContent()).toBe('View your ballot');
      await audit(page, width, 'view-form');
      await page.getByLabel('Your passphrase').fill(PASS);
      await page.getByRole('button', { name: 'View my ballot' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').textContent()).toBe('Your ballot');
      expect(await page.locator('.ranking-summary').textContent()).toMatch(/Grace Sample[\s\S]*Ada Demo/);
      await audit(page, width, 'ballot-view');

      await page.goto(`${t.url}${OPEN}/revoke`);
      expect(await page.locator('h1').textContent()).toBe('Revoke your ballot');
      await audit(page, width, 'revoke');
      const tryWrong = async () => {
        await page.getByLabel('Your passphrase').fill('not the passphrase');
        await page.getByRole('button', { name: 'Revoke my ballot' }).click();
        await page.waitForLoadState('load');
      };
      await tryWrong();
      expect(await page.locator('.error-summary').textContent()).toContain('does not match');
      await audit(page, width, 'revoke-wrong-passphrase');
      await tryWrong(); // the second wrong one starts the lockout
      await page.getByLabel('Your passphrase').fill(PASS);
      await page.getByRole('button', { name: 'Revoke my ballot' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').textContent()).toBe('Too many wrong passphrases');
      await audit(page, width, 'error-429', 429);

      await page.goto(`${t.url}${OPEN}/admin/`);
      expect(await page.locator('h1').textContent()).toBe('Officers only');
      await audit(page, width, 'error-403', 403);
      await context.close();
    }, 60_000);

    it(`${width}: the ballot without its script (the selects alone)`, async () => {
      const { context, page } = await newPage(width);
      // As when ballot.js fails to load or is blocked: the plain form must hold up by itself.
      await page.route('**/static/ballot*', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
      await signIn(page, 'voter-extra', `${OPEN}/vote`);
      expect(await page.locator('.ballot-enhanced').count()).toBe(0);
      await page.getByRole('button', { name: 'Review my ballot' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('.error-summary').textContent()).toContain('Rank at least one candidate.');
      await audit(page, width, 'ballot-errors');
      await page.locator('select[name="candidate@linus"]').selectOption('1');
      await audit(page, width, 'ballot-plain');
      await context.close();
    }, 60_000);

    it(`${width}: someone not on the voter list requests an exception`, async () => {
      const { context, page } = await newPage(width);
      await signIn(page, `stranger-${width}`, `${OPEN}/exception`);
      expect(await page.locator('h1').textContent()).toBe('Request an exception');
      await audit(page, width, 'exception');
      // The server's own checks (as in a browser that does not validate forms).
      await page.locator('form.narrow').evaluate((form) => { (form as unknown as { noValidate: boolean }).noValidate = true; });
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('.error-summary').count()).toBe(1);
      await audit(page, width, 'exception-errors');
      await page.getByLabel('Your name').fill(`Stranger ${width}`);
      await page.getByLabel('Your contributions').fill('https://example.org/pulls');
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.waitForURL(`${t.url}${OPEN}`);
      await audit(page, width, 'election-exception-sent');
      await context.close();
    }, 60_000);
  }

  it('the officer console before and after the count, the confirmation, and the published results', async () => {
    const pages = new Map<Width, Page>();
    const contexts: BrowserContext[] = [];
    for (const [width] of WIDTHS) {
      const { context, page } = await newPage(width);
      contexts.push(context);
      pages.set(width, page);
      await signIn(page, 'officer1', `${OPEN}/admin/`);
      await audit(page, width, 'console-open');
      const reviewed = page.locator('.review-toggle .badge-eligible');
      const before = await reviewed.count();
      await page.getByRole('button', { name: /^Mark as reviewed/ }).first().click();
      await expect.poll(() => reviewed.count()).toBe(before + 1);
      await audit(page, width, 'console-exception-reviewed');
      await page.goto(`${t.url}${OPEN}`);
      expect(await page.locator('.badge-officer').textContent()).toBe('Officer');
      await audit(page, width, 'election-officer');
      await page.goto(`${t.url}${CLOSED}/admin/`);
      expect(await page.locator('#tally-status').textContent()).toContain('11 ballots are waiting to be counted.');
      await audit(page, width, 'console-without-results');
      await page.getByRole('link', { name: 'Compute results…' }).click();
      await page.waitForURL(`${t.url}${CLOSED}/admin/results`);
      await audit(page, width, 'compute-confirm');
      // An election whose files are broken, with problems listed, then "Sync now" (no worker takes it: it stays queued).
      await page.goto(`${t.url}${UPCOMING}/admin/`);
      expect(await page.locator('.sync-problems li').count()).toBe(2);
      await audit(page, width, 'console-problems');
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.waitForURL(`${t.url}${UPCOMING}/admin/#sync`);
      expect(await page.locator('.flash').textContent()).toContain('A sync of the meta repository is queued.');
      await page.locator('.sync-pending').waitFor();
      await audit(page, width, 'console-syncing');
    }

    const desktop = pages.get('desktop')!;
    await desktop.goto(`${t.url}${CLOSED}/admin/results`);
    await desktop.getByRole('button', { name: 'Count 11 ballots now' }).click();
    await desktop.waitForURL(`${t.url}${CLOSED}/admin/#results`);
    // No worker consumes the count yet: both widths see it queued, polled by htmx.
    for (const [width, page] of pages) {
      if (width !== 'desktop') await page.goto(`${t.url}${CLOSED}/admin/`);
      expect(await page.locator('#tally-status').textContent()).toContain('The count is queued');
      await audit(page, width, 'console-counting');
    }
    await t.kernel.queue.startWorkers(t.kernel.processors, ['tally']);
    const closed = (await t.kernel.repos.elections.findByKey('board---2030'))!;
    await waitFor(() => t.kernel.repos.tallyRuns.latestDone(closed.id), 15_000);
    for (const [width, page] of pages) {
      await page.goto(`${t.url}${CLOSED}/admin/`);
      expect(await page.locator('.winners').textContent()).toBe('Bob B. and Carol C.');
      await audit(page, width, 'console-with-results');
    }

    // The officers commit the draft results.md; sync stores it, as seedElection does here.
    const draft = await (await desktop.request.get(`${t.url}${CLOSED}/admin/results.md`)).text();
    expect(draft).toContain('**Elected (2 seats):** Bob B. and Carol C.');
    await t.seedElection(closedVersion(draft));
    for (const [width, page] of pages) {
      await page.goto(`${t.url}${CLOSED}/results`);
      expect(await page.getByRole('region', { name: 'Published results' }).innerText()).toContain('Elected (2 seats): Bob B. and Carol C.');
      await audit(page, width, 'results');
      await page.goto(`${t.url}${CLOSED}`);
      await audit(page, width, 'election-closed');
    }
    for (const context of contexts) await context.close();
  }, 60_000);

  it('audited every page type at both widths, with no script errors or CSP refusals', () => {
    const types = ['login', 'election-list', 'election-list-closed', 'election-anonymous', 'election-closed', 'ballot-plain', 'ballot-errors', 'election-upcoming', 'review-errors',
      'exception-errors', 'console-counting', 'console-open', 'compute-confirm', 'error-401', 'election-signed-in', 'candidate', 'ballot-empty', 'ballot-ranked', 'review',
      'confirmation', 'view-form', 'ballot-view', 'revoke', 'exception', 'dashboard', 'console-without-results', 'console-with-results', 'results',
      'error-403', 'error-404', 'error-409', 'error-429',
      'ballot-tied', 'console-exception-reviewed', 'election-officer', 'console-problems', 'console-syncing'];
    for (const [width] of WIDTHS) for (const type of types) expect(audited).toContain(`${type}-${width}`);
    expect(problems).toEqual([]);
  });
});
