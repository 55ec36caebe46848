import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../../services/cli/command-io.js';
import { keysCommand } from '../../../services/cli/keys.command.js';
import { BallotKeyProblemsError } from '../../../shared/ballots/election-key-store.js';
import { rotateElectionKeys } from '../../../shared/ballots/rotate-keys.js';
import { loadConfig } from '../../../shared/config/config.js';
import { BallotKeyring } from '../../../shared/crypto/ballot-keyring.js';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import { bootKernel } from '../../../shared/kernel/kernel.js';
import { castSealedBallot, openSealedBallots, TEST_BALLOT_KEY, testKeyring } from '../../support/ballots.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';
import { electionVersion } from '../../support/election-fixtures.js';
import { silentLogger } from '../../support/silent-logger.js';

// Keys that cannot lose an election: a process refuses to start with a master key that cannot
// open what is stored, `urna keys check` says the same, and `urna keys rotate` moves every
// election to a new master key, finishing what an interrupted rotation started.

const dir = mkdtempSync(join(tmpdir(), 'urna-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`ballot keys on ${target.kind}`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let url: string;
    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      repos = createRepositories(t.db);
      url = t.kind === 'sqlite' ? `sqlite:${t.config.connection}` : t.config.connection;
      for (const key of ['held-1', 'held-2', 'empty']) {
        const e = await t.db.transaction((trx) => repos.elections.saveVersion(trx, electionVersion({ key, path: key })));
        if (key === 'empty') continue;
        const user = await repos.users.upsertByLogin(`voter-of-${key}`, null);
        await castSealedBallot(repos, { electionId: e.id, userId: user.id, ranking: [['alice'], ['bob']] });
      }
    });
    afterAll(async () => { await t?.drop(); });

    const envWith = (key: string) => ({ APP_ENV: 'test', DATABASE_URL: url, APP_KEY: 'k'.repeat(40), BALLOT_KEY: key, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' });

    it('refuses to start a process whose master key cannot open the stored keys, naming the elections', async () => {
      const config = { ...loadConfig(envWith(randomBytes(32).toString('hex')), { services: 'tally-worker' }), database: t.config };
      const boot = bootKernel(config, [], { logger: silentLogger });
      await expect(boot).rejects.toBeInstanceOf(BallotKeyProblemsError);
      await expect(boot).rejects.toThrow(/held-1: .*another master key[\s\S]*held-2/);
      // The election without ballots is not in the way; the right key starts.
      await expect(boot).rejects.not.toThrow(/empty/);
      const kernel = await bootKernel({ ...loadConfig(envWith(TEST_BALLOT_KEY), { services: 'tally-worker' }), database: t.config }, [], { logger: silentLogger });
      await kernel.shutdown.run('test');
    });

    it('`urna keys check` reports the same, and `web-key` prints the web-only key', async () => {
      const good = bufferIO();
      expect(await keysCommand(['check'], good, envWith(TEST_BALLOT_KEY))).toBe(0);
      expect(good.stdout.join('')).toContain(`id ${testKeyring.keyId}`);
      const bad = bufferIO();
      expect(await keysCommand(['check'], bad, envWith(randomBytes(32).toString('hex')))).toBe(1);
      expect(bad.stderr.join('\n')).toMatch(/cannot open the keys of 2 election\(s\)[\s\S]*held-1[\s\S]*held-2/);
      const web = bufferIO();
      expect(await keysCommand(['web-key'], web, envWith(TEST_BALLOT_KEY))).toBe(0);
      expect(web.stdout[0]).toBe(BallotKeyring.webKeyOf(Buffer.from(TEST_BALLOT_KEY, 'hex')).toString('hex'));
      const webOnly = bufferIO();
      expect(await keysCommand(['check'], webOnly, { ...envWith(''), BALLOT_WEB_KEY: web.stdout[0]! })).toBe(0);
    });

    it('rotates every election to a new master key, and an interrupted rotation finishes when run again', async () => {
      const nextKey = randomBytes(32);
      const next = BallotKeyring.fromMasterKey(nextKey);
      let rotated = 0;
      const crash = rotateElectionKeys(repos.electionKeys, testKeyring, next, () => {
        if (++rotated === 1) throw new Error('killed mid-rotation');
      });
      await expect(crash).rejects.toThrow('killed mid-rotation');
      const mixed = (await repos.electionKeys.all()).map((k) => k.keyId).sort();
      expect(mixed).toEqual([next.keyId, testKeyring.keyId].sort());

      const report = await rotateElectionKeys(repos.electionKeys, testKeyring, next);
      expect(report).toEqual({ rotated: 1, alreadyDone: 1, foreign: [] });
      const held = (await repos.elections.findByKey('held-1'))!;
      expect(await openSealedBallots(repos, t.db, held.id, next)).toEqual([expect.objectContaining({ ranking: '[["alice"],["bob"]]' })]);

      // And back, through the command, so the test key opens everything again.
      const file = join(dir, `${t.kind}-test-key`);
      writeFileSync(file, `${TEST_BALLOT_KEY}\n`);
      const io = bufferIO();
      expect(await keysCommand(['rotate', '--new-key-file', file], io, envWith(nextKey.toString('hex')))).toBe(0);
      expect(io.stdout[0]).toBe(`rotated 2 election key(s) to key id ${testKeyring.keyId}`);
      expect(await keysCommand(['check'], bufferIO(), envWith(TEST_BALLOT_KEY))).toBe(0);
      // With a current key that wraps nothing here, every row is left alone and named.
      const elsewhere = join(dir, `${t.kind}-other-key`);
      writeFileSync(elsewhere, randomBytes(32).toString('hex'));
      const wrong = bufferIO();
      expect(await keysCommand(['rotate', '--new-key-file', elsewhere], wrong, envWith(randomBytes(32).toString('hex')))).toBe(1);
      expect(wrong.stderr.join('')).toMatch(/2 election key\(s\) are under neither key/);
      expect(await keysCommand(['check'], bufferIO(), envWith(TEST_BALLOT_KEY))).toBe(0);
    });
  });
}
