/** Spearman's rank correlation of two equally long series (no ties expected; ties get their index order). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) throw new Error('spearman needs two series of the same length (at least 2)');
  const n = a.length;
  const ranks = (xs: readonly number[]) => {
    const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    const r = new Array<number>(n);
    order.forEach(([, i], rank) => { r[i] = rank; });
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/**
 * How well an attacker who sees transaction ids pairs vote rows with ballots: for each vote row,
 * the ballots written by the first transaction at or after the vote's are the suspects, and the
 * attacker picks one of them at random. Returns the expected share of correct pairings (1/n is
 * blind guessing among n ballots; 1 is a complete link).
 */
export function xidPairingSuccess(votes: ReadonlyArray<{ xid: bigint; ballotId: string }>, ballots: ReadonlyArray<{ id: string; xid: bigint }>): number {
  let success = 0;
  for (const v of votes) {
    const later = ballots.filter((b) => b.xid >= v.xid);
    if (later.length === 0) continue;
    const first = later.reduce((m, b) => (b.xid < m ? b.xid : m), later[0]!.xid);
    const suspects = later.filter((b) => b.xid === first);
    if (suspects.some((b) => b.id === v.ballotId)) success += 1 / suspects.length;
  }
  return success / votes.length;
}
