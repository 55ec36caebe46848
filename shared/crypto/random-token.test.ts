import { describe, expect, it } from 'vitest';
import { randomToken } from './random-token.js';

describe('randomToken', () => {
  it('gives the requested number of bytes as base64url', () => {
    for (const bytes of [1, 16, 24, 32, 100]) {
      const token = randomToken(bytes);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(bytes);
    }
  });

  it('never repeats across many pool refills, and uses every byte value evenly', () => {
    const seen = new Set<string>();
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 50_000; i++) {
      const token = randomToken(16);
      seen.add(token);
      for (const b of Buffer.from(token, 'base64url')) counts[b]!++;
    }
    expect(seen.size).toBe(50_000);
    // 800,000 bytes: each value expected 3,125 times (sd ≈ 56); a stuck or reused pool would skew this.
    expect(Math.min(...counts)).toBeGreaterThan(2800);
    expect(Math.max(...counts)).toBeLessThan(3450);
  });
});
