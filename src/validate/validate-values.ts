import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { IssuesError, type Issue } from '../issue.js';
import { deref, isObject, resolvePointer, type JsonSchema } from '../schema/json-schema.js';
import { expandPodOptions, visit } from '../schema/normalize.js';
import {
  loadValuesFile,
  mergeSources,
  parseSetArguments,
  parseSetStringArguments,
  type SetAssignment,
  type ValuesFile,
} from './values-sources.js';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is module.exports.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

/** A values path: keys, and numbers for list indices. */
export type PathSegment = string | number;

/** An issue before it is placed in a file: its path as segments, and which node to point at. */
export interface ValuesIssue extends Issue {
  segments: PathSegment[];
  /** The node whose position best shows the problem (e.g. the bad key itself); defaults to `segments`. */
  locateSegments?: PathSegment[];
  /** For a cross-field rule's error: the values its `if` tests (e.g. `profile`), to point at when the bad value is a default. */
  triggers?: string[][];
}

interface Compiled {
  validate: ValidateFunction;
  root: JsonSchema;
  reach: WeakMap<object, Set<object>>;
}

const compiled = new WeakMap<object, Compiled>();

function compile(schema: JsonSchema): Compiled {
  let entry = compiled.get(schema);
  if (!entry) {
    // Pod options must be expanded (closed objects, draft-07): do it here if the caller passed the source schema.
    const root = needsPodOptionsExpansion(schema) ? expandPodOptions(schema) : schema;
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    addFormats(ajv);
    entry = { validate: ajv.compile(root), root, reach: new WeakMap() };
    compiled.set(schema, entry);
  }
  return entry;
}

function needsPodOptionsExpansion(schema: JsonSchema): boolean {
  const podOptions = schema.definitions?.PodOptions?.properties;
  if (!podOptions) return false;
  let missing = false;
  visit(schema, (node) => {
    if (node['x-retool-pod-options'] === true && Object.keys(podOptions).some((key) => !node.properties?.[key])) missing = true;
  });
  return missing;
}

/** Validates merged values against the (pod-options-expanded) values schema. Issues carry no file yet. */
export function validateValues(schema: JsonSchema, values: unknown): Issue[] {
  return checkValues(schema, values).map(({ segments: _segments, locateSegments: _locate, triggers: _triggers, ...issue }) => issue);
}

/** validateValues, keeping each issue's path as segments (for locating it in the sources). */
export function checkValues(schema: JsonSchema, values: unknown): ValuesIssue[] {
  const entry = compile(schema);
  if (entry.validate(values)) return [];
  const errors = [...(entry.validate.errors ?? [])];
  const rules = ruleDescriptions(entry, errors);

  interface Kept {
    error: ErrorObject;
    issue: ValuesIssue;
  }
  const kept: Kept[] = [];
  const at = (error: ErrorObject) => instanceSegments(error.instancePath, values);
  const withRule = (error: ErrorObject, message: string) => {
    const rule = rules.get(error)?.description;
    return rule ? `${message} (${rule.replace(/\.$/, '')})` : message;
  };

  for (const error of errors) {
    switch (error.keyword) {
      case 'if':
        // "must match "then" schema": the then-branch's own errors were reported just before it.
        continue;
      case 'oneOf': {
        const subs = popNested(kept, error, reachableFromAll(entry, branchesOf(error)));
        for (const replacement of oneOfIssues(entry, error, subs, at(error))) kept.push({ error, issue: { ...replacement, message: withRule(error, replacement.message) } });
        continue;
      }
      case 'propertyNames': {
        const name = String(error.params.propertyName);
        const subs: Kept[] = [];
        while (kept.length && kept[kept.length - 1].error.instancePath === error.instancePath && (kept[kept.length - 1].error as { propertyName?: string }).propertyName === name) {
          subs.unshift(kept.pop()!);
        }
        const reasons = subs.map((s) => s.issue.message).join('; ') || 'not allowed';
        const segments = at(error);
        kept.push({ error, issue: { path: formatPath(segments), segments, locateSegments: [...segments, name], message: withRule(error, `invalid key "${name}": ${reasons}`) } });
        continue;
      }
      default: {
        const segments = at(error);
        const { extra, message } = describeError(error);
        const full = extra === undefined ? segments : [...segments, extra];
        kept.push({ error, issue: { path: formatPath(full), segments: full, message: withRule(error, message) } });
      }
    }
  }
  return sortIssues(dedupe(kept.map(({ error, issue }) => {
    const triggers = rules.get(error)?.triggers;
    return triggers?.length ? { ...issue, triggers } : issue;
  })));
}

// ---------------------------------------------------------------------------------------------------------------
// ajv error bookkeeping

/**
 * ajv reports a failing `if` after the errors of its `then`; tag those with the rule's description (the allOf
 * entry's `description`, e.g. "temporal.mode: external requires host and namespace.").
 */
interface Rule {
  description: string;
  triggers: string[][];
}

function ruleDescriptions(entry: Compiled, errors: ErrorObject[]): Map<ErrorObject, Rule> {
  const rules = new Map<ErrorObject, Rule>();
  errors.forEach((error, index) => {
    if (error.keyword !== 'if') return;
    const parent = error.parentSchema as JsonSchema | undefined;
    const branchKey = String(error.params.failingKeyword ?? 'then') as 'then' | 'else';
    const branch = parent?.[branchKey];
    const description = typeof parent?.description === 'string' ? parent.description : undefined;
    if (!parent || !isObject(branch) || !description) return;
    const reach = reachable(entry, branch as JsonSchema);
    const base = instanceSegments(error.instancePath, undefined).map(String);
    const rule: Rule = { description, triggers: isObject(parent.if) ? conditionPaths(parent.if as JsonSchema).map((p) => [...base, ...p]) : [] };
    for (let i = index - 1; i >= 0; i--) {
      const candidate = errors[i];
      if (!within(candidate.instancePath, error.instancePath) || !reach.has(candidate.parentSchema as object)) break;
      if (!rules.has(candidate)) rules.set(candidate, rule);
    }
  });
  return rules;
}

/** The values an `if` schema tests with const/enum, e.g. [["profile"]] or [["temporal", "mode"]]. */
function conditionPaths(schema: JsonSchema, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (!isObject(child)) continue;
    if ('const' in child || Array.isArray(child.enum)) out.push([...prefix, key]);
    out.push(...conditionPaths(child, [...prefix, key]));
  }
  return out;
}

function branchesOf(error: ErrorObject): JsonSchema[] {
  const branches = (error.parentSchema as JsonSchema | undefined)?.oneOf;
  return Array.isArray(branches) ? branches : [];
}

/** Removes from `kept` the contiguous run of errors just before `error` that its branches produced. */
function popNested<T extends { error: ErrorObject }>(kept: T[], error: ErrorObject, reach: Set<object>): T[] {
  const subs: T[] = [];
  while (kept.length) {
    const last = kept[kept.length - 1].error;
    if (!within(last.instancePath, error.instancePath) || !reach.has(last.parentSchema as object)) break;
    subs.unshift(kept.pop()!);
  }
  return subs;
}

function within(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** Every schema object evaluation of `node` can reach (following local $refs). */
function reachable(entry: Compiled, node: JsonSchema): Set<object> {
  const cached = entry.reach.get(node);
  if (cached) return cached;
  const seen = new Set<object>();
  const walk = (value: unknown) => {
    if (!isObject(value) || seen.has(value)) return;
    seen.add(value);
    const schema = value as JsonSchema;
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/')) {
      try {
        walk(resolvePointer(entry.root, schema.$ref));
      } catch {
        // unresolvable refs fail at compile time already
      }
    }
    for (const key of ['properties', 'patternProperties', 'dependencies'] as const) {
      const map = schema[key];
      if (isObject(map)) Object.values(map).forEach(walk);
    }
    for (const key of ['additionalProperties', 'propertyNames', 'additionalItems', 'contains', 'not', 'if', 'then', 'else'] as const) walk(schema[key]);
    const items = schema.items as unknown;
    if (Array.isArray(items)) items.forEach(walk);
    else walk(items);
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) schema[key]?.forEach(walk);
  };
  walk(node);
  entry.reach.set(node, seen);
  return seen;
}

function reachableFromAll(entry: Compiled, nodes: JsonSchema[]): Set<object> {
  const all = new Set<object>();
  for (const node of nodes) for (const item of reachable(entry, node)) all.add(item);
  return all;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

/**
 * One failed oneOf (e.g. SecretValue) becomes one message naming the accepted forms. When the value's type picks
 * exactly one branch (an object → the {secretKeyRef} form), that branch's unknown keys stay separate issues and
 * its other errors are quoted in the message.
 */
function oneOfIssues(entry: Compiled, error: ErrorObject, subs: Array<{ error: ErrorObject; issue: ValuesIssue }>, segments: PathSegment[]): ValuesIssue[] {
  const branches = branchesOf(error);
  const forms = branches.map((branch) => describeSchema(entry.root, branch)).join(' or ');
  const data = error.data;
  const path = formatPath(segments);
  if (Array.isArray(error.params.passingSchemas)) {
    return [{ path, segments, message: `must match exactly one of: ${forms}` }];
  }
  const matching = branches.map((branch, i) => ({ branch, i })).filter(({ branch }) => typeMatches(entry.root, branch, data));
  const out: ValuesIssue[] = [];
  let details: string[] = [];
  if (matching.length === 1 && (isObject(data) || Array.isArray(data))) {
    const reach = reachable(entry, matching[0].branch);
    const own = subs.filter((s) => reach.has(s.error.parentSchema as object) && !(s.error.keyword === 'type' && s.error.instancePath === error.instancePath));
    const unknownKeys = own.filter((s) => s.error.keyword === 'additionalProperties');
    out.push(...unknownKeys.map((s) => s.issue));
    details = own.filter((s) => s.error.keyword !== 'additionalProperties').map((s) => {
      const relative = formatPath(s.issue.segments.slice(segments.length));
      return relative ? `${relative} ${s.issue.message}` : s.issue.message;
    });
    if (unknownKeys.length && !details.length) return out;
  }
  const got = details.length ? `: ${details.join('; ')}` : `, got ${describeValue(data)}`;
  out.unshift({ path, segments, message: `must be ${forms}${got}` });
  return out;
}

function typeMatches(root: JsonSchema, branch: JsonSchema, data: unknown): boolean {
  const schema = derefAll(root, branch);
  let types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (!types.length && schema.properties) types = ['object'];
  if (!types.length) return true;
  const actual = jsonType(data);
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

function derefAll(root: JsonSchema, node: JsonSchema): JsonSchema {
  try {
    return deref(root, node);
  } catch {
    return node;
  }
}

/** Short human description of what a schema accepts, e.g. `a non-empty string` or `{secretKeyRef: {name, key}}`. */
export function describeSchema(root: JsonSchema, node: JsonSchema, depth = 0): string {
  const schema = derefAll(root, node);
  if ('const' in schema) return formatAllowed(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map(formatAllowed).join(', ')}`;
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if ((types.length === 0 || types.includes('object')) && isObject(schema.properties) && depth < 3) {
    const keys = schema.required?.length ? schema.required : Object.keys(schema.properties);
    const parts = keys.map((key) => {
      const child = schema.properties?.[key];
      const resolved = child ? derefAll(root, child) : undefined;
      return resolved && isObject(resolved.properties) ? `${key}: ${describeSchema(root, resolved, depth + 1)}` : key;
    });
    return `{${parts.join(', ')}}`;
  }
  if (types.length) {
    return types.map((type) => {
      switch (type) {
        case 'string': return (schema.minLength ?? 0) >= 1 ? 'a non-empty string' : 'a string';
        case 'integer': return 'an integer';
        case 'number': return 'a number';
        case 'boolean': return 'a boolean';
        case 'array': return 'a list';
        case 'object': return 'a map';
        case 'null': return 'null';
        default: return type;
      }
    }).join(' or ');
  }
  return schema.title ? `a ${schema.title}` : 'a value matching the schema';
}

/** Message for one ajv error, and the key to append to its path (missing or unknown property). */
function describeError(error: ErrorObject): { message: string; extra?: string } {
  const p = error.params as Record<string, unknown>;
  const data = error.data;
  switch (error.keyword) {
    case 'required':
      return { extra: String(p.missingProperty), message: 'is required' };
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const parent = error.parentSchema as JsonSchema | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      const guess = closest(key, allowed);
      const hint = guess ? ` — did you mean "${guess}"?` : '';
      const list = allowed.length ? `allowed: ${allowed.join(', ')}` : 'no keys are allowed here';
      return { extra: key, message: `unknown key "${key}"${hint} (${list})` };
    }
    case 'type': {
      const expected = String(p.type).split(',');
      const quote = expected.includes('string') && (typeof data === 'number' || typeof data === 'boolean') ? '; quote it in YAML to make it a string' : '';
      return { message: `must be ${expected.join(' or ')}, got ${jsonType(data)}${isObject(data) || Array.isArray(data) ? '' : ` ${describeValue(data)}`}${quote}` };
    }
    case 'enum':
      return { message: `must be one of: ${(p.allowedValues as unknown[]).map(formatAllowed).join(', ')}; got ${describeValue(data)}` };
    case 'const':
      return { message: `must be ${formatAllowed(p.allowedValue)}, got ${describeValue(data)}` };
    case 'pattern':
      return { message: `must match pattern ${String(p.pattern)}, got ${describeValue(data)}` };
    case 'format':
      return { message: `must be a valid ${String(p.format)}, got ${describeValue(data)}` };
    case 'minLength':
      return { message: Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long` };
    case 'maxLength':
      return { message: `must be at most ${String(p.limit)} characters long${typeof data === 'string' ? ` (is ${data.length})` : ''}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { message: `must be ${String(p.comparison)} ${String(p.limit)}, got ${describeValue(data)}` };
    case 'minItems':
      return { message: `must have at least ${String(p.limit)} item${Number(p.limit) === 1 ? '' : 's'}` };
    case 'maxItems':
      return { message: `must have at most ${String(p.limit)} item${Number(p.limit) === 1 ? '' : 's'}` };
    case 'uniqueItems':
      return { message: `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)` };
    case 'false schema':
      return { message: 'is not allowed' };
    case 'not': {
      // `not: {const: x}` forbids one value; a bare `not: {}` forbids the key altogether.
      const forbidden = (error.schema as JsonSchema | undefined)?.const;
      return { message: forbidden === undefined ? 'must not be set here' : `must not be ${formatAllowed(forbidden)}` };
    }
    default:
      return { message: error.message ?? `fails ${error.keyword}` };
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function formatAllowed(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The allowed key nearest to `key` (case-insensitive or within a small edit distance). */
function closest(key: string, allowed: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of allowed) {
    const distance = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(name.length / 4)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

// ---------------------------------------------------------------------------------------------------------------
// Paths

/** JSON pointer → segments; list indices become numbers where the values hold a list. */
function instanceSegments(pointer: string, values: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let cursor = values;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cursor) && /^\d+$/.test(key)) {
      out.push(Number(key));
      cursor = cursor[Number(key)];
    } else {
      out.push(key);
      cursor = isObject(cursor) ? cursor[key] : undefined;
    }
  }
  return out;
}

/** Dotted values path: `a.b[0].c`; dots and backslashes inside keys are backslash-escaped, as for --set. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const escaped = segment.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
      out += out ? `.${escaped}` : escaped;
    }
  }
  return out;
}

function dedupe(issues: ValuesIssue[]): ValuesIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function compareSegments(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

function sortIssues(issues: ValuesIssue[]): ValuesIssue[] {
  return [...issues].sort((a, b) => compareSegments(a.segments, b.segments) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------------------
// Files + --set → issues with positions

export interface ValidateSourcesOptions {
  /** The values schema with pod options expanded (the source schema is expanded here if it is not). */
  schema: JsonSchema;
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
 * Loads the -f files, parses --set/--set-string, merges like Helm and validates. Problems loading a source
 * (missing file, YAML syntax, bad --set) are returned as issues, and then the merged values are not validated
 * (the errors would only be noise from the missing source). Every issue names a file, line and column.
 */
export function validateSources(options: ValidateSourcesOptions): { values: Record<string, unknown>; issues: Issue[] } {
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
  if (loadIssues.length) return { values: merged.values, issues: loadIssues };

  const defaultsFile = options.defaultsFile ?? 'values.yaml';
  const issues = checkValues(options.schema, merged.values).map(({ segments, locateSegments, triggers, ...issue }): Issue => {
    let where = merged.origin((locateSegments ?? segments).map(String), { preferUserSources: true });
    // A default broke a cross-field rule: point at the value the user set that switched the rule on.
    if (where?.file === defaultsFile && triggers) {
      for (const trigger of triggers) {
        const candidate = merged.origin(trigger, { preferUserSources: true });
        if (candidate && candidate.file !== defaultsFile) {
          where = candidate;
          break;
        }
      }
    }
    return where ? { ...issue, file: where.file, line: where.line, column: where.column } : issue;
  });
  return { values: merged.values, issues };
}
