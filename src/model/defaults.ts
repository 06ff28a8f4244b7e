import { deref, type JsonSchema } from '../schema/json-schema.js';
import { coalesceValues } from '../validate/coalesce.js';

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

/** `override` laid over the chart defaults `base` as Helm coalesces values (see validate/coalesce.ts). */
export function mergeValues(base: unknown, override: unknown): unknown {
  return coalesceValues(base, override);
}
