import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetaTree } from './parse-meta-tree.js';
import { readMetaDir } from './read-meta-dir.js';

describe('readMetaDir', () => {
  let base: string;
  let root: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'urna-meta-'));
    root = join(base, 'elections');
    await mkdir(join(root, '2024', 'gb'), { recursive: true });
    await mkdir(join(root, '.git', 'objects'), { recursive: true });
    await mkdir(join(base, 'outside'), { recursive: true });
    await writeFile(join(base, 'outside', 'election.yaml'), 'name: outside\n');
    await writeFile(join(root, '.git', 'config'), '[core]\n');
    await writeFile(join(root, '2024', 'gb', 'election.yaml'), 'name: GB\nstart_datetime: 2024-01-01 00:00:00\nend_datetime: 2024-01-02 00:00:00\nno_winners: 1\n');
    await writeFile(join(root, '2024', 'gb', 'voters.yaml'), 'eligible_voters: [a]\n');
    await writeFile(join(root, '2024', 'gb', 'candidate-big.md'), Buffer.alloc(1024 * 1024 + 10, 'x'));
    await symlink(join(base, 'outside', 'election.yaml'), join(root, '2024', 'gb', 'candidate-link.md'));
    await symlink(join(base, 'outside'), join(root, 'linked-dir'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('reads files as bytes under /-separated relative paths, skipping .git', async () => {
    const { tree } = await readMetaDir(root);
    expect([...tree.keys()].sort()).toEqual(['2024/gb/candidate-big.md', '2024/gb/candidate-link.md', '2024/gb/election.yaml', '2024/gb/voters.yaml']);
    expect(tree.get('2024/gb/voters.yaml')).toBeInstanceOf(Uint8Array);
  });

  it('never follows symlinks and does not load oversized files; the parser reports them in context', async () => {
    const { tree, problems } = await readMetaDir(root);
    expect(tree.get('2024/gb/candidate-big.md')).toEqual({ unreadable: expect.stringMatching(/1 MiB/) });
    expect(tree.get('2024/gb/candidate-link.md')).toEqual({ unreadable: expect.stringMatching(/symbolic link/) });
    expect(problems).toMatchObject([{ path: 'linked-dir', level: 'warning' }]);
    const result = parseMetaTree(tree);
    expect(result.elections.map((e) => [e.key, e.candidates.length])).toEqual([['2024---gb', 0]]);
    expect(result.problems.filter((p) => p.level === 'error').map((p) => p.path)).toEqual(['2024/gb/candidate-big.md', '2024/gb/candidate-link.md']);
  });

  it('throws when the root is not a directory', async () => {
    await expect(readMetaDir(join(base, 'missing'))).rejects.toThrow();
    await expect(readMetaDir(join(base, 'outside', 'election.yaml'))).rejects.toThrow(/not a directory/);
  });
});
