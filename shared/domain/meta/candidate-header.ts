// R15: a candidate file is a YAML header between two rule lines, then a markdown bio. Real rules
// are 3 to 61 dashes long, the opening and closing lengths may differ, and the bio may contain its
// own `---` (horizontal rules, tables), so the header ends at the SECOND rule line, never the last.

export type CandidateSplit =
  | {
      ok: true;
      header: string;
      /** 1-based line number of the first line inside the header, to report YAML errors in file lines. */
      headerFirstLine: number;
      bio: string;
      /** Non-blank text before the opening rule, which is ignored. */
      hasLeadingText: boolean;
    }
  | { ok: false; reason: string; line?: number };

const RULE = /^-{3,}[ \t]*$/;

/** Splits decoded text ('\n' line ends, no BOM) into header and bio. */
export function splitCandidateFile(text: string): CandidateSplit {
  const lines = text.split('\n');
  const open = lines.findIndex((line) => RULE.test(line));
  if (open < 0) {
    return { ok: false, reason: 'no candidate header: expected a line of at least three dashes, the header, and another such line' };
  }
  let close = -1;
  for (let i = open + 1; i < lines.length; i += 1) {
    if (RULE.test(lines[i] ?? '')) {
      close = i;
      break;
    }
  }
  if (close < 0) return { ok: false, reason: 'the candidate header is not closed by a second line of dashes', line: open + 1 };
  return {
    ok: true,
    header: lines.slice(open + 1, close).join('\n'),
    headerFirstLine: open + 2,
    bio: cleanBio(lines.slice(close + 1).join('\n')),
    hasLeadingText: lines.slice(0, open).some((line) => line.trim() !== ''),
  };
}

/**
 * R21: officers leave template instructions in `<!-- -->` comments; they must not reach voters.
 * An unclosed comment runs to the end, as a CommonMark HTML block would.
 */
export function stripHtmlComments(markdown: string): string {
  return markdown.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
}

function cleanBio(markdown: string): string {
  // Only blank lines are dropped at the top: an indented first line is meaningful markdown.
  return stripHtmlComments(markdown).replace(/^(?:[ \t]*\n)+/, '').trimEnd();
}
