import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../shared/db/migrate.js';
import { createLogger } from '../../shared/logging/logger.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../support/databases.js';

// A failed statement must not carry ballot ids, rankings or user ids into the log: on MySQL,
// knex writes the values into the error message, its stack and `sql`; PostgreSQL repeats key
// values in `detail`. The logger keeps the reason and drops the statement.

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { logger: createLogger({ level: 'info' }, stream), text: () => lines.join('') };
}

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`database errors in the log on ${target.kind}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
    });
    afterAll(async () => { await t?.drop(); });

    it('keeps the reason of a failed statement and drops its values', async () => {
      const { logger, text } = capture();
      const secretId = 'SecretBallotId_0123456789';
      const ranking = '[["secret-candidate"]]';
      const failures: unknown[] = [];
      // A statement on a missing table, and a duplicate key (the detail quotes the key).
      await t.db('no_such_table').insert({ id: secretId, ranking }).catch((e: unknown) => failures.push(e));
      const election = { id: 'e1', key: 'k', path: 'p', name: 'n', organization: '', start_at: new Date(), end_at: new Date(), exception_due_at: new Date(),
        show_candidate_fields: '[]', officers: '[]', eligibility: '', exception_description: '', description: '', fingerprint: 'f', problems: '[]', created_at: new Date(), updated_at: new Date() };
      await t.db('elections').insert(election);
      await t.db('counted_ballot_pages').insert({ id: secretId, election_id: 'e1', ballots: 1, rankings: ranking });
      await t.db('counted_ballot_pages').insert({ id: secretId, election_id: 'e1', ballots: 1, rankings: ranking }).catch((e: unknown) => failures.push(e));
      expect(failures).toHaveLength(2);
      // What a real failure looks like before it is logged: the values are there.
      if (target.kind === 'mysql') expect(String((failures[0] as Error).message)).toContain(secretId);
      for (const err of failures) logger.error({ err, path: '/app/elections/k/vote' }, 'request failed');
      const logged = text();
      expect(logged).not.toContain(secretId);
      expect(logged).not.toContain('secret-candidate');
      expect(logged).toMatch(/no_such_table|no such table/); // the reason stays
      expect(logged).toContain('statement omitted');
    });
  });
}
