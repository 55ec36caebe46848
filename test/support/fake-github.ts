import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';

export interface FakeGitHub {
  /** Base URL (GITHUB_BASE_URL); the API lives under `${url}/api/v3` (GITHUB_API_URL). */
  url: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Who "signs in at GitHub" next; a real GitHub would ask the person. */
  authorizeAs(login: string, name?: string | null): void;
  /** The next authorization is refused by the user (error=access_denied). */
  denyNext(): void;
  /** Every authorize request's query, and every access token issued, for assertions. */
  authorizeRequests: Array<Record<string, string>>;
  issuedTokens: string[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for GitHub's OAuth endpoints: authorize (redirects straight back with code
 * and state), access_token (code → token, once) and the API's /user (token → profile).
 */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const app = express();
  const clientId = 'urna-test-client';
  const clientSecret = randomBytes(16).toString('hex');
  const codes = new Map<string, { login: string; name: string | null }>();
  const tokens = new Map<string, { login: string; name: string | null }>();
  let next: { login: string; name: string | null } = { login: 'octocat', name: 'The Octocat' };
  let deny = false;
  const fake = { authorizeRequests: [] as Array<Record<string, string>>, issuedTokens: [] as string[] };

  app.get('/login/oauth/authorize', (req, res) => {
    const q = req.query as Record<string, string>;
    fake.authorizeRequests.push(q);
    if (q.client_id !== clientId || !q.redirect_uri) return res.status(400).send('bad client or redirect_uri');
    const back = new URL(q.redirect_uri);
    if (q.state) back.searchParams.set('state', q.state);
    if (deny) {
      deny = false;
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = randomBytes(10).toString('hex');
      codes.set(code, next);
      back.searchParams.set('code', code);
    }
    res.redirect(302, back.toString());
  });

  app.post('/login/oauth/access_token', express.urlencoded({ extended: false }), (req, res) => {
    const body = req.body as Record<string, string>;
    const who = codes.get(body.code);
    codes.delete(body.code);
    if (body.client_id !== clientId || body.client_secret !== clientSecret || !who) {
      return res.json({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
    }
    const token = `gho_${randomBytes(18).toString('hex')}`;
    tokens.set(token, who);
    fake.issuedTokens.push(token);
    res.json({ access_token: token, token_type: 'bearer', scope: '' });
  });

  app.get('/api/v3/user', (req, res) => {
    const token = (req.get('authorization') ?? '').replace(/^(Bearer|token)\s+/i, '');
    const who = tokens.get(token);
    if (!who) return res.status(401).json({ message: 'Bad credentials' });
    res.json({ login: who.login, id: 1000 + tokens.size, name: who.name, html_url: `https://github.example/${who.login}` });
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    apiUrl: `${url}/api/v3`,
    clientId,
    clientSecret,
    authorizeAs(login, name = null) { next = { login, name }; },
    denyNext() { deny = true; },
    ...fake,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
