import { deref, isObject, type JsonSchema } from '../schema/json-schema.js';

/**
 * The values a user gets without writing any: each node's `default`, or for an object without one, the
 * defaults of its properties. Required values without a default are left out (the user must supply them).
 */
export function schemaDefaults(root: JsonSchema, node: JsonSchema = root): unknown {
  const resolved = deref(root, node);
  if (resolved.default !== undefined) return structuredClone(resolved.default);
  if (!resolved.properties) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(resolved.properties)) {
    const value = schemaDefaults(root, child);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Recursively merges `override` onto `base` the way Helm coalesces values: maps merge, anything else replaces, null deletes. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return structuredClone(override);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = key in out ? mergeValues(out[key], value) : structuredClone(value);
  }
  return out;
}
