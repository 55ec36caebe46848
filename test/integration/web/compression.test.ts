import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tallyElectionProcessor } from '../../../services/tally-worker/tally-election.processor.js';
import { waitFor } from '../../support/wait-for.js';
import { csrfFrom, startTestWebApp, type TestWebApp } from '../../support/web-app.js';
import { castHandBallots } from '../tally/tally-test-kit.js';

// Transport: responses are compressed with gzip or brotli as the browser asks, tiny bodies are
// not, htmx fragments and downloads still arrive whole, and COMPRESSION=off leaves it to a proxy.
// Requests go out through node:http, which neither asks for nor decodes any encoding by itself.

interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    httpRequest(new URL(path, base), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

function decoded(res: RawResponse): string {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'gzip') return gunzipSync(res.body).toString('utf8');
  if (encoding === 'br') return brotliDecompressSync(res.body).toString('utf8');
  if (encoding === undefined) return res.body.toString('utf8');
  throw new Error(`unexpected Content-Encoding ${String(encoding)}`);
}

const sortedLines = (text: string) => text.split('\n').sort();

const hour = 3_600_000;
const CLOSED = '/app/elections/closed---2030/admin/';

describe('compression on (the default)', () => {
  let t: TestWebApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestWebApp();
    const now = Date.now();
    for (let i = 1; i <= 6; i++) {
      await t.seedElection({ key: `board${i}---2030`, path: `board${i}/2030`, name: `Technical Oversight Board ${i} 2030` });
    }
    const closed = await t.seedElection({
      key: 'closed---2030', path: 'closed/2030', name: 'Closed Board 2030', officers: ['officer1'],
      startAt: new Date(now - 48 * hour), endAt: new Date(now - hour), exceptionDueAt: new Date(now - 48 * hour),
    });
    // 330 ballots: the CSV is well past the 1 KiB threshold; the BLT, which counts equal ballots
    // once with a weight, stays under it.
    for (let i = 1; i <= 30; i++) await castHandBallots(t.kernel.repos, closed, `${closed.key}-${i}`);
    const officer = t.agent();
    await t.login(officer, 'officer1');
    const console = await officer.get(CLOSED);
    // The count the officer confirms (11 hand ballots per castHandBallots call).
    const counted = await officer.post(`${CLOSED}results`).type('form').send({ _csrf: csrfFrom(console.text), ballots: '330' });
    expect(counted.headers.location).toBe(`${CLOSED}#results`);
    t.kernel.processors.register('tally-election', tallyElectionProcessor(t.kernel));
    await t.kernel.queue.startWorkers(t.kernel.processors, ['tally']);
    await waitFor(async () => (await t.kernel.repos.tallyRuns.latestDone(closed.id)) ?? null);
    cookie = officer.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();
  });
  afterAll(async () => { await t?.close(); });

  it('sends pages as brotli when the browser offers it, gzip otherwise, and plain to a client that asks for neither', async () => {
    const plain = await rawGet(t.url, '/app');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const text = plain.body.toString('utf8');
    expect(text).toContain('Technical Oversight Board 6 2030');

    const br = await rawGet(t.url, '/app', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    expect(decoded(br)).toContain('Technical Oversight Board 6 2030');

    const gzip = await rawGet(t.url, '/app', { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.length).toBeLessThan(plain.body.length / 2);
    expect(decoded(gzip)).toContain('Technical Oversight Board 6 2030');
  });

  it('compresses the static files, which keep their long cache', async () => {
    const page = (await rawGet(t.url, '/app')).body.toString('utf8');
    const cssUrl = /href="(\/static\/app\.css\?v=[^"]+)"/.exec(page)![1];
    const plain = await rawGet(t.url, cssUrl);
    const gzip = await rawGet(t.url, cssUrl, { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(decoded(gzip)).toBe(plain.body.toString('utf8'));
  });

  it('compresses an htmx fragment, which still decodes to the fragment alone', async () => {
    const res = await rawGet(t.url, '/app', { 'Accept-Encoding': 'br', 'HX-Request': 'true' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toMatch(/HX-Request/);
    const fragment = decoded(res);
    expect(fragment).toContain('Technical Oversight Board 1 2030');
    expect(fragment).not.toContain('<html');
  });

  it('leaves tiny bodies as they are', async () => {
    const icon = await rawGet(t.url, '/favicon.ico', { 'Accept-Encoding': 'gzip, br' });
    expect(icon.status).toBe(200);
    expect(icon.body.length).toBeLessThan(1024);
    expect(icon.headers['content-encoding']).toBeUndefined();
    expect(icon.body.toString('utf8')).toContain('<svg');
    const empty = await rawGet(t.url, '/app?status=upcoming', { 'Accept-Encoding': 'gzip, br', 'HX-Request': 'true' });
    expect(empty.body.length).toBeLessThan(1024);
    expect(empty.headers['content-encoding']).toBeUndefined();
  });

  it('sends the ballot downloads whole: compressed past the threshold, as they are under it', async () => {
    for (const [path, compressed] of [['download.csv', true], ['download.blt', false]] as const) {
      const plain = await rawGet(t.url, `${CLOSED}${path}`, { Cookie: cookie });
      expect(plain.status, path).toBe(200);
      expect(plain.headers['content-disposition']).toMatch(/^attachment; filename="closed---2030-ballots\./);
      expect(plain.body.toString('utf8')).toMatch(/alice/);
      expect(plain.body.length > 1024, path).toBe(compressed);
      for (const encoding of ['gzip', 'br']) {
        const packed = await rawGet(t.url, `${CLOSED}${path}`, { Cookie: cookie, 'Accept-Encoding': encoding });
        expect(packed.status, path).toBe(200);
        expect(packed.headers['content-disposition']).toBe(plain.headers['content-disposition']);
        expect(packed.headers['content-encoding'], path).toBe(compressed ? encoding : undefined);
        if (compressed) expect(packed.body.length).toBeLessThan(plain.body.length / 2);
        // The same file (its ballot rows come in a fresh random order on each download: compare sorted).
        expect(sortedLines(decoded(packed))).toEqual(sortedLines(plain.body.toString('utf8')));
      }
    }
  });

  it('masks the CSRF token afresh on every page (BREACH), and each masked copy is accepted', async () => {
    const voter = t.agent();
    const first = await t.login(voter, 'voter1', '/app/dashboard');
    const second = await voter.get('/app/dashboard');
    const [a, b] = [csrfFrom(first.text), csrfFrom(second.text)];
    const hx = /X-CSRF-Token(?:&[#\w]+;|")+:(?:&[#\w]+;|")+([\w-]+)/.exec(second.text)?.[1];
    expect(hx).toBeDefined();
    expect(new Set([a, b, hx]).size).toBe(3);
    // The session's own token never appears in a body.
    const sessionTokens = (await t.kernel.db('sessions').select('data')).map((r: { data: string }) => JSON.parse(r.data).csrfToken as string);
    for (const token of sessionTokens.filter(Boolean)) {
      expect(first.text).not.toContain(token);
      expect(second.text).not.toContain(token);
    }
    // A POST past the CSRF check reaches the router (404 here); a refused one stops at 403.
    const post = (token: string) => voter.post('/app/no-such-form').type('form').send({ _csrf: token });
    for (const token of [a, b]) expect((await post(token)).status).toBe(404);
    expect((await voter.post('/app/no-such-form').set('X-CSRF-Token', hx!).type('form').send({})).status).toBe(404);
    const tampered = `${b.slice(0, 10)}${b[10] === 'A' ? 'B' : 'A'}${b.slice(11)}`;
    expect((await post(tampered)).status).toBe(403);
    expect((await post(b.slice(0, 43))).status).toBe(403);
  });
});

describe('COMPRESSION=off (a reverse proxy compresses)', () => {
  let t: TestWebApp;
  beforeAll(async () => { t = await startTestWebApp({ env: { COMPRESSION: 'off' } }); });
  afterAll(async () => { await t?.close(); });

  it('sends every body as it is', async () => {
    for (const path of ['/app', '/login']) {
      const res = await rawGet(t.url, path, { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-encoding'], path).toBeUndefined();
      expect(res.body.toString('utf8'), path).toContain('</html>');
    }
  });
});
