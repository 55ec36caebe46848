import compression from 'compression';
import type { RequestHandler } from 'express';

/**
 * gzip or brotli, whichever the browser asks for (brotli preferred), for pages, htmx fragments,
 * static files and downloads. Bodies under 1 KiB go out as they are: compressing them saves no
 * round trip and costs CPU. Off with COMPRESSION=off when a reverse proxy compresses instead.
 *
 * BREACH: pages carry the CSRF token beside reflected input (the `next` link holds the URL), so
 * the token goes out masked afresh on every response (middleware/csrf.ts) and its compressed
 * size tells an observer nothing.
 */
export function compressResponses(): RequestHandler {
  // brotli quality 4 (the library's default) costs about what gzip's level 6 does, for smaller bodies.
  return compression({ threshold: 1024 });
}
