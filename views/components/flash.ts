import { html, type Html } from '../../shared/web/html.js';
import type { FlashMessage } from '../page-context.js';

export function flashMessages(messages: readonly FlashMessage[]): Html {
  return html`${messages.map((m) => html`<div class="flash flash-${m.kind}" role="${m.kind === 'error' ? 'alert' : 'status'}">${m.text}</div>`)}`;
}
