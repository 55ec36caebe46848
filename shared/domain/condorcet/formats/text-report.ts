import type { TallyResult } from '../types.js';

/** A tally result for a terminal: headline, ranking table, pairwise matrix, method details. */
export function formatTallyReport(result: TallyResult): string {
  const lines: string[] = [];
  const n = result.candidates.length;
  lines.push(
    `${result.method} · ${plural(result.ballots, 'ballot')} · ${plural(n, 'candidate')} · unranked candidates ${result.unranked === 'ignored' ? 'ignored (no opinion)' : 'ranked last'}`,
  );
  lines.push(winnerLine(result));
  if (result.tieAtCut) lines.push(`Tie at the cut for ${plural(result.seats ?? 0, 'seat')}: ${result.tieAtCut.join(', ')} (not elected until the tie is broken)`);
  lines.push('');

  // Competition numbering, as Elekto shows it: two tied second are both 2, the next is 4.
  const order = result.ranking.flat();
  const place = new Map<string, number>();
  let seen = 0;
  for (const group of result.ranking) {
    for (const c of group) place.set(c, seen + 1);
    seen += group.length;
  }
  const score = scoreColumn(result);
  const width = Math.max(9, ...order.map((c) => c.length));
  lines.push(`Rank  ${'Candidate'.padEnd(width)}${score ? `  ${score.title}` : ''}`);
  for (const c of order) {
    const tied = result.ranking.find((g) => g.includes(c))!.length > 1;
    const mark = result.winners.includes(c) ? '  elected' : result.tieAtCut?.includes(c) ? '  tie at cut' : '';
    const value = score ? `  ${String(score.values[c]).padStart(score.title.length)}` : '';
    lines.push(`${String(place.get(c)).padStart(4)}${tied ? '=' : ' '} ${c.padEnd(width)}${value}${mark}`);
  }

  lines.push('', 'Pairwise preferences (ballots preferring the row candidate to the column candidate):');
  const cell = Math.max(3, String(n).length + 1, ...Object.values(result.pairwise).flatMap((row) => Object.values(row).map((v) => String(v).length))) + 2;
  lines.push(`${' '.repeat(String(n).length + 2 + width)}${order.map((_, j) => String(j + 1).padStart(cell)).join('')}`);
  order.forEach((a, i) => {
    const row = order.map((b) => (a === b ? '–' : String(result.pairwise[a][b])).padStart(cell)).join('');
    lines.push(`${String(i + 1).padStart(String(n).length)}  ${a.padEnd(width)}${row}`);
  });

  lines.push(...details(result));
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

function winnerLine(result: TallyResult): string {
  const cw = result.condorcetWinner === null ? 'no Condorcet winner' : `Condorcet winner: ${result.condorcetWinner}`;
  if (result.winners.length === 0) return `No winner · ${cw}`;
  return `${result.winners.length > 1 ? 'Winners' : 'Winner'}: ${result.winners.join(', ')} · ${cw}`;
}

function scoreColumn(result: TallyResult): { title: string; values: Record<string, number> } | null {
  if (result.minimaxScores) return { title: 'worst defeat', values: result.minimaxScores };
  if (result.copelandScores) return { title: 'wins − losses', values: result.copelandScores };
  return null;
}

function details(result: TallyResult): string[] {
  const out: string[] = [];
  if (result.kemenyScore !== undefined) {
    out.push('', `Kemeny score ${result.kemenyScore}, reached by ${plural(result.kemenyOptimalRankings ?? 1, 'strict ranking')}.`);
  }
  if (result.irvRounds) {
    out.push('', 'Rounds:');
    result.irvRounds.forEach((round, i) => {
      const tallies = Object.entries(round.tallies).map(([c, v]) => `${c} ${Number.isInteger(v) ? v : v.toFixed(2)}`).join(', ');
      const tie = round.tiedLowest ? ` (lowest tied: ${round.tiedLowest.join(', ')}; decided pairwise)` : '';
      const outcome = round.elected ? `elected ${round.elected.join(', ')}` : round.eliminated ? `eliminated ${round.eliminated.join(', ')}${tie}` : 'all tied';
      out.push(`  ${i + 1}. ${tallies}${round.exhausted > 0 ? ` (exhausted ${round.exhausted})` : ''} → ${outcome}`);
    });
  }
  if (result.rankedPairs && result.rankedPairs.skipped.length > 0) {
    out.push('', `Pairs skipped because they would close a cycle: ${result.rankedPairs.skipped.map((p) => `${p.from} > ${p.to} (${p.strength})`).join(', ')}`);
  }
  if (result.smithSet.length > 1) out.push('', `Smith set: ${result.smithSet.join(', ')}`);
  return out;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
