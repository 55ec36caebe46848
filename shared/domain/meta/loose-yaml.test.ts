import { describe, expect, it } from 'vitest';
import { itemLine, LooseMap, parseLooseYaml } from './loose-yaml.js';

describe('parseLooseYaml', () => {
  it('keeps scalars as written text and plain empty/~/null as null', () => {
    const { value } = parseLooseYaml('a: 0777\nb: yes\nc:\nd: ~\ne: "null"\nf: [1e3, null]\n');
    expect(value).toBeInstanceOf(LooseMap);
    const map = value as LooseMap;
    expect(Object.fromEntries(map)).toEqual({ a: '0777', b: 'yes', c: null, d: null, e: 'null', f: ['1e3', null] });
    expect(map.keyLines.get('e')).toBe(5);
  });

  it('remembers the line of each list item', () => {
    const { value } = parseLooseYaml('# c\n- a\n\n- b\n');
    expect(Array.isArray(value) && [itemLine(value, 0), itemLine(value, 1)]).toEqual([2, 4]);
  });

  it('resolves aliases once each, so an alias bomb stays small and fast', () => {
    expect(Object.fromEntries(parseLooseYaml('a: &x [p, q]\nb: *x\n').value as LooseMap)).toEqual({ a: ['p', 'q'], b: ['p', 'q'] });
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i += 1) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const started = performance.now();
    const bomb = parseLooseYaml(`${levels.join('\n')}\n`);
    expect(bomb.value).toBeInstanceOf(LooseMap);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('reads a self-referencing alias as empty instead of looping', () => {
    const { value, warnings } = parseLooseYaml('a: &x\n  b: *x\n');
    expect(Object.fromEntries((value as LooseMap).get('a') as LooseMap)).toEqual({ b: null });
    expect(warnings).toHaveLength(1);
  });

  it('refuses documents nested deeper than any meta file needs', () => {
    const deep = parseLooseYaml(`${'['.repeat(300)}${']'.repeat(300)}`);
    expect(deep.value).toBeUndefined();
    expect(deep.errors[0]?.message).toMatch(/nested/);
  });

  it('reports syntax errors with a line and a hint', () => {
    const { value, errors } = parseLooseYaml('a: 1\nb: x: y\n');
    expect(value).toBeUndefined();
    expect(errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/quotes/) });
    expect(parseLooseYaml('a: 1\n---\nb: 2\n').errors[0]?.message).toMatch(/---/);
  });
});
