import { readCandidateInfo } from './candidate-info.js';
import { splitCandidateFile } from './candidate-header.js';
import { parseLooseYaml, type LooseMap } from './loose-yaml.js';
import type { ProblemSink } from './problems.js';
import { isLooseMap, looksLikeLogin, readText } from './scalars.js';
import type { ParsedCandidate } from './types.js';

// IDs copied from a template instead of the candidate's own login.
const PLACEHOLDER_ID = /^(?:your[-_ ]?(?:github[-_ ]?)?|github[-_ ]?)(?:id|handle|login|user(?:name)?|name)$/i;

/**
 * R15-R19: one candidate file. Returns undefined (with an error) when it cannot be used: no
 * header, header YAML that does not parse, or no usable ID. The caller leaves it out (R4).
 */
export function parseCandidate(text: string, file: string, showFields: readonly string[], sink: ProblemSink): ParsedCandidate | undefined {
  const split = splitCandidateFile(text);
  if (!split.ok) {
    sink.error(file, split.reason, split.line);
    return undefined;
  }
  if (split.hasLeadingText) sink.warning(file, 'text before the candidate header is ignored');
  const toFileLine = (headerLine: number | undefined): number | undefined =>
    headerLine === undefined ? undefined : headerLine + split.headerFirstLine - 1;

  const yaml = parseLooseYaml(split.header);
  for (const w of yaml.warnings) sink.warning(file, w.message, toFileLine(w.line));
  if (yaml.value === undefined) {
    for (const e of yaml.errors) sink.error(file, `invalid candidate header: ${e.message}`, toFileLine(e.line));
    return undefined;
  }
  const header = yaml.value;
  if (!isLooseMap(header)) {
    sink.error(file, 'the candidate header must be "key: value" lines (name, ID, info)', split.headerFirstLine);
    return undefined;
  }

  const idKey = fieldKey(header, 'ID');
  const idLine = toFileLine(idKey === undefined ? undefined : header.keyLines.get(idKey));
  const rawId = idKey === undefined ? undefined : header.get(idKey);
  let id = typeof rawId === 'string' ? rawId.trim() : '';
  if (id.startsWith('@') && id.length > 1) {
    sink.warning(file, `ID "${id}": the leading "@" was removed`, idLine);
    id = id.slice(1).trim();
  }
  if (id === '') {
    sink.error(file, rawId === undefined || rawId === null || rawId === '' ? 'the candidate header has no ID (the GitHub login)' : 'the candidate ID must be text', idLine ?? split.headerFirstLine);
    return undefined;
  }
  if (PLACEHOLDER_ID.test(id)) sink.warning(file, `ID "${id}" looks like a template placeholder, not a GitHub login`, idLine);
  else if (!looksLikeLogin(id)) sink.warning(file, `ID "${id}" does not look like a GitHub login`, idLine);

  const nameKey = fieldKey(header, 'name');
  const name = nameKey === undefined ? '' : readText(header.get(nameKey) ?? null) ?? '';
  if (name === '') sink.warning(file, `the candidate has no name; showing the ID "${id}"`, idLine);

  const infoKey = fieldKey(header, 'info');
  const infoLine = toFileLine(infoKey === undefined ? undefined : header.keyLines.get(infoKey));
  const info = readCandidateInfo(infoKey === undefined ? undefined : header.get(infoKey), showFields, (message) =>
    sink.warning(file, message, infoLine),
  );

  return { id, name: name || id, file, info, bio: split.bio };
}

/** R19: the data spells `ID`, `name`, `info`; `id`, `Name`, `Info` and friends are accepted too. */
function fieldKey(header: LooseMap, canonical: string): string | undefined {
  if (header.has(canonical)) return canonical;
  const lower = canonical.toLowerCase();
  return [...header.keys()].find((k) => k.trim().toLowerCase() === lower);
}
