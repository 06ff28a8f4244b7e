import { deref, isObject, type JsonSchema } from './json-schema.js';
import { childOf, valuesTree, type ValueNode } from './values-tree.js';
import { visit } from './visit.js';

/*
 * Rules derived from the schema itself so that whatever Helm accepts renders a sound manifest. They are added
 * to the schema both `validate` and Helm check, so the verdicts stay the same, and cover every property the
 * schema gains later without hand edits.
 */

/** Marks the rule below; issue messages recognise its description. */
export const DEFAULTS_KEPT = 'retool-chart: keys with a chart default cannot be deleted with null';
export const DEFAULTS_KEPT_DESCRIPTION = 'A key with a chart default cannot be deleted with null: Helm removes it and the chart needs it; set its fields instead ({} or [] for an empty map or list).';

/**
 * Helm deletes a key whose user value is null when the chart defaults have that key (coalesce), and the
 * templates then read a missing section or value (nil pointers, `<nil>`, empty env). The merged values Helm
 * checks can only show this as an absent key, so every key the defaults fill in along `properties` is required
 * there — unless its schema accepts null (null means "off/inherit" there; templates handle it) or its default
 * is null. Keys of free-form maps (nodeSelector, resource quantities, ...) stay deletable.
 *
 * The rule applies only when `global` is present: Helm injects it into the values it checks, while a values
 * file in an editor (checked alone, partial by design) has none and must not be told to repeat every default.
 */
export function defaultsKeptRule(root: JsonSchema): JsonSchema | undefined {
  const tree = valuesTree(root);
  const shadow = keptNode(root, tree, tree.default);
  if (!shadow) return undefined;
  return {
    $comment: DEFAULTS_KEPT,
    description: DEFAULTS_KEPT_DESCRIPTION,
    if: { required: ['global'] },
    then: shadow,
  };
}

function keptNode(root: JsonSchema, node: ValueNode, defaults: unknown): JsonSchema | undefined {
  if (!isObject(defaults) || !isObject(node.schema.properties)) return undefined;
  const required: string[] = [];
  const properties: Record<string, JsonSchema> = {};
  for (const [key, value] of Object.entries(defaults)) {
    const child = childOf(node, key);
    if (!child || value === null || value === undefined) continue;
    if (!acceptsNull(root, child.source) && !ruleAcceptsNull(root, node.schema, key)) required.push(key);
    const inner = keptNode(root, child, value);
    if (inner) properties[key] = inner;
  }
  if (!required.length && !Object.keys(properties).length) return undefined;
  return {
    ...(required.length ? { required: required.sort() } : {}),
    ...(Object.keys(properties).length ? { properties } : {}),
  };
}

/**
 * Whether null is a value `node` may accept (conservatively yes when it cannot tell). `outright`: only when it
 * says so (type, const or enum): a rule's branch that only constrains objects (patternProperties, required)
 * lets null through by JSON Schema's letter, not because null is meant.
 */
export function acceptsNull(root: JsonSchema, node: JsonSchema, options: { outright?: boolean } = {}): boolean {
  const schema = deref(root, node);
  if ('const' in schema) return schema.const === null;
  if (Array.isArray(schema.enum)) return schema.enum.includes(null);
  if (schema.oneOf || schema.anyOf) return [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].some((branch) => acceptsNull(root, branch, options));
  if (schema.type === undefined && options.outright) return false;
  // No type: only a node that describes no object (no properties) is meant to take anything, null included.
  if (schema.type === undefined) return !schema.properties && !schema.additionalProperties && (!schema.allOf || schema.allOf.every((part) => acceptsNull(root, part)));
  return (Array.isArray(schema.type) ? schema.type : [schema.type]).includes('null');
}

/** Whether a cross-field rule of `parent` lets `key` be null (e.g. replicas: null under autoscaling). */
function ruleAcceptsNull(root: JsonSchema, parent: JsonSchema, key: string): boolean {
  return (parent.allOf ?? []).some((rule) => rule.$comment !== DEFAULTS_KEPT &&
    [rule.then, rule.else].some((branch) => branch?.properties?.[key] !== undefined && acceptsNull(root, branch.properties[key], { outright: true })));
}


/** Integers Kubernetes fields can hold (int32): beyond, the API server refuses the object, or Helm prints 1e+06. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** One line, no control characters: what a name-like value printed into a manifest can safely hold. */
export const SINGLE_LINE = '^[^\\x00-\\x1f\\x7f]*$';

/**
 * Bounds every value a manifest carries: integers without a maximum (minimum) get int32's, and string
 * properties with no pattern, enum or format must be a single line without control characters (free-form
 * maps — env, annotations — and secrets are left alone: their templates quote them, multi-line is legitimate).
 */
export function boundScalars(schema: JsonSchema): void {
  visit(schema, (node) => {
    const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes('integer') || types.includes('number')) {
      node.maximum ??= INT32_MAX;
      node.minimum ??= INT32_MIN;
    }
    for (const child of Object.values(node.properties ?? {})) {
      const childTypes = child.type === undefined ? [] : Array.isArray(child.type) ? child.type : [child.type];
      if (childTypes.includes('string') && child.pattern === undefined && child.enum === undefined && child.const === undefined && child.format === undefined) {
        child.pattern = SINGLE_LINE;
        child.patternErrorMessage ??= 'Expected one line without control characters (it is printed into a manifest).';
      }
    }
  });
}

/** The values paths (dotted) the rule above keeps: for editors, where a file may not write null. */
export function keptDefaultPaths(root: JsonSchema): Set<string> {
  const paths = new Set<string>();
  const walk = (node: JsonSchema | undefined, path: string[]) => {
    if (!node) return;
    for (const key of node.required ?? []) paths.add([...path, key].join('\u0000'));
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [...path, key]);
  };
  walk(defaultsKeptRule(root)?.then, []);
  return paths;
}

/** What `init` and the examples write where a secret goes (CHANGE-ME-…, REPLACE-WITH-…), and the usual changeme. */
export const PLACEHOLDER_SECRET = '^(CHANGE-?ME|REPLACE-WITH-|[Cc]hangeme)';
export const PLACEHOLDER_SECRETS_DESCRIPTION = 'profile: production refuses placeholder secrets (CHANGE-ME…, REPLACE-WITH-…, changeme): give the real value, or a secretKeyRef to a Secret that holds it.';

const SECRET_DEFINITIONS = new Set(['#/definitions/SecretValue', '#/definitions/OptionalSecretValue']);

/**
 * Under profile: production no secret value may still be a placeholder: the examples and `init` write them
 * so that an evaluation install starts, and a production one must not start on a license key or an
 * encryption key everybody knows. Derived from every property that is a SecretValue, so new secrets are covered.
 */
export function placeholderSecretsRule(root: JsonSchema): JsonSchema | undefined {
  const shadow = placeholderNode(valuesTree(root));
  if (!shadow) return undefined;
  return {
    description: PLACEHOLDER_SECRETS_DESCRIPTION,
    if: { required: ['profile'], properties: { profile: { const: 'production' } } },
    then: shadow,
  };
}

function placeholderNode(node: ValueNode): JsonSchema | undefined {
  if (typeof node.source.$ref === 'string' && SECRET_DEFINITIONS.has(node.source.$ref)) {
    return { not: { type: 'string', pattern: PLACEHOLDER_SECRET } };
  }
  const properties: Record<string, JsonSchema> = {};
  for (const child of node.children) {
    const inner = placeholderNode(child);
    if (inner) properties[child.path[child.path.length - 1]] = inner;
  }
  return Object.keys(properties).length ? { properties } : undefined;
}
