import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../shared/db/connect.js';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { AttemptCountersRepository, type FailureRule } from '../../../shared/db/repositories/attempt-counters.repository.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';

const T0 = 1_900_000_000_000; // epoch ms; bigger than a 32-bit integer, as real clocks are
const WINDOW = 60_000;
/** Locks from the third failure in a row: 1 s, then 2 s, 4 s… */
const RULE: FailureRule = { lockMsAfter: (n) => (n < 3 ? 0 : 1000 * 2 ** (n - 3)), retainMs: 10_000 };

let keySeq = 0;
const freshKey = () => `${'k'.repeat(56)}${String(++keySeq).padStart(8, '0')}`;

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`attempt counters on ${target.kind}`, () => {
    let t: TestDatabase;
    let counters: AttemptCountersRepository;
    /**
     * A second pool on the same database: what another web process would hold. Not on SQLite:
     * better-sqlite3 is synchronous, so a second connection of this process waiting for the file
     * lock would block the event loop the first one needs to commit. SQLite runs one connection
     * per process, and there the 50 attempts below queue on it.
     */
    let otherPool: Knex | null = null;
    let otherProcess: AttemptCountersRepository;

    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      counters = new AttemptCountersRepository(t.db);
      if (target.kind !== 'sqlite') otherPool = connectDatabase(t.config);
      otherProcess = new AttemptCountersRepository(otherPool ?? t.db);
    });
    afterAll(async () => {
      await otherPool?.destroy();
      await t?.drop();
    });

    it('counts hits in a fixed window and starts a new window once it has ended', async () => {
      const key = freshKey();
      expect(await counters.window(key, T0)).toBeNull();
      expect(await counters.hit(key, WINDOW, T0)).toEqual({ hits: 1, resetAt: T0 + WINDOW });
      expect(await otherProcess.hit(key, WINDOW, T0 + 10)).toEqual({ hits: 2, resetAt: T0 + WINDOW });
      expect(await counters.window(key, T0 + 20)).toEqual({ hits: 2, resetAt: T0 + WINDOW });
      await counters.unhit(key, T0 + 30);
      expect(await counters.hit(key, WINDOW, T0 + 40)).toEqual({ hits: 2, resetAt: T0 + WINDOW });
      expect(await counters.window(key, T0 + WINDOW)).toBeNull();
      expect(await counters.hit(key, WINDOW, T0 + WINDOW)).toEqual({ hits: 1, resetAt: T0 + 2 * WINDOW });
      await counters.clear(key);
      expect(await counters.window(key, T0 + WINDOW + 1)).toBeNull();
    });

    it('counts every one of 50 simultaneous hits from two processes', async () => {
      const key = freshKey();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? otherProcess : counters).hit(key, WINDOW, T0)));
      expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(results.map((r) => r.resetAt))).toEqual(new Set([T0 + WINDOW]));
      expect(await counters.window(key, T0)).toEqual({ hits: 50, resetAt: T0 + WINDOW });
    });

    it('counts simultaneous first hits on many new keys, each on its own', async () => {
      const keys = Array.from({ length: 20 }, freshKey);
      await Promise.all(keys.flatMap((key) => [counters.hit(key, WINDOW, T0), otherProcess.hit(key, WINDOW, T0)]));
      for (const key of keys) expect((await counters.window(key, T0))?.hits, key).toBe(2);
    });

    it('locks after failures in a row as the rule says, and a clear forgets them', async () => {
      const key = freshKey();
      expect(await counters.recordFailure(key, T0, RULE)).toEqual({ failures: 1, lockedUntil: 0 });
      expect(await counters.recordFailure(key, T0 + 1, RULE)).toEqual({ failures: 2, lockedUntil: 0 });
      expect(await counters.lockedUntil(key, T0 + 1)).toBe(0);
      expect(await otherProcess.recordFailure(key, T0 + 2, RULE)).toEqual({ failures: 3, lockedUntil: T0 + 1002 });
      expect(await counters.lockedUntil(key, T0 + 3)).toBe(T0 + 1002);
      expect(await counters.recordFailure(key, T0 + 2000, RULE)).toEqual({ failures: 4, lockedUntil: T0 + 4000 });
      await counters.clear(key);
      expect(await counters.lockedUntil(key, T0 + 2001)).toBe(0);
      expect(await counters.recordFailure(key, T0 + 2002, RULE)).toEqual({ failures: 1, lockedUntil: 0 });
    });

    it('counts every one of 30 simultaneous failures from two processes', async () => {
      const key = freshKey();
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? otherProcess : counters).recordFailure(key, T0, RULE)));
      expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      // The 30th failure in a row locks for 2^27 s whichever process recorded it.
      expect(await counters.lockedUntil(key, T0)).toBe(T0 + 1000 * 2 ** 27);
    });

    it('forgets a run of failures once retained long enough, and the sweep deletes only expired rows', async () => {
      const failing = freshKey();
      const counting = freshKey();
      await counters.recordFailure(failing, T0, RULE);
      await counters.recordFailure(failing, T0, RULE);
      await counters.hit(counting, WINDOW, T0);
      // Two failures are remembered for retainMs after the last one; then a failure is the first again.
      expect(await counters.recordFailure(failing, T0 + RULE.retainMs, RULE)).toEqual({ failures: 1, lockedUntil: 0 });
      await counters.recordFailure(failing, T0 + RULE.retainMs, RULE);

      const rows = () => t.db('attempt_counters').whereIn('key_hash', [failing, counting]).pluck('key_hash');
      const deleted = await counters.deleteExpired(T0 + WINDOW);
      expect(deleted).toBeGreaterThanOrEqual(2); // both, and earlier tests' expired rows
      expect(await rows()).toEqual([]);

      await counters.hit(counting, WINDOW, T0 + WINDOW);
      await counters.deleteExpired(T0 + WINDOW + 1);
      expect(await rows()).toEqual([counting]);
    });
  });
}
