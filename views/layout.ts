import { html, jsonAttr, type Html } from '../shared/web/html.js';
import { csrfField } from './components/forms.js';
import { flashMessages } from './components/flash.js';
import type { PageContext } from './page-context.js';

export interface LayoutOptions {
  /** The page's own title; the site name is appended. */
  title: string;
  main: Html;
  /** Extra scripts this page needs, by asset name. */
  scripts?: Array<'ballot'>;
}

// htmx may not inject inline styles or evaluate code, and talks to this origin only, so the CSP
// needs no exceptions for it. No history snapshots: pages can hold personal data.
const HTMX_CONFIG = jsonAttr({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
});

/** The page shell: landmarks, skip link, header with sign-in state, flash messages, footer. */
export function layout(ctx: PageContext, options: LayoutOptions): Html {
  const scripts = [ctx.assets.htmx, ctx.assets.app, ...(options.scripts ?? []).map((s) => ctx.assets[s])];
  // Logged-in pages send the CSRF token with every htmx request; plain forms carry their own field.
  const hxHeaders = ctx.user ? jsonAttr({ 'X-CSRF-Token': ctx.csrfToken() }) : null;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${ctx.appName}</title>
<meta name="htmx-config" content="${HTMX_CONFIG}">
<link rel="stylesheet" href="${ctx.assets.css}">
<link rel="icon" href="${ctx.assets.icon}" type="image/svg+xml">
${scripts.map((src) => html`<script src="${src}" nonce="${ctx.nonce}" defer></script>\n`)}</head>
<body${hxHeaders ? html` hx-headers="${hxHeaders}"` : ''}>
<a class="skip-link" href="#main">Skip to main content</a>
${siteHeader(ctx)}
<main id="main" tabindex="-1">
<div class="wrap">
${flashMessages(ctx.flash)}
${options.main}
</div>
</main>
<footer class="site-footer"><div class="wrap"><p>${ctx.appName} · secret-ballot preference elections. Times are shown in UTC and, where your browser allows, in your own time zone.</p></div></footer>
</body>
</html>`;
}

function siteHeader(ctx: PageContext): Html {
  const current = (href: string) => (ctx.path.split('?')[0] === href ? html` aria-current="page"` : '');
  const account = ctx.user
    ? html`<span class="who">Signed in as <strong>${ctx.user.login}</strong></span>
      <form method="post" action="/logout" class="inline-form">${csrfField(ctx)}<button type="submit" class="link-button">Sign out</button></form>`
    : html`<a class="button button-small" href="/login?next=${encodeURIComponent(ctx.path)}">Sign in</a>`;
  return html`<header class="site-header">
<div class="wrap header-inner">
<a class="brand" href="/app">${ctx.appName}</a>
<nav aria-label="Main" class="main-nav"><ul>
<li><a href="/app"${current('/app')}>Elections</a></li>
${ctx.user ? html`<li><a href="/app/dashboard"${current('/app/dashboard')}>My elections</a></li>` : ''}
</ul></nav>
<div class="account">${account}</div>
</div>
</header>`;
}
