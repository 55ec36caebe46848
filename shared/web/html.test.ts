import { describe, expect, it } from 'vitest';
import { escapeHtml, html, join, raw, type SanitisedHtml } from './html.js';

describe('html', () => {
  it('escapes every interpolation', () => {
    const evil = `<script>alert("x")</script>' \``;
    expect(html`<p title="${evil}">${evil}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &#96;</p>',
    );
  });

  it('nests templates without double escaping and flattens arrays', () => {
    const items = ['a&b', 'c'].map((s) => html`<li>${s}</li>`);
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul><li>a&amp;b</li><li>c</li></ul>');
  });

  it('renders nothing for null, undefined and false but prints numbers and true', () => {
    expect(html`${null}${undefined}${false}${0}${true}`.toString()).toBe('0true');
  });

  it('passes sanitised markdown through raw() only', () => {
    expect(html`<div>${raw('<em>ok</em>' as SanitisedHtml)}</div>`.toString()).toBe('<div><em>ok</em></div>');
  });

  it('joins with an escaped separator', () => {
    expect(join(['a', html`<b>b</b>`], ' & ').toString()).toBe('a &amp; <b>b</b>');
    expect(escapeHtml('&')).toBe('&amp;');
  });
});
