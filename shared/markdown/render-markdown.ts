import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { SanitisedHtml } from '../web/html.js';

// Election descriptions, candidate bios and results come from the meta repository: anyone whose
// pull request is merged writes them. Elekto rendered them unescaped (stored XSS by design); here
// markdown is rendered, then everything outside a small allow-list is removed.

const marked = new Marked({ gfm: true, breaks: false, async: false });

const BASE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's',
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
};

export type TopHeading = 2 | 3;

// The page title is the only <h1>, and headings must not skip a level under the page's own. So the
// markdown's shallowest heading becomes `top` (h2 on a page of its own, h3 inside a section that
// already has an h2), whatever level it was written at (profiles often start at "##" or "###"),
// and each deeper level used becomes the next one down, capped at h6: "##, ####" gives h3, h4.
function headingLevels(rendered: string, top: TopHeading): Record<string, string> {
  const used = [...new Set([...rendered.matchAll(/<h([1-6])\b/gi)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  return Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => {
    const depth = used.filter((u) => u < n).length;
    return [`h${n}`, `h${Math.min(6, top + depth)}`];
  }));
}

function withHeadings(headings: Record<string, string>): sanitizeHtml.IOptions {
  return {
    ...BASE,
    transformTags: {
      ...headings,
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow' } }),
    },
  };
}

/** Markdown from the meta repository → HTML safe to pass to `raw()`. HTML comments are dropped. */
export function renderMarkdown(markdown: string, options: { topHeading?: TopHeading } = {}): SanitisedHtml {
  const withoutComments = markdown.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  const rendered = marked.parse(withoutComments) as string;
  return sanitizeHtml(rendered, withHeadings(headingLevels(rendered, options.topHeading ?? 2))) as SanitisedHtml;
}
