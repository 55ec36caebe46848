import { describe, expect, it } from 'vitest';
import { csvCell, parseCsvRows } from './csv-rows.js';

describe('parseCsvRows', () => {
  it('reads quoted cells, "" escapes, line breaks in quotes, CRLF, a BOM, and skips blank lines', () => {
    const text = '\uFEFFid,"Smith, J","say ""hi"""\r\n1,"two\nlines",3\r\n\r\n4,5,6';
    expect(parseCsvRows(text)).toEqual([
      { cells: ['id', 'Smith, J', 'say "hi"'], line: 1 },
      { cells: ['1', 'two\nlines', '3'], line: 2 },
      { cells: ['4', '5', '6'], line: 5 },
    ]);
  });

  it('keeps empty cells', () => {
    expect(parseCsvRows(',a,\n')).toEqual([{ cells: ['', 'a', ''], line: 1 }]);
  });

  it('names the line of a broken quote', () => {
    expect(() => parseCsvRows('a,b\n"open,c\n')).toThrow('line 2: unterminated quoted cell');
    expect(() => parseCsvRows('"a"x,b')).toThrow('line 1: text after a closing quote');
  });

  it('quotes only cells that need it', () => {
    expect(['plain', 'a,b', 'say "x"', ' pad'].map(csvCell)).toEqual(['plain', '"a,b"', '"say ""x"""', '" pad"']);
  });
});
