import { listWithLines, readYamlFile, type Loose } from './loose-yaml.js';
import { readPlainVoterList } from './plain-voter-list.js';
import type { ProblemSink } from './problems.js';
import { isLooseMap, readLoginList } from './scalars.js';

/**
 * R11-R13: reads voters.yaml into normalised logins. Accepts `{eligible_voters: [...]}`, a null
 * list, an empty file and a bare top-level list. Returns undefined (with an error) when the file
 * cannot be understood: an unreadable voter list must not silently become "nobody may vote".
 */
export function parseVoters(text: string, path: string, sink: ProblemSink): string[] | undefined {
  const plain = readPlainVoterList(text);
  if (plain) return normalise(listWithLines(plain.logins, plain.lines), plain.keyLine, path, sink);
  const doc = readYamlFile(text, path, sink);
  if (doc === undefined) return undefined;
  let list: Loose[];
  let line: number | undefined;
  if (doc === null) {
    list = [];
  } else if (Array.isArray(doc)) {
    sink.warning(path, 'voters.yaml is a bare list; Elekto expects it under "eligible_voters:" (accepted)');
    list = doc;
  } else if (isLooseMap(doc) && doc.has('eligible_voters')) {
    const raw = doc.get('eligible_voters') ?? null;
    line = doc.keyLines.get('eligible_voters');
    if (isLooseMap(raw)) {
      sink.error(path, 'eligible_voters must be a list of GitHub logins, not a mapping', line);
      return undefined;
    }
    list = raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  } else {
    sink.error(path, 'voters.yaml must hold "eligible_voters:" followed by a list of GitHub logins');
    return undefined;
  }
  return normalise(list, line, path, sink);
}

function normalise(list: Loose[], line: number | undefined, path: string, sink: ProblemSink): string[] {
  const { logins, notes } = readLoginList(list, 'voter');
  for (const note of notes) sink.warning(path, note.message, note.line ?? line);
  if (logins.length === 0) sink.warning(path, 'no eligible voters are listed', line);
  return logins;
}
