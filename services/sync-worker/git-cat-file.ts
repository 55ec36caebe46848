import { spawn } from 'node:child_process';

/**
 * Reads many blobs with one `git cat-file --batch` process. (One process per file would cost
 * seconds on a repository of a few thousand files.) Missing ids are left out of the result.
 */
export function readBlobs(
  cwd: string,
  ids: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Map<string, Uint8Array>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return Promise.resolve(new Map());
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => errors.push(c));
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`git cat-file failed (${signal ?? `exit ${code}`}): ${Buffer.concat(errors).toString().trim()}`));
        return;
      }
      try {
        resolvePromise(parseBatch(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
    child.stdin.on('error', () => {}); // an early exit surfaces through 'close'
    child.stdin.end(`${wanted.join('\n')}\n`);
  });
}

/** Output: for each id, `<id> <type> <size>\n<content>\n`, or `<id> missing\n`. */
function parseBatch(out: Buffer): Map<string, Uint8Array> {
  const blobs = new Map<string, Uint8Array>();
  let pos = 0;
  while (pos < out.length) {
    const eol = out.indexOf(0x0a, pos);
    if (eol < 0) throw new Error('git cat-file: truncated output');
    const [id, type, size] = out.subarray(pos, eol).toString('utf8').split(' ');
    pos = eol + 1;
    if (type === 'missing' || size === undefined || !id) continue;
    const length = Number(size);
    if (type === 'blob') blobs.set(id, new Uint8Array(out.subarray(pos, pos + length)));
    pos += length + 1;
  }
  return blobs;
}
