import { html, type Html } from '../../shared/web/html.js';
import type { ElectionStatus } from '../../shared/domain/election/election.js';

export const STATUS_LABELS: Record<ElectionStatus, string> = { upcoming: 'Upcoming', open: 'Open for voting', closed: 'Closed' };

export function statusBadge(status: ElectionStatus): Html {
  return html`<span class="badge badge-${status}">${STATUS_LABELS[status]}</span>`;
}

/** "2030-01-02 15:04 UTC"; enhance.js adds the viewer's local time beside it. */
export function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function dateTime(d: Date): Html {
  return html`<time datetime="${d.toISOString()}" data-local-time>${formatUtc(d)}</time>`;
}

export function electionPath(key: string, suffix = ''): string {
  return `/app/elections/${encodeURIComponent(key)}${suffix}`;
}

export function candidatePath(electionKey: string, candidateKey: string): string {
  return electionPath(electionKey, `/candidates/${encodeURIComponent(candidateKey)}`);
}

/** "the single preferred candidate will win" / "the 3 preferred candidates will win". */
export function winnersText(noWinners: number): string {
  return noWinners === 1 ? 'The single most preferred candidate wins.' : `The ${noWinners} most preferred candidates win.`;
}
