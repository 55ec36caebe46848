import { html, type Html } from '../../shared/web/html.js';
import type { PageContext } from '../page-context.js';

/** The hidden CSRF field every state-changing form carries (checked by services/web/middleware/csrf.ts). */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken()}">`;
}

/** A list of problems at the top of a form; focused by enhance.js so screen readers hear it first. */
export function errorSummary(errors: readonly string[]): Html {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" data-autofocus>
<h2>There is a problem</h2>
<ul>${errors.map((e) => html`<li>${e}</li>`)}</ul>
</div>`;
}

export interface TextFieldOptions {
  name: string;
  label: string;
  value?: string;
  hint?: string;
  error?: string;
  required?: boolean;
  multiline?: boolean;
  maxLength?: number;
  type?: 'text' | 'password';
  autocomplete?: string;
  minLength?: number;
}

/** A labelled input or textarea with its hint and error tied to it by aria-describedby. */
export function textField(o: TextFieldOptions): Html {
  const id = `field-${o.name}`;
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}" name="${o.name}"${o.required ? html` required` : ''}${o.maxLength ? html` maxlength="${o.maxLength}"` : ''}${o.minLength ? html` minlength="${o.minLength}"` : ''}${described ? html` aria-describedby="${described}"` : ''}${o.error ? html` aria-invalid="true"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}`;
  return html`<div class="field${o.error ? ' field-error' : ''}">
<label for="${id}">${o.label}${o.required ? '' : html` <span class="optional">(optional)</span>`}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
${o.error ? html`<p class="error-message" id="${id}-error">${o.error}</p>` : ''}
${o.multiline ? html`<textarea ${common} rows="5">${o.value ?? ''}</textarea>` : html`<input type="${o.type ?? 'text'}" ${common} value="${o.value ?? ''}">`}
</div>`;
}
