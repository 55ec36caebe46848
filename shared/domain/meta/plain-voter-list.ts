/**
 * The shape nearly every real voters.yaml has: optional comments and `---`, one
 * `eligible_voters:` key, then one `- login` per line. Read line by line it costs a fraction of
 * a YAML parse (large elections list thousands of voters). Any other shape, or a value YAML might
 * read differently (quotes, `null`, `~`, `#` without a space, flow lists...), returns null and the
 * caller parses the file as YAML, so the result is always what the failsafe YAML load would give.
 */
export interface PlainVoterList {
  logins: string[];
  /** 1-based line of each login. */
  lines: number[];
  keyLine: number;
}

const KEY = /^eligible_voters:[ \t]*(?:#.*)?$/;
const ITEM = /^([ ]*)-[ ]+([A-Za-z0-9][A-Za-z0-9._-]*)(?:[ \t]+#.*)?[ \t]*$/;
const COMMENT_OR_BLANK = /^[ \t]*(?:#.*)?$/;
const NULL_WORDS = new Set(['null', 'Null', 'NULL']);

export function readPlainVoterList(text: string): PlainVoterList | null {
  if (text.includes('\r') || text.includes('\t-')) return null;
  const rows = text.split('\n');
  let keyLine = 0;
  let indent: string | null = null;
  const logins: string[] = [];
  const lines: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (COMMENT_OR_BLANK.test(row)) continue;
    if (keyLine === 0) {
      if (row === '---' && logins.length === 0) continue;
      if (!KEY.test(row)) return null;
      keyLine = i + 1;
      continue;
    }
    const m = ITEM.exec(row);
    if (!m || NULL_WORDS.has(m[2]!)) return null;
    if (indent === null) indent = m[1]!;
    else if (indent !== m[1]) return null;
    logins.push(m[2]!);
    lines.push(i + 1);
  }
  return keyLine && logins.length ? { logins, lines, keyLine } : null;
}
