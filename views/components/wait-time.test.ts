import { describe, expect, it } from 'vitest';
import { lockoutMessage, triesLeftMessage, waitDuration, waitSentence } from './wait-time.js';

describe('wait wording', () => {
  it('rounds the wait up, in seconds under a minute and minutes above', () => {
    expect(waitDuration(1)).toBe('1 second');
    expect(waitDuration(44_200)).toBe('45 seconds');
    expect(waitDuration(59_500)).toBe('1 minute');
    expect(waitDuration(60_001)).toBe('2 minutes');
    expect(waitDuration(3_600_000)).toBe('60 minutes');
  });

  it('says until when, in UTC', () => {
    expect(waitSentence(120_000, new Date('2030-01-01T12:00:00Z'))).toBe('Wait 2 minutes before trying again (until 2030-01-01 12:02 UTC).');
    // Never earlier than the end: 12:00:10 plus a minute is 12:01:10, so "until 12:02".
    expect(waitSentence(60_000, new Date('2030-01-01T12:00:10Z'))).toBe('Wait 1 minute before trying again (until 2030-01-01 12:02 UTC).');
    expect(waitSentence(45_000, new Date('2030-01-01T12:00:15Z'))).toBe('Wait 45 seconds before trying again (until 2030-01-01 12:01 UTC).');
  });

  it('gives one lockout message and counts the tries left', () => {
    expect(lockoutMessage(60_000, new Date('2030-01-01T12:00:00Z'))).toBe(
      'Too many wrong passphrases in a row: to protect your ballot, it cannot be viewed or revoked for now. Wait 1 minute before trying again (until 2030-01-01 12:01 UTC).');
    expect(triesLeftMessage(1, 60_000)).toBe('You have one more try; after that, viewing and revoking this ballot are locked for 1 minute.');
    expect(triesLeftMessage(4, 60_000)).toBe('You have 4 more tries; after that, viewing and revoking this ballot are locked for 1 minute.');
  });
});
