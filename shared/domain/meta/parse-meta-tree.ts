import { discoverElections, ELECTION_FILE } from './discover.js';
import { parseElectionDir } from './election-dir.js';
import { createProblemSink, sortProblems } from './problems.js';
import type { BrokenElection, MetaParseResult, MetaProblem, MetaTree, ParsedElection } from './types.js';

// Keys become URL segments (/app/elections/<key>); other characters work but need escaping.
const URL_SAFE_KEY = /^[A-Za-z0-9._~-]+$/;

/**
 * Parses an elections root held in memory. Pure and total: no input makes it throw (R4), each
 * problem is reported against its file, and one broken election never hides the others.
 */
export function parseMetaTree(tree: MetaTree): MetaParseResult {
  const elections: ParsedElection[] = [];
  const problems: MetaProblem[] = [];
  const brokenElections: BrokenElection[] = [];
  try {
    const discovery = discoverElections(tree);
    const rootSink = createProblemSink(problems);
    if (discovery.hasRootElectionFile) {
      rootSink.warning(ELECTION_FILE, 'an election.yaml at the elections root is ignored: each election needs its own directory');
    }
    for (const clash of discovery.keyClashes) {
      rootSink.error(`${clash.path}/${ELECTION_FILE}`, `this directory has the same election key as ${clash.other}; it is ignored`);
    }
    for (const dir of discovery.dirs) {
      const sink = createProblemSink(problems, dir.key);
      const parent = discovery.nested.find((n) => n.path === dir.path)?.parent;
      if (parent !== undefined) sink.warning(`${dir.path}/${ELECTION_FILE}`, `election nested inside the election in ${parent}; both are listed`);
      if (!URL_SAFE_KEY.test(dir.key)) sink.warning(`${dir.path}/${ELECTION_FILE}`, `the election key "${dir.key}" has characters that need escaping in URLs`);
      let election: ParsedElection | undefined;
      try {
        election = parseElectionDir(dir, sink);
      } catch (err) {
        sink.error(`${dir.path}/${ELECTION_FILE}`, `the election could not be parsed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (election) elections.push(election);
      else brokenElections.push({ key: dir.key, path: dir.path });
    }
  } catch (err) {
    // Last line of defence for the "never throws" promise; every known failure is handled above.
    problems.push({ path: '', level: 'error', message: `the meta tree could not be parsed: ${err instanceof Error ? err.message : String(err)}` });
  }
  return { elections, problems: sortProblems(problems), brokenElections };
}
