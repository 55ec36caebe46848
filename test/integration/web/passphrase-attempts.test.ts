import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfFrom, startTestWebApp, type Agent, type TestWebApp } from '../../support/web-app.js';

// What a voter is told about passphrase attempts, over HTTP: after a wrong passphrase, how many
// tries are left before a lockout; at the lockout, one message with the time to wait, the same on
// every path that reaches it (view, revoke, Elekto's paths); the rate limit's 429 words the wait alike.

const K = '/app/elections/steering---2030';
const PASS = 'a long enough passphrase';
const ballot = { 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': 'none' };

/** The text of the page's messages: the error summary's items, or the error page's lead. */
function messagesOf(html: string): string[] {
  const items = [...html.matchAll(/<div class="error-summary"[\s\S]*?<\/div>/g)].flatMap((m) => [...m[0].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((li) => li[1]));
  const lead = /<p class="lead">([\s\S]*?)<\/p>/.exec(html)?.[1];
  return [...items, ...(lead ? [lead] : [])];
}

describe('passphrase attempts', () => {
  let t: TestWebApp;

  async function voterWithBallot(login: string): Promise<{ agent: Agent; csrf: string }> {
    const agent = t.agent();
    await t.login(agent, login);
    const csrf = csrfFrom((await agent.get(K)).text);
    expect((await agent.post(`${K}/vote`).type('form').send({ _csrf: csrf, ...ballot, passphrase: PASS, passphrase_confirm: PASS })).status).toBe(303);
    return { agent, csrf };
  }

  beforeAll(async () => {
    t = await startTestWebApp({ limits: { lockoutAfterFailures: 3, lockoutBaseMs: 60_000, passphrasePerWindow: 8 } });
    await t.seedElection({ voters: ['voter1', 'voter2'] });
    // Ten seconds into a minute: every "until" below falls in the same minute.
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 10_000);
    t.clock.set(start);
  });
  afterAll(async () => { await t?.close(); });

  it('says how many tries are left, then gives one lockout message with the time to wait everywhere', async () => {
    const { agent, csrf } = await voterWithBallot('voter1');
    const attempt = (path: string, passphrase: string) => agent.post(`${K}/${path}`).type('form').send({ _csrf: csrf, passphrase });
    // The lockout ends some seconds into the next minute; the message rounds "until" up to the minute after.
    const until = new Date(Math.ceil((t.kernel.now().getTime() + 60_000) / 60_000) * 60_000).toISOString().slice(0, 16).replace('T', ' ');

    const first = await attempt('view', 'wrong one 1');
    expect(first.status).toBe(403);
    expect(messagesOf(first.text)).toEqual([
      'That passphrase does not match your ballot. Nothing was changed.',
      'You have 2 more tries; after that, viewing and revoking this ballot are locked for 1 minute.',
    ]);
    const second = await attempt('revoke', 'wrong one 2');
    expect(second.status).toBe(403);
    expect(messagesOf(second.text)[1]).toBe('You have one more try; after that, viewing and revoking this ballot are locked for 1 minute.');

    const LOCKOUT = `Too many wrong passphrases in a row: to protect your ballot, it cannot be viewed or revoked for now. Wait 1 minute before trying again (until ${until} UTC).`;
    const third = await attempt('vote/view', 'wrong one 3');
    expect(third.status).toBe(403);
    expect(messagesOf(third.text)).toEqual(['That passphrase does not match your ballot. Nothing was changed.', LOCKOUT]);

    // Every path to the ballot now answers 429 with that same message, even for the right passphrase.
    for (const path of ['view', 'revoke', 'vote/view', 'vote/edit']) {
      const locked = await attempt(path, PASS);
      expect(locked.status, path).toBe(429);
      expect(locked.text, path).toContain('<h1>Too many wrong passphrases</h1>');
      expect(messagesOf(locked.text), path).toEqual([LOCKOUT]);
      expect(Number(locked.headers['retry-after']), path).toBeGreaterThan(55);
      expect(Number(locked.headers['retry-after']), path).toBeLessThanOrEqual(60);
    }

    // After the wait the right passphrase opens the ballot (the 8th attempt: the per-user limit's last).
    t.clock.set(new Date(t.kernel.now().getTime() + 61_000));
    expect((await attempt('view', PASS)).status).toBe(200);
  });

  it('words the 429 of the passphrase rate limit the same way', async () => {
    const { agent, csrf } = await voterWithBallot('voter2');
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 9; i++) {
      const res = await agent.post(`${K}/view`).type('form').send({ _csrf: csrf, passphrase: PASS });
      statuses.push(res.status);
      last = res.text;
    }
    expect(statuses.at(-1)).toBe(429);
    const [message] = messagesOf(last);
    expect(message).toMatch(/^Too many passphrase attempts, right or wrong\. Wait \d+ minutes? before trying again \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/);
  });
});
