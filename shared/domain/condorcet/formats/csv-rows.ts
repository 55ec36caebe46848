import { TallyInputError } from '../errors.js';

export interface CsvRow {
  readonly cells: string[];
  /** 1-based line where the row starts. */
  readonly line: number;
}

/**
 * RFC 4180 rows: quoted cells with "" escapes and line breaks inside, CRLF or LF, a leading
 * BOM. Blank lines are skipped (a trailing newline is not an empty ballot).
 */
export function parseCsvRows(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const s = text.replace(/^\uFEFF/, '');
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const startLine = line;
    const cells: string[] = [];
    let blank = true;
    for (;;) {
      let cell = '';
      if (s[i] === '"') {
        blank = false;
        i++;
        for (;;) {
          if (i >= s.length) throw new TallyInputError(`line ${startLine}: unterminated quoted cell`);
          const ch = s[i];
          if (ch === '"') {
            if (s[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          if (s[i] !== ' ' && s[i] !== '\t') throw new TallyInputError(`line ${line}: text after a closing quote`);
          i++;
        }
      } else {
        const start = i;
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') i++;
        cell = s.slice(start, i);
        if (cell !== '') blank = false;
      }
      cells.push(cell);
      if (s[i] === ',') {
        blank = false;
        i++;
        continue;
      }
      if (s[i] === '\r') i++;
      if (s[i] === '\n') i++;
      line++;
      break;
    }
    if (!blank) rows.push({ cells, line: startLine });
  }
  return rows;
}

/** Quotes a cell only when it needs it. */
export function csvCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
