import { itemLine, LooseMap, type Loose } from './loose-yaml.js';

// Readers for the loosely typed values officers write. Every scalar arrives as text (failsafe
// schema), so each field decides here what it accepts.

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off']);

/** R8: `True`/`False` are the real spellings; `yes`/`no`/`on`/`off` are YAML 1.1 booleans, accepted too. */
export function readBool(value: Loose): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** A whole number, written as digits (a `2.0` float counts as 2). */
export function readInt(value: Loose): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!/^[+-]?\d+(?:\.0*)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Optional text (R10): null becomes '', text is trimmed, lists and maps are refused (undefined). */
export function readText(value: Loose): string | undefined {
  if (value === null) return '';
  return typeof value === 'string' ? value.trim() : undefined;
}

export function isLooseMap(value: Loose | undefined): value is LooseMap {
  return value instanceof LooseMap;
}

export interface LoginList {
  logins: string[];
  notes: { line?: number; message: string }[];
}

// GitHub logins: letters, digits and hyphens, at most 39. `_` is allowed for enterprise-managed users.
const LOGIN_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;

export function looksLikeLogin(login: string): boolean {
  return LOGIN_SHAPE.test(login);
}

/**
 * R11-R13: voters and officers. Entries are trimmed, empty ones dropped, a leading `@` removed
 * (no login contains one), and duplicates dropped case-insensitively keeping the first spelling,
 * since logins are compared case-insensitively everywhere. Odd entries (e-mails, names) are kept
 * with a note: they match nobody, but they must not abort the load.
 */
export function readLoginList(list: Loose[], what: string): LoginList {
  const seen = new Map<string, string>();
  const logins: string[] = [];
  const notes: LoginList['notes'] = [];
  list.forEach((item, index) => {
    const line = itemLine(list, index);
    if (item === null) return;
    if (typeof item !== 'string') {
      notes.push({ line, message: `${what} entry ${index + 1} is a ${Array.isArray(item) ? 'list' : 'mapping'}, not a login; ignored` });
      return;
    }
    let login = item.trim();
    if (login.startsWith('@') && login.length > 1) {
      notes.push({ line, message: `${what} "${login}": the leading "@" was removed` });
      login = login.slice(1).trim();
    }
    if (login === '') return;
    const folded = login.toLowerCase();
    const first = seen.get(folded);
    if (first !== undefined) {
      notes.push({ line, message: `duplicate ${what} "${login}" (same login as "${first}"); ignored` });
      return;
    }
    seen.set(folded, login);
    if (!looksLikeLogin(login)) notes.push({ line, message: `${what} "${login}" does not look like a GitHub login` });
    logins.push(login);
  });
  return { logins, notes };
}
