import type { ProblemSink } from './problems.js';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

// YAML is loaded with the failsafe schema, so every scalar stays the text the officer wrote:
// `0777`, `1e3`, `no` and `249043822` remain strings (R11, R19). Types (dates, booleans, ints)
// are then read by our own code, the same way whichever YAML 1.1/1.2 quirk produced them.

/** A YAML value with strings as written; null for an empty or plain `~`/`null` scalar. */
export type Loose = string | null | Loose[] | LooseMap;

/** A mapping that remembers the line of each key, for problems that point at a field. */
export class LooseMap extends Map<string, Loose> {
  readonly keyLines = new Map<string, number>();
}

export interface YamlIssue {
  line?: number;
  message: string;
}

export interface LooseYaml {
  /** undefined when the text has syntax errors; null for an empty document. */
  value: Loose | undefined;
  errors: YamlIssue[];
  warnings: YamlIssue[];
}

const itemLines = new WeakMap<Loose[], number[]>();

/** The 1-based line of a sequence item, when the list came from parseLooseYaml. */
export function itemLine(list: Loose[], index: number): number | undefined {
  return itemLines.get(list)?.[index];
}

/** A list whose items' lines are known without parsing YAML (see plain-voter-list.ts). */
export function listWithLines(items: Loose[], lines: number[]): Loose[] {
  itemLines.set(items, lines);
  return items;
}

const NULL_PLAIN = new Set(['', '~', 'null', 'Null', 'NULL']);
// Each node is converted once and aliases share the result, so a "billion laughs" document stays
// linear; the budget still bounds huge or deeply nested documents.
const NODE_BUDGET = 200_000;

class BudgetExceeded extends Error {}

export function parseLooseYaml(text: string): LooseYaml {
  const lineCounter = new LineCounter();
  const errors: YamlIssue[] = [];
  const warnings: YamlIssue[] = [];
  let doc: Document.Parsed;
  try {
    // uniqueKeys off: PyYAML lets the last duplicate win, and so do we (with a warning below).
    doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false, lineCounter, prettyErrors: true });
  } catch (err) {
    return { value: undefined, errors: [{ message: `YAML could not be read: ${messageOf(err)}` }], warnings };
  }
  for (const e of doc.errors) errors.push(toIssue(e));
  for (const w of doc.warnings) warnings.push(toIssue(w));
  if (errors.length > 0) return { value: undefined, errors, warnings };

  let budget = NODE_BUDGET;
  const lineAt = (node: { range?: unknown } | null | undefined): number | undefined => {
    const range = node?.range;
    return Array.isArray(range) && typeof range[0] === 'number' ? lineCounter.linePos(range[0]).line : undefined;
  };
  const done = new Map<unknown, Loose>();
  const inProgress = new Set<unknown>();
  const convert = (node: unknown, depth: number): Loose => {
    if (--budget < 0 || depth > 200) throw new BudgetExceeded();
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (done.has(target)) return done.get(target) ?? null;
      if (inProgress.has(target)) {
        warnings.push({ line: lineAt(node), message: `alias *${node.source} refers to itself; read as empty` });
        return null;
      }
      return convert(target, depth + 1);
    }
    inProgress.add(node);
    const value = convertNode(node, depth);
    inProgress.delete(node);
    done.set(node, value);
    return value;
  };
  const convertNode = (node: unknown, depth: number): Loose => {
    if (isScalar(node)) {
      const value = node.value === null || node.value === undefined ? '' : String(node.value);
      return node.type === 'PLAIN' && NULL_PLAIN.has(value) ? null : value;
    }
    if (isMap(node)) {
      const out = new LooseMap();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value ?? '') : keyNode === null ? '' : undefined;
        const line = lineAt(keyNode as { range?: unknown } | null);
        if (key === undefined) {
          warnings.push({ line, message: 'a complex (non-text) key was ignored' });
          continue;
        }
        if (out.has(key)) warnings.push({ line, message: `duplicate key "${key}": the last one wins` });
        out.set(key, convert(pair.value, depth + 1));
        if (line !== undefined) out.keyLines.set(key, line);
      }
      return out;
    }
    if (isSeq(node)) {
      const list: Loose[] = [];
      const lines: number[] = [];
      for (const item of node.items) {
        list.push(convert(item, depth + 1));
        lines.push(lineAt(item as { range?: unknown } | null) ?? 0);
      }
      itemLines.set(list, lines);
      return list;
    }
    return null;
  };

  try {
    return { value: convert(doc.contents, 0), errors, warnings };
  } catch (err) {
    const message =
      err instanceof BudgetExceeded
        ? 'YAML is too large or too deeply nested'
        : `YAML could not be read: ${messageOf(err)}`;
    return { value: undefined, errors: [{ message }], warnings };
  }
}

// The mistakes officers really make, with the fix in their words.
const HINTS: Record<string, string> = {
  BAD_SCALAR_START: 'put the value in quotes',
  BLOCK_AS_IMPLICIT_KEY: 'a value that contains ": " must be put in quotes',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'remove the extra "---" line',
};

function toIssue(e: { code?: string; message: string; linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, unknown] }): YamlIssue {
  // yaml's pretty messages end with " at line N, column M:" and a source excerpt; keep the first sentence.
  const first = e.message.split('\n')[0] ?? e.message;
  const hint = e.code === undefined ? undefined : HINTS[e.code];
  const message = first.replace(/ at line \d+, column \d+:?$/, '') + (hint ? ` (${hint})` : '');
  const line = e.linePos?.[0]?.line;
  return line === undefined ? { message } : { line, message };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Parses a whole meta file and reports its YAML warnings and syntax errors against `path`.
 * Returns undefined (errors reported) when the text is not YAML; null for an empty document.
 */
export function readYamlFile(text: string, path: string, sink: ProblemSink): Loose | undefined {
  const yaml = parseLooseYaml(text);
  for (const w of yaml.warnings) sink.warning(path, w.message, w.line);
  if (yaml.value === undefined) {
    for (const e of yaml.errors) sink.error(path, `invalid YAML: ${e.message}`, e.line);
  }
  return yaml.value;
}
