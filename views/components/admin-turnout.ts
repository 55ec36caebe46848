import { html, type Html } from '../../shared/web/html.js';

/** "12 of 40 eligible voters have voted (30 %)" with a native progress bar (announced by screen readers). */
export function adminTurnout(voted: number, eligible: number): Html {
  const percent = eligible > 0 ? Math.min(100, Math.round((voted / eligible) * 100)) : 0;
  return html`<p class="turnout-figure"><strong>${voted}</strong> of <strong>${eligible}</strong> eligible ${eligible === 1 ? 'voter has' : 'voters have'} voted (${percent} %).</p>
<progress class="turnout-bar" max="${Math.max(eligible, voted, 1)}" value="${voted}" aria-label="Turnout">${percent} %</progress>
${voted > eligible ? html`<p class="hint">More votes than eligible voters: some voters were removed from voters.yaml after voting. Their ballots still count.</p>` : ''}`;
}
