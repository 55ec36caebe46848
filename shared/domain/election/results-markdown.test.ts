import { describe, expect, it } from 'vitest';
import { tally, type Ballot } from '../condorcet/index.js';
import { renderMarkdown } from '../../markdown/render-markdown.js';
import { escapeMarkdown, resultsFilePath, resultsMarkdown } from './results-markdown.js';

const names = new Map([['a', 'Ann'], ['b', 'Ben'], ['c', 'Cy'], ['d', 'Dee']]);
const count = (ballots: Ballot[], winners: number, candidates = ['a', 'b', 'c', 'd']) => tally({ candidates, ballots }, { winners });

describe('resultsMarkdown', () => {
  it('writes the outcome, turnout, ranking, method and pairwise matrix of a single-seat count', () => {
    const result = count([{ ranking: [['a'], ['b']], count: 3 }, { ranking: [['b'], ['a']] }], 1, ['a', 'b']);
    expect(resultsMarkdown({ electionName: 'Board 2030', result, names, eligible: 5 })).toBe(`# Results: Board 2030

**Elected:** Ann

4 of 5 eligible voters cast a ballot (80 %).

## Ranking

| Place | Candidate | Outcome |
| ---: | --- | --- |
| 1 | Ann | elected |
| 2 | Ben |  |

## Method

Counted with Schulze (winning votes) for 1 seat. Candidates a voter left unranked were treated as "No opinion" (compared with no one).
Ann is the Condorcet winner: preferred to every other candidate head to head.

## Pairwise matrix

Each number is how many ballots ranked the row's candidate above the column's.

| Row over column | Ann | Ben |
| --- | ---: | ---: |
| **Ann** | — | 3 |
| **Ben** | 1 | — |
`);
  });

  it('names a tie at the cut in words and numbers tied places like competitions (1, 2, 2, 4)', () => {
    const result = count([{ ranking: [['a'], ['b', 'c'], ['d']], count: 3 }], 2);
    const md = resultsMarkdown({ electionName: 'Board', result, names, eligible: 3 });
    expect(md).toContain('**Elected (2 seats):** Ann\n');
    expect(md).toContain('**Tie at the cut:** Ben and Cy are tied for the last seat. The count cannot separate them;');
    expect(md).toContain('| 1 | Ann | elected |\n| 2 | Ben | tied for the last seat |\n| 2 | Cy | tied for the last seat |\n| 4 | Dee |  |');
    expect(md).toContain('3 of 3 eligible voters cast a ballot (100 %).');
    expect(md).toContain('Ann is the Condorcet winner');
  });

  it('lists every winner of a several-seat count, and a tie below the cut as a plain tie', () => {
    const result = count([{ ranking: [['c'], ['a'], ['b'], ['d']], count: 2 }, { ranking: [['a'], ['c'], ['b']] }], 3);
    const md = resultsMarkdown({ electionName: 'Board', result, names, eligible: 0 });
    expect(result.winners).toEqual(['c', 'a', 'b']);
    expect(md).toContain('**Elected (3 seats):** Cy, Ann and Ben\n');
    expect(md).not.toContain('Tie at the cut');
    expect(md).toContain('3 ballots were cast.');
    expect(md).toContain('Counted with Schulze (winning votes) for 3 seats.');
    expect(md).toContain('| 4 | Dee |  |');

    const tiedBelow = count([{ ranking: [['a'], ['b', 'c']] }], 1, ['a', 'b', 'c']);
    const tied = resultsMarkdown({ electionName: 'Board', result: tiedBelow, names, eligible: 1 });
    expect(tied).toContain('**Elected:** Ann\n');
    expect(tied).toContain('| 2 | Ben | tied |\n| 2 | Cy | tied |');
  });

  it('says plainly that no ballot was cast: no winner, no ranking, no matrix', () => {
    const result = count([], 1, ['a', 'b']);
    const md = resultsMarkdown({ electionName: 'Quiet Board', result, names, eligible: 4 });
    expect(md).toContain('No ballots were cast, so no candidate was elected.');
    expect(md).toContain('0 of 4 eligible voters cast a ballot (0 %).');
    expect(md).toContain('Candidates: Ann and Ben.');
    expect(md).not.toMatch(/Elected|Tie at the cut|## Ranking|## Pairwise/);
  });

  it('escapes Markdown and HTML in names, so they render as typed and the tables keep their columns', () => {
    const tricky = new Map([['a', '*Ann* [x](https://evil.example) <b>|</b> www.example.org ann@example.org'], ['b', 'B_e_n \\ `x` ~~y~~ &amp; #1']]);
    const result = count([{ ranking: [['a'], ['b']] }], 1, ['a', 'b']);
    const md = resultsMarkdown({ electionName: 'A <i>bold</i> | vote', result, names: tricky, eligible: 1 });
    const rendered = String(renderMarkdown(md));
    expect(rendered).not.toMatch(/<(em|a|b|i|del|code)\b/);
    const text = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const cells = [...rendered.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => text(m[1]));
    expect(cells).toContain('*Ann* [x](https://evil.example) <b>|</b> www.example.org ann@example.org');
    expect(cells).toContain('B_e_n \\ `x` ~~y~~ &amp; #1');
    expect(text(/<h2>([^<]*)<\/h2>/.exec(rendered)![1])).toBe('Results: A <i>bold</i> | vote');
    // Ranking rows have three cells each; matrix rows (after their <th>) two.
    expect([...rendered.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => (m[1].match(/<t[dh]\b/g) ?? []).length)).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it('keeps a name on one line', () => {
    expect(escapeMarkdown('  Ann\n\n# Not a heading  ')).toBe('Ann # Not a heading');
  });
});

describe('resultsFilePath', () => {
  it('is the election directory under ELECTION_DIR, as Elekto reads it', () => {
    expect(resultsFilePath('elections', 'archive/technical-oversight')).toBe('elections/archive/technical-oversight/results.md');
    expect(resultsFilePath('', '2021-TOC')).toBe('2021-TOC/results.md');
  });
});
