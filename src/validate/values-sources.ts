import { IssuesError, type Issue } from '../issue.js';
import { mergeValues } from '../model/defaults.js';
import { isObject } from '../schema/json-schema.js';
import { parseSetArguments, parseSetStringArguments, type SetAssignment, type SetFlag } from './set-arguments.js';
import { loadValuesFile, type ValuesFile } from './values-file.js';

/** Where a value was set: a file, or `--set` / `--set-string` with column = 1-based index of the assignment. */
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

/** The values sources of a run: chart defaults, then what the command line gives (-f, --set, --set-string). */
export interface SourceArguments {
  /** The chart's defaults (schemaDefaults of the schema). */
  defaults: unknown;
  /** -f files, in order. */
  files: readonly string[];
  /** --set arguments, in order. */
  sets?: readonly string[];
  /** --set-string arguments, in order (applied after --set, as Helm does). */
  setStrings?: readonly string[];
  /** How the defaults are named in issues; default values.yaml. */
  defaultsFile?: string;
}

/**
 * Loads the -f files, parses --set/--set-string and merges like Helm. Problems loading a source (missing file,
 * YAML syntax, bad --set) are returned as issues; the sources that did load are merged all the same.
 */
export function loadSources(options: SourceArguments): { merged: MergedValues; issues: Issue[] } {
  const loadIssues: Issue[] = [];
  const files: ValuesFile[] = [];
  const collect = (error: unknown, fallback: Issue) => {
    if (error instanceof IssuesError) loadIssues.push(...error.issues);
    else loadIssues.push({ ...fallback, message: `${fallback.message}: ${(error as Error).message}` });
  };
  for (const file of options.files) {
    try {
      files.push(loadValuesFile(file));
    } catch (error) {
      collect(error, { path: '', file, message: 'cannot load' });
    }
  }
  const sets: SetAssignment[] = [];
  for (const [flag, args, parse] of [['--set', options.sets ?? [], parseSetArguments], ['--set-string', options.setStrings ?? [], parseSetStringArguments]] as const) {
    for (const arg of args) {
      try {
        sets.push(...parse(arg));
      } catch (error) {
        collect(error, { path: '', file: flag, message: `cannot parse ${JSON.stringify(arg)}` });
      }
    }
  }
  const merged = mergeSources(options.defaults, files, sets, { defaultsFile: options.defaultsFile });
  return { merged, issues: loadIssues };
}

interface Source {
  kind: 'defaults' | 'file' | 'set';
  /** What this source itself sets, as a values tree. */
  values: unknown;
  where(path: readonly string[]): Origin;
}

/**
 * Merges like Helm: chart defaults, then each -f file in order, then each --set assignment in order (pass
 * --set ones before --set-string ones, as Helm applies them). Maps merge, other values replace, null deletes.
 */
export function mergeSources(
  defaults: unknown,
  files: readonly ValuesFile[],
  sets: readonly SetAssignment[] = [],
  options: MergeOptions = {},
): MergedValues {
  const defaultsFile = options.defaultsFile ?? 'values.yaml';
  const sources: Source[] = [];
  let values: Record<string, unknown> = isObject(defaults) ? structuredClone(defaults) : {};
  sources.push({ kind: 'defaults', values, where: () => ({ file: defaultsFile, line: 1, column: 1 }) });

  for (const file of files) {
    values = mergeValues(values, file.values) as Record<string, unknown>;
    sources.push({ kind: 'file', values: file.values, where: (path) => ({ file: file.file, ...(file.locate(path) ?? { line: 1, column: 1 }) }) });
  }

  const counts = new Map<SetFlag, number>();
  for (const assignment of sets) {
    const flag = assignment.flag ?? '--set';
    const column = (counts.get(flag) ?? 0) + 1;
    counts.set(flag, column);
    const tree = nest(assignment.path, assignment.value);
    values = mergeValues(values, tree) as Record<string, unknown>;
    sources.push({ kind: 'set', values: tree, where: () => ({ file: flag, line: 1, column }) });
  }

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
