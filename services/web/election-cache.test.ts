import { describe, expect, it, vi } from 'vitest';
import { ElectionCache } from './election-cache.js';

function fakeRepos() {
  return { elections: { findByKey: vi.fn(async (key: string) => ({ key }) as never), list: vi.fn(async () => []), listCandidates: vi.fn(async () => []) } };
}

describe('ElectionCache', () => {
  it('serves repeated and concurrent reads from one query within the TTL', async () => {
    const repos = fakeRepos();
    const cache = new ElectionCache(repos as never, 60_000);
    await Promise.all([cache.byKey('a'), cache.byKey('a'), cache.byKey('a')]);
    await cache.byKey('a');
    await cache.byKey('b');
    expect(repos.elections.findByKey).toHaveBeenCalledTimes(2);
  });

  it('reads again after the TTL, and never caches with TTL 0', async () => {
    vi.useFakeTimers();
    try {
      const repos = fakeRepos();
      const cache = new ElectionCache(repos as never, 1000);
      await cache.list();
      vi.advanceTimersByTime(1001);
      await cache.list();
      expect(repos.elections.list).toHaveBeenCalledTimes(2);
      const off = new ElectionCache(repos as never, 0);
      await off.candidates('x');
      await off.candidates('x');
      expect(repos.elections.listCandidates).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets a failed read', async () => {
    const repos = fakeRepos();
    repos.elections.findByKey.mockRejectedValueOnce(new Error('db down'));
    const cache = new ElectionCache(repos as never, 60_000);
    await expect(cache.byKey('a')).rejects.toThrow('db down');
    await expect(cache.byKey('a')).resolves.toEqual({ key: 'a' });
  });
});
