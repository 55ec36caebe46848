// Benchmarks measure what production runs: the compiled dist/ build (`npm run bench` builds it
// first), not the TypeScript sources through tsx, whose loader each worker thread would load too.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled module of a source path such as 'services/tally-worker/tally-election.processor'. */
export async function compiled<T>(sourcePath: string): Promise<T> {
  const url = new URL(`../../dist/${sourcePath}.js`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new Error(`${fileURLToPath(url)} is missing: run \`npm run build\` (npm run bench does)`);
  return (await import(url.href)) as T;
}
