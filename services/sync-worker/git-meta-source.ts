// The meta repository through git. The checkout follows the remote branch head exactly (force
// pushes included: never a pull or merge), and files are read from git's object store at that
// commit, so what is parsed is exactly what the commit holds: no stray or untracked files, no
// symbolic link followed outside the repository, and blob ids that name their content.
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { readBlobs } from './git-cat-file.js';
import type { MetaSource, MetaTreeEntry } from './meta-source.js';

export interface GitMetaSourceOptions {
  /** Clone URL or local path. Null: use the checkout as it is, with no remote (a repository made in place). */
  repo: string | null;
  branch: string;
  checkoutPath: string;
  /** The elections root inside the repository ('' for the repository root). */
  electionDir: string;
  /** A git command that stalls this long is killed: a hung fetch must not hold the sync queue forever. */
  timeoutMs?: number;
}

// `user@host:path` (scp-like) or `scheme://...`: a remote, cloned shallow. A local path is cloned
// in full, since git ignores --depth for local clones anyway.
const REMOTE_URL = /^[a-z][a-z0-9+.-]*:\/\/|^[^/\\]+@[^/\\]+:/i;
// Branch names reach git as arguments: refuse anything that could read as an option or a range.
const SAFE_BRANCH = /^(?!-)(?!.*\.\.)[^\s:~^?*[\\]+$/;

// simple-git drops or refuses environment variables that make git run commands. Ours come from
// the operator, who may need a few to reach a private repository (a deploy key through
// GIT_SSH_COMMAND, a CA bundle, a token passed as GIT_CONFIG_KEY_n/VALUE_n); those pass, the
// rest (editors, pagers, other GIT_*) are dropped.
const GUARDED = /^(GIT_.*|EDITOR|VISUAL|PAGER|PREFIX|SSH_ASKPASS)$/i;
const OPERATOR_GIT_ENV = /^(GIT_SSH_COMMAND|GIT_SSH|GIT_ASKPASS|SSH_ASKPASS|GIT_SSL_CAINFO|GIT_SSL_CAPATH|GIT_CONFIG_GLOBAL|GIT_CONFIG_NOSYSTEM|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+)$/i;
const TRUSTED_ENV = { allowUnsafeSshCommand: true, allowUnsafeAskPass: true, allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true };

function gitEnvironment(extra: Record<string, string>): { env: NodeJS.ProcessEnv; allow: string[] } {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !GUARDED.test(k) || OPERATOR_GIT_ENV.test(k)));
  Object.assign(env, extra);
  return { env, allow: Object.keys(env).filter((k) => GUARDED.test(k)) };
}

export interface GitMetaSource extends MetaSource {
  /** Resolves once the working tree shows the last head returned by update(). */
  worktreeSettled(): Promise<void>;
}

export function createGitMetaSource(options: GitMetaSourceOptions): GitMetaSource {
  const { branch, checkoutPath, electionDir } = options;
  if (!SAFE_BRANCH.test(branch)) throw new Error(`META_BRANCH "${branch}" is not a usable branch name`);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const repo = options.repo && !REMOTE_URL.test(options.repo) && !isAbsolute(options.repo) ? resolve(options.repo) : options.repo;
  const shallow = repo !== null && REMOTE_URL.test(repo) ? ['--depth=1'] : [];
  // The ceiling stops git from climbing to an enclosing repository (say, the app's own checkout)
  // when META_PATH is not a repository yet: every command must act on the meta checkout or fail.
  const { env, allow } = gitEnvironment({ GIT_TERMINAL_PROMPT: '0', GIT_CEILING_DIRECTORIES: dirname(resolve(checkoutPath)) });
  const git = (baseDir = checkoutPath): SimpleGit =>
    simpleGit({ baseDir, timeout: { block: timeoutMs }, unsafe: TRUSTED_ENV, allowEnvironment: allow }).env(env);
  const isCheckout = () => existsSync(join(checkoutPath, '.git'));
  let originChecked = false;
  let worktree: Promise<void> = Promise.resolve();

  async function ensureClone(url: string): Promise<void> {
    if (isCheckout()) return;
    const entries = await readdir(checkoutPath).catch(() => null);
    if (entries && entries.length > 0) {
      throw new Error(`META_PATH ${checkoutPath} exists and is not a git checkout; empty it or choose another path`);
    }
    await mkdir(dirname(resolve(checkoutPath)), { recursive: true });
    // --no-checkout: the files are written in the background (see below), not on the first sync's path.
    await git(dirname(resolve(checkoutPath))).clone(url, checkoutPath, ['--no-tags', '--single-branch', '--no-checkout', '--branch', branch, ...shallow]);
  }

  async function followRemote(url: string): Promise<string> {
    await worktree; // one git writer at a time
    await ensureClone(url);
    const g = git();
    if (!originChecked) {
      // Once per process: META_REPO may have changed since the checkout was cloned.
      const origin = await g.raw(['remote', 'get-url', 'origin']).then((s) => s.trim(), () => null);
      if (origin === null) await g.raw(['remote', 'add', 'origin', url]);
      else if (origin !== url) await g.raw(['remote', 'set-url', 'origin', url]);
      originChecked = true;
    }
    // '+' accepts a rewritten history; the explicit refspec also covers a changed META_BRANCH.
    await g.raw(['fetch', '--no-tags', ...shallow, 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
    const remoteRef = `refs/remotes/origin/${branch}^{commit}`;
    // One process for both (this runs on every sync); HEAD is missing only in an odd checkout.
    const [head, current] = await g.raw(['rev-parse', remoteRef, 'HEAD^{commit}']).then(
      (out) => out.trim().split('\n'),
      async () => [(await g.raw(['rev-parse', '--verify', remoteRef])).trim(), ''],
    );
    if (!head) throw new Error(`could not resolve origin/${branch} after fetching`);
    // No index yet: cloned without a checkout (or interrupted before one).
    if (current !== head || !existsSync(join(checkoutPath, '.git', 'index'))) {
      // The equivalent of `reset --hard origin/<branch>` that also switches branch when META_BRANCH
      // changed. Sync reads git objects at `head`, so the working tree (for people and `urna meta
      // check`) is brought up to date in the background, off the sync's critical path; if that
      // fails, HEAD still differs and the next update tries again.
      worktree = g.raw(['checkout', '--force', '-B', branch, head]).then(() => undefined, () => undefined);
    }
    return head;
  }

  return {
    async update() {
      if (repo) return followRemote(repo);
      if (!isCheckout()) throw new Error(`META_REPO is not set and META_PATH ${checkoutPath} is not a git repository`);
      return (await git().raw(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
    },

    async list(commit) {
      const treeish = electionDir ? `${commit}:${electionDir}` : `${commit}^{tree}`;
      try {
        return parseLsTree(await git().raw(['ls-tree', '-r', '-z', '-l', treeish]));
      } catch (err) {
        // The path is missing at this commit, or is a file: there is no elections root.
        if (/not a valid object name|not a tree object/i.test(err instanceof Error ? err.message : String(err))) return null;
        throw err;
      }
    },

    read: (ids) => readBlobs(checkoutPath, ids, { env, timeoutMs }),

    worktreeSettled: () => worktree,
  };
}

/** `ls-tree -r -z -l` lines: `<mode> <type> <id> <size>\t<path>`. */
export function parseLsTree(output: string): MetaTreeEntry[] {
  const entries: MetaTreeEntry[] = [];
  for (const record of output.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, , id, size] = record.slice(0, tab).split(/\s+/);
    if (!mode || !id) continue;
    const kind = mode === '120000' ? 'symlink' : mode === '160000' ? 'submodule' : 'file';
    entries.push({ path: record.slice(tab + 1), id, kind, size: Number(size) || 0 });
  }
  return entries;
}
