import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMetaTree, sortProblems, type MetaFile, type MetaProblem } from '../../shared/domain/meta/index.js';
import { MetaParseCache, type ParsedChunk } from './meta-parse-cache.js';
import type { MetaTreeEntry } from './meta-source.js';

// The cache must be invisible: whatever changed since the last parse, its result equals a full
// parseMetaTree of the tree as it is now.

const ELECTION = (name: string) =>
  `name: ${name}\norganization: O\nstart_datetime: 2030-01-01 00:00:00\nend_datetime: 2030-02-01 00:00:00\n` +
  'no_winners: 1\nelection_officers:\n  - officer\n';
const BROKEN = 'name: [unclosed\n';
const VOTERS = (n: number) => `eligible_voters:\n${Array.from({ length: n }, (_, i) => `  - voter${i}`).join('\n')}\n`;
const CANDIDATE = (id: string) => `-----\nname: ${id}\nID: ${id}\n-----\n\nBio.\n`;

type Files = Map<string, string>;

/** A git-like listing of the files, with content hashes as ids, and a reader over them. */
function snapshot(files: Files): { entries: MetaTreeEntry[]; read: (ids: string[]) => Promise<Map<string, Uint8Array>>; reads: string[] } {
  const byId = new Map<string, Uint8Array>();
  const entries = [...files].map(([path, text]) => {
    const bytes = new TextEncoder().encode(text);
    const id = createHash('sha1').update(bytes).digest('hex');
    byId.set(id, bytes);
    return { path, id, kind: 'file' as const, size: bytes.length };
  });
  const reads: string[] = [];
  return {
    entries,
    reads,
    read: async (ids) => {
      reads.push(...ids);
      return new Map(ids.map((id) => [id, byId.get(id)!]));
    },
  };
}

function fullParse(files: Files) {
  return parseMetaTree(new Map<string, MetaFile>([...files].map(([p, t]) => [p, new TextEncoder().encode(t)])));
}

const DIRS = ['a', 'b', 'a/nested', 'c/d', 'c---d', 'e f'];
const edit = fc.oneof(
  fc.record({ kind: fc.constant('election' as const), dir: fc.constantFrom(...DIRS), name: fc.constantFrom('X', 'Y', 'Z') }),
  fc.record({ kind: fc.constant('broken' as const), dir: fc.constantFrom(...DIRS) }),
  fc.record({ kind: fc.constant('voters' as const), dir: fc.constantFrom(...DIRS), n: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('candidate' as const), dir: fc.constantFrom(...DIRS), id: fc.constantFrom('ann', 'bo', 'Ann') }),
  fc.record({ kind: fc.constant('remove' as const), dir: fc.constantFrom(...DIRS) }),
  fc.record({ kind: fc.constant('root' as const), present: fc.boolean() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function apply(files: Files, e: Edit): void {
  if (e.kind === 'root') {
    if (e.present) files.set('election.yaml', ELECTION('root'));
    else files.delete('election.yaml');
    return;
  }
  if (e.kind === 'remove') {
    for (const path of [...files.keys()]) if (path.startsWith(`${e.dir}/`) && !path.slice(e.dir.length + 1).includes('/')) files.delete(path);
    return;
  }
  if (e.kind === 'election') files.set(`${e.dir}/election.yaml`, ELECTION(e.name));
  if (e.kind === 'broken') files.set(`${e.dir}/election.yaml`, BROKEN);
  if (e.kind === 'voters') files.set(`${e.dir}/voters.yaml`, VOTERS(e.n));
  if (e.kind === 'candidate') files.set(`${e.dir}/candidate-${e.id.toLowerCase()}.md`, CANDIDATE(e.id));
}

describe('MetaParseCache', () => {
  it('equals a full parse after any sequence of edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(edit, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), async (rounds) => {
        const cache = new MetaParseCache();
        const files: Files = new Map();
        for (const round of rounds) {
          for (const e of round) apply(files, e);
          const { entries, read } = snapshot(files);
          const chunks: ParsedChunk[] = [];
          let rootProblems: MetaProblem[] = [];
          const { parsedKeys: _parsed, ...result } = await cache.parse(entries, read, {
            chunkSize: 2,
            onChunk: (chunk, context) => { chunks.push(chunk); rootProblems = context.rootProblems; },
          });
          const full = fullParse(files);
          expect(result).toEqual(full);
          // The chunks, handed out while parsing, hold the same elections and problems.
          const byKey = <T extends { key: string }>(xs: T[]) => [...xs].sort((a, b) => (a.key < b.key ? -1 : 1));
          expect(byKey(chunks.flatMap((c) => c.elections))).toEqual(full.elections);
          expect(byKey(chunks.flatMap((c) => c.brokenElections))).toEqual(full.brokenElections);
          expect(sortProblems([...rootProblems, ...chunks.flatMap((c) => c.problems)])).toEqual(full.problems);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reads and parses only the directories that changed', async () => {
    const cache = new MetaParseCache();
    const files: Files = new Map([
      ['one/election.yaml', ELECTION('One')], ['one/voters.yaml', VOTERS(3)],
      ['two/election.yaml', ELECTION('Two')], ['two/voters.yaml', VOTERS(2)],
    ]);
    const first = snapshot(files);
    expect((await cache.parse(first.entries, first.read)).parsedKeys).toBe(2);

    files.set('two/voters.yaml', VOTERS(5));
    const second = snapshot(files);
    const result = await cache.parse(second.entries, second.read);
    expect(result.parsedKeys).toBe(1);
    expect(second.reads).toHaveLength(2); // two/election.yaml and two/voters.yaml only
    expect(result.elections.find((e) => e.key === 'two')?.voters).toHaveLength(5);
    expect(result.elections.find((e) => e.key === 'one')?.voters).toHaveLength(3);

    const third = snapshot(files);
    expect((await cache.parse(third.entries, third.read)).parsedKeys).toBe(0);
    expect(third.reads).toEqual([]);
  });

  it('reports submodules, and symbolic links and oversized files as unreadable where they matter', async () => {
    const entries: MetaTreeEntry[] = [
      { path: 'x/election.yaml', id: 'l1', kind: 'symlink', size: 20 },
      { path: 'y/election.yaml', id: 'big', kind: 'file', size: 5 * 1024 * 1024 },
      { path: 'sub', id: 'c1', kind: 'submodule', size: 0 },
    ];
    const result = await new MetaParseCache().parse(entries, async () => new Map());
    expect(result.brokenElections.map((b) => b.key)).toEqual(['x', 'y']);
    expect(result.problems.some((p) => p.path === 'sub' && p.message.includes('submodule'))).toBe(true);
    expect(result.problems.find((p) => p.path === 'x/election.yaml')?.message).toContain('symbolic link');
    expect(result.problems.find((p) => p.path === 'y/election.yaml')?.message).toContain('larger than');
  });
});
