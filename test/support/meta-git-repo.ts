import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

// A meta repository made for a test: a bare "remote" (what META_REPO points at), a working clone
// where the test writes files and pushes, and a path for the sync worker's own checkout.

export interface MetaGitRepo {
  /** The bare repository: use as META_REPO. */
  remote: string;
  /** Where the sync worker clones to (META_PATH); not created. */
  checkout: string;
  /** Writes files under the working clone (null deletes a file or directory). */
  write(files: Record<string, string | null>): void;
  /** Commits everything in the working clone and pushes; returns the new head. */
  commit(message: string): Promise<string>;
  /** Drops the last `count` commits locally (the next commit then needs `forcePush`). */
  rewind(count: number): Promise<void>;
  /** Commits and force-pushes: the remote branch's history is rewritten. */
  forcePush(message: string): Promise<string>;
  git: SimpleGit;
  cleanup(): void;
}

export async function createMetaGitRepo(branch = 'main'): Promise<MetaGitRepo> {
  const root = mkdtempSync(join(tmpdir(), 'urna-meta-'));
  const remote = join(root, 'remote.git');
  const work = join(root, 'work');
  mkdirSync(work);
  await simpleGit().raw(['init', '--bare', `--initial-branch=${branch}`, remote]);
  const git = simpleGit(work);
  await git.raw(['init', `--initial-branch=${branch}`]);
  await git.addConfig('user.name', 'Test Officer').addConfig('user.email', 'officer@example.test').addConfig('commit.gpgsign', 'false');
  await git.addRemote('origin', remote);

  const commit = async (message: string, force = false): Promise<string> => {
    await git.raw(['add', '-A']);
    await git.raw(['commit', '--allow-empty', '-q', '-m', message]);
    await git.raw(['push', ...(force ? ['--force'] : []), '-q', 'origin', `HEAD:refs/heads/${branch}`]);
    return (await git.revparse(['HEAD'])).trim();
  };

  return {
    remote,
    checkout: join(root, 'checkout'),
    git,
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        const full = join(work, path);
        if (content === null) rmSync(full, { recursive: true, force: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
        }
      }
    },
    commit: (message) => commit(message),
    async rewind(count) {
      await git.raw(['reset', '-q', '--hard', `HEAD~${count}`]);
    },
    forcePush: (message) => commit(message, true),
    // Retries: a git process left by a killed worker may still be writing into the checkout.
    cleanup: () => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
  };
}

/** A valid election.yaml; override any top-level line by key. */
export function electionYaml(fields: Record<string, string> = {}): string {
  const lines: Record<string, string> = {
    name: 'Steering Committee Election',
    organization: 'Example',
    start_datetime: '2030-05-01 00:00:00',
    end_datetime: '2030-05-14 23:59:59',
    no_winners: '2',
    allow_no_opinion: 'True',
    delete_after: 'False',
    show_candidate_fields: '\n  - employer',
    election_officers: '\n  - officer-one',
    eligibility: 'Contributors with 10 merged pull requests.',
    exception_description: 'Ask the officers.',
    exception_due: '2030-05-10 00:00:00',
    ...fields,
  };
  return Object.entries(lines).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
}

export function votersYaml(logins: string[]): string {
  return `eligible_voters:\n${logins.map((l) => `  - ${l}`).join('\n')}\n`;
}

export function candidateMd(id: string, name = id, bio = `Statement of ${name}.`): string {
  return `-------------\nname: ${name}\nID: ${id}\ninfo:\n  - employer: Example Corp\n-------------\n\n${bio}\n`;
}

/** The files of one election directory `dir` (relative to the repository root). */
export function electionFiles(dir: string, options: { name?: string; voters?: string[]; candidates?: string[] } = {}): Record<string, string> {
  const files: Record<string, string> = {
    [`${dir}/election.yaml`]: electionYaml(options.name ? { name: options.name } : {}),
    [`${dir}/voters.yaml`]: votersYaml(options.voters ?? ['alice', 'bob', 'carol']),
    [`${dir}/election_desc.md`]: '# An election\n',
  };
  for (const id of options.candidates ?? ['alice', 'bob']) files[`${dir}/candidate-${id}.md`] = candidateMd(id);
  return files;
}
