import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWebApp, type TestWebApp } from '../../support/web-app.js';

// The election's own texts over HTTP: `eligibility` and `exception_description` are sanitised
// markdown like the description; a candidate profile's headings nest under the page's; the
// deadline is in the page head for everyone.

const K = '/app/elections/steering---2030';
const ELIGIBILITY = 'Contributors with [50 contributions](https://example.org/devstats) <script>alert(1)</script>';
const EXCEPTION = 'Ask on [the forum](https://example.org/forum) or [evil](javascript:alert(1)) <img src=x onerror=alert(1)>';
const BIO = '## Why I am running\n\nText.\n\n#### A detail\n\nMore.\n\n## What I would do\n\nEven more.';

const headingsOf = (html: string) => [...html.matchAll(/<h([1-6])\b[^>]*>(.*?)<\/h\1>/g)].map((m) => `h${m[1]} ${m[2]}`);

let t: TestWebApp;
beforeAll(async () => {
  t = await startTestWebApp();
  await t.seedElection({
    eligibility: ELIGIBILITY,
    exceptionDescription: EXCEPTION,
    exceptionDueAt: new Date(Date.now() + 3_600_000),
    candidates: [{ key: 'ada', name: 'Ada Demo', file: 'steering/2030/candidate-ada.md', info: { affiliation: 'Acme' }, bio: BIO }],
  });
});
afterAll(async () => { await t?.close(); });

describe('election texts', () => {
  it('renders eligibility as sanitised markdown on the election page', async () => {
    const page = await t.agent().get(K);
    expect(page.status).toBe(200);
    const who = /<section aria-labelledby="who"[^>]*>([\s\S]*?)<\/section>/.exec(page.text)![1];
    expect(who).toContain('<a href="https://example.org/devstats" rel="noopener noreferrer nofollow">50 contributions</a>');
    expect(who).not.toContain('[50 contributions]');
    expect(who).not.toMatch(/<script|alert/);
  });

  it('renders exception_description and eligibility as sanitised markdown on the exception page', async () => {
    const stranger = t.agent();
    await t.login(stranger, 'stranger');
    const page = await stranger.get(`${K}/exception`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="https://example.org/forum" rel="noopener noreferrer nofollow">the forum</a>');
    expect(page.text).toContain('<a href="https://example.org/devstats" rel="noopener noreferrer nofollow">50 contributions</a>');
    expect(page.text).not.toMatch(/\[the forum\]|\[50 contributions\]|javascript:|onerror|<script>alert/);
    expect(headingsOf(page.text)).toEqual(['h1 Request an exception', 'h2 Who can vote']);
  });

  it('nests the candidate profile\'s headings under the page\'s, skipping no level', async () => {
    const page = await t.agent().get(`${K}/candidates/ada`);
    expect(page.status).toBe(200);
    expect(headingsOf(page.text)).toEqual([
      'h1 Ada Demo', 'h2 Profile', 'h3 Why I am running', 'h4 A detail', 'h3 What I would do',
    ]);
  });

  it('shows when voting closes in the page head, before "Your vote", signed in or not', async () => {
    const voter = t.agent();
    await t.login(voter, 'voter1');
    for (const agent of [t.agent(), voter]) {
      const page = await agent.get(K);
      const head = /<div class="page-head">([\s\S]*?)<\/div>/.exec(page.text)![1];
      expect(head).toMatch(/<p class="status-line deadline">Voting closes <time datetime="[^"]+" data-local-time>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time><\/p>/);
      expect(page.text.indexOf('Voting closes')).toBeLessThan(page.text.indexOf('id="your-vote"'));
    }
    const closed = await t.seedElection({
      key: 'closed---2030', path: 'closed/2030', startAt: new Date(Date.now() - 7_200_000), endAt: new Date(Date.now() - 3_600_000),
      exceptionDueAt: new Date(Date.now() - 7_200_000),
    });
    const page = await t.agent().get(`/app/elections/${closed.key}`);
    expect(/<div class="page-head">([\s\S]*?)<\/div>/.exec(page.text)![1]).toContain('Voting closed <time');
  });
});
