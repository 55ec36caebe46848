import type { MetaFile, MetaTree } from './types.js';

export const ELECTION_FILE = 'election.yaml';

// The only files the parser reads inside an election directory (R3: everything else is ignored).
const READ_FILES = new Set([ELECTION_FILE, 'voters.yaml', 'election_desc.md', 'results.md']);
const CANDIDATE_NAME = /^candidate-.+\.md$/;

/** One election directory with its direct children by file name. */
export interface ElectionDir {
  path: string;
  key: string;
  files: Map<string, MetaFile>;
}

export interface Discovery {
  dirs: ElectionDir[];
  /** Elections nested inside another election directory (allowed, but the docs forbid it). */
  nested: { path: string; parent: string }[];
  /** Directories whose key another directory already took, e.g. `a/b` and `a---b`. */
  keyClashes: { path: string; other: string }[];
  hasRootElectionFile: boolean;
}

/** R2: the key Elekto builds and the database stores: the relative path with '/' turned into '---'. */
export function electionKeyOf(dirPath: string): string {
  return dirPath.split('/').join('---');
}

/**
 * Cleans a tree path: '/' separated, no leading './' or '/', no empty segments. Paths that climb
 * out of the root ('..') are dropped (undefined): the tree must describe only the root.
 */
export function normaliseTreePath(path: string): string | undefined {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

/**
 * R1: every directory below the root (any depth, root excluded) holding a file named exactly
 * `election.yaml` is an election; everything else is ignored. Sorted by key.
 */
export function discoverElections(tree: MetaTree): Discovery {
  const byDir = new Map<string, Map<string, MetaFile>>();
  for (const [rawPath, file] of tree) {
    const path = normaliseTreePath(rawPath);
    if (path === undefined) continue;
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    const name = path.slice(slash + 1);
    let files = byDir.get(dir);
    if (!files) byDir.set(dir, (files = new Map()));
    if (!files.has(name)) files.set(name, file);
  }

  const electionPaths = [...byDir.keys()].filter((dir) => dir !== '' && byDir.get(dir)?.has(ELECTION_FILE)).sort();
  const nested: Discovery['nested'] = [];
  const keyClashes: Discovery['keyClashes'] = [];
  const byKey = new Map<string, ElectionDir>();
  for (const path of electionPaths) {
    const parent = electionPaths.find((other) => path.startsWith(`${other}/`));
    if (parent !== undefined) nested.push({ path, parent });
    const key = electionKeyOf(path);
    const taken = byKey.get(key);
    if (taken) {
      keyClashes.push({ path, other: taken.path });
      continue;
    }
    byKey.set(key, { path, key, files: byDir.get(path) ?? new Map() });
  }
  const dirs = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { dirs, nested, keyClashes, hasRootElectionFile: byDir.get('')?.has(ELECTION_FILE) ?? false };
}

/**
 * The subset of `paths` whose content the parser reads, so a caller holding a large repository
 * (the git-backed sync worker) fetches only those blobs. A tree of just these paths parses to
 * the same result as the full tree.
 */
export function metaPathsToRead(paths: Iterable<string>): string[] {
  const all = [...paths];
  const electionDirs = new Set<string>();
  for (const raw of all) {
    const path = normaliseTreePath(raw);
    if (path?.endsWith(`/${ELECTION_FILE}`)) electionDirs.add(path.slice(0, -ELECTION_FILE.length - 1));
  }
  return all.filter((raw) => {
    const path = normaliseTreePath(raw);
    if (path === undefined) return false;
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    return slash > 0 && electionDirs.has(path.slice(0, slash)) && (READ_FILES.has(name) || CANDIDATE_NAME.test(name));
  });
}
