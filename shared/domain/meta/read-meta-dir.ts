// The IO edge of the meta parser: turns a directory (a checkout's elections root) into a MetaTree.
// Everything else in this folder is pure.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_META_FILE_BYTES, type MetaFile, type MetaProblem, type MetaTree } from './types.js';

export interface MetaDirReading {
  tree: MetaTree;
  /** Problems only the reader can see (directories it could not enter or did not follow). */
  problems: MetaProblem[];
}

/**
 * Reads `root` recursively. Skips `.git`; never follows symbolic links, so nothing outside the
 * root is read. Symlinked and oversized files stay in the tree as unreadable entries, so the
 * parser reports them only when they matter (an election.yaml, a candidate file...).
 * Throws only when `root` itself is not a readable directory.
 */
export async function readMetaDir(root: string): Promise<MetaDirReading> {
  const base = await realpath(root);
  if (!(await stat(base)).isDirectory()) throw new Error(`${root} is not a directory`);
  const tree = new Map<string, MetaFile>();
  const problems: MetaProblem[] = [];

  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      problems.push({ path: rel, level: 'warning', message: `directory could not be read: ${errorCode(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const full = join(dir, entry.name);
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isSymbolicLink()) {
        if (await isDirectoryTarget(full)) {
          problems.push({ path, level: 'warning', message: 'symbolic link to a directory is not followed' });
        } else {
          tree.set(path, { unreadable: 'symbolic links are not followed' });
        }
      } else if (entry.isDirectory()) {
        await walk(full, path);
      } else if (entry.isFile()) {
        tree.set(path, await readOne(full));
      }
    }
  };
  await walk(base, '');
  return { tree, problems };
}

async function readOne(full: string): Promise<MetaFile> {
  try {
    const { size } = await stat(full);
    if (size > MAX_META_FILE_BYTES) return { unreadable: `file is larger than ${MAX_META_FILE_BYTES / (1024 * 1024)} MiB` };
    return new Uint8Array(await readFile(full));
  } catch (err) {
    return { unreadable: `read failed: ${errorCode(err)}` };
  }
}

async function isDirectoryTarget(full: string): Promise<boolean> {
  try {
    return (await stat(full)).isDirectory();
  } catch {
    return false;
  }
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
}
