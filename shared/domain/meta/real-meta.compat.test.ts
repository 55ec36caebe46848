// Compatibility with real meta repositories kept beside the checkout (../shared/fixtures/real-meta,
// third-party data we must not copy). Expected values were read off the files by hand; the suite
// skips cleanly when the folder is absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMetaTree } from './parse-meta-tree.js';
import { readMetaDir } from './read-meta-dir.js';
import type { MetaFile } from './types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const REAL = path.resolve(repoRoot, '../shared/fixtures/real-meta');

type Expected = [key: string, start: string, end: string, exceptionDue: string, candidates: string[], voters: number];
const d = (s: string): string => `${s.replace(' ', 'T')}.000Z`;

const ROOTS: Record<string, Expected[]> = {
  'chaoss+community/elections': [
    ['2026-GB', d('2026-05-13 00:00:01'), d('2026-06-10 23:59:59'), d('2026-05-27 23:59:59'),
      ['CoralineAda', 'MoralCode', 'Toriasdesign', 'adeyinkaoresanya', 'cdolfi', 'divya-mohan0209', 'harmonyelendu', 'peculiaruc'], 245],
  ],
  'chaoss+community@2e945b1/elections': [
    ['TEST-ELECTION', d('2026-03-09 00:00:01'), d('2026-03-13 00:00:02'), d('2026-03-07 23:59:59'), ['aliok', 'elizabethn', 'emmairwin'], 5],
  ],
  'dapr+community/elections': [
    ['2023-STC', d('2023-11-13 00:00:01'), d('2023-11-27 23:59:59'), d('2023-11-25 23:59:59'),
      ['berndverst', 'cvictory', 'daxiang0', 'halspang', 'jackzhao', 'johnewart', 'msfussell', 'olitomlinson', 'paulyuk', 'yaron2'], 104],
    ['2025-STC', d('2025-11-17 00:00:01'), d('2025-12-02 23:59:59'), d('2025-11-30 23:59:59'),
      ['cyb3rward0g', 'daixiang0', 'halspang', 'msfussell', 'olitomlinson', 'paulyuk', 'whitwaldo', 'yaron2'], 62],
  ],
  'dapr+community@938d27a/elections': [
    // exceptions_due (the docs spelling), no election_desc.md.
    ['2023-STC-Mock', d('2023-11-10 00:00:01'), d('2023-11-11 17:00:01'), d('2023-11-11 14:00:01'), ['johnewart', 'pedrononexistent'], 3],
    ['2023-STC-Mock2', d('2023-11-11 00:00:01'), d('2023-11-13 17:00:01'), d('2023-11-13 14:00:01'), ['johnewart', 'pedrononexistent'], 3],
  ],
  'elekto-io+elekto.meta.test/elections': [
    ['2021---GB', d('2023-08-01 00:00:01'), d('2023-08-22 23:59:00'), d('2023-08-13 10:00:00'), ['aaron', 'dims', 'paris'], 8],
    ['2021---TOC', d('2023-03-14 00:00:01'), d('2023-08-04 23:59:00'), d('2023-10-31 10:00:00'), ['jberkus', 'lachie83'], 8],
    // show_candidate_fields: null, exceptions_due.
    ['name_the_app', d('2023-08-02 00:00:00'), d('2023-08-28 23:59:00'), d('2023-08-19 23:59:00'), ['delectus', 'e6n', 'elekto', 'notcivs', 'ribemont'], 5],
  ],
  // Non-padded day: 2021-01-8.
  'elekto-io+elekto.meta.test@1496e13/elections': [
    ['2021-GB-copy', d('2021-01-08 00:00:01'), d('2021-01-13 23:59:00'), d('2021-01-13 10:00:00'), ['aaron', 'dims', 'paris'], 7],
  ],
  'elekto-io+elekto.meta.test@5cd8667/elections': [
    ['2021-GB-copy-2', d('2021-01-08 00:00:01'), d('2021-01-13 23:59:00'), d('2021-01-13 10:00:00'), ['aaron', 'dims', 'paris'], 7],
  ],
  'elekto-io+elekto.meta.test@8963514/elections': [
    ['2021-GB', d('2021-01-11 00:00:01'), d('2021-01-13 23:59:00'), d('2021-01-13 10:00:00'), ['aaron', 'dims', 'paris'], 7],
  ],
  // 2020 and 2021 have candidates but no election.yaml; two candidate files are CRLF.
  'istio+community/steering/elections': [
    ['2022', d('2022-10-03 00:00:01'), d('2022-10-16 11:59:59'), d('2022-10-13 11:59:59'), ['ceposta', 'craigbox', 'hzxuzhonghu', 'irisdingbj', 'kfaseela', 'zackbutcher'], 156],
    ['2023', d('2023-07-31 00:00:01'), d('2023-08-13 11:59:59'), d('2023-07-30 11:59:59'),
      ['ZackButcher', 'craigbox', 'irisdingbj', 'kebe7jun', 'keithmattix', 'kfaseela', 'linsun', 'therealmitchconnors'], 201],
    ['2025', d('2025-03-03 00:00:01'), d('2025-03-16 11:59:59'), d('2025-03-02 11:59:59'), ['kfaseela', 'pnambiarsf', 'rcernich', 'wilsonwu'], 112],
    ['2026', d('2026-03-09 00:00:01'), d('2026-03-20 23:59:59'), d('2026-03-06 23:59:59'), ['craigbox', 'hzxuzhonghu', 'kfaseela', 'tjons', 'wilsonwu'], 76],
  ],
  // *-SC-EU and 2020/* have no election.yaml; 2024-SC has no election_desc.md; 2025-SC lists a voter twice.
  'knative+community/elections': [
    ['2021-SC', d('2021-11-10 00:00:01'), d('2021-11-29 23:59:00'), d('2021-11-19 23:59:00'),
      ['csantanapr', 'itsmurugappan', 'lball', 'omerbensaadon', 'sebgoa', 'xtreme-sameer-vohra'], 94],
    ['2021-TOC', d('2021-04-27 00:00:01'), d('2021-05-11 23:59:00'), d('2021-05-08 10:00:00'), ['dprotaso', 'evankanderson', 'julz', 'n3wscott'], 106],
    ['2022-SC', d('2022-11-10 00:00:01'), d('2022-11-30 23:59:59'), d('2022-11-28 23:59:59'), ['aslom', 'nainaz', 'salaboy', 'smoser-ibm'], 76],
    ['2022-TOC', d('2022-05-13 00:00:01'), d('2022-05-27 23:59:00'), d('2022-05-24 23:59:00'),
      ['dprotaso', 'dsimansk', 'n3wscott', 'psschwei', 'salaboy', 'skonto', 'zroubalik'], 80],
    ['2023-SC', d('2023-11-03 00:00:01'), d('2023-11-30 23:59:59'), d('2023-11-28 23:59:59'), ['aliok', 'evankanderson'], 82],
    ['2023-TOC', d('2023-05-13 00:00:01'), d('2023-05-27 23:59:00'), d('2023-05-24 23:59:00'), ['davidhadas', 'kvmware'], 58],
    ['2024-SC', d('2024-12-12 00:00:01'), d('2024-12-20 23:59:00'), d('2024-12-17 23:59:00'), ['dprotaso', 'matzew'], 70],
    ['2025-SC', d('2025-12-05 00:00:01'), d('2025-12-05 00:00:02'), d('2025-12-09 23:59:59'), ['aliok', 'evankanderson'], 40],
  ],
  // Looks like Elekto but has no election.yaml: nothing is an election.
  'kubeedge+community/committee-technical-steering': [],
};

// The only problem the real repositories above produce.
const EXPECTED_PROBLEMS = [{ root: 'knative+community/elections', path: '2025-SC/voters.yaml', level: 'warning', line: 15 }];

describe.skipIf(!existsSync(REAL))('real meta repositories', () => {
  it.each(Object.entries(ROOTS))('%s', async (root, expected) => {
    const { tree, problems: readProblems } = await readMetaDir(path.join(REAL, root));
    const result = parseMetaTree(tree);
    expect(readProblems).toEqual([]);
    expect(result.brokenElections).toEqual([]);
    expect(result.elections.map((e) => [e.key, e.start.toISOString(), e.end.toISOString(), e.exceptionDue.toISOString(), e.candidates.map((c) => c.id), e.voters.length])).toEqual(expected);
    expect(result.problems.map((p) => ({ root, path: p.path, level: p.level, line: p.line }))).toEqual(EXPECTED_PROBLEMS.filter((p) => p.root === root));
  });

  it('reads the fields officers see', async () => {
    const istio = parseMetaTree((await readMetaDir(path.join(REAL, 'istio+community/steering/elections'))).tree);
    const e2022 = istio.elections.find((e) => e.key === '2022');
    expect(e2022).toMatchObject({ name: '2022 Steering Committee Election', organization: 'Istio', noWinners: 4, allowNoOpinion: true, deleteAfter: true });
    expect(e2022?.showCandidateFields).toEqual(['employer', 'slack', 'twitter']);
    expect(e2022?.officers).toEqual(['rvennam', 'cetezadi']);
    // A CRLF candidate file.
    expect(e2022?.candidates.find((c) => c.id === 'hzxuzhonghu')).toMatchObject({ name: 'Zhonghu Xu', info: { employer: 'Huawei', slack: 'hzxuzhonghu', twitter: '' } });
    const elekto = parseMetaTree((await readMetaDir(path.join(REAL, 'elekto-io+elekto.meta.test/elections'))).tree);
    const app = elekto.elections.find((e) => e.key === 'name_the_app');
    expect(app).toMatchObject({ showCandidateFields: [], deleteAfter: false, hasResults: true, hasDescription: true });
    expect(app?.officers).toContain('007vedant');
    const toc = elekto.elections.find((e) => e.key === '2021---TOC');
    expect(toc?.candidates[0]?.bio).not.toContain('<!--');
  });
});

// Real files that were merged while broken. Each is laid over the repository it came from, so the
// rest of that repository must still load around it.
const NEGATIVE_ROOTS: Record<string, string> = {
  'chaoss+community': 'elections',
  'dapr+community': 'elections',
  'istio+community': 'steering/elections',
  'knative+community': 'elections',
};

interface NegativeOutcome {
  election: string;
  broken: boolean;
  errors: { path: string; line?: number }[];
  warningPaths: string[];
  candidates?: number;
  voters?: number;
}

const NEGATIVE: Record<string, NegativeOutcome> = {
  // A tab used as indentation under info: the candidate is left out, the election stays.
  'chaoss+community/9c4e6c5/elections/2026-GB/candidate-CoralineAda.md': {
    election: '2026-GB', broken: false, errors: [{ path: '2026-GB/candidate-CoralineAda.md', line: 7 }], warningPaths: [], candidates: 7, voters: 245,
  },
  // An unquoted "Handle: x" inside a value: the election is set aside, the other one still loads.
  'dapr+community/6970775/elections/2023-STC/election.yaml': {
    election: '2023-STC', broken: true, errors: [{ path: '2023-STC/election.yaml', line: 14 }], warningPaths: [],
  },
  // `ID: @cvictory` (a reserved character): that candidate is left out.
  'dapr+community/e79a3e6/elections/2023-STC/candidate-cvictory.md': {
    election: '2023-STC', broken: false, errors: [{ path: '2023-STC/candidate-cvictory.md', line: 3 }], warningPaths: [], candidates: 9, voters: 104,
  },
  // A bare top-level list: loads, with a warning.
  'istio+community/cfce1f4/steering/elections/2026/voters.yaml': {
    election: '2026', broken: false, errors: [], warningPaths: ['2026/voters.yaml'], candidates: 5, voters: 76,
  },
  // `eligible_voters:` with nothing under it: loads with no voters, with a warning.
  'knative+community/38d578a/elections/2021-TOC/voters.yaml': {
    election: '2021-TOC', broken: false, errors: [], warningPaths: ['2021-TOC/voters.yaml'], candidates: 4, voters: 0,
  },
};

describe.skipIf(!existsSync(path.join(REAL, 'negative')))('real files merged while broken', () => {
  it.each(Object.entries(NEGATIVE))('%s', async (file, outcome) => {
    const [repo = '', commit = ''] = file.split('/');
    const rootPath = NEGATIVE_ROOTS[repo] ?? '';
    const prefix = `${repo}/${commit}/${rootPath}/`;
    expect(file.startsWith(prefix)).toBe(true);
    const relative = file.slice(prefix.length);
    const { tree } = await readMetaDir(path.join(REAL, repo, rootPath));
    const overlaid = new Map<string, MetaFile>(tree);
    overlaid.set(relative, new Uint8Array(readFileSync(path.join(REAL, 'negative', file))));

    const result = parseMetaTree(overlaid);
    const election = result.elections.find((e) => e.key === outcome.election);
    expect(result.brokenElections.map((b) => b.key)).toEqual(outcome.broken ? [outcome.election] : []);
    expect(election === undefined).toBe(outcome.broken);
    if (election) expect([election.candidates.length, election.voters.length]).toEqual([outcome.candidates, outcome.voters]);
    const problems = result.problems.filter((p) => p.electionKey === outcome.election);
    expect(problems.filter((p) => p.level === 'error').map((p) => ({ path: p.path, line: p.line }))).toEqual(outcome.errors);
    expect(problems.filter((p) => p.level === 'warning').map((p) => p.path)).toEqual(outcome.warningPaths);
    // The rest of the repository is untouched.
    const clean = parseMetaTree(tree);
    expect(result.elections.filter((e) => e.key !== outcome.election).map((e) => e.key)).toEqual(
      clean.elections.filter((e) => e.key !== outcome.election).map((e) => e.key),
    );
  });

  it('parses the negative folder on its own without throwing', async () => {
    // Alone, only the broken election.yaml forms an election directory, and it is set aside.
    const result = parseMetaTree((await readMetaDir(path.join(REAL, 'negative'))).tree);
    expect(result.elections).toEqual([]);
    expect(result.brokenElections).toEqual([{ key: 'dapr+community---6970775---elections---2023-STC', path: 'dapr+community/6970775/elections/2023-STC' }]);
    expect(result.problems.filter((p) => p.level === 'error').map((p) => p.path)).toEqual(['dapr+community/6970775/elections/2023-STC/election.yaml']);
  });
});
