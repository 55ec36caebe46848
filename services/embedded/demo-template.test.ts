import { describe, expect, it } from 'vitest';
import { renderDemoTemplate } from './demo-template.js';

describe('renderDemoTemplate', () => {
  const now = new Date('2030-03-10T15:45:00Z');
  it('renders dates relative to midnight UTC of the day', () => {
    expect(renderDemoTemplate('start: {{now-2d}}\nend: {{now+12d}}\nat: {{now}}', now))
      .toBe('start: 2030-03-08 00:00:00\nend: 2030-03-22 00:00:00\nat: 2030-03-10 00:00:00');
  });
  it('is stable across restarts on the same day', () => {
    expect(renderDemoTemplate('{{now+1d}}', new Date('2030-03-10T23:59:59Z'))).toBe(renderDemoTemplate('{{now+1d}}', now));
  });
  it('leaves other text alone', () => {
    expect(renderDemoTemplate('name: {{ not a date }}', now)).toBe('name: {{ not a date }}');
  });
});
