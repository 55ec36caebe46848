import { html, type Html } from '../../shared/web/html.js';
import { csrfField, textField } from '../components/forms.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

function signInOptions(ctx: PageContext, next: string): Html {
  return html`${ctx.githubLogin ? html`<form method="post" action="/oauth/github/login" class="signin-form">
${csrfField(ctx)}<input type="hidden" name="next" value="${next}">
<button type="submit" class="button button-primary">Sign in with GitHub</button>
</form>` : ''}
${ctx.devLogin ? html`<p><a class="button" href="/auth/dev?next=${encodeURIComponent(next)}">Development sign-in (any login)</a></p>` : ''}
${!ctx.githubLogin && !ctx.devLogin ? html`<p>Sign-in is not configured on this server. Ask its operator to set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET.</p>` : ''}`;
}

const PRIVACY = 'Your GitHub login tells us whether you are on an election\'s voter list. We read only your public profile and never keep your GitHub token.';

export function loginPage(ctx: PageContext, o: { next: string }): Html {
  return layout(ctx, {
    title: 'Sign in',
    main: html`<div class="narrow">
<h1>Sign in</h1>
<p class="lead">${PRIVACY}</p>
${signInOptions(ctx, o.next)}
</div>`,
  });
}

/** The 401 page: what was asked for needs a signed-in user; sign in and come back to it. */
export function loginPromptPage(ctx: PageContext, o: { message: string; next?: string }): Html {
  return layout(ctx, {
    title: 'Sign in to continue',
    main: html`<div class="narrow">
<h1>Sign in to continue</h1>
<p class="lead">${o.message}</p>
<p>${PRIVACY}</p>
${signInOptions(ctx, o.next ?? ctx.path)}
</div>`,
  });
}

export function devLoginPage(ctx: PageContext, o: { next: string; login?: string; error?: string; status?: number }): Html {
  return layout(ctx, {
    title: 'Development sign-in',
    main: html`<div class="narrow">
<h1>Development sign-in</h1>
<p class="lead">This server runs in development mode: sign in as any GitHub login, without GitHub. Production servers never offer this.</p>
<form method="post" action="/auth/dev">
${csrfField(ctx)}<input type="hidden" name="next" value="${o.next}">
${textField({ name: 'login', label: 'GitHub login', value: o.login, error: o.error, required: true, maxLength: 39, autocomplete: 'username' })}
<button type="submit" class="button button-primary">Sign in</button>
</form>
</div>`,
  });
}

/** GET /logout: signing out changes state, so it takes a button (POST), never a link. */
export function logoutPage(ctx: PageContext): Html {
  return layout(ctx, {
    title: 'Sign out',
    main: html`<div class="narrow">
<h1>Sign out</h1>
${ctx.user ? html`<form method="post" action="/logout">${csrfField(ctx)}<button type="submit" class="button button-primary">Sign out of ${ctx.appName}</button></form>`
    : html`<p class="lead">You are not signed in.</p><p><a class="button" href="/app">Back to elections</a></p>`}
</div>`,
  });
}
