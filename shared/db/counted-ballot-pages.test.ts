import { describe, expect, it } from 'vitest';
import { packCountedBallots, unpackCountedBallots } from './counted-ballot-pages.js';

describe('counted ballot pages', () => {
  const texts = Array.from({ length: 2_500 }, (_, i) => JSON.stringify([[`c${i % 7}`], [`d${i}`]]));

  it('keeps every ranking, at most 1,000 a page, and counts each page', () => {
    const pages = packCountedBallots(texts);
    expect(pages.map((p) => p.ballots)).toEqual([1000, 1000, 500]);
    const back = pages.flatMap((p) => unpackCountedBallots(p.rankings));
    expect(back.length).toBe(texts.length);
    expect([...back].sort()).toEqual([...texts].sort());
  });

  it('stores them in a shuffled order', () => {
    const back = packCountedBallots(texts).flatMap((p) => unpackCountedBallots(p.rankings));
    const inPlace = back.filter((t, i) => t === texts[i]).length;
    expect(inPlace).toBeLessThan(20); // a uniform shuffle leaves about one in place
  });

  it('closes a page before it grows past 256 KiB of long rankings', () => {
    const long = Array.from({ length: 600 }, (_, i) => JSON.stringify([[`${'x'.repeat(1_000)}${i}`]]));
    const pages = packCountedBallots(long);
    expect(pages.length).toBeGreaterThan(2);
    for (const p of pages) expect(p.rankings.length).toBeLessThanOrEqual(256 * 1024);
    expect(pages.reduce((n, p) => n + p.ballots, 0)).toBe(600);
  });

  it('writes a ranking spread over several lines on one line, so a page splits back exactly', () => {
    const pages = packCountedBallots(['[\n  ["alice"],\n  ["bob"]\n]', '[["carol"]]']);
    expect(unpackCountedBallots(pages[0]!.rankings).sort()).toEqual(['[["alice"],["bob"]]', '[["carol"]]']);
  });

  it('reads an empty page as no rankings', () => {
    expect(unpackCountedBallots('')).toEqual([]);
    expect(packCountedBallots([])).toEqual([]);
  });
});
