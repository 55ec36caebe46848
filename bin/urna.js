#!/usr/bin/env node
// The `urna` command: runs the compiled CLI (built by `npm ci` / `npm run build`).
import { main } from '../dist/services/cli.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
);
