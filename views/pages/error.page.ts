import { html, type Html } from '../../shared/web/html.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface MessageOptions {
  title: string;
  message: string;
  /** Links or forms offered as the next step; "Back to elections" when absent. */
  actions?: Html;
}

/** A page that says one thing and offers a way on: errors, "already voted", "closed". */
export function messagePage(ctx: PageContext, o: MessageOptions): Html {
  return layout(ctx, {
    title: o.title,
    main: html`<div class="message-page">
<h1>${o.title}</h1>
<p class="lead">${o.message}</p>
<div class="actions">${o.actions ?? html`<a class="button" href="/app">Back to elections</a>`}</div>
</div>`,
  });
}

export function errorPage(ctx: PageContext, o: { status: number; title: string; message: string; link?: { href: string; label: string } }): Html {
  return messagePage(ctx, {
    title: o.title,
    message: o.message,
    actions: html`<p class="status-code">Error ${o.status}</p>${o.link
      ? html`<a class="button button-primary" href="${o.link.href}">${o.link.label}</a> `
      : ''}<a class="button" href="/app">Back to elections</a>`,
  });
}
