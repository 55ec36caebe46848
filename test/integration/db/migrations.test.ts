import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest, migrateRollbackAll, pendingMigrations, assertNoPendingMigrations } from '../../../shared/db/migrate.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';

const TABLES = ['users', 'sessions', 'elections', 'candidates', 'eligible_voters', 'votes', 'sealed_ballots', 'counted_ballots',
  'election_keys', 'exception_requests', 'sync_runs', 'tally_runs', 'attempt_counters'];
const MIGRATIONS = ['0001-initial-schema', '0002-attempt-counters', '0003-sealed-ballots'];

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
      for (const table of ['sealed_ballots', 'counted_ballots']) {
        const sql = (await t.db.raw(`select sql from sqlite_master where name = '${table}'`))[0].sql as string;
        expect(sql).toMatch(/without rowid$/i);
        await expect(t.db.raw(`select rowid from ${table}`)).rejects.toThrow(/rowid/);
      }
    } finally {
      await t.drop();
    }
  });
});
