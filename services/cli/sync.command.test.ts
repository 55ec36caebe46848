import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDatabase } from '../../shared/db/connect.js';
import { migrateLatest } from '../../shared/db/migrate.js';
import { createMetaGitRepo, electionFiles, type MetaGitRepo } from '../../test/support/meta-git-repo.js';
import { bufferIO } from './command-io.js';
import { syncCommand } from './sync.command.js';
import { TEST_BALLOT_KEY } from '../../test/support/ballots.js';

describe('urna sync', () => {
  let meta: MetaGitRepo;
  let dir: string;
  let dbFile: string;

  beforeAll(async () => {
    meta = await createMetaGitRepo();
    meta.write({ ...electionFiles('elections/2030/steering'), 'elections/2030/broken/election.yaml': 'name: [\n' });
    await meta.commit('elections');
    dir = mkdtempSync(join(tmpdir(), 'urna-cli-sync-'));
    dbFile = join(dir, 'urna.sqlite');
    vi.stubEnv('APP_ENV', 'test');
    vi.stubEnv('BALLOT_KEY', TEST_BALLOT_KEY);
    vi.stubEnv('DATABASE_URL', `sqlite://${dbFile}`);
    vi.stubEnv('META_REPO', meta.remote);
    vi.stubEnv('META_PATH', join(dir, 'meta'));
    vi.stubEnv('ELECTION_DIR', 'elections');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    meta?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints its help', async () => {
    const io = bufferIO();
    expect(await syncCommand(['--help'], io)).toBe(0);
    expect(io.stdout.join('')).toContain('usage: urna sync');
  });

  it('refuses unknown arguments', async () => {
    const io = bufferIO();
    expect(await syncCommand(['--forse'], io)).toBe(2);
    expect(io.stderr.join('')).toContain('--forse');
  });

  it('refuses a database with pending migrations', async () => {
    const io = bufferIO();
    expect(await syncCommand([], io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/pending migrations/);
  });

  it('syncs, prints the counts and the problems, then skips an unmoved head', async () => {
    const db = connectDatabase({ client: 'better-sqlite3', connection: dbFile, poolMax: 1 });
    await migrateLatest(db);
    await db.destroy();

    const io = bufferIO();
    expect(await syncCommand([], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/created 1, updated 0, unchanged 0, archived 0, broken 1, restored 0/);
    expect(out).toMatch(/error\s+2030\/broken\/election\.yaml.*\[2030---broken\]/);
    // The new election has its ballot keys before any voter needs them.
    const check = connectDatabase({ client: 'better-sqlite3', connection: dbFile, poolMax: 1 });
    expect(await check('election_keys').count({ n: '*' }).first()).toEqual({ n: 1 });
    await check.destroy();

    const again = bufferIO();
    expect(await syncCommand([], again)).toBe(0);
    expect(again.stdout.join('')).toMatch(/already applied/);

    const forced = bufferIO();
    expect(await syncCommand(['--force'], forced)).toBe(0);
    expect(forced.stdout.join('')).toMatch(/unchanged 1/);
  });
});
