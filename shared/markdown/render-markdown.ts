import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { SanitisedHtml } from '../web/html.js';

// Election descriptions, candidate bios and results come from the meta repository: anyone whose
// pull request is merged writes them. Elekto rendered them unescaped (stored XSS by design); here
// markdown is rendered, then everything outside a small allow-list is removed.

const marked = new Marked({ gfm: true, breaks: false, async: false });

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's',
    'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'kbd', 'dl', 'dt', 'dd',
    'input',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    // GFM task lists render disabled checkboxes; nothing else of <input> survives.
    input: ['type', 'checked', 'disabled'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  exclusiveFilter: (frame) => frame.tag === 'input' && (frame.attribs.type !== 'checkbox' || frame.attribs.disabled === undefined),
  transformTags: {
    // The page title is the only <h1>; markdown headings sit one level below it.
    h1: 'h2', h2: 'h3', h3: 'h4', h4: 'h5', h5: 'h6',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow' } }),
  },
};

/** Markdown from the meta repository → HTML safe to pass to `raw()`. HTML comments are dropped. */
export function renderMarkdown(markdown: string): SanitisedHtml {
  const withoutComments = markdown.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  const rendered = marked.parse(withoutComments) as string;
  return sanitizeHtml(rendered, OPTIONS) as SanitisedHtml;
}
