import { describe, expect, it } from 'vitest';
import { electionYaml, errorsOf, parseElection, treeOf, VOTERS, warningsOf } from '../../../test/fixtures/meta/meta-tree-helpers.js';
import { metaPathsToRead } from './discover.js';
import { parseMetaTree } from './parse-meta-tree.js';

describe('R1: election discovery', () => {
  it('finds election.yaml at depth 1 and 2 and ignores everything else silently', () => {
    const result = parseMetaTree(
      treeOf({
        'flat/election.yaml': electionYaml(),
        '2021/GB/election.yaml': electionYaml(),
        'drafts/voters.yaml': VOTERS,
        'drafts/candidate-x.md': '---\nID: x\n---\n',
        'old/election-template.yaml': electionYaml(),
        'old/RESULTS.md': '# results',
        'Upper/Election.yaml': electionYaml(),
        'README.md': '# elections',
      }),
    );
    expect(result.elections.map((e) => e.key)).toEqual(['2021---GB', 'flat']);
    expect(result.problems.filter((p) => !p.path.endsWith('voters.yaml'))).toEqual([]);
  });

  it('ignores an election.yaml at the root itself, with a warning', () => {
    const result = parseMetaTree(treeOf({ 'election.yaml': electionYaml() }));
    expect(result.elections).toEqual([]);
    expect(warningsOf(result)).toMatchObject([{ path: 'election.yaml' }]);
  });

  it('lists both a nested election and its parent, warning on the nested one', () => {
    const result = parseMetaTree(
      treeOf({ 'a/election.yaml': electionYaml(), 'a/voters.yaml': VOTERS, 'a/b/election.yaml': electionYaml(), 'a/b/voters.yaml': VOTERS }),
    );
    expect(result.elections.map((e) => e.key)).toEqual(['a', 'a---b']);
    expect(result.problems).toMatchObject([{ path: 'a/b/election.yaml', level: 'warning', electionKey: 'a---b' }]);
  });

  it('accepts paths written with ./ or a leading slash and drops paths that climb out', () => {
    const result = parseMetaTree(treeOf({ './x/election.yaml': electionYaml(), '/x/voters.yaml': VOTERS, '../y/election.yaml': electionYaml() }));
    expect(result.elections.map((e) => [e.key, e.voters])).toEqual([['x', ['alice', 'bob']]]);
  });
});

describe('R2: election keys', () => {
  it('replaces / with --- and keeps case, _ and -', () => {
    const result = parseMetaTree(treeOf({ '2023/Paketo_SC-x/election.yaml': electionYaml(), 'steering/2021/election.yaml': electionYaml() }));
    expect(result.elections.map((e) => [e.key, e.path])).toEqual([
      ['2023---Paketo_SC-x', '2023/Paketo_SC-x'],
      ['steering---2021', 'steering/2021'],
    ]);
  });

  it('reports a second directory that maps to the same key instead of merging them', () => {
    const result = parseMetaTree(treeOf({ 'a/b/election.yaml': electionYaml(), 'a---b/election.yaml': electionYaml() }));
    expect(result.elections.map((e) => e.path)).toEqual(['a---b']);
    expect(errorsOf(result)).toMatchObject([{ path: 'a/b/election.yaml' }]);
  });

  it('warns when a key needs escaping in URLs', () => {
    const result = parseMetaTree(treeOf({ 'my election/election.yaml': electionYaml(), 'my election/voters.yaml': VOTERS }));
    expect(result.elections[0]?.key).toBe('my election');
    expect(warningsOf(result)[0]?.message).toMatch(/escaping in URLs/);
  });
});

describe('R3: foreign files inside an election directory', () => {
  it('ignores README, OWNERS, csv, templates and subdirectories without a problem', () => {
    const { election, result } = parseElection({
      'README.md': '---\nnot: a candidate\n---',
      OWNERS: 'approvers: [x]',
      'ballots.csv': 'a,b',
      'nomination-template.md': '---\nID: GithubID\n---',
      'voter-guide.md': '# guide',
      'templates/candidate-tmpl.md': '---\nID: tmpl\n---',
      'voter-guide-screenshots/candidate-shot.md': '---\nID: shot\n---',
    });
    expect(election?.candidates).toEqual([]);
    expect(result.problems).toEqual([]);
  });
});

describe('R4: failures stay isolated', () => {
  it('keeps the other elections when one election.yaml does not parse', () => {
    const result = parseMetaTree(
      treeOf({
        'bad/election.yaml': 'name: x\nexception_description: Handle: someone.\n',
        'good/election.yaml': electionYaml(),
        'good/voters.yaml': VOTERS,
      }),
    );
    expect(result.elections.map((e) => e.key)).toEqual(['good']);
    expect(result.brokenElections).toEqual([{ key: 'bad', path: 'bad' }]);
    expect(errorsOf(result)).toMatchObject([{ path: 'bad/election.yaml', line: 2, electionKey: 'bad' }]);
  });

  it('leaves a broken candidate out and keeps its election', () => {
    const { election, result } = parseElection({
      'candidate-ok.md': '---\nname: Ok\nID: ok\n---\n',
      'candidate-bad.md': '---\nname: Bad\nID: [unclosed\n---\n',
    });
    expect(election?.candidates.map((c) => c.id)).toEqual(['ok']);
    expect(result.brokenElections).toEqual([]);
    expect(errorsOf(result)).toMatchObject([{ path: 'e/candidate-bad.md', electionKey: 'e' }]);
  });

  it('reports files the reader could not hand over', () => {
    const result = parseMetaTree(
      treeOf({ 'x/election.yaml': { unreadable: 'file is larger than 1 MiB' }, 'y/election.yaml': electionYaml(), 'y/candidate-a.md': { unreadable: 'symlink' } }),
    );
    expect(result.brokenElections).toEqual([{ key: 'x', path: 'x' }]);
    expect(errorsOf(result).map((p) => p.path)).toEqual(['x/election.yaml', 'y/candidate-a.md']);
  });

  it('sets an election aside when voters.yaml exists but cannot be read, rather than emptying its voter list', () => {
    const { election, result } = parseElection({ 'voters.yaml': 'eligible_voters:\n  - a\n - b\n' });
    expect(election).toBeUndefined();
    expect(result.brokenElections).toEqual([{ key: 'e', path: 'e' }]);
  });
});

describe('R5: optional files', () => {
  it('gives an empty description, no results and no voters when those files are missing', () => {
    const result = parseMetaTree(treeOf({ 'e/election.yaml': electionYaml() }));
    const election = result.elections[0];
    expect(election).toMatchObject({ description: '', hasDescription: false, results: null, hasResults: false, voters: [] });
    expect(errorsOf(result)).toEqual([]);
  });

  it('reads election_desc.md and results.md as markdown text', () => {
    const { election } = parseElection({ 'election_desc.md': '# Vote\n\ntext\n', 'results.md': '## Winner\n' });
    expect(election).toMatchObject({ description: '# Vote\n\ntext\n', hasDescription: true, results: '## Winner\n', hasResults: true });
  });
});

describe('metaPathsToRead', () => {
  it('selects only the files the parser reads, and parsing just those gives the same result', () => {
    const tree = treeOf({
      'README.md': '# root',
      'a/election.yaml': electionYaml(),
      'a/voters.yaml': VOTERS,
      'a/election_desc.md': '# A',
      'a/results.md': 'won',
      'a/candidate-x.md': '---\nname: X\nID: x\n---\n',
      'a/candidate.png': 'binary',
      'a/OWNERS': 'x',
      'a/templates/candidate-y.md': '---\nID: y\n---\n',
      'drafts/voters.yaml': VOTERS,
      'election.yaml': electionYaml(),
    });
    const selected = metaPathsToRead(tree.keys());
    expect(selected).toEqual(['a/election.yaml', 'a/voters.yaml', 'a/election_desc.md', 'a/results.md', 'a/candidate-x.md']);
    const subset = treeOf(Object.fromEntries(selected.map((p) => [p, tree.get(p) ?? ''])));
    const { problems: _fullProblems, ...full } = parseMetaTree(tree);
    const { problems: _subsetProblems, ...fromSubset } = parseMetaTree(subset);
    expect(fromSubset).toEqual(full);
  });
});
