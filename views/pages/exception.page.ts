import { html, raw, type Html, type SanitisedHtml } from '../../shared/web/html.js';
import type { Election } from '../../shared/domain/election/election.js';
import { dateTime, electionPath } from '../components/election-bits.js';
import { csrfField, errorSummary, textField } from '../components/forms.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface ExceptionForm {
  name: string;
  chat: string;
  description: string;
  comments: string;
}

export const EXCEPTION_LIMITS = { name: 255, chat: 255, description: 10_000, comments: 10_000 } as const;

/** A request to be added to the voter list; officers review it (no e-mail is asked for). */
/** The election's `exception_description` and `eligibility`, rendered as sanitised markdown. */
export interface ExceptionTexts {
  exceptionHtml: SanitisedHtml;
  eligibilityHtml: SanitisedHtml;
}

export function exceptionPage(ctx: PageContext, d: { election: Election; texts: ExceptionTexts; form: ExceptionForm; errors: Partial<Record<keyof ExceptionForm, string>> }): Html {
  const e = d.election;
  const messages = Object.values(d.errors).filter((m): m is string => Boolean(m));
  return layout(ctx, {
    title: `Request an exception · ${e.name}`,
    main: html`<p class="back-link"><a href="${electionPath(e.key)}">${e.name}</a></p>
<h1>Request an exception</h1>
${errorSummary(messages)}
<p class="lead">You are not on the voter list. If you think you should be, tell the officers why before ${dateTime(e.exceptionDueAt)}.</p>
${d.texts.exceptionHtml ? html`<div class="panel prose">${raw(d.texts.exceptionHtml)}</div>` : ''}
${d.texts.eligibilityHtml ? html`<section aria-labelledby="who" class="prose"><h2 id="who">Who can vote</h2>${raw(d.texts.eligibilityHtml)}</section>` : ''}
<form method="post" action="${electionPath(e.key, '/exception')}" class="narrow">
${csrfField(ctx)}
${textField({ name: 'name', label: 'Your name', value: d.form.name, error: d.errors.name, required: true, maxLength: EXCEPTION_LIMITS.name, autocomplete: 'name' })}
${textField({ name: 'chat', label: 'Chat handle (for example Slack)', value: d.form.chat, error: d.errors.chat, maxLength: EXCEPTION_LIMITS.chat })}
${textField({ name: 'description', label: 'Your contributions', hint: 'Links to pull requests, issues, meetings or other work that makes you eligible.', value: d.form.description, error: d.errors.description, required: true, multiline: true, maxLength: EXCEPTION_LIMITS.description })}
${textField({ name: 'comments', label: 'Anything else', value: d.form.comments, error: d.errors.comments, multiline: true, maxLength: EXCEPTION_LIMITS.comments })}
<p class="hint">Your GitHub login (${ctx.user?.login}) is sent with the request. Only this election's officers can read it.</p>
<div class="form-actions"><button type="submit" class="button button-primary">Send request</button></div>
</form>`,
  });
}
