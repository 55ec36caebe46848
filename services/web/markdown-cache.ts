import { renderMarkdown, type TopHeading } from '../../shared/markdown/render-markdown.js';
import type { SanitisedHtml } from '../../shared/web/html.js';

/**
 * Rendered markdown keyed by content, so an election page does not re-run marked and the
 * sanitiser on every request. The key is the source itself (hashed by the Map), which is safe
 * whatever sync changes: new text, new entry. Bounded, oldest entries out first.
 */
export class MarkdownCache {
  private readonly entries = new Map<string, SanitisedHtml>();

  constructor(private readonly maxEntries = 500) {}

  render(markdown: string, topHeading: TopHeading = 2): SanitisedHtml {
    const key = `${topHeading}:${markdown}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const rendered = renderMarkdown(markdown, { topHeading });
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, rendered);
    return rendered;
  }
}
