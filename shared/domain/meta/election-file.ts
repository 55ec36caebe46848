import { DATETIME_HINT, parseMetaDatetime } from './datetime.js';
import { readYamlFile, type Loose, type LooseMap } from './loose-yaml.js';
import type { ProblemSink } from './problems.js';
import type { ParsedElection } from './types.js';
import { isLooseMap, readBool, readInt, readLoginList, readText } from './scalars.js';

/** The settings read from one election.yaml (R6-R10, R22): the election's own fields, before its files are added. */
export type ElectionSettings = Pick<ParsedElection, 'name' | 'organization' | 'start' | 'end' | 'exceptionDue' | 'noWinners' |
  'allowNoOpinion' | 'deleteAfter' | 'showCandidateFields' | 'officers' | 'eligibility' | 'exceptionDescription' | 'method'>;

// Elekto reads neither flag. No-opinion is always offered there, and deleting the voter-ballot
// link after the tally is the privacy-preserving choice, so both default to true.
const DEFAULT_ALLOW_NO_OPINION = true;
const DEFAULT_DELETE_AFTER = true;

/**
 * Reads election.yaml. Returns undefined (with errors reported) when the election cannot be used:
 * YAML syntax errors, not a mapping, missing or invalid start/end, `end < start`, or an unusable
 * `no_winners`. Everything else falls back to a default with a warning.
 */
export function parseElectionSettings(text: string, path: string, key: string, sink: ProblemSink): ElectionSettings | undefined {
  const doc = readYamlFile(text, path, sink);
  if (doc === undefined) return undefined;
  if (!isLooseMap(doc)) {
    sink.error(path, doc === null ? 'election.yaml is empty' : 'election.yaml must be a mapping of settings (key: value)');
    return undefined;
  }
  const lineOf = (field: string): number | undefined => doc.keyLines.get(field);

  const start = requiredDate(doc, 'start_datetime', path, sink);
  const end = requiredDate(doc, 'end_datetime', path, sink);
  // Judgement call on R22: `end < start` is an error that sets the election aside instead of a
  // warning. It is always a typo, an election with it can never open, and because the election is
  // reported as broken the sync worker keeps its last good dates instead of closing a live vote.
  if (start && end && end.getTime() < start.getTime()) {
    sink.error(path, 'end_datetime is before start_datetime', lineOf('end_datetime'));
  }
  const noWinners = readNoWinners(doc, path, sink);
  if (!start || !end || end.getTime() < start.getTime() || noWinners === undefined) return undefined;

  return {
    name: optionalText(doc, 'name', path, sink) || fallbackName(key, path, lineOf('name'), sink),
    organization: optionalText(doc, 'organization', path, sink),
    start,
    end,
    exceptionDue: readExceptionDue(doc, start, path, sink),
    noWinners,
    allowNoOpinion: optionalBool(doc, 'allow_no_opinion', DEFAULT_ALLOW_NO_OPINION, path, sink),
    deleteAfter: optionalBool(doc, 'delete_after', DEFAULT_DELETE_AFTER, path, sink),
    showCandidateFields: readShowFields(doc, path, sink),
    officers: readOfficers(doc, path, sink),
    eligibility: optionalText(doc, 'eligibility', path, sink),
    exceptionDescription: optionalText(doc, 'exception_description', path, sink),
    method: optionalText(doc, 'method', path, sink) || null,
  };
}

function requiredDate(doc: LooseMap, field: string, path: string, sink: ProblemSink): Date | undefined {
  if (!doc.has(field) || doc.get(field) === null) {
    sink.error(path, `${field} is missing: ${DATETIME_HINT}`);
    return undefined;
  }
  const parsed = parseMetaDatetime(doc.get(field));
  if (!parsed.ok) {
    sink.error(path, `${field}: ${parsed.reason}`, doc.keyLines.get(field));
    return undefined;
  }
  if (parsed.dateOnly) sink.warning(path, `${field} has no time of day; read as 00:00:00 UTC`, doc.keyLines.get(field));
  return parsed.date;
}

/** R7: `exception_due`, else the docs' spelling `exceptions_due`, else start (as Elekto). Never range-checked. */
function readExceptionDue(doc: LooseMap, start: Date, path: string, sink: ProblemSink): Date {
  const field = ['exception_due', 'exceptions_due'].find((f) => doc.get(f) !== undefined && doc.get(f) !== null);
  if (field === undefined) return start;
  const parsed = parseMetaDatetime(doc.get(field));
  if (parsed.ok) return parsed.date;
  sink.warning(path, `${field}: ${parsed.reason}; using start_datetime instead`, doc.keyLines.get(field));
  return start;
}

function readNoWinners(doc: LooseMap, path: string, sink: ProblemSink): number | undefined {
  const raw = doc.get('no_winners');
  if (raw === undefined || raw === null) {
    sink.warning(path, 'no_winners is missing; assuming 1 winner');
    return 1;
  }
  const n = readInt(raw);
  if (n === undefined || n < 1) {
    sink.error(path, 'no_winners must be a whole number of at least 1', doc.keyLines.get('no_winners'));
    return undefined;
  }
  return n;
}

function optionalBool(doc: LooseMap, field: string, fallback: boolean, path: string, sink: ProblemSink): boolean {
  const raw = doc.get(field);
  if (raw === undefined || raw === null) return fallback;
  const value = readBool(raw);
  if (value !== undefined) return value;
  sink.warning(path, `${field} should be True or False; using ${fallback ? 'True' : 'False'}`, doc.keyLines.get(field));
  return fallback;
}

function optionalText(doc: LooseMap, field: string, path: string, sink: ProblemSink): string {
  const raw = doc.get(field);
  if (raw === undefined) return '';
  const text = readText(raw);
  if (text !== undefined) return text;
  sink.warning(path, `${field} should be text; ignored`, doc.keyLines.get(field));
  return '';
}

function fallbackName(key: string, path: string, line: number | undefined, sink: ProblemSink): string {
  sink.warning(path, `name is missing; using "${key}"`, line);
  return key;
}

/** R9: missing, null, a list, `[null]` or a single word all become a list of non-empty names. */
function readShowFields(doc: LooseMap, path: string, sink: ProblemSink): string[] {
  const raw: Loose | undefined = doc.get('show_candidate_fields');
  const items: Loose[] = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const fields: string[] = [];
  for (const item of items) {
    if (item === null) continue;
    if (typeof item !== 'string') {
      sink.warning(path, 'show_candidate_fields entries should be field names; a nested value was ignored', doc.keyLines.get('show_candidate_fields'));
      continue;
    }
    const field = item.trim();
    if (field !== '' && !fields.includes(field)) fields.push(field);
  }
  return fields;
}

function readOfficers(doc: LooseMap, path: string, sink: ProblemSink): string[] {
  const raw = doc.get('election_officers');
  const line = doc.keyLines.get('election_officers');
  if (raw === undefined || raw === null) {
    sink.warning(path, 'election_officers is missing or empty: nobody can administer this election', line);
    return [];
  }
  if (isLooseMap(raw)) {
    sink.warning(path, 'election_officers should be a list of GitHub logins; ignored', line);
    return [];
  }
  const { logins, notes } = readLoginList(Array.isArray(raw) ? raw : [raw], 'officer');
  for (const note of notes) sink.warning(path, note.message, note.line ?? line);
  if (logins.length === 0) sink.warning(path, 'election_officers is empty: nobody can administer this election', line);
  return logins;
}
