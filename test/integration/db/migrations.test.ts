import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BallotLinks } from '../../../shared/crypto/ballot-link.js';
import { migrateLatest, migrateRollbackAll, pendingMigrations, assertNoPendingMigrations } from '../../../shared/db/migrate.js';
import { migrationSourceFor } from '../../../shared/db/migrations/index.js';
import { createRepositories } from '../../../shared/db/repositories/index.js';
import { countedRankings, openSealedBallots, openVoteLink, testKeyring } from '../../support/ballots.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';

const TABLES = ['users', 'sessions', 'elections', 'candidates', 'eligible_voters', 'votes', 'sealed_ballots', 'counted_ballot_pages',
  'election_keys', 'exception_requests', 'sync_runs', 'tally_runs', 'attempt_counters'];
const MIGRATIONS = ['0001-initial-schema', '0002-attempt-counters', '0003-sealed-ballots', '0004-counted-ballot-pages'];

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`migrations on ${target.kind}`, () => {
    let t: TestDatabase;
    beforeAll(async () => { t = await createTestDatabase(target.kind); });
    afterAll(async () => { await t?.drop(); });

    it('reports every migration as pending on an empty database and refuses to start', async () => {
      expect(await pendingMigrations(t.db)).toEqual(MIGRATIONS);
      await expect(assertNoPendingMigrations(t.db)).rejects.toThrow(/pending migrations: 0001-initial-schema, 0002-attempt-counters, 0003-sealed-ballots/);
    });

    it('creates the whole model, then removes it, then creates it again', async () => {
      expect(await migrateLatest(t.db)).toEqual(MIGRATIONS);
      for (const table of TABLES) expect(await t.db.schema.hasTable(table), table).toBe(true);
      await assertNoPendingMigrations(t.db);

      await migrateRollbackAll(t.db);
      for (const table of TABLES) expect(await t.db.schema.hasTable(table), table).toBe(false);

      await migrateLatest(t.db);
      expect(await pendingMigrations(t.db)).toEqual([]);
    });

    it('enforces one vote per voter and election', async () => {
      const now = new Date();
      await t.db('users').insert({ id: 'u1', login: 'Alice', login_lower: 'alice', created_at: now, updated_at: now });
      await t.db('elections').insert({
        id: 'e1', key: 'k', path: 'k', name: 'K', start_at: now, end_at: now, exception_due_at: now,
        show_candidate_fields: '[]', officers: '[]', eligibility: '', exception_description: '', description: '',
        fingerprint: 'f', problems: '[]', created_at: now, updated_at: now,
      });
      await t.db('votes').insert({ id: 'v1', election_id: 'e1', user_id: 'u1' });
      await expect(t.db('votes').insert({ id: 'v2', election_id: 'e1', user_id: 'u1' })).rejects.toThrow();
      await expect(
        t.db('users').insert({ id: 'u2', login: 'ALICE', login_lower: 'alice', created_at: now, updated_at: now }),
      ).rejects.toThrow();
    });
  });
}

describe.skipIf(!databaseTargets()[0].available)('ballot storage order on sqlite', () => {
  it('keeps ballots in random-id order, not insertion order (no rowid)', async () => {
    const t = await createTestDatabase('sqlite');
    try {
      await migrateLatest(t.db);
      for (const table of ['sealed_ballots', 'counted_ballot_pages']) {
        const sql = (await t.db.raw(`select sql from sqlite_master where name = '${table}'`))[0].sql as string;
        expect(sql).toMatch(/without rowid$/i);
        await expect(t.db.raw(`select rowid from ${table}`)).rejects.toThrow(/rowid/);
      }
    } finally {
      await t.drop();
    }
  });
});

// A database from before sealed ballots: `urna migrate` seals the ballots of elections not yet
// counted, keeps the counted ones' rankings under fresh ids, and wraps old passphrase links.
for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`sealing an existing database on ${target.kind}`, () => {
    it('needs BALLOT_KEY, then seals every uncounted ballot and keeps every link working', async () => {
      const t = await createTestDatabase(target.kind);
      try {
        const before = { migrationSource: migrationSourceFor({ ballotKeys: null }), tableName: 'urna_migrations' };
        await t.db.migrate.up(before);
        await t.db.migrate.up(before);
        const now = new Date();
        const election = (id: string, concluded: boolean) => ({
          id, key: id, path: id, name: id, start_at: now, end_at: now, exception_due_at: now, show_candidate_fields: '[]', officers: '[]',
          eligibility: '', exception_description: '', description: '', fingerprint: 'f', problems: '[]', created_at: now, updated_at: now,
          concluded_at: concluded ? now : null,
        });
        await t.db('elections').insert([election('open-e', false), election('counted-e', true)]);
        for (const [i, key] of ['alice', 'bob'].entries()) {
          for (const e of ['open-e', 'counted-e']) {
            await t.db('candidates').insert({ id: `${e}-${key}`, election_id: e, candidate_key: key, name: key, file: `${key}.md`, info: '{}', bio: '', position: i });
          }
        }
        const rankings = ['[["alice"],["bob"]]', '[["bob"]]', '[["alice","bob"]]'];
        for (const [i, ranking] of rankings.entries()) {
          await t.db('users').insert({ id: `u${i}`, login: `u${i}`, login_lower: `u${i}`, created_at: now, updated_at: now });
          for (const e of ['open-e', 'counted-e']) {
            const link = i === 0 ? await legacyLink('old passphrase', `${e}-b${i}`, e, `u${i}`) : null;
            await t.db('votes').insert({ id: `${e}-v${i}`, election_id: e, user_id: `u${i}`, kdf: link && JSON.stringify(link.kdf), salt: link?.salt ?? null, sealed_ballot: link?.sealedBallot ?? null });
            await t.db('ballots').insert({ id: `${e}-b${i}`, election_id: e, ranking });
          }
        }

        await expect(migrateLatest(t.db)).rejects.toThrow(/needs the master ballot key/);
        expect(await pendingMigrations(t.db)).toEqual(['0003-sealed-ballots', '0004-counted-ballot-pages']);
        expect(await migrateLatest(t.db, { ballotKeys: testKeyring })).toEqual(['0003-sealed-ballots', '0004-counted-ballot-pages']);

        const repos = createRepositories(t.db);
        const sealed = await openSealedBallots(repos, t.db, 'open-e');
        expect(sealed.map((b) => `${b.id}=${b.ranking}`).sort()).toEqual(rankings.map((r, i) => `open-e-b${i}=${r}`).sort());
        expect(await t.db('counted_ballot_pages').where({ election_id: 'open-e' })).toEqual([]);
        expect((await countedRankings(t.db, 'counted-e')).sort()).toEqual([...rankings].sort());
        const pages = await t.db('counted_ballot_pages').where({ election_id: 'counted-e' });
        expect(pages.some((b: { id: string }) => b.id.startsWith('counted-e-b'))).toBe(false);
        expect(await t.db('sealed_ballots').where({ election_id: 'counted-e' })).toEqual([]);
        expect((await repos.electionKeys.find('counted-e'))!.sealedPrivateKey).toBeNull();
        expect(await t.db.schema.hasTable('ballots')).toBe(false);
        expect(await t.db.schema.hasColumn('votes', 'sealed_ballot')).toBe(false);

        const links = new BallotLinks({ memoryKiB: 8192, passes: 1, parallelism: 1 }, 1);
        const vote = (await repos.votes.findVote('open-e', 'u0'))!;
        expect(await openVoteLink(repos, links, { electionId: 'open-e', userId: 'u0', link: vote.link! }, 'old passphrase'))
          .toEqual({ ballotId: 'open-e-b0', ranking: null });
        expect(await openVoteLink(repos, links, { electionId: 'open-e', userId: 'u0', link: vote.link! }, 'wrong passphrase')).toBeNull();
        expect((await repos.votes.findVote('open-e', 'u1'))!.link).toBeNull();
      } finally {
        await t.drop();
      }
    });
  });
}

/** A passphrase link as Urna stored it before sealed ballots: Argon2id, then AES-256-GCM of the ballot id. */
async function legacyLink(passphrase: string, ballotId: string, electionId: string, userId: string) {
  const kdf = { alg: 'argon2id', memoryKiB: 8192, passes: 1, parallelism: 1 };
  const salt = randomBytes(16);
  const key = await new BallotLinks(kdf, 1).derive(passphrase, salt, kdf);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`urna-ballot-link:1:${electionId}:${userId}`));
  const body = Buffer.concat([cipher.update(ballotId, 'utf8'), cipher.final()]);
  return { kdf, salt, sealedBallot: Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]) };
}
