// Mutation fuzzing: real files (when ../shared/fixtures/real-meta is present) and our own, damaged
// the way editors and merges damage them. parseMetaTree must never throw and must always return
// well-formed output. FUZZ_RUNS raises the number of cases (default 2,000 in total).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { candidateMd, electionYaml, VOTERS } from '../../../test/fixtures/meta/meta-tree-helpers.js';
import { parseMetaTree } from './parse-meta-tree.js';
import { readMetaDir } from './read-meta-dir.js';
import type { MetaFile, MetaParseResult } from './types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const REAL = path.resolve(repoRoot, '../shared/fixtures/real-meta');
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 2000) || 2000;
const enc = new TextEncoder();

type Seed = Map<string, Uint8Array>;
const RELEVANT = /^(election\.yaml|voters\.yaml|election_desc\.md|results\.md|candidate-.*\.md)$/;

function ownSeeds(): Seed[] {
  const seed = (files: Record<string, string>): Seed => new Map(Object.entries(files).map(([k, v]) => [`s/${k}`, enc.encode(v)]));
  return [
    seed({
      'election.yaml': electionYaml({ replace: { exception_due: 'exceptions_due: 2024-05-10 00:00:00 # comment' } }),
      'voters.yaml': `# comment\n${VOTERS}  - 0777\n  - Alice\n`,
      'candidate-a.md': candidateMd('name: A\n\nID:\ta\ninfo:\n  - employer: X\n  - slack: y', 'Bio\n\n---\n\n<!-- c -->\n', '-'.repeat(49)),
      'candidate-b.md': candidateMd('name: B\nID: b\ninfo:\n  employer: Y', 'Bio\r\n'),
      'election_desc.md': '# Desc\n',
    }),
    seed({
      'election.yaml': electionYaml({ replace: { show_candidate_fields: 'show_candidate_fields:\n  -' } }),
      'voters.yaml': '- a\n- b\n',
      'candidate-x.md': '\n---\nName: X\nid: y\nInfo:\n  - a: 1\n---\n',
      'results.md': 'Winner\n',
    }),
  ];
}

async function realSeeds(): Promise<Seed[]> {
  if (!existsSync(REAL)) return [];
  const { tree } = await readMetaDir(REAL);
  const byDir = new Map<string, Seed>();
  for (const [file, content] of tree) {
    const slash = file.lastIndexOf('/');
    const name = file.slice(slash + 1);
    if (!RELEVANT.test(name) || !(content instanceof Uint8Array)) continue;
    const dir = file.slice(0, slash);
    if (!byDir.has(dir)) byDir.set(dir, new Map());
    byDir.get(dir)?.set(`s/${name}`, content);
  }
  // Directories without election.yaml (the negative files among them) get one of ours.
  for (const seed of byDir.values()) if (!seed.has('s/election.yaml')) seed.set('s/election.yaml', enc.encode(electionYaml()));
  return [...byDir.values()];
}

const TOKENS = ['\t', '-', '---', '-----', ':', ': ', '\uFEFF', '\r\n', '\n', '#', '@', '"', "'", '[', '{', '}', '&a ', '*a', '!!int ', '|', '>', '~', 'null', ' - ', '\u00A0', '\u200B', '<!--', '-->', '\0', '2024-13-45 25:61:61'];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('deleteLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapChars' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('setByte' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('crlf' as const) }),
  fc.record({ kind: fc.constant('bom' as const) }),
  fc.record({ kind: fc.constant('deleteFile' as const) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array | undefined {
  const n = bytes.length;
  const pos = n === 0 ? 0 : ('at' in m ? m.at : 0) % (n + 1);
  const lines = (): Uint8Array[] => {
    const out: Uint8Array[] = [];
    let start = 0;
    for (let i = 0; i <= n; i += 1) if (i === n || bytes[i] === 0x0a) { out.push(bytes.slice(start, i)); start = i + 1; }
    return out;
  };
  const joinLines = (ls: Uint8Array[]): Uint8Array => concat(...ls.flatMap((l, i) => (i === 0 ? [l] : [Uint8Array.of(0x0a), l])));
  switch (m.kind) {
    case 'deleteLine': { const ls = lines(); ls.splice(m.at % ls.length, 1); return joinLines(ls); }
    case 'duplicateLine': { const ls = lines(); const i = m.at % ls.length; ls.splice(i, 0, ls[i] ?? new Uint8Array()); return joinLines(ls); }
    case 'swapChars': { const out = bytes.slice(); if (pos + 1 < n) { const a = out[pos] ?? 0; out[pos] = out[pos + 1] ?? 0; out[pos + 1] = a; } return out; }
    case 'insert': return concat(bytes.slice(0, pos), enc.encode(m.token), bytes.slice(pos));
    case 'truncate': return bytes.slice(0, pos);
    case 'setByte': { const out = bytes.slice(); if (pos < n) out[pos] = m.byte; return out; }
    case 'crlf': return enc.encode(new TextDecoder().decode(bytes).replace(/\n/g, '\r\n'));
    case 'bom': return concat(Uint8Array.of(0xef, 0xbb, 0xbf), bytes);
    case 'deleteFile': return undefined;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out;
}

// Plain checks rather than expect(): they run tens of thousands of times and must stay cheap.
function check(ok: boolean, what: string, result: MetaParseResult): void {
  if (!ok) throw new Error(`${what}\n${JSON.stringify(result, null, 1).slice(0, 2000)}`);
}

function expectWellFormed(result: MetaParseResult): void {
  const keys = result.elections.map((e) => e.key);
  check(keys.every((k, i) => k !== '' && (i === 0 || (keys[i - 1] as string) < k)), 'elections sorted by unique key', result);
  const isText = (v: unknown): boolean => typeof v === 'string';
  for (const e of result.elections) {
    check([e.start, e.end, e.exceptionDue].every((d) => d instanceof Date && !Number.isNaN(d.getTime())), 'valid dates', result);
    check(e.end.getTime() >= e.start.getTime(), 'end >= start', result);
    check(Number.isInteger(e.noWinners) && e.noWinners >= 1, 'noWinners', result);
    check(typeof e.allowNoOpinion === 'boolean' && typeof e.deleteAfter === 'boolean', 'booleans', result);
    check([e.name, e.organization, e.description, e.eligibility, e.exceptionDescription].every(isText), 'texts', result);
    check(e.results === null || isText(e.results), 'results', result);
    check(e.method === null || (isText(e.method) && e.method !== ''), 'method', result);
    for (const list of [e.voters, e.officers]) {
      check(list.every((v) => isText(v) && v !== '' && v === v.trim()), 'logins are trimmed text', result);
      check(new Set(list.map((v) => v.toLowerCase())).size === list.length, 'logins are unique', result);
    }
    check(e.showCandidateFields.every((f) => isText(f) && f !== ''), 'show fields', result);
    check(new Set(e.candidates.map((c) => c.id.toLowerCase())).size === e.candidates.length, 'candidate ids unique', result);
    for (const c of e.candidates) {
      check(c.id !== '' && c.name !== '' && c.file.startsWith(`${e.path}/`), 'candidate identity', result);
      check(Object.values(c.info).every(isText) && e.showCandidateFields.every((f) => isText(c.info[f])), 'candidate info', result);
      check(!c.bio.includes('<!--'), 'bio without comments', result);
    }
  }
  for (const broken of result.brokenElections) {
    check(!keys.includes(broken.key), 'broken elections are not listed', result);
    check(result.problems.some((p) => p.level === 'error' && p.electionKey === broken.key), 'broken elections have an error', result);
  }
  for (const p of result.problems) {
    check((p.level === 'error' || p.level === 'warning') && isText(p.path) && p.message.length > 0, 'problem shape', result);
    check(p.line === undefined || (Number.isInteger(p.line) && p.line >= 1), 'problem line', result);
  }
}

/**
 * PostgreSQL text cannot hold U+0000, so no string from a file's content may carry one into the
 * result. Only for trees whose paths have none: git and file systems allow no NUL in a path.
 */
function expectNoNul(result: MetaParseResult): void {
  const hasNul = (value: unknown): boolean =>
    typeof value === 'string' ? value.includes('\0')
      : Array.isArray(value) ? value.some(hasNul)
        : value !== null && typeof value === 'object' && !(value instanceof Date) ? Object.values(value).some(hasNul)
          : false;
  check(!hasNul(result), 'no NUL character in the result', result);
}

describe('parseMetaTree under mutation', () => {
  let seeds: Seed[] = [];
  beforeAll(async () => {
    seeds = [...ownSeeds(), ...(await realSeeds())];
  });

  it(`never throws on mutated files (${Math.round(TOTAL_RUNS * 0.8)} cases)`, () => {
    const edits = fc.array(fc.record({ file: fc.nat(), mutation }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.nat(), edits, (seedIndex, steps) => {
        const seed = seeds[seedIndex % seeds.length] as Seed;
        const tree = new Map<string, MetaFile>(seed);
        for (const step of steps) {
          const names = [...tree.keys()];
          if (names.length === 0) break;
          const name = names[step.file % names.length] as string;
          const next = mutate(tree.get(name) as Uint8Array, step.mutation);
          if (next === undefined) tree.delete(name);
          else tree.set(name, next);
        }
        const result = parseMetaTree(tree);
        expectWellFormed(result);
        expectNoNul(result);
      }),
      { numRuns: Math.round(TOTAL_RUNS * 0.8) },
    );
  }, 300_000);

  it(`never throws on arbitrary text in every known file (${Math.round(TOTAL_RUNS * 0.2)} cases)`, () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom(...TOKENS).chain((t) => fc.string().map((s) => t + s)));
    fc.assert(
      fc.property(fc.record({ election: text, voters: text, candidate: text, extraPath: fc.string({ maxLength: 20 }) }), (f) => {
        const tree = new Map<string, MetaFile>([
          ['x/election.yaml', f.election],
          ['x/voters.yaml', f.voters],
          ['x/candidate-a.md', f.candidate],
          [`x/${f.extraPath}`, f.candidate],
          [`${f.extraPath}/election.yaml`, f.election],
        ]);
        expectWellFormed(parseMetaTree(tree));
      }),
      { numRuns: Math.round(TOTAL_RUNS * 0.2) },
    );
  }, 300_000);
});
