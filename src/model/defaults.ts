import type { JsonSchema } from '../schema/json-schema.js';
import { valuesTree } from '../schema/values-tree.js';
import { coalesceValues } from './coalesce.js';

/**
 * The values a user gets without writing any: each node's `default`, or for an object without one, the
 * defaults of its properties. Required values without a default are left out (the user must supply them).
 * (The values tree computes them; this is a fresh copy the caller may change.)
 */
export function schemaDefaults(root: JsonSchema): unknown {
  return structuredClone(valuesTree(root).default);
}

/** `override` laid over the chart defaults `base` as Helm coalesces values (see model/coalesce.ts). */
export function mergeValues(base: unknown, override: unknown): unknown {
  return coalesceValues(base, override);
}
