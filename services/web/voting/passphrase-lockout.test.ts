import { describe, expect, it } from 'vitest';
import { PassphraseLockout } from './passphrase-lockout.js';

describe('PassphraseLockout', () => {
  it('locks after the allowed failures, doubles, and clears on success', () => {
    let t = 0;
    const l = new PassphraseLockout({ afterFailures: 3, baseMs: 1000, now: () => t });
    l.recordFailure('k');
    l.recordFailure('k');
    expect(l.remainingMs('k')).toBe(0);
    l.recordFailure('k');
    expect(l.remainingMs('k')).toBe(1000);
    t = 1000;
    expect(l.remainingMs('k')).toBe(0);
    l.recordFailure('k');
    expect(l.remainingMs('k')).toBe(2000);
    expect(l.remainingMs('other')).toBe(0);
    l.recordSuccess('k');
    expect(l.remainingMs('k')).toBe(0);
  });

  it('caps the lockout', () => {
    const l = new PassphraseLockout({ afterFailures: 1, baseMs: 1000, maxMs: 5000, now: () => 0 });
    for (let i = 0; i < 20; i++) l.recordFailure('k');
    expect(l.remainingMs('k')).toBe(5000);
  });
});
