import { TallyInputError } from '../errors.js';
import { parseBlt } from './blt.js';
import { parseElektoCsv } from './elekto-csv.js';
import { parseJsonElection } from './json-election.js';
import type { ParsedElection } from './parsed-election.js';

export const ELECTION_FILE_EXTENSIONS = ['.json', '.csv', '.blt'] as const;

/** Parses an election file, choosing the format by the name's extension. */
export function parseElectionFile(fileName: string, text: string): ParsedElection {
  const ext = /\.[^./\\]+$/.exec(fileName)?.[0].toLowerCase();
  if (ext === '.json') return parseJsonElection(text);
  if (ext === '.csv') return parseElektoCsv(text);
  if (ext === '.blt') return parseBlt(text);
  throw new TallyInputError(`cannot tell the format of '${fileName}': expected a name ending in ${ELECTION_FILE_EXTENSIONS.join(', ')}`);
}
