import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLooseYaml } from './loose-yaml.js';
import { readPlainVoterList } from './plain-voter-list.js';

/** What the failsafe YAML load gives for eligible_voters, for comparison. */
function yamlLogins(text: string): unknown {
  const v = parseLooseYaml(text).value;
  return v instanceof Map ? v.get('eligible_voters') : undefined;
}

describe('readPlainVoterList', () => {
  it('reads the common shape with comments, a document start and odd-looking logins', () => {
    const text = '---\n# voters\neligible_voters:   # all of them\n  - alice\n  # a comment\n  - 0777\n  - 1e3\n  - no\n  - Bob-Smith_2.x # trailing\n';
    expect(readPlainVoterList(text)).toEqual({ logins: ['alice', '0777', '1e3', 'no', 'Bob-Smith_2.x'], lines: [4, 6, 7, 8, 9], keyLine: 3 });
    expect(yamlLogins(text)).toEqual(['alice', '0777', '1e3', 'no', 'Bob-Smith_2.x']);
  });

  it.each([
    ['quoted values', 'eligible_voters:\n  - "alice"\n'],
    ['a null item', 'eligible_voters:\n  - null\n'],
    ['an empty item', 'eligible_voters:\n  -\n'],
    ['a flow list', 'eligible_voters: [alice, bob]\n'],
    ['a bare list', '- alice\n- bob\n'],
    ['mixed indentation', 'eligible_voters:\n  - alice\n    - bob\n'],
    ['another key', 'eligible_voters:\n  - alice\nother: x\n'],
    ['a hash without a space', 'eligible_voters:\n  - alice#x\n'],
    ['CRLF', 'eligible_voters:\r\n  - alice\r\n'],
    ['e-mail', 'eligible_voters:\n  - a@b.org\n'],
    ['no items', 'eligible_voters:\n'],
  ])('leaves %s to the YAML parser', (_name, text) => {
    expect(readPlainVoterList(text)).toBeNull();
  });

  it('agrees with the YAML parser whenever it answers', () => {
    const login = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,12}$/);
    const line = fc.oneof(
      login.map((l) => `  - ${l}`),
      login.map((l) => `  - ${l} # note`),
      fc.constantFrom('', '# c', '  # c', '  -  x', '- y', '  - "q"', '  - null', '  - ~', '  - a:b', '  - a #b'),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 30 }), (body) => {
      const text = `eligible_voters:\n${body.join('\n')}\n`;
      const plain = readPlainVoterList(text);
      if (plain) expect(plain.logins).toEqual(yamlLogins(text));
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 1000) });
  });
});
