import { describe, expect, it } from 'vitest';
import { heatClass, pairwiseMatrix } from './pairwise-matrix.js';

describe('heatClass', () => {
  it.each([
    [0, 0, 'pw-none'], [3, 3, 'pw-tie'], [8, 0, 'pw-win-4'], [0, 8, 'pw-loss-4'],
    [51, 49, 'pw-win-1'], [49, 51, 'pw-loss-1'], [60, 40, 'pw-win-1'], [70, 30, 'pw-win-2'], [80, 20, 'pw-win-3'], [90, 10, 'pw-win-4'],
  ])('%i over %i → %s', (a, b, cls) => expect(heatClass(a, b)).toBe(cls));
});

describe('pairwiseMatrix', () => {
  const names = new Map([['a', 'Ann <script>'], ['b', 'Ben']]);
  const out = pairwiseMatrix({ a: { b: 7 }, b: { a: 4 } }, ['a', 'b'], names).toString();

  it('prints every number with the outcome in words, and escapes names', () => {
    expect(out).toContain('<td class="pw-win-2">7<span class="visually-hidden"> (Ann &lt;script&gt; beats Ben, 7 to 4)</span></td>');
    expect(out).toContain('<td class="pw-loss-2">4<span class="visually-hidden"> (Ben loses to Ann &lt;script&gt;, 4 to 7)</span></td>');
    expect(out).not.toContain('<script>');
  });

  it('has a caption, column and row headers, and a legend tied to the table', () => {
    expect(out).toContain('<caption id="pairwise-caption">');
    expect(out.match(/<th scope="col">/g)).toHaveLength(2);
    expect(out.match(/<th scope="row">/g)).toHaveLength(2);
    expect(out).toContain('aria-describedby="pairwise-legend"');
  });
});
