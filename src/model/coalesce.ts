import { isObject } from '../schema/json-schema.js';

/*
 * Helm combines values in two different ways (pkg/cli/values and pkg/chartutil/coalesce.go, same in 3.18 and 4.1):
 *  1. the user's sources among themselves (-f files in order; then --set* parse into the result): maps merge
 *     key by key, anything else replaces, and a null is kept as a value;
 *  2. the result over the chart's defaults ("coalesce"): a user null deletes the key only where the defaults
 *     have that key (so `networkPolicy: null` removes the whole section), a null anywhere else survives into
 *     the values the schema checks and the templates read; a user map over a default scalar (or the reverse)
 *     keeps the user's value; default keys the user did not write are filled in.
 */

/** Step 1: `override` merged onto `base` (neither is changed). */
export function mergeUserValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = out[key];
    out[key] = isObject(value) && isObject(existing) ? mergeUserValues(existing, value) : value;
  }
  return out;
}

/** Step 2: the user's values over the chart defaults, as Helm coalesces them (inputs unchanged). */
export function coalesceValues(defaults: unknown, user: unknown): Record<string, unknown> {
  const out = cloneTree(isObject(user) ? user : {}) as Record<string, unknown>;
  if (isObject(defaults)) coalesceInto(out, defaults);
  return out;
}

function coalesceInto(user: Record<string, unknown>, defaults: Record<string, unknown>): void {
  for (const [key, fallback] of Object.entries(defaults)) {
    if (!Object.prototype.hasOwnProperty.call(user, key)) user[key] = cloneTree(fallback);
    else if (user[key] === null) delete user[key];
    else if (isObject(user[key]) && isObject(fallback)) coalesceInto(user[key] as Record<string, unknown>, fallback);
  }
}

const PLAIN = new Set<unknown>([Object.prototype, null]);

/**
 * A copy of a values tree (what YAML and JSON parse into: plain objects, arrays, scalars). Several times faster
 * than structuredClone, which serializes; validate and the test suites merge values thousands of times.
 * Anything else (a Date from a YAML timestamp) is shared, as nothing changes it in place.
 */
export function cloneTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneTree) as T;
  if (!isObject(value) || !PLAIN.has(Object.getPrototypeOf(value))) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // A YAML key "__proto__" is data: define it, never assign it (which would set the copy's prototype).
    if (key === '__proto__') Object.defineProperty(out, key, { value: cloneTree(value[key]), enumerable: true, writable: true, configurable: true });
    else out[key] = cloneTree(value[key]);
  }
  return out as T;
}
