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
import { inThreadParser, type TreeParser } from './parse-pool.js';

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

/** Elections parsed (or taken from the cache) together; every problem carries one of their keys. */
export interface ParsedChunk {
  elections: ParsedElection[];
  brokenElections: BrokenElection[];
  problems: MetaProblem[];
}

/** Known before the first chunk: every election directory, and the problems of no single parse. */
export interface ParseContext {
  dirs: Array<{ key: string; path: string }>;
  /** Discovery problems (root election.yaml, key clashes) and reader problems (submodules), without a key. */
  rootProblems: MetaProblem[];
}

export interface CachedParse extends MetaParseResult {
  /** How many election keys were parsed this time (the others came from the cache). */
  parsedKeys: number;
}

export interface ParseOptions {
  /** Called with the cached elections, then after each parsed chunk, so writing can start before parsing ends. */
  onChunk?: (chunk: ParsedChunk, context: ParseContext) => void;
  /** Election keys parsed per chunk; between chunks the event loop runs (web requests, database replies). */
  chunkSize?: number;
  /** Where chunks are parsed (a ParsePool's workers); in this thread by default. */
  parser?: TreeParser;
  /** Chunks parsed at the same time (a pool's size). */
  parallel?: number;
}

export class MetaParseCache {
  private groups = new Map<string, GroupParse>();

  async parse(entries: readonly MetaTreeEntry[], read: BlobReader, options: ParseOptions = {}): Promise<CachedParse> {
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
    const keys = new Set(groups.map((g) => g.key));
    const changed = groups.filter((g) => this.groups.get(g.key)?.signature !== g.signature);
    const wanted = changed.flatMap((g) => g.dirs).flatMap((dir) => [...byDir.get(dir)!.values()].filter(isReadable).map((e) => e.id));
    const blobs = await read(wanted);

    // The tree to parse the given groups in full and every other election as a placeholder.
    const treeFor = (full: ReadonlySet<string>) => {
      const tree = new Map<string, MetaFile>();
      if (byDir.get('')?.has(ELECTION_FILE)) tree.set(ELECTION_FILE, PLACEHOLDER);
      for (const group of groups) {
        for (const dir of group.dirs) {
          if (!full.has(group.key)) tree.set(`${dir}/${ELECTION_FILE}`, PLACEHOLDER);
          else for (const [name, entry] of byDir.get(dir)!) tree.set(`${dir}/${name}`, toMetaFile(entry, blobs));
        }
      }
      return tree;
    };
    const skeleton = parseMetaTree(treeFor(new Set()));
    const context: ParseContext = {
      dirs: groups.flatMap((g) => g.dirs.map((path) => ({ key: g.key, path }))),
      rootProblems: [...skeleton.problems.filter((p) => p.electionKey === undefined || !keys.has(p.electionKey)), ...readerProblems],
    };

    const changedKeys = new Set(changed.map((g) => g.key));
    const next = new Map<string, GroupParse>();
    for (const g of groups) if (!changedKeys.has(g.key)) next.set(g.key, this.groups.get(g.key)!);
    options.onChunk?.(chunkOf([...next.values()]), context);

    const size = Math.max(1, options.chunkSize ?? 10);
    const parser = options.parser ?? inThreadParser;
    const chunks: ElectionGroup[][] = [];
    for (let start = 0; start < changed.length; start += size) chunks.push(changed.slice(start, start + size));
    // Each lane parses one chunk at a time: one lane in this thread, one per worker in a pool.
    const lane = async (): Promise<void> => {
      for (let part = chunks.shift(); part; part = chunks.shift()) {
        const partial = await parser(treeFor(new Set(part.map((g) => g.key))));
        const parsed = part.map((group): GroupParse => ({
          signature: group.signature,
          elections: partial.elections.filter((e) => e.key === group.key),
          broken: partial.brokenElections.filter((b) => b.key === group.key),
          problems: partial.problems.filter((p) => p.electionKey === group.key),
        }));
        parsed.forEach((result, i) => next.set(part[i]!.key, result));
        options.onChunk?.(chunkOf(parsed), context);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 1) }, lane));
    this.groups = new Map(groups.map((g) => [g.key, next.get(g.key)!]));

    const all = [...this.groups.values()];
    return {
      elections: all.flatMap((g) => g.elections),
      brokenElections: all.flatMap((g) => g.broken),
      problems: sortProblems([...context.rootProblems, ...all.flatMap((g) => g.problems)]),
      parsedKeys: changed.length,
    };
  }
}

function chunkOf(groups: GroupParse[]): ParsedChunk {
  return { elections: groups.flatMap((g) => g.elections), brokenElections: groups.flatMap((g) => g.broken), problems: groups.flatMap((g) => g.problems) };
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
