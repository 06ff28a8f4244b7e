import { inputIssue, IssuesError, type Issue } from '../issue.js';
import { isObject } from '../schema/json-schema.js';
import { coalesceValues, mergeUserValues } from '../model/coalesce.js';
import { SET_FLAGS, setError, type SetAssignment, type SetFlag } from './set-arguments.js';
import { applySetArgument, SetSyntaxError } from './strvals.js';
import { decodeValuesBytes, loadValuesFile, readBounded, type ValuesFile } from './values-file.js';

/** Where a value was set: a file, or a --set-family flag with column = 1-based index of the assignment. */
export interface Origin {
  file: string;
  line: number;
  column: number;
}

export interface MergedValues {
  values: Record<string, unknown>;
  /**
   * The last source that sets `path` exactly; when none does, the source setting its deepest ancestor (the
   * last such on a tie). With `preferUserSources`, an answer in the chart defaults is replaced by the -f/--set
   * source setting the deepest ancestor, when one sets at least the first segment.
   */
  origin(path: readonly string[], options?: { preferUserSources?: boolean }): Origin | undefined;
}

export interface MergeOptions {
  /** How the chart's own defaults are named in origins, e.g. charts/retool/values.yaml. */
  defaultsFile?: string;
}

/** The values sources of a run: chart defaults, then what the command line gives, spelled as Helm's flags. */
export interface SourceArguments {
  /** The chart's defaults (schemaDefaults of the schema). */
  defaults: unknown;
  /** -f files, in order. */
  files: readonly string[];
  /** --set arguments, in order. */
  sets?: readonly string[];
  /** --set-string arguments, in order. */
  setStrings?: readonly string[];
  /** --set-json arguments (key=JSON), in order. */
  setJsons?: readonly string[];
  /** --set-file arguments (key=path), in order. */
  setFiles?: readonly string[];
  /** --set-literal arguments, in order. */
  setLiterals?: readonly string[];
  /** How the defaults are named in issues; default values.yaml. */
  defaultsFile?: string;
}

export interface SetArgument {
  flag: SetFlag;
  arg: string;
}

/** The --set family of `options`, in the order Helm applies them. */
export function setArgumentsOf(options: SourceArguments): SetArgument[] {
  const byFlag: Record<SetFlag, readonly string[] | undefined> = {
    '--set-json': options.setJsons,
    '--set': options.sets,
    '--set-string': options.setStrings,
    '--set-file': options.setFiles,
    '--set-literal': options.setLiterals,
  };
  return SET_FLAGS.flatMap((flag) => (byFlag[flag] ?? []).map((arg) => ({ flag, arg })));
}

function readSetFile(path: string): string {
  try {
    return decodeValuesBytes(readBounded(path), path);
  } catch (error) {
    if (error instanceof IssuesError) throw new SetSyntaxError(error.issues[0].message);
    const code = (error as NodeJS.ErrnoException).code;
    throw new SetSyntaxError(`cannot read ${JSON.stringify(path)}: ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
}

/**
 * Loads the -f files and applies the --set family like Helm. Problems loading a source (missing file, YAML
 * syntax, bad --set) are returned as issues; the sources that did load are merged all the same.
 */
export function loadSources(options: SourceArguments): { merged: MergedValues; issues: Issue[] } {
  const loadIssues: Issue[] = [];
  const files: ValuesFile[] = [];
  for (const file of options.files) {
    try {
      files.push(loadValuesFile(file));
    } catch (error) {
      if (error instanceof IssuesError) loadIssues.push(...error.issues);
      else loadIssues.push(inputIssue('input.unreadable', `cannot load: ${(error as Error).message}`, { file }));
    }
  }
  const merged = mergeSources(options.defaults, files, setArgumentsOf(options), { defaultsFile: options.defaultsFile }, loadIssues);
  return { merged, issues: loadIssues };
}

interface Source {
  kind: 'defaults' | 'file' | 'set';
  /** What this source itself sets, as a values tree. */
  values: unknown;
  where(path: readonly string[]): Origin;
}

/**
 * Combines like Helm: the -f files merged in order, the --set family parsed into that result (pass SetArguments
 * in Helm's order, see setArgumentsOf, or already-parsed assignments), then all of it coalesced over the chart
 * defaults. Arguments Helm fails on add an issue to `issues` (when given) and are skipped.
 */
export function mergeSources(
  defaults: unknown,
  files: readonly ValuesFile[],
  sets: readonly (SetArgument | SetAssignment)[] = [],
  options: MergeOptions = {},
  issues: Issue[] = [],
): MergedValues {
  const defaultsFile = options.defaultsFile ?? 'values.yaml';
  const sources: Source[] = [{ kind: 'defaults', values: isObject(defaults) ? defaults : {}, where: () => ({ file: defaultsFile, line: 1, column: 1 }) }];

  let user: Record<string, unknown> = {};
  for (const file of files) {
    user = mergeUserValues(user, file.values);
    sources.push({ kind: 'file', values: file.values, where: (path) => ({ file: file.file, ...(file.locate(path) ?? { line: 1, column: 1 }) }) });
  }

  const counts = new Map<SetFlag, number>();
  const addSet = (flag: SetFlag, assignment: { path: string[] }, value: unknown) => {
    const column = (counts.get(flag) ?? 0) + 1;
    counts.set(flag, column);
    sources.push({ kind: 'set', values: nest(assignment.path, value), where: () => ({ file: flag, line: 1, column }) });
  };
  for (const set of sets) {
    if ('arg' in set) {
      // Parse into a copy: an argument Helm fails on must leave no half-applied change behind.
      const attempt = structuredClone(user);
      try {
        const assignments = applySetArgument(set.flag, set.arg, attempt, readSetFile);
        user = attempt;
        for (const assignment of assignments) addSet(set.flag, assignment, assignment.value);
      } catch (error) {
        if (!(error instanceof SetSyntaxError)) throw error;
        issues.push(...setError(set.flag, set.arg, error.message, (counts.get(set.flag) ?? 0) + 1).issues);
      }
    } else {
      user = mergeUserValues(user, nest(set.path, set.value));
      addSet(set.flag ?? '--set', set, set.value);
    }
  }

  const values = coalesceValues(defaults, user);
  return {
    values,
    origin(path, originOptions = {}) {
      let best: { source: Source; depth: number } | undefined;
      let bestUser: { source: Source; depth: number } | undefined;
      for (let i = sources.length - 1; i >= 0; i--) {
        const source = sources[i];
        const depth = existingDepth(source.values, path);
        if (source.kind === 'set' && depth === 0) continue; // an unrelated assignment
        if (source.kind !== 'defaults' && depth >= 1 && (!bestUser || depth > bestUser.depth)) bestUser = { source, depth };
        if (!best || depth > best.depth) best = { source, depth };
      }
      if (!best) return undefined;
      if (originOptions.preferUserSources && best.source.kind === 'defaults' && bestUser) best = bestUser;
      return best.source.where(path);
    },
  };
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  let tree: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) tree = { [path[i]]: tree };
  return tree as Record<string, unknown>;
}

/** How many leading segments of `path` exist in `tree` (array indices as decimal strings). */
function existingDepth(tree: unknown, path: readonly string[]): number {
  let cursor = tree;
  let depth = 0;
  for (const segment of path) {
    if (isObject(cursor) && Object.prototype.hasOwnProperty.call(cursor, segment)) cursor = cursor[segment];
    else if (Array.isArray(cursor) && /^\d+$/.test(segment) && Number(segment) < cursor.length) cursor = cursor[Number(segment)];
    else break;
    depth++;
  }
  return depth;
}
