import { isObject, type JsonSchema } from './json-schema.js';

/*
 * The values schema reduced to what decides a verdict, for compiling a validator: draft-07 validation keywords
 * only (no titles, descriptions, defaults, examples, editor or generator annotations: ajv with strict: false
 * ignores them anyway), and every subschema that occurs more than once (the pod options copied into each
 * workload, the per-component parts of the cross-field rules) written once under `definitions` and referenced.
 * Compiled with inlineRefs: false, each shared subschema becomes one function: the compiled code grows with
 * the distinct content of the schema, not with the number of copies. Accepts exactly the same values.
 */

/** Keywords whose value is one subschema. */
const SCHEMA_KEYWORDS = ['additionalItems', 'additionalProperties', 'contains', 'else', 'if', 'not', 'propertyNames', 'then'];
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf'];
/** Keywords whose value maps names to subschemas. */
const SCHEMA_MAP_KEYWORDS = ['definitions', 'patternProperties', 'properties'];
/** Keywords that constrain a value and hold no subschema. */
const VALUE_KEYWORDS = [
  '$ref', 'const', 'enum', 'exclusiveMaximum', 'exclusiveMinimum', 'format', 'maxItems', 'maxLength', 'maxProperties', 'maximum',
  'minItems', 'minLength', 'minProperties', 'minimum', 'multipleOf', 'pattern', 'required', 'type', 'uniqueItems',
];
const KEPT = new Set([...SCHEMA_KEYWORDS, ...SCHEMA_LIST_KEYWORDS, ...SCHEMA_MAP_KEYWORDS, ...VALUE_KEYWORDS, 'items', 'dependencies']);

/** Subschemas shorter than this (as JSON) stay inline: a call costs more than the check. */
const MIN_SHARED_LENGTH = 120;
const SHARED_PREFIX = 'retool-chart-shared-';

interface Interned {
  /** The node with annotations dropped; subschemas replaced by their ids. */
  shape: Record<string, unknown>;
  /** ids of the subschemas it holds, once per occurrence. */
  children: number[];
  length: number;
}

export function compactSchema(root: JsonSchema): JsonSchema {
  const ids = new Map<string, number>();
  const nodes: Interned[] = [];

  /** Interns `schema` bottom-up: equal subschemas (after dropping annotations) get the same id. */
  const intern = (schema: unknown): number => {
    if (!isObject(schema)) return internShape({ [BOOLEAN_SCHEMA]: schema }, []);
    const shape: Record<string, unknown> = {};
    const children: number[] = [];
    const sub = (value: unknown) => {
      const id = intern(value);
      children.push(id);
      return { [SUBSCHEMA]: id };
    };
    for (const [keyword, value] of Object.entries(schema)) {
      if (!KEPT.has(keyword)) continue;
      if (SCHEMA_KEYWORDS.includes(keyword)) shape[keyword] = sub(value);
      else if (SCHEMA_LIST_KEYWORDS.includes(keyword)) shape[keyword] = (value as unknown[]).map(sub);
      else if (SCHEMA_MAP_KEYWORDS.includes(keyword)) shape[keyword] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, sub(v)]));
      else if (keyword === 'items') shape[keyword] = Array.isArray(value) ? value.map(sub) : sub(value);
      else if (keyword === 'dependencies') shape[keyword] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, Array.isArray(v) ? v : sub(v)]));
      else shape[keyword] = value;
    }
    return internShape(shape, children);
  };
  const internShape = (shape: Record<string, unknown>, children: number[]): number => {
    const key = JSON.stringify(shape);
    let id = ids.get(key);
    if (id === undefined) {
      id = nodes.length;
      ids.set(key, id);
      nodes.push({ shape, children, length: key.length + children.reduce((sum, child) => sum + nodes[child].length, 0) });
    }
    return id;
  };

  const rootId = intern(root);
  // Occurrences in the compacted schema, where a shared subschema is written once: count each distinct node's
  // children once.
  const uses = new Array<number>(nodes.length).fill(0);
  const seen = new Set<number>();
  const count = (id: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const child of nodes[id].children) {
      uses[child]++;
      count(child);
    }
  };
  count(rootId);

  const shared = new Map<number, string>();
  const definitions: Record<string, unknown> = {};
  const emit = (id: number): unknown => {
    if (id !== rootId && uses[id] > 1 && nodes[id].length >= MIN_SHARED_LENGTH) {
      let name = shared.get(id);
      if (name === undefined) {
        name = `${SHARED_PREFIX}${shared.size}`;
        shared.set(id, name);
        definitions[name] = build(id);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return build(id);
  };
  const build = (id: number): unknown => rebuild(nodes[id].shape, emit);

  const out = build(rootId) as JsonSchema;
  const names = Object.keys(root.definitions ?? {});
  if (names.some((name) => name.startsWith(SHARED_PREFIX))) throw new Error(`schema definitions may not start with ${SHARED_PREFIX}`);
  if (Object.keys(definitions).length) out.definitions = { ...(out.definitions ?? {}), ...(definitions as Record<string, JsonSchema>) };
  return out;
}

const SUBSCHEMA = '\u0000subschema';
const BOOLEAN_SCHEMA = '\u0000boolean';

/** The interned shape as a schema again, with each subschema id written by `emit`. */
function rebuild(shape: Record<string, unknown>, emit: (id: number) => unknown): unknown {
  if (BOOLEAN_SCHEMA in shape) return shape[BOOLEAN_SCHEMA];
  const sub = (value: unknown): unknown => {
    if (isObject(value) && SUBSCHEMA in value) return emit(value[SUBSCHEMA] as number);
    return value;
  };
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(shape)) {
    if (SCHEMA_KEYWORDS.includes(keyword)) out[keyword] = sub(value);
    else if (SCHEMA_LIST_KEYWORDS.includes(keyword)) out[keyword] = (value as unknown[]).map(sub);
    else if (SCHEMA_MAP_KEYWORDS.includes(keyword) || keyword === 'dependencies') out[keyword] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, sub(v)]));
    else if (keyword === 'items') out[keyword] = Array.isArray(value) ? value.map(sub) : sub(value);
    else out[keyword] = value;
  }
  return out;
}
