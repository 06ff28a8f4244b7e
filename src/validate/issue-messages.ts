import type { ErrorObject } from 'ajv';
import { deref, isObject, type JsonSchema } from '../schema/json-schema.js';
import { editDistance } from '../edit-distance.js';

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
  if (!types.length && !schema.properties && schema.required?.length) return `{${schema.required.join(', ')}}`;
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
export function describeError(error: ErrorObject): { message: string; extra?: string } {
  const p = error.params as Record<string, unknown>;
  const data = error.data;
  switch (error.keyword) {
    case 'required':
      return { extra: String(p.missingProperty), message: 'is required' };
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const parent = error.parentSchema as JsonSchema | undefined;
      const single = singlePodReason(parent, key);
      if (single) return { extra: key, message: single };
      const allowed = Object.keys(parent?.properties ?? {});
      const guess = closest(key, allowed);
      const hint = guess ? ` — did you mean "${guess}"?` : '';
      const list = allowed.length ? `allowed: ${allowed.join(', ')}` : 'no keys are allowed here';
      return { extra: key, message: `unknown key "${key}"${hint} (${list})` };
    }
    case 'type': {
      const expected = String(p.type).split(',');
      const quote = expected.includes('string') && (typeof data === 'number' || typeof data === 'boolean') ? '; quote it in YAML to make it a string' : '';
      return { message: `must be ${expected.join(' or ')}, got ${jsonType(data)}${isObject(data) || Array.isArray(data) || data === null ? '' : ` ${describeValue(data)}`}${quote}` };
    }
    case 'enum':
      return { message: `must be one of: ${(p.allowedValues as unknown[]).map(formatAllowed).join(', ')}; got ${describeValue(data)}` };
    case 'const':
      return { message: `must be ${formatAllowed(p.allowedValue)}, got ${describeValue(data)}` };
    case 'pattern': {
      // The schema words every pattern (the lint requires patternErrorMessage); the editor shows the same text.
      const words = (error.parentSchema as JsonSchema | undefined)?.patternErrorMessage;
      return { message: typeof words === 'string' ? `${lowerFirst(words.replace(/\.$/, ''))}; got ${describeValue(data)}` : `must match pattern ${String(p.pattern)}, got ${describeValue(data)}` };
    }
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
    case 'minItems': {
      // A list whose emptiness would open a NetworkPolicy says so (the schema words it once, x-retool-empty-list).
      const why = (error.parentSchema as JsonSchema | undefined)?.['x-retool-empty-list'];
      if (typeof why === 'string' && Array.isArray(data) && data.length === 0) return { message: `must not be empty. ${why}` };
      return { message: `must have at least ${String(p.limit)} item${Number(p.limit) === 1 ? '' : 's'}` };
    }
    case 'minProperties': {
      const keys = Object.keys((error.parentSchema as JsonSchema | undefined)?.properties ?? {});
      return { message: Number(p.limit) === 1 && keys.length ? `must set at least one of: ${keys.join(', ')}` : `must have at least ${String(p.limit)} keys` };
    }
    case 'maxProperties':
      return { message: `must have at most ${String(p.limit)} key${Number(p.limit) === 1 ? '' : 's'}${isObject(data) ? `, has ${Object.keys(data).join(', ')}` : ''}` };
    case 'maxItems':
      return { message: `must have at most ${String(p.limit)} item${Number(p.limit) === 1 ? '' : 's'}` };
    case 'uniqueItems':
      return { message: `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)` };
    case 'false schema':
      return { message: 'is not allowed' };
    case 'not': {
      // `not: {const: x}` forbids one value; a bare `not: {}` forbids the key altogether.
      const forbidden = (error.schema as JsonSchema | undefined)?.const;
      const worded = (error.parentSchema as JsonSchema | undefined)?.patternErrorMessage;
      // `not: {pattern}` beside a worded pattern (e.g. no ".." in a key) is part of the same rule.
      if (forbidden === undefined && typeof worded === 'string') return { message: `${worded.replace(/\.$/, '')}; got ${describeValue(data)}` };
      // `not: {pattern}` alone (e.g. a placeholder secret): the value matched what is forbidden; the rule says why.
      if (forbidden === undefined && typeof (error.schema as JsonSchema | undefined)?.pattern === 'string') return { message: `must not be ${describeValue(data)}` };
      // `not: {required: [k]}` forbids one key of a map (e.g. an env variable the chart owns).
      const keys = (error.schema as JsonSchema | undefined)?.required;
      if (forbidden === undefined && Array.isArray(keys) && keys.length === 1 && Object.keys(error.schema as object).length === 1) return { message: `must not contain ${keys[0]}` };
      return { message: forbidden === undefined ? 'must not be set here' : `must not be ${formatAllowed(forbidden)}` };
    }
    default:
      return { message: error.message ?? `fails ${error.keyword}` };
  }
}

/**
 * `replicas`/`autoscaling` on a component that is never replicated (x-retool-component replicable: false): not a
 * typo but a rule, so the message says the rule and why (the component's description says what it runs).
 */
function singlePodReason(parent: JsonSchema | undefined, key: string): string | undefined {
  const component = parent?.['x-retool-component'];
  if (!component || component.replicable !== false || !['replicas', 'autoscaling'].includes(key)) return undefined;
  const runs = String(parent?.description ?? '').split(/(?<=\.)\s/)[0].replace(/\.$/, '');
  const what = runs ? `: it ${lowerFirst(runs)}, which must never run twice at once` : '';
  return `${component.name} always runs exactly one pod, so it takes no "${key}"${what} (on a rollout the old pod stops before the new one starts)`;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function formatAllowed(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : JSON.stringify(value);
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


/** `deref`, leaving the node as it is when its $ref cannot be resolved. */
export function derefAll(root: JsonSchema, node: JsonSchema): JsonSchema {
  try {
    return deref(root, node);
  } catch {
    return node;
  }
}
