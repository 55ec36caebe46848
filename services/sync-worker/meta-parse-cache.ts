// Parses an elections root incrementally. YAML parsing dominates a sync (a 1,000-login
// voters.yaml takes milliseconds), so an election directory whose files have the same git blob
// ids as last time keeps its previous parse; only changed directories are read and parsed.
// The result equals parseMetaTree over the whole tree (a property test checks this).
import { createHash } from 'node:crypto';
import {
  electionKeyOf,
  MAX_META_FILE_BYTES,
  parseMetaTree,
  sortProblems,
  type BrokenElection,
  type MetaFile,
  type MetaParseResult,
  type MetaProblem,
  type ParsedElection,
} from '../../shared/domain/meta/index.js';
import type { MetaTreeEntry } from './meta-source.js';

const ELECTION_FILE = 'election.yaml';
// Stands in for an unchanged election's election.yaml: discovery, nesting and key clashes only
// depend on where election.yaml files are, so the changed elections parse exactly as in a full parse.
const PLACEHOLDER: MetaFile = { unreadable: 'unchanged since the last parse' };

interface ElectionGroup {
  key: string;
  dirs: string[];
  signature: string;
}

interface GroupParse {
  signature: string;
  elections: ParsedElection[];
  broken: BrokenElection[];
  problems: MetaProblem[];
}

export type BlobReader = (ids: string[]) => Promise<Map<string, Uint8Array>>;

export interface CachedParse extends MetaParseResult {
  /** How many election keys were parsed this time (the others came from the cache). */
  parsedKeys: number;
}

export class MetaParseCache {
  private groups = new Map<string, GroupParse>();

  async parse(entries: readonly MetaTreeEntry[], read: BlobReader): Promise<CachedParse> {
    const readerProblems: MetaProblem[] = [];
    const byDir = new Map<string, Map<string, MetaTreeEntry>>();
    for (const entry of entries) {
      if (entry.kind === 'submodule') {
        readerProblems.push({ path: entry.path, level: 'warning', message: 'a git submodule is not followed' });
        continue;
      }
      const slash = entry.path.lastIndexOf('/');
      const dir = slash < 0 ? '' : entry.path.slice(0, slash);
      let files = byDir.get(dir);
      if (!files) byDir.set(dir, (files = new Map()));
      files.set(entry.path.slice(slash + 1), entry);
    }

    const groups = electionGroups(byDir);
    const changed = groups.filter((g) => this.groups.get(g.key)?.signature !== g.signature);
    const changedDirs = new Set(changed.flatMap((g) => g.dirs));
    const wanted = [...changedDirs].flatMap((dir) => [...byDir.get(dir)!.values()].filter(isReadable).map((e) => e.id));
    const blobs = await read(wanted);

    const tree = new Map<string, MetaFile>();
    if (byDir.get('')?.has(ELECTION_FILE)) tree.set(ELECTION_FILE, PLACEHOLDER);
    for (const group of groups) {
      for (const dir of group.dirs) {
        if (!changedDirs.has(dir)) {
          tree.set(`${dir}/${ELECTION_FILE}`, PLACEHOLDER);
          continue;
        }
        for (const [name, entry] of byDir.get(dir)!) tree.set(`${dir}/${name}`, toMetaFile(entry, blobs));
      }
    }
    const partial = parseMetaTree(tree);

    const next = new Map<string, GroupParse>();
    for (const group of groups) {
      const cached = this.groups.get(group.key);
      if (cached && cached.signature === group.signature) {
        next.set(group.key, cached);
        continue;
      }
      next.set(group.key, {
        signature: group.signature,
        elections: partial.elections.filter((e) => e.key === group.key),
        broken: partial.brokenElections.filter((b) => b.key === group.key),
        problems: partial.problems.filter((p) => p.electionKey === group.key),
      });
    }
    this.groups = next;

    const parsed = [...next.values()];
    const keys = new Set(groups.map((g) => g.key));
    const rootProblems = partial.problems.filter((p) => p.electionKey === undefined || !keys.has(p.electionKey));
    return {
      elections: parsed.flatMap((g) => g.elections),
      brokenElections: parsed.flatMap((g) => g.broken),
      problems: sortProblems([...rootProblems, ...parsed.flatMap((g) => g.problems), ...readerProblems]),
      parsedKeys: changed.length,
    };
  }
}

/** Election directories grouped by key (two directories may share one: a key clash), sorted by key. */
function electionGroups(byDir: Map<string, Map<string, MetaTreeEntry>>): ElectionGroup[] {
  const paths = [...byDir.keys()].filter((dir) => dir !== '' && byDir.get(dir)!.has(ELECTION_FILE)).sort();
  const byKey = new Map<string, string[]>();
  for (const path of paths) {
    const key = electionKeyOf(path);
    byKey.set(key, [...(byKey.get(key) ?? []), path]);
  }
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, dirs]) => {
    const hash = createHash('sha256');
    for (const dir of dirs) {
      // An election nested in another one gets a warning naming its parent.
      const ancestors = paths.filter((p) => dir.startsWith(`${p}/`));
      const files = [...byDir.get(dir)!.values()]
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((e) => [e.path, e.kind, e.id, e.size > MAX_META_FILE_BYTES]);
      hash.update(JSON.stringify([dir, ancestors, files]));
    }
    return { key, dirs, signature: hash.digest('hex') };
  });
}

function isReadable(entry: MetaTreeEntry): boolean {
  return entry.kind === 'file' && entry.size <= MAX_META_FILE_BYTES;
}

function toMetaFile(entry: MetaTreeEntry, blobs: Map<string, Uint8Array>): MetaFile {
  if (entry.kind === 'symlink') return { unreadable: 'symbolic links are not followed' };
  if (entry.size > MAX_META_FILE_BYTES) return { unreadable: `file is larger than ${MAX_META_FILE_BYTES / (1024 * 1024)} MiB` };
  return blobs.get(entry.id) ?? { unreadable: 'missing from the git object store' };
}
