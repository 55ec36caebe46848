import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptKeys } from '../../../shared/crypto/attempt-keys.js';
import { connectDatabase } from '../../../shared/db/connect.js';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { AttemptCountersRepository } from '../../../shared/db/repositories/attempt-counters.repository.js';
import { FAILURE_MEMORY_MS, lockoutMsAfter, PassphraseLockout } from './passphrase-lockout.js';

describe('lockoutMsAfter', () => {
  it.each([
    [1, 0], [2, 0], [3, 1000], [4, 2000], [5, 4000], [6, 5000], [60, 5000], [5000, 5000],
  ])('after %i failures in a row: %i ms', (failures, ms) => {
    expect(lockoutMsAfter(failures, { afterFailures: 3, baseMs: 1000, maxMs: 5000 })).toBe(ms);
  });

  it('caps at an hour by default', () => {
    expect(lockoutMsAfter(100, { afterFailures: 5, baseMs: 60_000 })).toBe(3_600_000);
  });
});

describe('PassphraseLockout', () => {
  let db: Knex;
  let t = 0;
  let lockout: PassphraseLockout;
  const voter = { userId: 'user-1', electionId: 'election-1' };

  beforeAll(async () => {
    db = connectDatabase({ client: 'better-sqlite3', connection: ':memory:', poolMax: 1 });
    await migrateLatest(db);
    const counters = new AttemptCountersRepository(db);
    lockout = new PassphraseLockout(counters, new AttemptKeys('k'.repeat(32)), { afterFailures: 3, baseMs: 1000 }, () => new Date(t));
  });
  afterAll(async () => { await db?.destroy(); });

  it('locks after the allowed failures, doubles, and clears on success', async () => {
    t = 1_000_000;
    await lockout.recordFailure(voter);
    await lockout.recordFailure(voter);
    expect(await lockout.remainingMs(voter)).toBe(0);
    await lockout.recordFailure(voter);
    expect(await lockout.remainingMs(voter)).toBe(1000);
    t += 1000;
    expect(await lockout.remainingMs(voter)).toBe(0);
    await lockout.recordFailure(voter);
    expect(await lockout.remainingMs(voter)).toBe(2000);
    expect(await lockout.remainingMs({ ...voter, electionId: 'election-2' })).toBe(0);
    expect(await lockout.remainingMs({ ...voter, userId: 'user-2' })).toBe(0);
    await lockout.recordSuccess(voter);
    expect(await lockout.remainingMs(voter)).toBe(0);
  });

  it('tells after each wrong passphrase how many tries are left, then the lockout it started', async () => {
    t = 3_000_000;
    const someone = { userId: 'user-9', electionId: 'election-9' };
    expect(await lockout.recordFailure(someone)).toEqual({ triesLeft: 2, lockedForMs: 0, nextLockoutMs: 1000 });
    expect(await lockout.recordFailure(someone)).toEqual({ triesLeft: 1, lockedForMs: 0, nextLockoutMs: 1000 });
    expect(await lockout.recordFailure(someone)).toEqual({ triesLeft: 0, lockedForMs: 1000, nextLockoutMs: 2000 });
    t += 1000;
    // Past the lockout the run is remembered: the next wrong passphrase locks again, for longer.
    expect(await lockout.recordFailure(someone)).toEqual({ triesLeft: 0, lockedForMs: 2000, nextLockoutMs: 4000 });
    await lockout.recordSuccess(someone);
    expect((await lockout.recordFailure(someone)).triesLeft).toBe(2);
  });

  it('forgets a run of failures a day after its lockout ended, and stores neither user nor election', async () => {
    t = 5_000_000;
    for (let i = 0; i < 3; i++) await lockout.recordFailure(voter);
    t += 1000 + FAILURE_MEMORY_MS - 1;
    await lockout.recordFailure(voter); // still the same run: the 4th failure, 2 s
    expect(await lockout.remainingMs(voter)).toBe(2000);
    t += 2000 + FAILURE_MEMORY_MS;
    await lockout.recordFailure(voter); // a new run: the 1st failure
    expect(await lockout.remainingMs(voter)).toBe(0);
    expect(JSON.stringify(await db('attempt_counters').select())).not.toMatch(/user-1|election-1/);
  });
});
