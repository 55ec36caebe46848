// The only way pages produce HTML. Every interpolated value is escaped unless it is already an
// `Html` value (a nested template) or sanitised markdown passed through `raw()`. Nothing else can
// reach the page unescaped, so a stray `${userInput}` is always safe.

declare const sanitised: unique symbol;

/** HTML that went through the markdown sanitiser (`shared/markdown/render-markdown.ts`). */
export type SanitisedHtml = string & { readonly [sanitised]: true };

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  // false/null/undefined render nothing, so `${cond && html`...`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Trusted HTML: only sanitised markdown has the type this accepts. */
export function raw(sanitisedHtml: SanitisedHtml): Html {
  return new Html(sanitisedHtml);
}

/** Joins a list of parts with a separator, both escaped like any interpolation. */
export function join(parts: readonly HtmlValue[], separator: HtmlValue = ''): Html {
  return new Html(parts.map(render).join(render(separator)));
}

/** A JSON value for an attribute such as `hx-headers` or `hx-vals`; escaped by the template as usual. */
export function jsonAttr(value: unknown): string {
  return JSON.stringify(value);
}
