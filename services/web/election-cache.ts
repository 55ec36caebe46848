import type { Repositories } from '../../shared/db/repositories/index.js';
import type { Candidate, Election } from '../../shared/domain/election/election.js';

/**
 * Elections and their candidates, read through a short-lived per-process cache. Only sync
 * writes them, and a second's delay before a page shows a new version is harmless; what must be
 * exact is re-read fresh where it matters (a vote re-checks the election row before it is
 * written). Concurrent misses share one query. `ttlMs: 0` turns the cache off.
 */
export class ElectionCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(private readonly repos: Pick<Repositories, 'elections'>, private readonly ttlMs = 1000) {}

  byKey(key: string): Promise<Election | null> {
    return this.cached(`key:${key}`, () => this.repos.elections.findByKey(key));
  }

  list(): Promise<Election[]> {
    return this.cached('list', () => this.repos.elections.list());
  }

  candidates(electionId: string): Promise<Candidate[]> {
    return this.cached(`candidates:${electionId}`, () => this.repos.elections.listCandidates(electionId));
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = load();
    if (this.ttlMs > 0) {
      if (this.entries.size > 5000) this.entries.clear();
      this.entries.set(key, { at: now, value });
      value.catch(() => this.entries.delete(key));
    }
    return value;
  }
}
