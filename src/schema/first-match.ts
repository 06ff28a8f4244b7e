import { deref, isObject, type JsonSchema } from './json-schema.js';
import { visit } from './visit.js';

/*
 * values.schema.json in the form Helm's validators check fastest, accepting exactly the same values. Both
 * Helm 3's gojsonschema and Helm 4's santhosh-tekuri/jsonschema try every branch of a `oneOf` (to prove that no
 * second one matches) and build an error, message included, for each branch that fails; an `anyOf` stops at the
 * first branch that matches. Each env entry (EnvValue: a string or one of four references) and each extra volume
 * (exactly one source) was such a `oneOf`: at 3,000 env entries and 600 volumes that was 57 M instructions of a
 * Helm 4 render and 170 M of a Helm 3 one (issue 21, bench/instructions.bench.ts). Two rewrites, each applied only
 * where it provably changes no verdict:
 * - a `oneOf` whose branches no value can match two of at once is the same check as an `anyOf`;
 * - "exactly one of these keys" (`oneOf` of `{required: [k]}`) in a closed object whose other keys are all
 *   required is "at least one of them" (`anyOf`) and "no more keys than the required ones and one"
 *   (`maxProperties`).
 * The source schema keeps its `oneOf`s: `validate` words a failed one as "must be one of …" and the editor
 * schema keeps them for yaml-language-server.
 */
export function firstMatchSchema(published: JsonSchema): JsonSchema {
  const root = structuredClone(published);
  visit(root, (node) => {
    if (!node.oneOf || node.anyOf) return;
    const keys = exactlyOneKey(node);
    if (keys) {
      replaceKeyword(node, 'oneOf', { anyOf: node.oneOf, maxProperties: keys.required + 1 });
    } else if (pairwiseDisjoint(node.oneOf.map((branch) => deref(root, branch)))) {
      replaceKeyword(node, 'oneOf', { anyOf: node.oneOf });
    }
  });
  return root;
}

/** The JSON types a schema admits, when its keywords say ("integer" counted as "number"); undefined for any. */
function jsonTypes(schema: JsonSchema): Set<string> | undefined {
  const of = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value);
  if (schema.type !== undefined) return new Set((Array.isArray(schema.type) ? schema.type : [schema.type]).map((t) => (t === 'integer' ? 'number' : t)));
  if ('const' in schema) return new Set([of(schema.const)]);
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map(of));
  return undefined;
}

/** Whether `a` only admits objects with a key that `b` refuses (closed, without it among its properties). */
function requiresKeyRefusedBy(a: JsonSchema, b: JsonSchema): boolean {
  if (b.additionalProperties !== false || b.patternProperties !== undefined) return false;
  const typesOfA = jsonTypes(a);
  if (!typesOfA || typesOfA.size !== 1 || !typesOfA.has('object')) return false;
  return (a.required ?? []).some((key) => !(key in (b.properties ?? {})));
}

function disjoint(a: JsonSchema, b: JsonSchema): boolean {
  const ta = jsonTypes(a);
  const tb = jsonTypes(b);
  if (ta && tb && ![...ta].some((t) => tb.has(t))) return true;
  return requiresKeyRefusedBy(a, b) || requiresKeyRefusedBy(b, a);
}

function pairwiseDisjoint(branches: JsonSchema[]): boolean {
  return branches.every((a, i) => branches.slice(i + 1).every((b) => disjoint(a, b)));
}

/**
 * For a closed object whose `oneOf` branches are each `{required: [k]}` over keys that, with its required
 * ones, are all its properties: the number of required keys. Then an object it accepts holds every required
 * key and some of the branch keys, so "exactly one branch key" is "at least one" and "at most required + 1 keys".
 */
function exactlyOneKey(node: JsonSchema): { required: number } | undefined {
  const types = jsonTypes(node);
  if (!types || types.size !== 1 || !types.has('object')) return undefined;
  if (node.additionalProperties !== false || node.patternProperties !== undefined) return undefined;
  if (node.maxProperties !== undefined || node.minProperties !== undefined || !isObject(node.properties)) return undefined;
  const branchKeys: string[] = [];
  for (const branch of node.oneOf ?? []) {
    if (Object.keys(branch).length !== 1 || branch.required?.length !== 1) return undefined;
    branchKeys.push(branch.required[0]);
  }
  const required = new Set(node.required ?? []);
  const properties = Object.keys(node.properties);
  const branchSet = new Set(branchKeys);
  if (branchSet.size !== branchKeys.length || branchKeys.some((key) => required.has(key) || !properties.includes(key))) return undefined;
  if (!properties.every((key) => required.has(key) || branchSet.has(key))) return undefined;
  if (![...required].every((key) => properties.includes(key))) return undefined;
  return { required: required.size };
}

/** Replaces `keyword` of `node` by `replacement`'s keywords in its place, keeping the file's key order. */
function replaceKeyword(node: JsonSchema, keyword: string, replacement: Record<string, unknown>): void {
  const entries = Object.entries(node);
  for (const key of Object.keys(node)) delete node[key];
  for (const [key, value] of entries) {
    if (key === keyword) Object.assign(node, replacement);
    else node[key] = value;
  }
}
