import { randomFillSync } from 'node:crypto';

// Every id, token and nonce needs a few random bytes, several per request. Fetching them from
// the CSPRNG one call at a time cost more than a tenth of an election page's CPU; one call fills
// a pool for hundreds of them instead, as Node's own randomUUID does. Each byte is handed out once.
const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `bytes` fresh random bytes from the CSPRNG, as base64url text. */
export function randomToken(bytes: number): string {
  if (bytes > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} bytes`);
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return token;
}
