import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BallotKeyring } from '../../../shared/crypto/ballot-keyring.js';
import { openSealedBallots, TEST_BALLOT_KEY, testKeyStore } from '../../support/ballots.js';
import { csrfFrom, startTestWebApp, type TestWebApp } from '../../support/web-app.js';

// A web process given only BALLOT_WEB_KEY seals ballots and opens its voters' links, but holds
// nothing that opens a ballot, and cannot make an election's keys (the sync worker does).

const K = '/app/elections/steering---2030';
const PASS = 'correct horse battery';
const fields = (ranks: Record<string, string>) => Object.fromEntries(Object.entries(ranks).map(([k, v]) => [`candidate@${k}`, v]));

describe('web process with the web-only ballot key', () => {
  let t: TestWebApp;
  let electionId: string;
  beforeAll(async () => {
    const webKey = BallotKeyring.webKeyOf(Buffer.from(TEST_BALLOT_KEY, 'hex'));
    t = await startTestWebApp({ configure: (c) => ({ ...c, ballots: { ...c.ballots, masterKey: null, webKey } }) });
    electionId = (await t.seedElection({ voters: ['voter1'] })).id;
  });
  afterAll(async () => { await t?.close(); });

  it('cannot open ballots', () => {
    expect(t.kernel.ballotKeys!.keyring.canOpen).toBe(false);
  });

  it('answers 503 and stores nothing while the election has no keys yet', async () => {
    const voter = t.agent();
    await t.login(voter, 'voter1');
    const form = await voter.get(`${K}/vote`);
    const res = await voter.post(`${K}/vote`).type('form').send({ _csrf: csrfFrom(form.text), ...fields({ alice: '1', bob: '2', carol: '3' }), passphrase: PASS, passphrase_confirm: PASS });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('60');
    expect(await t.kernel.repos.votes.countVotes(electionId)).toBe(0);
  });

  it('seals, shows and revokes a ballot once the sync worker has made the keys', async () => {
    await testKeyStore(t.kernel.repos).ensureAll(); // what the sync worker does after a sync
    const voter = t.agent();
    await t.login(voter, 'voter1');
    const form = await voter.get(`${K}/vote`);
    const cast = await voter.post(`${K}/vote`).type('form').send({ _csrf: csrfFrom(form.text), ...fields({ alice: '2', bob: '1', carol: 'none' }), passphrase: PASS, passphrase_confirm: PASS }).redirects(0);
    expect(cast.status).toBe(303);
    expect((await openSealedBallots(t.kernel.repos, t.kernel.db, electionId)).map((b) => b.ranking)).toEqual(['[["bob"],["alice"]]']);
    const csrf = csrfFrom((await voter.get(K)).text);
    const view = await voter.post(`${K}/view`).type('form').send({ _csrf: csrf, passphrase: PASS });
    expect(view.status).toBe(200);
    expect(view.text).toMatch(/Rank 1: <\/span><span>Bob B\.[\s\S]*Rank 2: <\/span><span>Alice A\./);
    const revoke = await voter.post(`${K}/revoke`).type('form').send({ _csrf: csrf, passphrase: PASS }).redirects(0);
    expect(revoke.status).toBe(303);
    expect(await t.kernel.repos.votes.countBallots(electionId)).toBe(0);
  });
});
