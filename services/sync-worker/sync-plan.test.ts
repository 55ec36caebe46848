import { describe, expect, it } from 'vitest';
import type { MetaParseResult, MetaProblem, ParsedElection } from '../../shared/domain/meta/index.js';
import { electionFingerprint, storedVoters } from './election-fingerprint.js';
import { attributeProblems, planSync, toElectionVersion, type StoredElection } from './sync-plan.js';

function parsed(key: string, overrides: Partial<ParsedElection> = {}): ParsedElection {
  const path = key.split('---').join('/');
  return {
    key, path, name: `Election ${key}`, organization: 'Org',
    start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-02-01T00:00:00Z'), exceptionDue: new Date('2030-01-15T00:00:00Z'),
    noWinners: 1, allowNoOpinion: true, deleteAfter: false, showCandidateFields: [], officers: ['off'],
    voters: ['ann', 'bo'],
    candidates: [{ id: 'c1', name: 'C1', file: `${path}/candidate-c1.md`, info: { a: '1', b: '2' }, bio: 'Bio' }],
    description: '', results: null, eligibility: '', exceptionDescription: '', method: null, hasDescription: false, hasResults: false,
    ...overrides,
  };
}

const result = (r: Partial<MetaParseResult>): MetaParseResult => ({ elections: [], problems: [], brokenElections: [], ...r });
const fp = (e: ParsedElection, problems: MetaProblem[] = []) => electionFingerprint(e, problems);
const stored = (entries: Record<string, Partial<StoredElection> & { fingerprint: string }>) =>
  new Map(Object.entries(entries).map(([k, v]) => [k, { broken: false, archived: false, ...v }]));

describe('electionFingerprint', () => {
  const base = parsed('x');
  it.each([
    ['voter order', { voters: ['bo', 'ann'] }],
    ['a duplicate voter spelling', { voters: ['ann', 'bo', 'ANN', 'ann'] }],
    ['info key order', { candidates: [{ ...base.candidates[0]!, info: { b: '2', a: '1' } }] }],
  ])('ignores %s', (_label, overrides) => {
    expect(fp(parsed('x', overrides as Partial<ParsedElection>))).toBe(fp(base));
  });

  it.each([
    ['the name', { name: 'Other' }],
    ['a date', { end: new Date('2030-02-02T00:00:00Z') }],
    ['a voter', { voters: ['ann', 'cy'] }],
    ['the spelling kept for a voter', { voters: ['Ann', 'bo'] }],
    ['candidate order', { candidates: [...base.candidates, { ...base.candidates[0]!, id: 'c0' }] }],
    ['a bio', { candidates: [{ ...base.candidates[0]!, bio: 'New bio' }] }],
    ['the officers', { officers: ['someone'] }],
    ['the results', { results: '# Won' }],
  ])('changes with %s', (_label, overrides) => {
    expect(fp(parsed('x', overrides as Partial<ParsedElection>))).not.toBe(fp(base));
  });

  it('changes with the election problems', () => {
    expect(fp(base, [{ path: 'x/voters.yaml', level: 'warning', message: 'w' }])).not.toBe(fp(base));
  });

  it('stores voters as the repository does: one per login, last spelling, sorted', () => {
    expect(storedVoters([' Bo ', 'ann', 'bo', '', 'ANN'])).toEqual([['ann', 'ANN'], ['bo', 'bo']]);
  });
});

describe('planSync', () => {
  const a = parsed('a');
  const b = parsed('b');
  const kinds = (plan: ReturnType<typeof planSync>) => Object.fromEntries(plan.actions.map((x) => [x.kind === 'create' || x.kind === 'update' ? x.version.key : x.key, x.kind]));

  it.each([
    ['new election', result({ elections: [a] }), stored({}), { a: 'create' }],
    ['same fingerprint', result({ elections: [a] }), stored({ a: { fingerprint: fp(a) } }), { a: 'unchanged' }],
    ['changed fingerprint', result({ elections: [a] }), stored({ a: { fingerprint: 'old' } }), { a: 'update' }],
    ['broken before, whole again', result({ elections: [a] }), stored({ a: { fingerprint: fp(a), broken: true } }), { a: 'update' }],
    ['archived before, back again', result({ elections: [a] }), stored({ a: { fingerprint: fp(a), archived: true } }), { a: 'update' }],
    ['directory gone', result({ elections: [a] }), stored({ a: { fingerprint: fp(a) }, b: { fingerprint: 'x' } }), { a: 'unchanged', b: 'archive' }],
    ['already archived, still gone', result({}), stored({ b: { fingerprint: 'x', archived: true } }), {}],
    ['broken', result({ brokenElections: [{ key: 'b', path: 'b' }] }), stored({ b: { fingerprint: 'x' } }), { b: 'broken' }],
    ['broken, never loaded', result({ brokenElections: [{ key: 'b', path: 'b' }] }), stored({}), { b: 'broken' }],
  ])('%s', (_label, parse, before, expected) => {
    expect(kinds(planSync(parse, before, 'c1'))).toEqual(expected);
  });

  it('marks restores, and keeps a broken election\'s own problems for it', () => {
    const problems: MetaProblem[] = [
      { path: 'b/election.yaml', level: 'error', message: 'bad', electionKey: 'b' },
      { path: 'a/voters.yaml', level: 'warning', message: 'w', electionKey: 'a' },
    ];
    const plan = planSync(result({ elections: [a], brokenElections: [{ key: 'b', path: 'b' }], problems }), stored({ a: { fingerprint: 'x', broken: true }, b: { fingerprint: 'y' } }), 'c1');
    expect(plan.actions).toContainEqual(expect.objectContaining({ kind: 'update', restore: true }));
    expect(plan.actions).toContainEqual({ kind: 'broken', key: 'b', stored: true, problems: [{ path: 'b/election.yaml', level: 'error', message: 'bad' }] });
    const update = plan.actions.find((x) => x.kind === 'update');
    expect(update && update.kind === 'update' && update.version.problems).toEqual([{ path: 'a/voters.yaml', level: 'warning', message: 'w' }]);
  });

  it('maps a parsed election to the version sync writes', () => {
    const v = toElectionVersion(b, [], 'abc');
    expect(v).toMatchObject({ key: 'b', path: 'b', startAt: b.start, metaCommit: 'abc', fingerprint: fp(b), voters: ['ann', 'bo'] });
    expect(v.candidates).toEqual([{ key: 'c1', name: 'C1', file: 'b/candidate-c1.md', info: { a: '1', b: '2' }, bio: 'Bio' }]);
  });
});

describe('attributeProblems', () => {
  const elections = [{ key: '2030---steering', path: '2030/steering' }, { key: '2030', path: '2030' }];
  it.each([
    ['a file inside the deepest election', '2030/steering/x.md', '2030---steering'],
    ['a file of the outer election', '2030/voters.yaml', '2030'],
    ['a clashing directory with the same key', '2030---steering/election.yaml', '2030---steering'],
    ['a file outside every election', 'other/election.yaml', undefined],
    ['the root', 'election.yaml', undefined],
  ])('%s', (_label, path, key) => {
    const [p] = attributeProblems([{ path, level: 'warning', message: 'm' }], elections);
    expect(p!.electionKey).toBe(key);
  });

  it('keeps the key the parser gave', () => {
    const [p] = attributeProblems([{ path: '2030/x', level: 'error', message: 'm', electionKey: 'given' }], elections);
    expect(p!.electionKey).toBe('given');
  });
});
