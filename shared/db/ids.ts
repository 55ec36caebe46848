import { randomToken } from '../crypto/random-token.js';

/** A random 128-bit id (22 url-safe characters). Random, never time-ordered: ballot ids must not leak when they were written. */
export function newId(): string {
  return randomToken(16);
}
