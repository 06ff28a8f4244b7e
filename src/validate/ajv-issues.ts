import type { ErrorObject } from 'ajv';
import { schemaCode } from '../issue-codes.js';
import { DEFAULTS_KEPT_DESCRIPTION } from '../schema/helm-safety.js';
import { isObject, type JsonSchema } from '../schema/json-schema.js';
import { reachable, reachableFromAll, type CompiledSchema } from './compiled-schema.js';
import { derefAll, describeError, describeSchema, describeValue, jsonType } from './issue-messages.js';
import { ruleReason, ruleTriggers } from '../schema/rules.js';
import { compareSegments, formatPath, instanceSegments, type PathSegment } from './values-paths.js';
import { valuesIssue, type ValuesIssue } from './values-issue.js';

export type { ValuesIssue } from './values-issue.js';

/**
 * Turns ajv's errors for `values` into one readable issue per problem, sorted by path: a failed oneOf becomes one
 * message naming the accepted forms, and errors of a cross-field rule's `then` quote the rule's description.
 */
export function describeErrors(entry: CompiledSchema, errors: ErrorObject[], values: unknown): ValuesIssue[] {
  const rules = ruleDescriptions(entry, errors);

  interface Kept {
    error: ErrorObject;
    issue: ValuesIssue;
  }
  const kept: Kept[] = [];
  const at = (error: ErrorObject) => instanceSegments(error.instancePath, values);
  const withRule = (error: ErrorObject, message: string) => {
    const rule = rules.get(error)?.description;
    if (rule === DEFAULTS_KEPT_DESCRIPTION && error.keyword === 'required') return `was deleted with null: ${rule}`;
    return rule ? `${message} (${rule.replace(/\.$/, '')})` : message;
  };

  for (const error of errors) {
    switch (error.keyword) {
      case 'if':
        // "must match "then" schema": the then-branch's own errors were reported just before it.
        continue;
      case 'anyOf': {
        // The branches already said what is wrong (each with the rule's reason); "must match a schema in anyOf" adds nothing.
        const last = kept[kept.length - 1]?.error;
        const branches = (error.parentSchema as JsonSchema | undefined)?.anyOf ?? [];
        if (last && within(last.instancePath, error.instancePath) && reachableFromAll(entry, branches).has(last.parentSchema as object)) continue;
        const segments = at(error);
        const { message } = describeError(error);
        kept.push({ error, issue: valuesIssue('schema.anyOf', segments, withRule(error, message)) });
        continue;
      }
      case 'oneOf': {
        const subs = popNested(kept, error, reachableFromAll(entry, branchesOf(error)));
        for (const replacement of oneOfIssues(entry, error, subs, at(error))) kept.push({ error, issue: { ...replacement, message: withRule(error, replacement.message) } });
        continue;
      }
      case 'propertyNames': {
        const name = String(error.params.propertyName);
        const subs: Kept[] = [];
        // ajv tags a key's own errors with propertyName, except those reached through a $ref (they carry the key as data).
        const ofKey = (sub: ErrorObject) => sub.instancePath === error.instancePath && ((sub as { propertyName?: string }).propertyName ?? (sub.data === name ? name : undefined)) === name;
        while (kept.length && ofKey(kept[kept.length - 1].error)) {
          subs.unshift(kept.pop()!);
        }
        const reasons = subs.map((s) => s.issue.message).join('; ') || 'not allowed';
        const segments = at(error);
        kept.push({ error, issue: { ...valuesIssue('schema.propertyNames', segments, withRule(error, `invalid key "${name}": ${reasons}`)), locateSegments: [...segments, name] } });
        continue;
      }
      default: {
        const segments = at(error);
        const { extra, message: described } = describeError(error);
        const message = error.keyword === 'required' ? `${described}${acceptedForms(entry.root, error)}` : described;
        const full = extra === undefined ? segments : [...segments, extra];
        kept.push({ error, issue: valuesIssue(schemaCode(error.keyword), full, withRule(error, message)) });
      }
    }
  }
  return sortIssues(dedupe(kept.map(({ error, issue }) => {
    const triggers = rules.get(error)?.triggers;
    return triggers?.length ? { ...issue, triggers } : issue;
  })));
}

/**
 * For a missing value that takes one of several forms (a secret: a string or a secretKeyRef), which forms: ": a
 * non-empty string or {secretKeyRef: {name, key}}". A value of one form needs no such list.
 */
function acceptedForms(root: JsonSchema, error: ErrorObject): string {
  const child = (error.parentSchema as JsonSchema | undefined)?.properties?.[String(error.params.missingProperty)];
  if (!isObject(child)) return '';
  const schema = derefAll(root, child);
  const branches = schema.oneOf ?? schema.anyOf;
  return branches?.length ? `; give ${branches.map((branch) => describeSchema(root, branch)).join(' or ')}` : '';
}

/**
 * ajv reports a failing `if` after the errors of its `then`; tag those with the rule's description (the allOf
 * entry's `description`, e.g. "temporal.mode: external requires host and namespace.").
 */
interface Rule {
  description: string;
  triggers: string[][];
}

function ruleDescriptions(entry: CompiledSchema, errors: ErrorObject[]): Map<ErrorObject, Rule> {
  const rules = new Map<ErrorObject, Rule>();
  errors.forEach((error, index) => {
    if (error.keyword !== 'if') return;
    const parent = error.parentSchema as JsonSchema | undefined;
    const branchKey = String(error.params.failingKeyword ?? 'then') as 'then' | 'else';
    const branch = parent?.[branchKey];
    const description = parent ? ruleReason(parent) : undefined;
    if (!parent || !isObject(branch) || !description) return;
    const reach = reachable(entry, branch as JsonSchema);
    const base = instanceSegments(error.instancePath, undefined).map(String);
    const rule: Rule = { description, triggers: ruleTriggers(parent.if as JsonSchema).map((p) => [...base, ...p]) };
    for (let i = index - 1; i >= 0; i--) {
      const candidate = errors[i];
      // A `false` schema (a key the rule forbids) has no parent schema object to look up; its place must do.
      const reached = candidate.keyword === 'false schema' || reach.has(candidate.parentSchema as object);
      if (!within(candidate.instancePath, error.instancePath) || !reached) break;
      if (!rules.has(candidate)) rules.set(candidate, rule);
    }
  });
  return rules;
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

/**
 * One failed oneOf (e.g. SecretValue) becomes one message naming the accepted forms. When the value's type picks
 * exactly one branch (an object → the {secretKeyRef} form), that branch's unknown keys stay separate issues and
 * its other errors are quoted in the message.
 */
function oneOfIssues(entry: CompiledSchema, error: ErrorObject, subs: Array<{ error: ErrorObject; issue: ValuesIssue }>, segments: PathSegment[]): ValuesIssue[] {
  const branches = branchesOf(error);
  const forms = branches.map((branch) => describeSchema(entry.root, branch)).join(' or ');
  const data = error.data;
  if (Array.isArray(error.params.passingSchemas)) {
    return [valuesIssue('schema.oneOf', segments, `must match exactly one of: ${forms}`)];
  }
  let matching = branches.filter((branch) => typeMatches(entry.root, branch, data));
  if (matching.length > 1 && isObject(data)) {
    // Several map forms ({secretKeyRef} or {configMapKeyRef}): the key the value uses picks one.
    const keyed = matching.filter((branch) => Object.keys(derefAll(entry.root, branch).properties ?? {}).some((key) => key in data));
    if (keyed.length === 1) matching = keyed;
  }
  const out: ValuesIssue[] = [];
  let details: string[] = [];
  if (matching.length === 1 && (isObject(data) || Array.isArray(data))) {
    const reach = reachable(entry, matching[0]);
    const own = subs.filter((s) => reach.has(s.error.parentSchema as object) && !(s.error.keyword === 'type' && s.error.instancePath === error.instancePath));
    const unknownKeys = own.filter((s) => s.error.keyword === 'additionalProperties');
    out.push(...unknownKeys.map((s) => s.issue));
    details = own.filter((s) => s.error.keyword !== 'additionalProperties').map((s) => {
      const relative = formatPath(s.issue.segments.slice(segments.length));
      return relative ? `${relative} ${s.issue.message}` : s.issue.message;
    });
    if (unknownKeys.length && !details.length) return out;
  }
  const quotable = (typeof data === 'number' || typeof data === 'boolean') && branches.some((branch) => typeMatches(entry.root, branch, 'text'));
  const got = details.length ? `: ${details.join('; ')}` : `, got ${describeValue(data)}${quotable ? '; quote it in YAML to make it a string' : ''}`;
  out.unshift(valuesIssue('schema.oneOf', segments, `must be ${forms}${got}`));
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

function dedupe(issues: ValuesIssue[]): ValuesIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortIssues(issues: ValuesIssue[]): ValuesIssue[] {
  return [...issues].sort((a, b) => compareSegments(a.segments, b.segments) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}
