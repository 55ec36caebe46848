import type { Knex } from 'knex';

export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export type Check = () => Promise<void>;

function withTimeout(check: Check, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    check().then(
      () => { clearTimeout(timer); resolve(); },
      (err: unknown) => { clearTimeout(timer); reject(err); },
    );
  });
}

/** /readyz: every dependency this process needs answers (the database, and Redis when configured). */
export async function readiness(checks: Record<string, Check>, timeoutMs = 2000): Promise<ReadinessReport> {
  const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
    try {
      await withTimeout(check, timeoutMs);
      return [name, { ok: true }] as const;
    } catch (err) {
      return [name, { ok: false, error: err instanceof Error ? err.message : String(err) }] as const;
    }
  }));
  return { ok: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}

export function databaseCheck(db: Knex): Check {
  return async () => { await db.raw('select 1'); };
}
