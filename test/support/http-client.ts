// A small cookie-keeping HTTP client for real Urna processes: it talks to any of several web
// processes with one session (sessions live in the database, so any process serves any request),
// follows no redirects, and can pose as a distinct client IP through X-Forwarded-For.

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(public base: string, readonly ip?: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, options: { form?: Record<string, string | string[]>; body?: string | Buffer; headers?: Record<string, string>; base?: string } = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    if (this.ip) headers['x-forwarded-for'] = this.ip;
    let body: string | Buffer | undefined = options.body;
    if (options.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
      body = params.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    // Node's fetch pools connections per origin without a limit, so a burst really is simultaneous.
    const res = await fetch(`${options.base ?? this.base}${path}`, { method, headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path: string, base?: string): Promise<HttpResponse> {
    return this.request('GET', path, { base });
  }

  post(path: string, form: Record<string, string | string[]>, base?: string): Promise<HttpResponse> {
    return this.request('POST', path, { form, base });
  }

  /** GETs a page and returns the CSRF token of its first form. */
  async csrf(path: string, base?: string): Promise<string> {
    const page = await this.get(path, base);
    return csrfOf(page.text, `${path} (${page.status})`);
  }
}

export function csrfOf(html: string, where = 'page'): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF field on ${where}: ${html.slice(0, 300)}`);
  return m[1]!;
}

/** Signs in through the development login (APP_ENV=development) and returns the signed-in browser. */
export async function devLogin(base: string, login: string, ip?: string): Promise<Browser> {
  const b = new Browser(base, ip);
  const token = await b.csrf('/auth/dev');
  const res = await b.post('/auth/dev', { _csrf: token, login, next: '/app' });
  if (res.status !== 303) throw new Error(`dev login of ${login} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return b;
}

/** The vote form fields for a ranking such as { alice: '1', bob: '2', carol: 'none' }. */
export function ballotFields(ranks: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(ranks).map(([k, v]) => [`candidate@${k}`, v]));
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!, i);
  }));
  return out;
}
