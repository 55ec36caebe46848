// Where to send a user after login. Only a path on this site is accepted: anything a browser
// could read as another origin ("//evil", "/\evil", "https://evil", control characters) falls
// back to the default. This closes Elekto's open redirect (§7.6 of the reference).

export function safeReturnPath(input: unknown, fallback = '/app'): string {
  if (typeof input !== 'string' || input.length === 0 || input.length > 2048) return fallback;
  if (!input.startsWith('/')) return fallback;
  // Browsers treat "\" like "/" and strip tabs/newlines inside URLs, so "/\evil" and "/\t/evil"
  // would both become "//evil".
  if (/[\\\u0000-\u001f\u007f]/.test(input)) return fallback;
  if (input.startsWith('//')) return fallback;
  try {
    const base = new URL('http://urna.invalid');
    const resolved = new URL(input, base);
    if (resolved.origin !== base.origin) return fallback;
    const path = resolved.pathname + resolved.search + resolved.hash;
    // Dot segments can collapse into a scheme-relative URL: "/..//evil" resolves to "//evil".
    return path.startsWith('//') ? fallback : path;
  } catch {
    return fallback;
  }
}
