import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../../shared/db/connect.js';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { BullmqQueue } from '../../../shared/queue/bullmq-queue.js';
import { urnaJobs } from '../../../shared/queue/job-definitions.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';
import { TEST_BALLOT_KEY } from '../../support/ballots.js';

// SIGTERM while a job runs: the process stops taking work, lets the job finish, then exits 0.

const dir = mkdtempSync(join(tmpdir(), 'urna-shutdown-'));
const dbFile = join(dir, 'urna.sqlite');
const journalOf = (name: string) => join(dir, `${name}.log`);
const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

function startChild(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/support/kernel-child.ts'], {
    env: { ...process.env, APP_ENV: 'test', DATABASE_URL: `sqlite:${dbFile}`, BALLOT_KEY: TEST_BALLOT_KEY, APP_PORT: '0', SHUTDOWN_TIMEOUT: '20', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

beforeAll(async () => {
  const db = connectDatabase({ client: 'better-sqlite3', connection: dbFile, poolMax: 1 });
  await migrateLatest(db);
  await db.destroy();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graceful shutdown with the in-process queue', () => {
  it('finishes the running job before exiting', async () => {
    const journal = journalOf('in-process');
    const child = startChild({ JOURNAL: journal, ENQUEUE: 'run-1' });
    const exited = exitOf(child);
    await waitFor(() => read(journal).includes('started run-1'), 20_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(read(journal)).toContain('finished run-1');
  });
});

const redisUrl = inject('services').redis;
describe.skipIf(!redisUrl)('graceful shutdown with BullMQ on Redis', () => {
  const prefix = `urna-shutdown-${randomBytes(4).toString('hex')}`;
  let producer: BullmqQueue<typeof urnaJobs>;
  beforeAll(() => { producer = new BullmqQueue(urnaJobs, silentLogger, { redisUrl: redisUrl!, prefix }); });
  afterAll(async () => { await producer.obliterate(); await producer.close(); });

  it('finishes the running job, loses none of the waiting ones, and a new worker runs them', async () => {
    const journal = journalOf('bullmq');
    const env = { JOURNAL: journal, REDIS_URL: redisUrl!, REDIS_PREFIX: prefix, SERVICES: 'tally-worker', JOB_MS: '1000' };
    const first = startChild(env);
    const firstExit = exitOf(first);
    await waitFor(() => read(journal).includes('ready'), 20_000);
    await producer.enqueue('tally-election', { tallyRunId: 'a' });
    await producer.enqueue('tally-election', { tallyRunId: 'b' });
    await waitFor(() => read(journal).includes('started a'), 10_000);
    first.kill('SIGTERM');
    expect(await firstExit).toBe(0);
    expect(read(journal)).toContain('finished a');
    expect(read(journal)).not.toContain('started b');
    expect((await producer.counts('tally')).waiting).toBe(1);

    const second = startChild(env);
    await waitFor(() => read(journal).includes('finished b'), 20_000);
    second.kill('SIGTERM');
    expect(await exitOf(second)).toBe(0);
    expect(await producer.counts('tally')).toMatchObject({ waiting: 0, active: 0, completed: 2, failed: 0 });
  });
});
