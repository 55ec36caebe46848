import { Readable } from 'node:stream';
import express, { type Request, type RequestHandler } from 'express';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { rejectNulBytes } from '../../services/web/middleware/reject-nul.js';
import { parseBallotForm } from '../../shared/domain/election/ballot-form.js';

// The ballot as the server reads it, end to end but without sockets: raw request bytes →
// express.urlencoded with the app's limits → the NUL guard → parseBallotForm. Whatever the bytes,
// the body parser answers a 4xx or an object, and the ballot parser never throws: it returns a
// ranking of known candidates, each once, or a non-empty list of errors. (The pure parser has
// its own property tests beside it; this covers what the HTTP layer hands it.)
// FUZZ_RUNS sets the number of cases (CI: 10,000).

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000) || 1000;
const CANDIDATES = ['alice', 'bob', 'carol', 'dan-the-man', '0'];
// The same body parser options as services/web/app.ts.
const urlencoded = express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 1000 });

function fakeRequest(body: Buffer, contentType: string): Request {
  const req = Readable.from(body.length ? [body] : []) as unknown as Request & { headers: Record<string, string> };
  req.headers = { 'content-type': contentType, 'content-length': String(body.length) };
  (req as unknown as { method: string }).method = 'POST';
  (req as unknown as { url: string; originalUrl: string }).url = '/app/elections/e/vote';
  (req as unknown as { originalUrl: string }).originalUrl = '/app/elections/e/vote';
  return req;
}

function run(handler: RequestHandler, req: Request): Promise<unknown> {
  return new Promise((resolve) => handler(req, {} as never, (err?: unknown) => resolve(err)));
}

const key = fc.oneof(
  fc.constantFrom(...CANDIDATES.map((c) => `candidate@${c}`), 'candidate@', 'candidate@__proto__', 'candidate@constructor', '__proto__', 'constructor',
    '_csrf', 'passphrase', 'passphrase_confirm', 'candidate@alice[]', 'candidate@alice[0]', 'candidate%40bob', 'candidate@ALICE'),
  fc.string({ maxLength: 12 }).map((s) => `candidate@${s}`),
  fc.string({ maxLength: 12 }),
);
const value = fc.oneof(
  fc.integer({ min: -3, max: 8 }).map(String),
  fc.constantFrom('none', '', ' 1 ', '01', '1e1', '0x1', '１', '1.0', '999999999999999999999', 'NaN', '\u0000', '%00', 'none ', 'NONE'),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
/** How a pair is written: properly encoded, raw, or with broken escapes. */
const encoding = fc.constantFrom('component', 'raw', 'plus', 'broken');
function encode(s: string, how: string): string {
  switch (how) {
    case 'raw': return s;
    case 'plus': return encodeURIComponent(s).replace(/%20/g, '+');
    case 'broken': return `${encodeURIComponent(s)}%${s.length % 2 ? 'zz' : '4'}`;
    default: return encodeURIComponent(s);
  }
}
const structured = fc.array(fc.tuple(key, value, encoding), { maxLength: 24 }).map((pairs) =>
  Buffer.from(pairs.map(([k, v, how]) => `${encode(k, how)}=${encode(v, how)}`).join('&'), 'utf8'));
/** A whole ballot (every candidate once, in any order), with noise mixed in: most of these should be accepted. */
const ballotLike = fc.tuple(
  fc.shuffledSubarray(CANDIDATES, { minLength: CANDIDATES.length, maxLength: CANDIDATES.length }),
  fc.array(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: CANDIDATES.length }).map(String) }, { weight: 1, arbitrary: value }), { minLength: CANDIDATES.length, maxLength: CANDIDATES.length }),
  fc.array(fc.tuple(key, value), { maxLength: 3 }),
).map(([order, values, noise]) => Buffer.from([
  ...order.map((c, i) => `${encodeURIComponent(`candidate@${c}`)}=${encodeURIComponent(values[i]!)}`),
  ...noise.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
].join('&'), 'utf8'));
const body = fc.oneof(
  { weight: 4, arbitrary: structured },
  { weight: 4, arbitrary: ballotLike },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.tuple(structured, fc.constantFrom('&', '=', '&&==', '%', '%C3%28', '%FF%FE')).map(([b, tail]) => Buffer.concat([b, Buffer.from(tail)])) },
);
const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=latin1', 'text/plain');

function check(ok: boolean, what: string, detail: unknown): void {
  if (!ok) throw new Error(`${what}: ${JSON.stringify(detail)}`);
}

describe('the ballot form as the server reads it', () => {
  it(`never fails other than with a 4xx, and never accepts an ill-formed ballot (${RUNS} cases)`, async () => {
    const seen = { accepted: 0, refused: 0, parserError: 0, nul: 0 };
    await fc.assert(fc.asyncProperty(body, contentType, fc.boolean(), async (raw, type, allowNoOpinion) => {
      const req = fakeRequest(raw, type);
      const parseError = (await run(urlencoded, req)) as { status?: number } | undefined;
      if (parseError) {
        check(typeof parseError.status === 'number' && parseError.status >= 400 && parseError.status < 500, 'body parser error is a 4xx', String(parseError));
        seen.parserError++;
        return;
      }
      const parsed = (req.body ?? {}) as Record<string, unknown>;
      const guard = (await run(rejectNulBytes, req)) as { status?: number } | undefined;
      const hasNul = Object.entries(parsed).flat(2).some((v) => typeof v === 'string' && v.includes('\u0000'));
      check(hasNul ? guard?.status === 400 : guard === undefined, 'NUL guard', { hasNul, guard: String(guard) });
      if (guard) {
        seen.nul++;
        return;
      }
      const result = parseBallotForm(parsed, { candidates: CANDIDATES, allowNoOpinion });
      if (!result.ok) {
        check(result.errors.length > 0, 'a refusal says why', result);
        seen.refused++;
        return;
      }
      const flat = result.ranking.flat();
      check(flat.length > 0 && new Set(flat).size === flat.length, 'each ranked candidate once, at least one', result);
      check(flat.every((k) => CANDIDATES.includes(k)), 'only known candidates', result);
      check(result.ranking.every((g) => g.length > 0), 'no empty groups', result);
      check(CANDIDATES.every((c) => Object.hasOwn(parsed, `candidate@${c}`)), 'every candidate was on the form', { parsed, result });
      if (!allowNoOpinion) check(flat.length === CANDIDATES.length, 'everyone ranked when No opinion is not allowed', result);
      check(({} as Record<string, unknown>).polluted === undefined && Object.prototype.toString.call({}) === '[object Object]', 'no prototype pollution', null);
      seen.accepted++;
    }), { numRuns: RUNS });
    // The cases reach every outcome, so the checks above were really exercised.
    for (const [outcome, n] of Object.entries(seen)) if (n < RUNS / 100) throw new Error(`too few cases ended ${outcome}: ${JSON.stringify(seen)}`);
    console.info(`[figures] ballot form over HTTP parsing, ${RUNS} cases: ${JSON.stringify(seen)}`);
  }, 300_000);
});
