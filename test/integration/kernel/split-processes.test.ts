import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';
import { devLogin } from '../../support/http-client.js';
import { createMetaGitRepo, type MetaGitRepo } from '../../support/meta-git-repo.js';
import { startUrna, urnaEnv, type UrnaProcess } from '../../support/processes.js';
import { waitFor } from '../../support/wait-for.js';
import { castSealedBallot } from '../../support/ballots.js';

// The production shape: a web process, a sync worker and a tally worker as separate processes
// on PostgreSQL and Redis, cooperating only through the database and the queue.

const services = inject('services');
const SECRET = 'webhook-secret';
const day = 86_400_000;
const ts = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

function electionFiles(dir: string, name: string, start: number, end: number): Record<string, string> {
  return {
    [`elections/${dir}/election.yaml`]: [
      `name: ${name}`, 'organization: Split Test', `start_datetime: ${ts(start)}`, `end_datetime: ${ts(end)}`,
      'no_winners: 1', 'allow_no_opinion: True', 'delete_after: True', 'show_candidate_fields: []',
      'election_officers:', '  - officer-one', 'eligibility: Everyone', 'exception_description: Ask',
    ].join('\n'),
    [`elections/${dir}/voters.yaml`]: 'eligible_voters:\n  - voter-a\n  - voter-b\n  - voter-c\n',
    [`elections/${dir}/candidate-ann.md`]: '-----\nname: Ann\nID: ann\n-----\nBio',
    [`elections/${dir}/candidate-ben.md`]: '-----\nname: Ben\nID: ben\n-----\nBio',
  };
}

describe.skipIf(!services.postgres || !services.redis)('web, sync and tally as separate processes on PostgreSQL and Redis', () => {
  let t: TestDatabase;
  let repos: Repositories;
  let meta: MetaGitRepo;
  const procs: UrnaProcess[] = [];

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await migrateLatest(t.db);
    repos = createRepositories(t.db);
    meta = await createMetaGitRepo();
    meta.write(electionFiles('closed-one', 'Closed One', Date.now() - 10 * day, Date.now() - day));
    await meta.commit('first election');
    const env = urnaEnv({
      databaseUrl: t.config.connection,
      redisUrl: services.redis!,
      redisPrefix: `urna-split-${randomBytes(4).toString('hex')}`,
      appKey: randomBytes(32).toString('hex'),
      extra: { META_REPO: meta.remote, META_PATH: meta.checkout, ELECTION_DIR: 'elections', META_SECRET: SECRET, SYNC_INTERVAL: '1h' },
    });
    procs.push(await startUrna({ services: 'sync-worker', env, name: 'sync' }));
    procs.push(await startUrna({ services: 'tally-worker', env, name: 'tally' }));
    procs.push(await startUrna({ services: 'web', env, name: 'web' }));
  }, 90_000);

  afterAll(async () => {
    for (const p of procs) await p.stop();
    meta?.cleanup();
    await t?.drop();
  });

  const web = () => procs.find((p) => p.name === 'web')!;

  it('serves what the sync worker wrote at its start', async () => {
    await waitFor(async () => (await repos.elections.findByKey('closed-one')) !== null, 20_000);
    const page = await fetch(`${web().url}/app`).then((r) => r.text());
    expect(page).toContain('Closed One');
  });

  it('turns a signed webhook into a sync by the other process', async () => {
    meta.write(electionFiles('open-two', 'Open Two', Date.now() - day, Date.now() + 10 * day));
    await meta.commit('second election');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'x' });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const res = await fetch(`${web().url}/v1/webhooks/meta/sync`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature },
    });
    expect(res.status).toBe(202);
    await waitFor(async () => (await fetch(`${web().url}/app`).then((r) => r.text())).includes('Open Two'), 20_000);
    expect(procs.find((p) => p.name === 'sync')!.output()).toContain('"trigger":"webhook"');
  });

  it('has an officer request a count that the tally process computes', async () => {
    const e = (await repos.elections.findByKey('closed-one'))!;
    for (const [login, ranking] of [['voter-a', [['ann'], ['ben']]], ['voter-b', [['ann'], ['ben']]], ['voter-c', [['ben'], ['ann']]]] as const) {
      const user = await repos.users.upsertByLogin(login, null);
      await castSealedBallot(repos, { electionId: e.id, userId: user.id, ranking: ranking.map((g) => [...g]) });
    }
    const officer = await devLogin(web().url, 'Officer-One');
    const consolePath = `/app/elections/closed-one/admin/`;
    const token = await officer.csrf(consolePath);
    const res = await officer.post(`/app/elections/closed-one/admin/results`, { _csrf: token, ballots: '3' });
    expect(res.status).toBe(303);
    const run = await waitFor(() => repos.tallyRuns.latestDone<{ winners: string[]; ballots: number }>(e.id), 30_000);
    expect(run!.result).toMatchObject({ winners: ['ann'], ballots: 3 });
    expect(procs.find((p) => p.name === 'tally')!.output()).not.toContain('"level":50');
    const officerConsole = await officer.get(consolePath);
    expect(officerConsole.text).toContain('Ann');
  });
});
