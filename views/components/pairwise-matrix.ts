import { html, type Html } from '../../shared/web/html.js';
import type { PairTable } from '../../shared/domain/condorcet/index.js';

/**
 * Heat-map class of one cell: how clearly the row candidate beats (win-1..4) or loses to
 * (loss-1..4) the column candidate, by the row's share of the voters who compared the two.
 */
export function heatClass(forRow: number, forColumn: number): string {
  const compared = forRow + forColumn;
  if (compared === 0) return 'pw-none';
  if (forRow === forColumn) return 'pw-tie';
  const strength = Math.min(4, Math.max(1, Math.ceil((Math.abs(forRow - forColumn) / compared) * 4)));
  return forRow > forColumn ? `pw-win-${strength}` : `pw-loss-${strength}`;
}

/** What a cell means, in words, for screen readers. */
function outcomeText(a: string, b: string, forA: number, forB: number): string {
  if (forA + forB === 0) return `no voter compared ${a} and ${b}`;
  if (forA === forB) return `${a} and ${b} tie, ${forA} to ${forB}`;
  return forA > forB ? `${a} beats ${b}, ${forA} to ${forB}` : `${a} loses to ${b}, ${forA} to ${forB}`;
}

/**
 * The pairwise matrix as a table. Every number is printed; colour (and bold for a win) only
 * repeats what the numbers say, and each cell also states the outcome for screen readers.
 */
export function pairwiseMatrix(pairwise: PairTable, order: readonly string[], names: ReadonlyMap<string, string>): Html {
  const name = (k: string) => names.get(k) ?? k;
  return html`<p class="hint" id="pairwise-legend">Each cell is the number of voters who ranked the row's candidate above the column's.
Green (and bold) cells are pairs the row candidate wins, darker by a wider margin; red cells are pairs it loses; grey cells are ties.</p>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="pairwise-caption">
<table class="pairwise" aria-describedby="pairwise-legend">
<caption id="pairwise-caption">Head-to-head counts, row candidate over column candidate</caption>
<thead><tr><td></td>${order.map((c) => html`<th scope="col">${name(c)}</th>`)}</tr></thead>
<tbody>
${order.map((row) => html`<tr><th scope="row">${name(row)}</th>${order.map((col) => {
    if (row === col) return html`<td class="pw-self"><span class="visually-hidden">${name(row)} against itself</span>—</td>`;
    const forRow = pairwise[row]?.[col] ?? 0;
    const forCol = pairwise[col]?.[row] ?? 0;
    return html`<td class="${heatClass(forRow, forCol)}">${forRow}<span class="visually-hidden"> (${outcomeText(name(row), name(col), forRow, forCol)})</span></td>`;
  })}</tr>`)}
</tbody>
</table>
</div>`;
}
