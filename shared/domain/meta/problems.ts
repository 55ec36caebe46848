import type { MetaProblem } from './types.js';

/** Collects problems for one election (or for the tree), tagging each with the election key. */
export interface ProblemSink {
  error(path: string, message: string, line?: number): void;
  warning(path: string, message: string, line?: number): void;
  /** Whether any error was reported through this sink. */
  hasErrors(): boolean;
}

export function createProblemSink(into: MetaProblem[], electionKey?: string): ProblemSink {
  let errors = 0;
  const add = (level: MetaProblem['level'], path: string, message: string, line?: number): void => {
    const problem: MetaProblem = { path, level, message };
    if (line !== undefined) problem.line = line;
    if (electionKey !== undefined) problem.electionKey = electionKey;
    into.push(problem);
    if (level === 'error') errors += 1;
  };
  return {
    error: (path, message, line) => add('error', path, message, line),
    warning: (path, message, line) => add('warning', path, message, line),
    hasErrors: () => errors > 0,
  };
}

/** Stable order for output: by path, then line (file-level problems first), then insertion order. */
export function sortProblems(problems: MetaProblem[]): MetaProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      if (a.problem.path !== b.problem.path) return a.problem.path < b.problem.path ? -1 : 1;
      const la = a.problem.line ?? 0;
      const lb = b.problem.line ?? 0;
      return la !== lb ? la - lb : a.index - b.index;
    })
    .map(({ problem }) => problem);
}
