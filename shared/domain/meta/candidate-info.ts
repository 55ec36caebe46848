import { isLooseMap } from './scalars.js';
import type { Loose } from './loose-yaml.js';

/**
 * R17: Elekto expects `info` as a list of one-key maps, but real files also use a plain mapping,
 * multi-key items, nothing at all, or stray strings. All become one flat field → text record.
 * Each `show_candidate_fields` entry is then present under its listed spelling: matched exactly,
 * else case-insensitively (`Affiliation` vs `affiliation` is real), else ''.
 */
export function readCandidateInfo(raw: Loose | undefined, showFields: readonly string[], note: (message: string) => void): Record<string, string> {
  const fields = new Map<string, string>();
  const addMap = (map: Map<string, Loose>): void => {
    for (const [key, value] of map) {
      const text = fieldText(value);
      if (text === undefined) note(`info field "${key}" has a nested mapping as its value; ignored`);
      else fields.set(key.trim(), text);
    }
  };
  if (raw === undefined || raw === null) {
    // Nothing to read: listed fields show as empty below.
  } else if (isLooseMap(raw)) {
    addMap(raw);
  } else if (Array.isArray(raw)) {
    for (const item of raw) {
      if (isLooseMap(item)) addMap(item);
      else if (item !== null) note(`info entry ${JSON.stringify(typeof item === 'string' ? item : '[list]')} is not "field: value"; ignored`);
    }
  } else {
    note('info should be a list of "field: value" entries; ignored');
  }

  const ordered: [string, string][] = [];
  for (const field of showFields) {
    const match = fields.has(field) ? field : [...fields.keys()].find((k) => k.toLowerCase() === field.toLowerCase());
    ordered.push([field, match === undefined ? '' : (fields.get(match) ?? '')]);
    if (match !== undefined) fields.delete(match);
  }
  ordered.push(...fields);
  // fromEntries defines own properties, so a "__proto__" field stays data instead of a prototype.
  return Object.fromEntries(ordered);
}

function fieldText(value: Loose): string | undefined {
  if (value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) {
    return value
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.trim())
      .join(', ');
  }
  return undefined;
}
