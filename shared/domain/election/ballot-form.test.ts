import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choicesToRanking, fieldName, parseBallotForm, rankingToChoices, type BallotRules } from './ballot-form.js';

const rules: BallotRules = { candidates: ['alice', 'bob', 'carol'], allowNoOpinion: true };
const strict: BallotRules = { ...rules, allowNoOpinion: false };
const form = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).map(([k, x]) => [fieldName(k), x]));
const runs = Number(process.env.FUZZ_RUNS ?? 500);

describe('parseBallotForm', () => {
  it.each<[string, Record<string, unknown>, string[][]]>([
    ['a strict order', { alice: '2', bob: '1', carol: '3' }, [['bob'], ['alice'], ['carol']]],
    ['ties as equal numbers', { alice: '1', bob: '1', carol: '2' }, [['alice', 'bob'], ['carol']]],
    ['ties sorted by key, whatever the field order', { carol: '1', bob: '2', alice: '1' }, [['alice', 'carol'], ['bob']]],
    ['No opinion left out', { alice: 'none', bob: '1', carol: '3' }, [['bob'], ['carol']]],
    ['unranked as No opinion', { alice: '', bob: '2', carol: '' }, [['bob']]],
    ['gaps in the numbers', { alice: '3', bob: '1', carol: 'none' }, [['bob'], ['alice']]],
    ['surrounding spaces', { alice: ' 1 ', bob: '2', carol: '3' }, [['alice'], ['bob'], ['carol']]],
  ])('accepts %s', (_name, values, ranking) => {
    const r = parseBallotForm({ _csrf: 'x', passphrase: 'y', ...form(values) }, rules);
    expect(r).toMatchObject({ ok: true, ranking });
  });

  it.each<[string, BallotRules, Record<string, unknown>, RegExp]>([
    ['an unknown candidate', rules, { alice: '1', bob: '2', carol: '3', mallory: '1' }, /not standing/],
    ['a missing candidate', rules, { alice: '1', bob: '2' }, /missing/],
    ['a rank of 0', rules, { alice: '0', bob: '1', carol: '2' }, /1 to 3/],
    ['a rank above N', rules, { alice: '4', bob: '1', carol: '2' }, /1 to 3/],
    ['a fraction', rules, { alice: '1.5', bob: '1', carol: '2' }, /1 to 3/],
    ['Elekto\'s No-opinion number', rules, { alice: '100000000', bob: '1', carol: '2' }, /1 to 3/],
    ['a repeated field', rules, { alice: ['1', '2'], bob: '1', carol: '2' }, /one rank for alice/],
    ['No opinion where not allowed', strict, { alice: 'none', bob: '1', carol: '2' }, /does not allow/],
    ['an unranked candidate where No opinion is not allowed', strict, { alice: '', bob: '1', carol: '2' }, /every candidate/],
    ['a ballot ranking nobody', rules, { alice: 'none', bob: '', carol: 'none' }, /at least one/],
  ])('rejects %s', (_name, r, values, message) => {
    const result = parseBallotForm(form(values), r);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join(' ')).toMatch(message);
  });

  it('keeps the readable choices of a rejected ballot, so the form can be shown again', () => {
    const r = parseBallotForm(form({ alice: '2', bob: '9', carol: 'none' }), rules);
    expect(r.ok).toBe(false);
    expect(r.choices).toEqual({ alice: 2, bob: '', carol: 'none' });
  });

  it('ignores fields that are not candidates, such as prototype keys', () => {
    const body = JSON.parse('{"__proto__": "1", "constructor": "2"}') as Record<string, unknown>;
    expect(parseBallotForm({ ...body, ...form({ alice: '1', bob: '1', carol: '1' }) }, rules)).toMatchObject({ ok: true, ranking: [['alice', 'bob', 'carol']] });
  });

  it('handles a candidate key that looks like a prototype key', () => {
    const r = parseBallotForm({ [fieldName('__proto__')]: '1', [fieldName('x')]: '2' }, { candidates: ['__proto__', 'x'], allowNoOpinion: true });
    expect(r).toMatchObject({ ok: true, ranking: [['__proto__'], ['x']] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('ballot form properties', () => {
  const candidatesArb = fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), { minLength: 1, maxLength: 12 });

  it('every accepted ranking names only known candidates, each once, with No opinion absent', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 4 }), fc.integer({ min: -2, max: 15 }).map(String), fc.constant('none'), fc.constant(''),
      fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
    );
    const input = candidatesArb.chain((candidates) => fc.tuple(
      fc.constant(candidates),
      fc.boolean(),
      fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 14 }), fc.string({ maxLength: 6 }).map(fieldName), fc.constantFrom(...candidates).map(fieldName)), value), { maxLength: 16 }),
    ));
    fc.assert(fc.property(input, ([candidates, allowNoOpinion, entries]) => {
      const body = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of entries) body[k] = v;
      const r = parseBallotForm(body, { candidates, allowNoOpinion });
      if (!r.ok) {
        expect(r.errors.length).toBeGreaterThan(0);
        return;
      }
      const flat = r.ranking.flat();
      expect(new Set(flat).size).toBe(flat.length);
      expect(flat.every((k) => candidates.includes(k))).toBe(true);
      expect(flat.length).toBeGreaterThan(0);
      expect(r.ranking.every((g) => g.length > 0)).toBe(true);
      for (const k of candidates) {
        if (r.choices[k] === 'none' || r.choices[k] === '') expect(flat).not.toContain(k);
        else expect(flat).toContain(k);
      }
      if (!allowNoOpinion) expect(flat.length).toBe(candidates.length);
    }), { numRuns: runs });
  });

  it('any valid ranking survives choices → form → parse unchanged', () => {
    fc.assert(fc.property(candidatesArb.chain((cands) => fc.tuple(
      fc.constant(cands),
      fc.array(fc.oneof(fc.integer({ min: 1, max: cands.length }), fc.constant('none' as const)), { minLength: cands.length, maxLength: cands.length }),
    )), ([candidates, values]) => {
      fc.pre(values.some((v) => typeof v === 'number'));
      const body = Object.fromEntries(candidates.map((k, i) => [fieldName(k), String(values[i])]));
      const r = parseBallotForm(body, { candidates, allowNoOpinion: true });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const back = rankingToChoices(r.ranking, candidates, true);
      expect(choicesToRanking(back)).toEqual(r.ranking);
      // Order between candidates is what the voter said: lower number, better group.
      const group = (k: string) => r.ranking.findIndex((g) => g.includes(k));
      candidates.forEach((a, i) => candidates.forEach((b, j) => {
        const va = values[i];
        const vb = values[j];
        if (typeof va === 'number' && typeof vb === 'number') expect(Math.sign(group(a) - group(b))).toBe(Math.sign(va - vb));
      }));
    }), { numRuns: runs });
  });
});

describe('rankingToChoices', () => {
  it('numbers groups from 1 and marks the rest No opinion (or unranked when not allowed)', () => {
    expect(rankingToChoices([['bob', 'alice'], ['carol']], ['alice', 'bob', 'carol', 'dan'], true)).toEqual({ alice: 1, bob: 1, carol: 2, dan: 'none' });
    expect(rankingToChoices([['bob']], ['alice', 'bob'], false)).toEqual({ alice: '', bob: 1 });
  });
});
