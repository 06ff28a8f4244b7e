import AjvModule, { type Options, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { isObject, resolvePointer, type JsonSchema } from '../schema/json-schema.js';
import { expandPodOptions } from '../schema/normalize.js';
import { visit } from '../schema/visit.js';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is module.exports.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

/**
 * An ajv for the values schema or fragments of it. The options that decide a verdict are fixed here, for every
 * validator of the values (validate's, the precompiled one, the editor schema's fragment checks): strict off
 * (the source schema carries x-retool-* keywords) and ajv-formats. `options` add what changes only speed or output.
 */
export function newValuesAjv(options: Options = {}): InstanceType<typeof Ajv> {
  const ajv = new Ajv({ ...options, strict: false });
  addFormats(ajv);
  return ajv;
}

/** The values schema compiled by ajv, with the root that local $refs resolve against and a reachability cache. */
export interface CompiledSchema {
  validate: ValidateFunction;
  root: JsonSchema;
  reach: WeakMap<object, Set<object>>;
}

const compiled = new WeakMap<object, CompiledSchema>();
const verdicts = new WeakMap<object, ValidateFunction>();

/**
 * `schema` compiled for a verdict only: it stops at the first failure, so refusing costs a fraction of
 * compileSchema's allErrors run (for callers that check many values and need no reasons). Cached per schema.
 */
export function compileVerdict(schema: JsonSchema): ValidateFunction {
  let validate = verdicts.get(schema);
  if (!validate) {
    const { root } = compileSchema(schema);
    validate = newValuesAjv({ allErrors: false, inlineRefs: false, code: { optimize: false } }).compile(root);
    verdicts.set(schema, validate);
  }
  return validate;
}

/** Compiles `schema` once (cached per schema object). */
export function compileSchema(schema: JsonSchema): CompiledSchema {
  let entry = compiled.get(schema);
  if (!entry) {
    // Pod options must be expanded (closed objects, draft-07): do it here if the caller passed the source schema.
    const root = needsPodOptionsExpansion(schema) ? expandPodOptions(schema) : schema;
    // inlineRefs: false and no code optimisation: the same checks and errors, compiled in about half the time
    // (ajv otherwise inlines every definition at each use and re-walks the generated code).
    const ajv = newValuesAjv({ allErrors: true, verbose: true, inlineRefs: false, code: { optimize: false } });
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

/** Every schema object evaluation of `node` can reach (following local $refs). */
export function reachable(entry: CompiledSchema, node: JsonSchema): Set<object> {
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

export function reachableFromAll(entry: CompiledSchema, nodes: JsonSchema[]): Set<object> {
  const all = new Set<object>();
  for (const node of nodes) for (const item of reachable(entry, node)) all.add(item);
  return all;
}
