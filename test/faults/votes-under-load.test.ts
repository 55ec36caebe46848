import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BallotLinks } from '../../shared/crypto/ballot-link.js';
import { openSealedBallots, openVoteLink } from '../support/ballots.js';
import { createScenario, ipOf, serverUrl, voterLogins, type Scenario } from '../support/fault-kit.js';
import { ballotFields, devLogin, mapLimit, type Browser, type HttpResponse } from '../support/http-client.js';
import type { UrnaProcess } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

// Two real web processes over one PostgreSQL or MariaDB database (sessions shared through it):
// - one voter submitting 200 times at once, across both processes, gets exactly one ballot;
// - 500 voters voting at once get 500 ballots and 500 vote rows, with exactly the rankings sent;
// - kill -9 of one process in the middle of a burst of votes: every vote answered with success
//   is stored, and every vote row opens (with its voter's passphrase) onto exactly one stored
//   ballot: no ballot without its vote row, no vote row without its ballot. The voters whose
//   request died with the process vote again and get a consistent answer.

const SOLO = '/app/elections/solo';
const CROWD = '/app/elections/crowd';
const E = '/app/elections/burst';
const BURST = 160;
const RANKINGS: Array<Record<string, string>> = [
  { alice: '1', bob: '2', carol: '3' },
  { alice: '2', bob: '1', carol: 'none' },
  { alice: '1', bob: '1', carol: '2' },
  { alice: 'none', bob: 'none', carol: '1' },
  { alice: '3', bob: '2', carol: '1' },
];
const RANKING_JSON = ['[["alice"],["bob"],["carol"]]', '[["bob"],["alice"]]', '[["alice","bob"],["carol"]]', '[["carol"]]', '[["carol"],["bob"],["alice"]]'];

const links = new BallotLinks({ memoryKiB: 8192, passes: 1, parallelism: 1 }, 4);
const passOf = (login: string) => `the passphrase of ${login}`;

for (const kind of ['postgres', 'mysql'] as const) {
  describe.skipIf(!serverUrl(kind) || !serverUrl('redis'))(`votes under load on ${kind}`, () => {
    let s: Scenario;
    let web: UrnaProcess[];
    let soloId: string;
    let crowdId: string;
    let burstId: string;
    const crowd = voterLogins(500, 'crowd');
    const logins = voterLogins(BURST, 'burst');

    beforeAll(async () => {
      s = await createScenario(kind);
      soloId = (await s.seed({ key: 'solo', path: 'solo', name: 'Solo', voters: ['solo-voter'] })).id;
      crowdId = (await s.seed({ key: 'crowd', path: 'crowd', name: 'Crowd', voters: crowd })).id;
      burstId = (await s.seed({ key: 'burst', path: 'burst', name: 'Burst', voters: logins })).id;
      // One key derivation at a time per process keeps many votes in flight during the burst.
      web = await Promise.all([s.start('web', { KDF_CONCURRENCY: '1' }, 'web-a'), s.start('web', { KDF_CONCURRENCY: '1' }, 'web-b')]);
    }, 120_000);
    afterAll(async () => { await s?.close(); });

    it('200 simultaneous submissions by one voter across two processes store exactly one ballot', async () => {
      const voter = await devLogin(web[0]!.url, 'solo-voter', ipOf(1));
      const token = await voter.csrf(`${SOLO}/vote`);
      const pass = 'one voter, many clicks';
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
        voter.post(`${SOLO}/vote`, { _csrf: token, ...ballotFields(RANKINGS[i % RANKINGS.length]!), passphrase: pass, passphrase_confirm: pass }, web[i % 2]!.url)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((x) => x === 303)).toHaveLength(1);
      expect(statuses.filter((x) => x === 409)).toHaveLength(199);

      expect(await s.repos.votes.countVotes(soloId)).toBe(1);
      expect(await s.repos.votes.countBallots(soloId)).toBe(1);
      // The one stored ballot is the one its link opens, with the ranking of a submission.
      const user = await s.repos.users.findByLogin('solo-voter');
      const vote = await s.repos.votes.findVote(soloId, user!.id);
      const opened = await openVoteLink(s.repos, links, { electionId: soloId, userId: user!.id, link: vote!.link! }, pass);
      const stored = await openSealedBallots(s.repos, s.db.db, soloId);
      expect(stored.map((b) => b.id)).toEqual([opened!.ballotId]);
      expect(RANKING_JSON).toContain(stored[0]!.ranking);
      expect(opened!.ranking).toBe(stored[0]!.ranking);
    }, 60_000);

    it('500 voters at once: 500 ballots, 500 vote rows, exactly the rankings sent', async () => {
      const voters = await s.sessions(crowd, web[0]!.url);
      // Each voter's ballot page first (over both processes), as a browser would load it.
      const pages = await mapLimit(voters, 20, ({ browser }, i) => browser.get(`${CROWD}/vote`, web[i % 2]!.url));
      expect(pages.every((p) => p.status === 200)).toBe(true);
      const loggedIn = Date.now();
      const answers = await Promise.all(voters.map(({ browser, csrf }, i) => {
        const pass = i % 2 === 0 ? `passphrase of ${crowd[i]}` : '';
        return browser.post(`${CROWD}/vote`, { _csrf: csrf, ...ballotFields(RANKINGS[i % RANKINGS.length]!), passphrase: pass, passphrase_confirm: pass }, web[(i + 1) % 2]!.url);
      }));
      const voted = Date.now();
      const byStatus = answers.reduce<Record<number, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});
      expect(byStatus).toEqual({ 303: 500 });
      expect(await s.repos.votes.countVotes(crowdId)).toBe(500);
      expect(await s.repos.votes.countBallots(crowdId)).toBe(500);
      const sent = crowd.map((_, i) => RANKING_JSON[i % RANKING_JSON.length]!).sort();
      const stored = (await openSealedBallots(s.repos, s.db.db, crowdId)).map((r) => r.ranking).sort();
      expect(stored).toEqual(sent);
      const linkCount = await s.db.db('votes').where({ election_id: crowdId }).whereNotNull('sealed_link').count({ n: '*' }).first();
      expect(Number(linkCount?.n)).toBe(250);
      console.info(`[figures] ${kind}: 500 simultaneous votes over 2 web processes answered in ${voted - loggedIn} ms`);
    }, 120_000);

    it('keeps every acknowledged vote, and vote rows and ballots stay paired one to one', async () => {
      const sessions = await s.sessions(logins, web[1]!.url);
      const browsers = sessions.map((x) => x.browser);
      const tokens = sessions.map((x) => x.csrf);

      let victimSuccesses = 0;
      const target = (i: number) => (i % 2 === 0 ? web[0]! : web[1]!);
      const send = (br: Browser, i: number): Promise<HttpResponse | Error> => {
        const pass = passOf(logins[i]!);
        return br.post(`${E}/vote`, { _csrf: tokens[i]!, ...ballotFields({ alice: String(1 + (i % 3)), bob: String(1 + ((i + 1) % 3)), carol: 'none' }), passphrase: pass, passphrase_confirm: pass }, target(i).url)
          .then((res) => {
            if (target(i) === web[0] && res.status === 303) victimSuccesses++;
            return res;
          }, (err: Error) => err);
      };
      const burst = browsers.map(send);
      await waitFor(() => victimSuccesses >= 10, 30_000, 5);
      await web[0]!.kill9();
      const first = await Promise.all(burst);

      const acknowledged = logins.filter((_, i) => !(first[i] instanceof Error) && (first[i] as HttpResponse).status === 303);
      const died = logins.filter((_, i) => first[i] instanceof Error);
      const others = first.filter((r) => !(r instanceof Error) && r.status !== 303);
      expect(others.map((r) => (r as HttpResponse).status)).toEqual([]);
      expect(died.length).toBeGreaterThan(0); // the kill really caught votes in flight
      expect(acknowledged.length + died.length).toBe(BURST);

      // Every acknowledged vote is stored.
      const users = new Map((await s.db.db('users').select('id', 'login')).map((u: { id: string; login: string }) => [u.login, u.id]));
      const voteRows: Array<{ user_id: string; sealed_link: Buffer }> = await s.db.db('votes').where({ election_id: burstId });
      const voted = new Set(voteRows.map((v) => v.user_id));
      for (const login of acknowledged) expect(voted.has(users.get(login)!)).toBe(true);

      // Each vote row opens onto its own stored ballot, and no ballot is left without a vote row.
      const loginOf = new Map([...users].map(([login, id]) => [id, login]));
      const ballotIds = new Set((await s.db.db('sealed_ballots').where({ election_id: burstId }).select('id')).map((r: { id: string }) => r.id));
      const linked = await mapLimit(voteRows, 8, async (v) => (await openVoteLink(s.repos, links,
        { electionId: burstId, userId: v.user_id, link: Buffer.from(v.sealed_link) }, passOf(loginOf.get(v.user_id)!)))?.ballotId ?? null);
      expect(linked.every((id) => id !== null && ballotIds.has(id))).toBe(true);
      expect(new Set(linked).size).toBe(voteRows.length);
      expect(ballotIds.size).toBe(voteRows.length);

      // Those whose request died try again on the surviving process: a vote that had committed
      // answers 409 (already voted), one that had not is cast now. Nobody is left out or doubled.
      const retried = await Promise.all(died.map(async (login) => {
        const i = logins.indexOf(login);
        const pass = passOf(login);
        const again = await browsers[i]!.post(`${E}/vote`, { _csrf: tokens[i]!, ...ballotFields({ alice: '1', bob: '2', carol: '3' }), passphrase: pass, passphrase_confirm: pass }, web[1]!.url);
        return { login, status: again.status, committedBefore: voted.has(users.get(login)!) };
      }));
      for (const r of retried) expect(r.status).toBe(r.committedBefore ? 409 : 303);
      expect(await s.repos.votes.countVotes(burstId)).toBe(BURST);
      expect(await s.repos.votes.countBallots(burstId)).toBe(BURST);
      console.info(`[figures] ${kind}: web kill -9 mid-burst: ${acknowledged.length} acknowledged, all stored; ${died.length} in flight died ` +
        `(${retried.filter((r) => r.committedBefore).length} had committed, ${retried.filter((r) => !r.committedBefore).length} had not); ` +
        `${voteRows.length} vote rows = ${ballotIds.size} ballots, each link opens its own ballot`);
    }, 120_000);
  });
}
