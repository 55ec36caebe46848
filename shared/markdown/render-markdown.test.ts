import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render-markdown.js';

describe('renderMarkdown', () => {
  it('renders markdown, shifting headings below the page title', () => {
    const out = renderMarkdown('# Title\n\nSome *text* and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    expect(out).toContain('<h2>Title</h2>');
    expect(out).toContain('<em>text</em>');
    expect(out).toContain('<code>code</code>');
    expect(out).toContain('<table>');
  });

  it('can start headings at h3 for markdown inside a section, never skipping a level', () => {
    expect(renderMarkdown('# A\n\n## B\n\n###### F', { topHeading: 3 })).toBe('<h3>A</h3>\n<h4>B</h4>\n<h5>F</h5>\n');
  });

  it('nests a profile written from "##" or "###" directly under the page\'s heading', () => {
    expect(renderMarkdown('## Why\n\n#### Detail\n\n## What', { topHeading: 3 })).toBe('<h3>Why</h3>\n<h4>Detail</h4>\n<h3>What</h3>\n');
    expect(renderMarkdown('### Only', { topHeading: 2 })).toBe('<h2>Only</h2>\n');
    expect(renderMarkdown('x\n\n<h5>raw</h5>\n\n# Top', { topHeading: 3 })).toBe('<p>x</p>\n<h4>raw</h4><h3>Top</h3>\n');
    expect(renderMarkdown('# 1\n## 2\n### 3\n#### 4\n##### 5\n###### 6', { topHeading: 3 })).toMatch(/<h5>3<\/h5>\n<h6>4<\/h6>\n<h6>5<\/h6>\n<h6>6<\/h6>/);
  });

  it('removes scripts, event handlers, javascript: links and styles', () => {
    const out = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<p style="color:red" onclick="x()">p</p>\n\n<iframe src="https://e"></iframe>');
    expect(out).not.toMatch(/script|onerror|onclick|javascript:|style=|iframe/i);
  });

  it('strips HTML comments, even unterminated ones', () => {
    expect(renderMarkdown('a <!-- hidden --> b')).not.toContain('hidden');
    expect(renderMarkdown('a\n\n<!-- hidden\n\nmore')).not.toContain('hidden');
  });

  it('renders inline code', () => {
    expect(renderMarkdown('`x`')).toContain('<code>x</code>');
  });

  it('adds rel=noopener to links and drops protocol-relative ones', () => {
    const out = renderMarkdown('[site](https://example.org) [evil](//evil.example)');
    expect(out).toContain('<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>');
    expect(out).not.toContain('//evil.example');
  });

  it('keeps https images but not data: or javascript: ones', () => {
    expect(renderMarkdown('![a](https://example.org/a.png)')).toContain('<img src="https://example.org/a.png" alt="a" />');
    expect(renderMarkdown('![a](data:image/png;base64,AAAA)')).not.toContain('data:');
  });

  it('renders an empty string to an empty string', () => {
    expect(renderMarkdown('')).toBe('');
  });
});
