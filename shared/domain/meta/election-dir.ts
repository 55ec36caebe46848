import { parseCandidate } from './candidate-file.js';
import { ELECTION_FILE, type ElectionDir } from './discover.js';
import { parseElectionSettings } from './election-file.js';
import { decodeMetaFile } from './meta-text.js';
import type { ProblemSink } from './problems.js';
import type { MetaFile, ParsedCandidate, ParsedElection } from './types.js';
import { parseVoters } from './voters-file.js';

// R14: direct children named candidate-*.md; `.md` is required so candidate.png is never read.
const CANDIDATE_FILE = /^candidate-(.+)\.md$/;
const TEMPLATE_FILE = /^candidate-template\.md$/i;

/**
 * Builds one election from its directory (R3-R5, R14, R18). Returns undefined when the election
 * cannot be used (errors reported); the caller then lists it as broken.
 */
export function parseElectionDir(dir: ElectionDir, sink: ProblemSink): ParsedElection | undefined {
  const at = (name: string): string => `${dir.path}/${name}`;
  const readText = (name: string, unreadableIsError: boolean): string | undefined => {
    const file = dir.files.get(name);
    if (file === undefined) return undefined;
    const decoded = decodeMetaFile(file);
    if (!decoded.ok) {
      (unreadableIsError ? sink.error : sink.warning)(at(name), `could not be read: ${decoded.reason}`, decoded.line);
      return undefined;
    }
    if (decoded.lossy) sink.warning(at(name), 'is not valid UTF-8; unreadable bytes were replaced');
    return decoded.text;
  };

  const settingsText = readText(ELECTION_FILE, true);
  if (settingsText === undefined) return undefined;
  const settings = parseElectionSettings(settingsText, at(ELECTION_FILE), dir.key, sink);
  if (!settings) return undefined;

  // A voters.yaml that exists but cannot be read sets the whole election aside: reading it as
  // "no voters" would lock every voter out of a running election.
  let voters: string[] = [];
  if (dir.files.has('voters.yaml')) {
    const votersText = readText('voters.yaml', true);
    const parsed = votersText === undefined ? undefined : parseVoters(votersText, at('voters.yaml'), sink);
    if (parsed === undefined) return undefined;
    voters = parsed;
  } else {
    sink.warning(at('voters.yaml'), 'voters.yaml is missing: nobody is eligible to vote yet');
  }

  const description = readText('election_desc.md', false);
  const results = readText('results.md', false);
  return {
    key: dir.key,
    path: dir.path,
    ...settings,
    voters,
    candidates: readCandidates(dir, settings.showCandidateFields, sink),
    description: description ?? '',
    results: results ?? null,
    hasDescription: description !== undefined,
    hasResults: results !== undefined,
  };
}

function readCandidates(dir: ElectionDir, showFields: readonly string[], sink: ProblemSink): ParsedCandidate[] {
  const parsed: { candidate: ParsedCandidate; fileId: string }[] = [];
  for (const name of [...dir.files.keys()].sort()) {
    const match = CANDIDATE_FILE.exec(name);
    if (!match) continue;
    const file = `${dir.path}/${name}`;
    if (TEMPLATE_FILE.test(name)) {
      sink.warning(file, 'candidate-template.md is treated as a template, not a candidate');
      continue;
    }
    const candidate = readCandidateFile(dir.files.get(name) as MetaFile, file, showFields, sink);
    if (candidate) parsed.push({ candidate, fileId: match[1] ?? '' });
  }

  // R18: the header ID is the ballot key. A file name that differs is kept (with a warning); a
  // duplicate ID would merge two people's votes, so only one file may hold it: the one named
  // after the ID if there is one, else the first by file name.
  const byId = new Map<string, (typeof parsed)[number][]>();
  for (const entry of parsed) {
    const folded = entry.candidate.id.toLowerCase();
    byId.set(folded, [...(byId.get(folded) ?? []), entry]);
  }
  const kept: ParsedCandidate[] = [];
  for (const entry of parsed) {
    const group = byId.get(entry.candidate.id.toLowerCase()) ?? [entry];
    const keeper = group.find((e) => e.fileId.toLowerCase() === e.candidate.id.toLowerCase()) ?? group[0];
    if (keeper !== entry) {
      sink.error(entry.candidate.file, `duplicate candidate ID "${entry.candidate.id}" (${keeper?.candidate.file} keeps it); left out`);
      continue;
    }
    if (entry.fileId !== entry.candidate.id) {
      const how = entry.fileId.toLowerCase() === entry.candidate.id.toLowerCase() ? 'differs in case from' : 'does not match';
      sink.warning(entry.candidate.file, `the file name ${how} the header ID "${entry.candidate.id}"; the ID is used`);
    }
    kept.push(entry.candidate);
  }
  return kept;
}

function readCandidateFile(file: MetaFile, path: string, showFields: readonly string[], sink: ProblemSink): ParsedCandidate | undefined {
  const decoded = decodeMetaFile(file);
  if (!decoded.ok) {
    sink.error(path, `could not be read: ${decoded.reason}`, decoded.line);
    return undefined;
  }
  if (decoded.lossy) sink.warning(path, 'is not valid UTF-8; unreadable bytes were replaced');
  try {
    return parseCandidate(decoded.text, path, showFields, sink);
  } catch (err) {
    // R4: whatever goes wrong in one file stays in that file.
    sink.error(path, `could not be parsed: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
