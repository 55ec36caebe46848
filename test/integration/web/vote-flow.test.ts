import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebEnv } from '../../../services/web/web-env.js';
import { KdfBusyError } from '../../../shared/crypto/ballot-link.js';
import { openSealedBallots } from '../../support/ballots.js';
import { databaseTargets } from '../../support/databases.js';
import { csrfFrom, startTestWebApp, type Agent, type TestWebApp } from '../../support/web-app.js';

// The whole voting flow over HTTP on every database: ballot → review → cast → confirmation,
// view, revoke, vote again; the server-side rules; and what is (not) stored.

const K = '/app/elections/steering---2030';
const PASS = 'correct horse battery';

function fields(ranks: Record<string, string>) {
  return Object.fromEntries(Object.entries(ranks).map(([k, v]) => [`candidate@${k}`, v]));
}

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`voting on ${target.kind}`, () => {
    let t: TestWebApp;
    let voter: Agent;
    let electionId: string;

    async function token(a: Agent, path = K) {
      return csrfFrom((await a.get(path)).text);
    }
    async function cast(a: Agent, ranks: Record<string, string>, passphrase = PASS, confirm = passphrase) {
      return a.post(`${K}/vote`).type('form').send({ _csrf: await token(a), ...fields(ranks), passphrase, passphrase_confirm: confirm }).redirects(0);
    }

    beforeAll(async () => {
      t = await startTestWebApp({ kind: target.kind, env: { MIN_PASSCODE_LENGTH: '10' } });
      electionId = (await t.seedElection({ voters: ['Voter1', 'voter2', 'voter3', 'voter4', 'racer'] })).id;
      await t.seedElection({ key: 'strict', path: 'strict', name: 'Strict', allowNoOpinion: false, voters: ['voter1'] });
      voter = t.agent();
      await t.login(voter, 'voter1');
    });
    afterAll(async () => { await t?.close(); });

    it('reviews a ballot, then re-renders it for editing with the ranking kept', async () => {
      const form = await voter.get(`${K}/vote`);
      expect(form.status).toBe(200);
      expect(form.headers['cache-control']).toBe('no-store');
      const review = await voter.post(`${K}/vote/review`).type('form').send({ _csrf: csrfFrom(form.text), ...fields({ alice: '2', bob: '1', carol: 'none' }) });
      expect(review.status).toBe(200);
      expect(review.text).toMatch(/Rank 1: <\/span><span>Bob B\.[\s\S]*Rank 2: <\/span><span>Alice A\./);
      expect(review.text).toMatch(/No opinion:<\/strong> Carol C\./);
      expect(review.text).toContain('name="candidate@alice" value="2"');
      const edit = await voter.post(`${K}/vote/review`).type('form').send({ _csrf: csrfFrom(form.text), action: 'edit', ...fields({ alice: '2', bob: '1', carol: 'none' }) });
      expect(edit.status).toBe(200);
      expect(edit.text).toMatch(/name="candidate@alice"[\s\S]*?<option value="2" selected>/);
      expect(edit.text).toMatch(/name="candidate@carol"[\s\S]*?<option value="none" selected>/);
    });

    it('rejects a bad ballot with 422 and keeps what could be read', async () => {
      const csrf = await token(voter);
      const bad = await voter.post(`${K}/vote/review`).type('form').send({ _csrf: csrf, ...fields({ alice: '1', bob: '7', carol: '2', mallory: '1' }) });
      expect(bad.status).toBe(422);
      expect(bad.text).toContain('There is a problem');
      expect(bad.text).toContain('not standing in this election');
      expect(bad.text).toContain('Ranks go from 1 to 3');
      expect(bad.text).toMatch(/name="candidate@alice"[\s\S]*?<option value="1" selected>/);
      const empty = await voter.post(`${K}/vote`).type('form').send({ _csrf: csrf, ...fields({ alice: 'none', bob: 'none', carol: 'none' }), passphrase: '', passphrase_confirm: '' });
      expect(empty.status).toBe(422);
      expect(empty.text).toContain('Rank at least one candidate');
    });

    it('rejects mismatched or short passphrases with 422 on the review page, ranking kept, nothing stored', async () => {
      const mismatch = await cast(voter, { alice: '1', bob: '2', carol: '3' }, PASS, `${PASS}!`);
      expect(mismatch.status).toBe(422);
      expect(mismatch.text).toContain('not the same');
      expect(mismatch.text).toContain('name="candidate@bob" value="2"');
      const short = await cast(voter, { alice: '1', bob: '2', carol: '3' }, 'short', 'short');
      expect(short.status).toBe(422);
      expect(short.text).toContain('at least 10 characters');
      expect(short.text).not.toContain('value="short"');
      expect(await t.kernel.repos.votes.countVotes(electionId)).toBe(0);
    });

    it('casts a ballot: vote row with a sealed link, anonymous ballot, confirmation page', async () => {
      const res = await cast(voter, { alice: '2', bob: '1', carol: 'none' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`${K}/confirmation`);
      const confirmation = await voter.get(res.headers.location);
      expect(confirmation.text).toContain('Thank you for voting');
      expect(confirmation.text).toContain('Keep your passphrase');

      const votes = await t.kernel.db('votes').where({ election_id: electionId });
      expect(votes).toHaveLength(1);
      expect(Object.keys(votes[0]).sort()).toEqual(['election_id', 'id', 'sealed_link', 'user_id']);
      const ballots = await t.kernel.db('sealed_ballots').where({ election_id: electionId });
      expect(ballots).toHaveLength(1);
      expect(Object.keys(ballots[0]).sort()).toEqual(['election_id', 'id', 'sealed']);
      // Sealed: neither the ranking nor a candidate key is in the stored bytes; the key holder opens it.
      expect(Buffer.from(ballots[0].sealed).includes(Buffer.from('alice'))).toBe(false);
      expect(await openSealedBallots(t.kernel.repos, t.kernel.db, electionId)).toEqual([{ id: ballots[0].id, ranking: '[["bob"],["alice"]]' }]);
      expect(Buffer.from(votes[0].sealed_link).includes(Buffer.from(ballots[0].id))).toBe(false);
    });

    it('keeps the passphrase out of sessions, and the election page offers the view form', async () => {
      const sessions = await t.kernel.db('sessions').select('data');
      expect(sessions.map((s: { data: string }) => s.data).join('\n')).not.toContain(PASS);
      const page = await voter.get(K);
      expect(page.text).toContain('You have voted in this election');
      expect(page.text).toContain(`action="${K}/view"`);
      expect((await voter.get(`${K}/vote`)).status).toBe(409);
      expect((await cast(voter, { alice: '1', bob: '2', carol: '3' })).status).toBe(409);
    });

    it('refuses a wrong passphrase with 403 and changes nothing', async () => {
      const csrf = await token(voter);
      for (const path of ['view', 'revoke']) {
        const res = await voter.post(`${K}/${path}`).type('form').send({ _csrf: csrf, passphrase: 'not my passphrase' });
        expect(res.status).toBe(403);
        expect(res.text).toContain('does not match your ballot');
      }
      expect(await t.kernel.repos.votes.countVotes(electionId)).toBe(1);
      expect(await t.kernel.repos.votes.countBallots(electionId)).toBe(1);
      const none = await voter.post(`${K}/view`).type('form').send({ _csrf: csrf, passphrase: '' });
      expect(none.status).toBe(422);
    });

    it('shows the ballot in words with the right passphrase, No opinion included', async () => {
      const res = await voter.post(`${K}/view`).type('form').send({ _csrf: await token(voter), passphrase: PASS });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toMatch(/Rank 1: <\/span><span>Bob B\.[\s\S]*Rank 2: <\/span><span>Alice A\./);
      expect(res.text).toContain('<strong>No opinion:</strong> Carol C.');
      expect(res.text).not.toContain('100000000');
      expect(res.text).toContain('Revoke my ballot');
    });

    it('revokes with the passphrase, then lets the voter vote again', async () => {
      const res = await voter.post(`${K}/revoke`).type('form').send({ _csrf: await token(voter), passphrase: PASS }).redirects(0);
      expect(res.status).toBe(303);
      expect(await t.kernel.repos.votes.countVotes(electionId)).toBe(0);
      expect(await t.kernel.repos.votes.countBallots(electionId)).toBe(0);
      const page = await voter.get(K);
      expect(page.text).toContain('Your ballot was revoked');
      expect(page.text).toContain('You have not voted yet');
      expect((await cast(voter, { alice: '1', bob: '1', carol: '2' }, '', '')).status).toBe(303);
      const ballots = await openSealedBallots(t.kernel.repos, t.kernel.db, electionId);
      expect(JSON.parse(ballots[0]!.ranking)).toEqual([['alice', 'bob'], ['carol']]);
    });

    it('stores no link without a passphrase, and says the ballot cannot be opened', async () => {
      const vote = (await t.kernel.db('votes').where({ election_id: electionId }))[0];
      expect(vote.sealed_link).toBeNull();
      expect((await voter.get(`${K}/confirmation`)).text).toContain('did not set a passphrase');
      expect((await voter.get(K)).text).toContain('voted without a passphrase');
      const view = await voter.post(`${K}/view`).type('form').send({ _csrf: await token(voter), passphrase: PASS });
      expect(view.status).toBe(409);
      const again = await cast(voter, { alice: '1', bob: '2', carol: '3' }, '', '');
      expect(again.status).toBe(409);
      expect(again.text).toContain('You have already voted');
    });

    it('reads a voter\'s participation in one query, on this database', async () => {
      const voter1 = (await t.kernel.repos.users.findByLogin('voter1'))!;
      expect(await t.kernel.repos.elections.participation(electionId, voter1.id, 'VOTER1')).toEqual({ eligible: true, voted: true, hasLink: false, exceptionAt: null });
      const stranger = await t.kernel.repos.users.upsertByLogin('stranger', null);
      const at = new Date('2030-01-01T00:00:00.000Z');
      await t.kernel.repos.exceptionRequests.create({ electionId, userId: stranger.id, name: 'S', chat: '', description: 'd', comments: '' }, at);
      expect(await t.kernel.repos.elections.participation(electionId, stranger.id, 'stranger')).toEqual({ eligible: false, voted: false, hasLink: false, exceptionAt: at });
    });

    it('matches the voter list case-insensitively', async () => {
      const a = t.agent();
      await t.login(a, 'VOTER2');
      expect((await cast(a, { alice: '3', bob: '2', carol: '1' }, '', '')).status).toBe(303);
    });

    it('accepts one of many simultaneous ballots from the same voter, deriving one passphrase key', async () => {
      const a = t.agent();
      await t.login(a, 'racer');
      const csrf = await token(a);
      const derive = vi.spyOn((t.app.locals.urna as WebEnv).links, 'derive');
      const send = () => a.post(`${K}/vote`).type('form').send({ _csrf: csrf, ...fields({ alice: '1', bob: '2', carol: '3' }), passphrase: PASS, passphrase_confirm: PASS }).redirects(0);
      const statuses = (await Promise.all(Array.from({ length: 20 }, send))).map((r) => r.status).sort();
      expect(statuses).toEqual([303, ...Array(19).fill(409)]);
      // The copies were refused before their key derivation (in flight, or already voted).
      expect(derive).toHaveBeenCalledTimes(1);
      derive.mockRestore();
      const user = (await t.kernel.repos.users.findByLogin('racer'))!;
      expect(await t.kernel.repos.votes.findVote(electionId, user.id)).not.toBeNull();
      expect(await t.kernel.repos.votes.countBallots(electionId)).toBe(await t.kernel.repos.votes.countVotes(electionId));
    });

    it('refuses a form carrying the passphrase twice with 422, and stores nothing', async () => {
      const a = t.agent();
      await t.login(a, 'voter4');
      const csrf = await token(a);
      const body = new URLSearchParams({ _csrf: csrf, ...fields({ alice: '1', bob: '2', carol: '3' }), passphrase: PASS, passphrase_confirm: PASS });
      for (const field of ['passphrase', 'passphrase_confirm']) {
        const twice = new URLSearchParams(body);
        twice.append(field, 'another passphrase');
        const res = await a.post(`${K}/vote`).type('form').send(twice.toString()).redirects(0);
        expect(res.status).toBe(422);
        expect(res.text).toContain('more than once');
      }
      const user = (await t.kernel.repos.users.findByLogin('voter4'))!;
      expect(await t.kernel.repos.votes.findVote(electionId, user.id)).toBeNull();
    });

    it('answers 503 with Retry-After when the key-derivation queue is full, and stores nothing', async () => {
      const a = t.agent();
      await t.login(a, 'voter4');
      const seal = vi.spyOn((t.app.locals.urna as WebEnv).links, 'seal').mockRejectedValueOnce(new KdfBusyError());
      const res = await cast(a, { alice: '1', bob: '2', carol: '3' });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.text).toContain('Nothing was stored');
      const user = (await t.kernel.repos.users.findByLogin('voter4'))!;
      expect(await t.kernel.repos.votes.findVote(electionId, user.id)).toBeNull();
      seal.mockRestore();
    });

    it('honours allow_no_opinion: false', async () => {
      const form = await voter.get('/app/elections/strict/vote');
      expect(form.text).not.toContain('No opinion</option>');
      expect(form.text).toContain('Choose…');
      const res = await voter.post('/app/elections/strict/vote/review').type('form').send({ _csrf: csrfFrom(form.text), ...fields({ alice: '1', bob: '', carol: 'none' }) });
      expect(res.status).toBe(422);
      expect(res.text).toContain('does not allow');
    });

    it('accepts ballots only inside the window, and never after a tally concluded it', async () => {
      const a = t.agent();
      await t.login(a, 'voter3');
      const csrf = await token(a);
      const post = () => a.post(`${K}/vote`).type('form').send({ _csrf: csrf, ...fields({ alice: '1', bob: '2', carol: '3' }), passphrase: '', passphrase_confirm: '' }).redirects(0);
      const e = (await t.kernel.repos.elections.findById(electionId))!;
      t.clock.set(new Date(e.startAt.getTime() - 1000));
      expect((await post()).status).toBe(403);
      t.clock.set(e.endAt);
      const closed = await post();
      expect(closed.status).toBe(403);
      expect(closed.text).toContain('Voting has closed');
      t.clock.reset();
      await t.kernel.repos.elections.markConcluded(electionId, new Date());
      expect((await post()).status).toBe(403);
      await t.kernel.db('elections').where({ id: electionId }).update({ concluded_at: null });
      expect((await post()).status).toBe(303);
    });

    it('lets the ballot be viewed but not revoked once voting has closed', async () => {
      const a = t.agent();
      await t.login(a, 'voter4');
      expect((await cast(a, { alice: '1', bob: 'none', carol: 'none' })).status).toBe(303);
      const e = (await t.kernel.repos.elections.findById(electionId))!;
      t.clock.set(new Date(e.endAt.getTime() + 1000));
      try {
        const csrf = await token(a);
        const view = await a.post(`${K}/view`).type('form').send({ _csrf: csrf, passphrase: PASS });
        expect(view.status).toBe(200);
        expect(view.text).toContain('can no longer be changed');
        const revoke = await a.post(`${K}/revoke`).type('form').send({ _csrf: csrf, passphrase: PASS });
        expect(revoke.status).toBe(403);
        expect(await t.kernel.repos.votes.countVotes(electionId)).toBe(5);
      } finally {
        t.clock.reset();
      }
    });
  });
}
