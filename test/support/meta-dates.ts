/** A date as election.yaml writes it ("2030-05-01 00:00:00", UTC), `offsetMs` from now, to the second. */
export function metaDate(offsetMs: number): string {
  return new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

export const DAY = 86_400_000;
