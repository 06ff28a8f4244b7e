import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { IssuesError, type Issue } from '../issue.js';
import { mergeValues } from '../model/defaults.js';
import { isObject } from '../schema/json-schema.js';

/** A 1-based line and column in a values file. */
export interface Position {
  line: number;
  column: number;
}

/** A parsed `-f` values file that can say where each key was written. */
export interface ValuesFile {
  file: string;
  values: Record<string, unknown>;
  /**
   * Position of the key (or list item) at `path`; array indices are given as strings ("0"). When the exact
   * node is not in this file, the position of its deepest existing ancestor; `[]` is line 1, column 1.
   */
  locate(path: readonly string[]): Position | undefined;
}

export type SetFlag = '--set' | '--set-string';

/** One `key.path=value` assignment of a `--set` (or `--set-string`) argument. */
export interface SetAssignment {
  path: string[];
  value: unknown;
  /** Which flag it came from; `--set` when absent. */
  flag?: SetFlag;
}

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

// ---------------------------------------------------------------------------------------------------------------
// YAML files with key positions

const mergeKeyType = new yaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<' || data === null,
});

/**
 * YAML 1.2 core types plus `<<` merge keys. Unlike js-yaml's default schema, timestamps stay strings (as Helm's
 * JSON conversion leaves them) and there is no !!binary.
 */
const VALUES_YAML_SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [mergeKeyType] });

/** Reads and parses a values file; any problem (missing file, YAML syntax, non-mapping document) throws IssuesError. */
export function loadValuesFile(file: string): ValuesFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a values file' : `cannot read: ${(error as Error).message}`;
    throw new IssuesError([{ path: '', message, file }], `${file}: ${message}`);
  }
  return parseValuesYaml(text, file);
}

/** Parses values YAML text; `file` names it in issues. An empty document is `{}`. */
export function parseValuesYaml(source: string, file: string): ValuesFile {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const root: RawNode = { start: 0, end: 0, kind: null, result: undefined, children: [] };
  const stack: RawNode[] = [root];
  let loaded: unknown;
  try {
    loaded = yaml.load(text, {
      filename: file,
      schema: VALUES_YAML_SCHEMA,
      listener: (event, state) => {
        if (event === 'open') {
          const node: RawNode = { start: state.position, end: state.position, kind: null, result: undefined, children: [] };
          stack[stack.length - 1].children.push(node);
          stack.push(node);
        } else if (stack.length > 1) {
          const node = stack.pop()!;
          node.end = state.position;
          node.kind = (state.kind as string | null) ?? null;
          node.result = state.result;
        }
      },
    });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const mark = error.mark as yaml.Mark | undefined;
    const issue: Issue = {
      path: '',
      message: `invalid YAML: ${error.reason}`,
      file,
      line: mark ? mark.line + 1 : undefined,
      column: mark ? mark.column + 1 : undefined,
    };
    throw new IssuesError([issue], `${file}: invalid YAML`);
  }
  if (loaded === undefined || loaded === null) return { file, values: {}, locate: () => ({ line: 1, column: 1 }) };
  if (!isObject(loaded)) {
    const got = Array.isArray(loaded) ? 'a list' : `a ${typeof loaded}`;
    const message = `the document must be a mapping of values (key: value), got ${got}`;
    throw new IssuesError([{ path: '', message, file, line: 1, column: 1 }], `${file}: ${message}`);
  }
  const lines = lineStarts(text);
  const documentNode = [...root.children].reverse().find((node) => node.kind === 'mapping');
  const tree = documentNode ? buildPositions(documentNode, text) : undefined;
  const toPosition = (offset: number): Position => offsetToPosition(lines, offset);
  return {
    file,
    values: loaded,
    locate(path) {
      let best: Position = { line: 1, column: 1 };
      let node = tree;
      for (const segment of path) {
        if (!node) break;
        if (node.keys) {
          const entry = node.keys.get(segment);
          if (!entry) break;
          best = toPosition(entry.keyOffset);
          node = entry.value;
        } else if (node.items && /^\d+$/.test(segment) && Number(segment) < node.items.length) {
          node = node.items[Number(segment)];
          best = toPosition(node.offset);
        } else break;
      }
      return best;
    },
  };
}

/** One composeNode call of js-yaml, as seen through its `listener` option. */
interface RawNode {
  start: number;
  end: number;
  kind: string | null;
  result: unknown;
  children: RawNode[];
}

/** Where the keys and items of a parsed collection start (offsets into the text). */
interface PosNode {
  offset: number;
  keys?: Map<string, { keyOffset: number; value: PosNode | undefined }>;
  items?: PosNode[];
}

/*
 * js-yaml calls the listener with "open" when composeNode starts and "close" when it ends, so the calls nest
 * like the nodes. The direct children of a mapping node are its keys and values in order (a key is a scalar
 * followed by ":" on its line); the direct children of a sequence node are its items. Deeper calls (js-yaml
 * tries a scalar as a would-be mapping key, retries after tags and anchors) only ever nest inside these.
 */
function buildPositions(raw: RawNode, text: string): PosNode {
  const node: PosNode = { offset: contentStart(text, raw.start) };
  // A flow collection read while js-yaml tried a block mapping (`- {a: 1}`) is a child returning the same object.
  let inner: RawNode | undefined;
  while (raw.result !== null && typeof raw.result === 'object' && (inner = raw.children.find((c) => c.result === raw.result && (c.kind === 'mapping' || c.kind === 'sequence')))) raw = inner;
  if (raw.kind === 'mapping') {
    node.keys = new Map();
    const children = raw.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (!isKeyNode(child, text)) continue;
      const next = children[i + 1];
      let value: PosNode | undefined;
      if (next && !isKeyNode(next, text)) {
        value = buildPositions(next, text);
        i++;
      }
      const key = child.result;
      if (key !== null && typeof key === 'object') continue; // complex keys are not addressable by a values path
      node.keys.set(String(key), { keyOffset: contentStart(text, child.start), value });
    }
  } else if (raw.kind === 'sequence' && Array.isArray(raw.result) && raw.children.length === raw.result.length) {
    // Empty block items (`-` alone) and flow pairs break the one-call-per-item rule; then only the list is located.
    node.items = raw.children.map((child) => buildPositions(child, text));
  }
  return node;
}

function isKeyNode(node: RawNode, text: string): boolean {
  if (node.kind !== 'scalar' && node.kind !== null) return false;
  if (node.end <= node.start) return false;
  let p = node.end;
  while (text[p] === ' ' || text[p] === '\t') p++;
  return text[p] === ':';
}

/** Skips whitespace, line breaks and comments: where the node's own text starts. */
function contentStart(text: string, offset: number): number {
  let p = offset;
  while (p < text.length) {
    const ch = text[p];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') p++;
    else if (ch === '#') while (p < text.length && text[p] !== '\n' && text[p] !== '\r') p++;
    else break;
  }
  return Math.min(p, text.length);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) starts.push(i + 1);
    else if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

function offsetToPosition(starts: number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

// ---------------------------------------------------------------------------------------------------------------
// --set / --set-string

/**
 * Parses one `--set` argument the way Helm's strvals does (subset): comma-separated `a.b.c=value` assignments,
 * backslash escapes (`example\.com/x` is one key; `\,` is a comma in a value), `{a,b}` lists. Values are typed
 * like Helm: true/false/null (any case) become booleans/null, decimal integers without a leading zero become
 * numbers (ones beyond JavaScript's safe integers stay strings), everything else (floats too) stays a string.
 * Not supported: `key[0]` list indices. Throws IssuesError (file `--set`) on syntax errors.
 */
export function parseSetArguments(arg: string): SetAssignment[] {
  return parseAssignments(arg, '--set');
}

/** `--set-string`: like parseSetArguments, but every value (and list item) stays a string. */
export function parseSetStringArguments(arg: string): SetAssignment[] {
  return parseAssignments(arg, '--set-string');
}

/** The single assignment of `arg`; throws when it holds none or several. */
export function parseSetArgument(arg: string): SetAssignment {
  const all = parseSetArguments(arg);
  if (all.length !== 1) throw setError('--set', arg, `expected one assignment, got ${all.length}`);
  return all[0];
}

function setError(flag: SetFlag, arg: string, reason: string): IssuesError {
  const message = `cannot parse ${flag} ${JSON.stringify(arg)}: ${reason}`;
  return new IssuesError([{ path: '', message, file: flag, line: 1, column: 1 }], message);
}

function parseAssignments(arg: string, flag: SetFlag): SetAssignment[] {
  const stringsOnly = flag === '--set-string';
  const out: SetAssignment[] = [];
  let i = 0;
  const fail = (reason: string) => setError(flag, arg, reason);
  while (i < arg.length) {
    // Key: segments split on unescaped dots, ended by "=".
    const path: string[] = [];
    let segment = '';
    let assigned = false;
    while (i < arg.length) {
      const ch = arg[i];
      if (ch === '\\') {
        if (i + 1 >= arg.length) throw fail('trailing backslash');
        segment += arg[i + 1];
        i += 2;
      } else if (ch === '.') {
        if (segment === '') throw fail(`empty key segment in "${[...path, ''].join('.')}"`);
        path.push(segment);
        segment = '';
        i++;
      } else if (ch === '=') {
        assigned = true;
        i++;
        break;
      } else if (ch === ',') {
        throw fail(`key "${[...path, segment].join('.')}" has no value`);
      } else if (ch === '[') {
        throw fail('list index syntax (key[0]=value) is not supported');
      } else {
        segment += ch;
        i++;
      }
    }
    if (!assigned) throw fail(`key "${[...path, segment].join('.')}" has no value`);
    if (segment === '') throw fail(path.length ? `empty key segment in "${[...path, ''].join('.')}"` : 'empty key');
    path.push(segment);

    // Value: a {list} or text up to the next unescaped comma.
    let value: unknown;
    if (arg[i] === '{') {
      i++;
      const items: unknown[] = [];
      let item = '';
      let closed = false;
      let sawItem = false;
      while (i < arg.length) {
        const ch = arg[i];
        if (ch === '\\') {
          if (i + 1 >= arg.length) throw fail('trailing backslash');
          item += arg[i + 1];
          sawItem = true;
          i += 2;
        } else if (ch === ',' || ch === '}') {
          if (ch === ',' || sawItem || item !== '') items.push(typedValue(item, stringsOnly));
          item = '';
          sawItem = ch === ',';
          i++;
          if (ch === '}') {
            closed = true;
            break;
          }
        } else {
          item += ch;
          sawItem = true;
          i++;
        }
      }
      if (!closed) throw fail('list is missing its closing "}"');
      if (i < arg.length && arg[i] !== ',') throw fail(`unexpected "${arg[i]}" after a list; separate assignments with ","`);
      value = items;
    } else {
      let raw = '';
      while (i < arg.length && arg[i] !== ',') {
        if (arg[i] === '\\') {
          if (i + 1 >= arg.length) throw fail('trailing backslash');
          raw += arg[i + 1];
          i += 2;
        } else raw += arg[i++];
      }
      value = typedValue(raw, stringsOnly);
    }
    if (arg[i] === ',') i++;
    out.push({ path, value, flag });
  }
  return out;
}

/** Helm's strvals typedVal. */
function typedValue(raw: string, stringsOnly: boolean): unknown {
  if (stringsOnly) return raw;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (raw === '0') return 0;
  if (raw !== '' && raw[0] !== '0' && /^[+-]?[0-9]+$/.test(raw)) {
    const n = Number(raw);
    if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  }
  return raw;
}

// ---------------------------------------------------------------------------------------------------------------
// Merging with origins

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
