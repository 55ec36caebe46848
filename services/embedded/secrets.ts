import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseKey } from '../../shared/crypto/ballot-keyring.js';

// The embedded default's secrets: generated once and kept in ./data (mode 0600), so sessions
// and sealed ballots survive restarts. Losing ./data/ballot-key makes uncounted ballots unreadable.

/** The session-signing secret. */
export async function embeddedAppKey(dataDir: string): Promise<string> {
  return kept(join(dataDir, 'app-key'), (text) => text.length >= 32);
}

/** The master ballot key (BALLOT_KEY). */
export async function embeddedBallotKey(dataDir: string): Promise<Buffer> {
  return parseKey(await kept(join(dataDir, 'ballot-key'), (text) => { try { parseKey(text, ''); return true; } catch { return false; } }), 'data/ballot-key');
}

async function kept(file: string, valid: (text: string) => boolean): Promise<string> {
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (valid(existing)) return existing;
  if (existing) throw new Error(`${file} exists but does not hold a valid key; refusing to replace it (restore it, or move it away to start afresh)`);
  await mkdir(join(file, '..'), { recursive: true });
  const key = randomBytes(32).toString('hex');
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
