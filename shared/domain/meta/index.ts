// Public API of the meta-repository parser. The parser is pure; readMetaDir is the only IO.
export type {
  BrokenElection,
  MetaFile,
  MetaParseResult,
  MetaProblem,
  MetaTree,
  ParsedCandidate,
  ParsedElection,
  UnreadableFile,
} from './types.js';
export { MAX_META_FILE_BYTES } from './types.js';
export { parseMetaTree } from './parse-meta-tree.js';
export { sortProblems } from './problems.js';
export { electionKeyOf, metaPathsToRead } from './discover.js';
export { parseMetaDatetime } from './datetime.js';
export { readMetaDir, type MetaDirReading } from './read-meta-dir.js';
