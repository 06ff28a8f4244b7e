import { inputIssue, IssuesError } from '../issue.js';
import { applySetArgument, SetSyntaxError, type SetFlag } from './strvals.js';

export type { SetFlag } from './strvals.js';

/** One leaf assignment of a `--set`-family argument. */
export interface SetAssignment {
  /** Keys and list indices (as decimal strings). */
  path: string[];
  value: unknown;
  /** Which flag it came from; `--set` when absent. */
  flag?: SetFlag;
}

/** The order in which Helm applies the --set family after the -f files. */
export const SET_FLAGS: readonly SetFlag[] = ['--set-json', '--set', '--set-string', '--set-file', '--set-literal'];

export function setError(flag: SetFlag, arg: string, reason: string, column = 1): IssuesError {
  const message = `cannot parse ${flag} ${JSON.stringify(arg)}: ${reason}`;
  return new IssuesError([inputIssue('input.set', message, { file: flag, line: 1, column })], message);
}

/**
 * Parses one argument of `flag` on its own (as if no -f file came before) the way Helm's strvals does: comma
 * separated `a.b[0].c=value` assignments, backslash escapes, `{a,b}` lists, typed values for --set. Throws
 * IssuesError (file = the flag) where Helm fails.
 */
export function parseFlagArgument(flag: SetFlag, arg: string, readFile?: (path: string) => string): SetAssignment[] {
  try {
    return applySetArgument(flag, arg, {}, readFile).map((a) => ({ ...a, flag }));
  } catch (error) {
    if (error instanceof SetSyntaxError) throw setError(flag, arg, error.message);
    throw error;
  }
}

export function parseSetArguments(arg: string): SetAssignment[] {
  return parseFlagArgument('--set', arg);
}

/** `--set-string`: like parseSetArguments, but every value (and list item) stays a string. */
export function parseSetStringArguments(arg: string): SetAssignment[] {
  return parseFlagArgument('--set-string', arg);
}

/** The single assignment of `arg`; throws when it holds none or several. */
export function parseSetArgument(arg: string): SetAssignment {
  const all = parseSetArguments(arg);
  if (all.length !== 1) throw setError('--set', arg, `expected one assignment, got ${all.length}`);
  return all[0];
}
