import { describe, expect, it } from 'vitest';
import { AttemptKeys } from './attempt-keys.js';

const APP_KEY = 'an app key of at least thirty-two characters';

describe('AttemptKeys', () => {
  it('gives the same 64-hex key for the same parts and app key, in every process', () => {
    const key = new AttemptKeys(APP_KEY).of('lockout', 'user-id', 'election-id');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(new AttemptKeys(APP_KEY).of('lockout', 'user-id', 'election-id')).toBe(key);
  });

  it('depends on the app key and on where each part ends', () => {
    const keys = new AttemptKeys(APP_KEY);
    const key = keys.of('lockout', 'user-id', 'election-id');
    expect(new AttemptKeys(`${APP_KEY}!`).of('lockout', 'user-id', 'election-id')).not.toBe(key);
    // Where one part ends and the next begins matters.
    expect(keys.of('lockout', 'user-i', 'delection-id')).not.toBe(key);
    expect(keys.of('lockout', 'user-id:election-id')).not.toBe(key);
  });

  it('refuses to work without an app key', () => {
    expect(() => new AttemptKeys('')).toThrow(/APP_KEY/);
  });
});
