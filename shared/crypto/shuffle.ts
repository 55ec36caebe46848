import { randomInt } from 'node:crypto';

/**
 * A uniformly shuffled copy (Fisher–Yates over a cryptographic source): where an order must tell
 * nothing (candidates on a ballot page, opened ballots stored at the count), it must not be predictable.
 */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
