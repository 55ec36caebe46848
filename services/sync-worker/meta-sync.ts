// One sync of the meta repository into SQL: follow the branch head, skip when it has not moved,
// parse what changed, and apply each election in its own transaction. The IO edges are ports
// (repositories, the meta source, the clock), so tests drive it with a real git repository and
// a scratch database, and the queue adapter stays a few lines.
import type { Repositories } from '../../shared/db/repositories/index.js';
import type { SyncProblem } from '../../shared/db/repositories/sync-runs.repository.js';
import type { Logger } from '../../shared/logging/logger.js';
import { emptyCounts, SyncApplier, type SyncCounts } from './apply-sync-plan.js';
import { MetaParseCache, type ParseContext } from './meta-parse-cache.js';
import type { MetaSource } from './meta-source.js';
import type { ParsePool } from './parse-pool.js';
import { attributeProblems, planArchives, planElections } from './sync-plan.js';

export interface MetaSyncPorts {
  repos: Pick<Repositories, 'db' | 'elections' | 'votes' | 'syncRuns'>;
  source: MetaSource;
  now: () => Date;
  logger: Logger;
  /** Elections written at the same time (each in its own transaction). SQLite writes one at a time anyway. */
  concurrency?: number;
  /** Parses in worker threads; in this thread (chunk by chunk) when absent. */
  parsePool?: Pick<ParsePool, 'parse' | 'size'>;
}

export interface SyncOutcome {
  runId: string;
  status: 'done' | 'skipped' | 'failed';
  commit: string;
  counts: SyncCounts;
  problems: SyncProblem[];
  /** Set when some elections could not be saved (status failed). */
  error: string | null;
}

export interface MetaSync {
  /** `force` re-reads the repository even when the head is the one last applied. Throws when the sync could not run. */
  run(trigger: string, options?: { force?: boolean }): Promise<SyncOutcome>;
}

/** The parse cache lives as long as the returned object: keep one per process. */
export function createMetaSync(ports: MetaSyncPorts): MetaSync {
  const { repos, source, now, logger } = ports;
  const cache = new MetaParseCache();
  let queue: Promise<unknown> = Promise.resolve();

  async function runOnce(trigger: string, force: boolean): Promise<SyncOutcome> {
    const started = Date.now();
    const runId = await repos.syncRuns.start(trigger, now());
    let commit: string | null = null;
    try {
      commit = await source.update();
      const last = force ? null : await repos.syncRuns.latestApplied();
      if (last?.status === 'done' && last.metaCommit === commit) {
        await repos.syncRuns.finish(runId, { status: 'skipped', metaCommit: commit, counts: emptyCounts() }, now());
        logger.debug({ trigger, commit }, 'meta sync skipped: the branch head has not moved');
        return { runId, status: 'skipped', commit, counts: emptyCounts(), problems: [], error: null };
      }

      const fetchedAt = Date.now();
      const entries = await source.list(commit);
      if (!entries) throw new Error(`the elections root (ELECTION_DIR) does not exist at commit ${commit}`);
      // Each parsed chunk is planned and handed to the applier at once: writing overlaps parsing.
      const stored = await repos.elections.fingerprints();
      const applier = new SyncApplier({ repos, now, concurrency: ports.concurrency ?? 1 });
      let dirs: ParseContext['dirs'] = [];
      const parse = await cache.parse(entries, (ids) => source.read(ids), {
        parser: ports.parsePool?.parse,
        parallel: ports.parsePool?.size,
        onChunk: (chunk, context) => {
          dirs = context.dirs;
          applier.add(planElections(chunk, attributeProblems([...chunk.problems, ...context.rootProblems], context.dirs), stored, commit!));
        },
      });
      const parsedAt = Date.now();
      applier.add(planArchives(new Set(dirs.map((d) => d.key)), stored));
      const applied = await applier.done(attributeProblems(parse.problems, dirs));

      const failedKeys = applied.failed;
      const status = failedKeys.length ? 'failed' : 'done';
      const error = failedKeys.length ? `${failedKeys.length} election(s) could not be saved: ${failedKeys.join(', ')}` : null;
      await repos.syncRuns.finish(runId, { status, metaCommit: commit, counts: applied.counts, problems: applied.problems, error }, now());
      const log = {
        trigger, commit, counts: applied.counts, problems: applied.problems.length, parsed: parse.parsedKeys,
        ms: Date.now() - started, fetchMs: fetchedAt - started, parseMs: parsedAt - fetchedAt,
      };
      if (error) logger.error({ ...log, error }, 'meta sync incomplete');
      else logger.info(log, 'meta sync done');
      return { runId, status, commit, counts: applied.counts, problems: applied.problems, error };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // The run row must not stay "running"; if even this fails, the original error is what matters.
      await repos.syncRuns.finish(runId, { status: 'failed', metaCommit: commit, error: message }, now())
        .catch((e: unknown) => logger.error({ err: e }, 'could not record the failed sync run'));
      throw err;
    }
  }

  return {
    run(trigger, options = {}) {
      // One sync at a time per process: the checkout and the parse cache are shared.
      const result = queue.then(() => runOnce(trigger, options.force ?? false));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
