import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIO } from './cli/command-io.js';
import { main } from './cli.js';
import { migrateCommand } from './cli/migrate.command.js';
import { startCommand } from './cli/start.command.js';

const dir = mkdtempSync(join(tmpdir(), 'urna-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('urna', () => {
  it('prints usage and exits 2 without a command', async () => {
    const io = bufferIO();
    expect(await main([], io)).toBe(2);
    expect(io.stdout.join('')).toMatch(/commands:/);
  });

  it('rejects an unknown command', async () => {
    const io = bufferIO();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr.join('')).toMatch(/unknown command frobnicate/);
  });

  it.each([['start'], ['migrate'], ['sync'], ['tally'], ['meta', 'check']])('%s has --help', async (...command) => {
    const io = bufferIO();
    expect(await main([...command, '--help'], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/usage: urna/i);
  });

  it('start lists every configuration problem and exits 1', async () => {
    const io = bufferIO();
    const code = await startCommand([], io, { APP_PORT: 'x', DATABASE_URL: 'postgres://db/u', DEV_LOGIN: 'true' });
    expect(code).toBe(1);
    const text = io.stderr.join('\n');
    expect(text).toMatch(/APP_PORT: expected a whole number/);
    expect(text).toMatch(/DEV_LOGIN: the development login is allowed only with APP_ENV=development/);
  });

  it('start refuses to run a split service without Redis', async () => {
    const io = bufferIO();
    expect(await startCommand(['--services=web'], io, {})).toBe(1);
    expect(io.stderr.join('')).toMatch(/without REDIS_URL/);
  });

  it('migrate applies pending migrations once', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'm.sqlite')}` };
    const io = bufferIO();
    expect(await migrateCommand(['--status'], io, env)).toBe(0);
    expect(await migrateCommand([], io, env)).toBe(0);
    expect(await migrateCommand([], io, env)).toBe(0);
    const all = '0001-initial-schema, 0002-attempt-counters, 0003-sealed-ballots, 0004-counted-ballot-pages';
    expect(io.stdout).toEqual([`pending: ${all}`, `applied: ${all}`, 'the database is up to date']);
  });
});
