import { html, type Html } from '../../shared/web/html.js';
import type { Ranking } from '../../shared/db/repositories/votes.repository.js';

/**
 * A ranking in words: "1. Alice", "2. Bob and Carol (tied)", then the candidates left out as
 * "No opinion" (Elekto showed its internal number 100000000 here, #97).
 */
export function rankingSummary(ranking: Ranking, names: ReadonlyMap<string, string>): Html {
  const ranked = new Set(ranking.flat());
  const name = (k: string) => names.get(k) ?? k;
  // Names in alphabetical order inside a tie and in "No opinion": the same ballot always reads the same.
  const byName = (keys: string[]) => keys.map(name).sort((a, b) => a.localeCompare(b));
  const left = [...names.keys()].filter((k) => !ranked.has(k));
  return html`<ol class="ranking-summary" role="list">
${ranking.map((group, i) => html`<li><span class="rank-number" aria-hidden="true">${i + 1}</span><span class="visually-hidden">Rank ${i + 1}: </span><span>${listNames(byName(group))}${group.length > 1 ? html` <span class="muted">(tied)</span>` : ''}</span></li>`)}
</ol>
${left.length ? html`<p class="no-opinion-summary"><strong>No opinion:</strong> ${listNames(byName(left))}</p>` : ''}`;
}

function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
