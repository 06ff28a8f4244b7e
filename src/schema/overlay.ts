import { ruleReason, ruleTriggers } from './rules.js';
import { deref, isObject, type JsonSchema } from './json-schema.js';
import { keyOf, valuesTree, type ValueNode } from './values-tree.js';

/**
 * The schema of a values *overlay*: the file a user writes, which Helm lays over the chart defaults before it
 * checks the result. `overlaySchema(S, D)` accepts a file F exactly when S accepts merge(D, F) (maps merge,
 * other values replace, null deletes), so an editor that checks F alone reaches Helm's verdict:
 * - a key whose default satisfies S is optional in F; one whose default does not (a required secret, a rule's
 *   `external` against a default `embedded`) is required, so its absence is flagged where Helm would fail;
 * - `key: null` deletes the default, so it is accepted wherever the key is not required;
 * - every cross-field rule is rewritten the same way (`if` and `then` see absent keys as their defaults) and
 *   carries its reason as `errorMessage` on every keyword that can fail.
 * Pure: the caller supplies `accepts`, a validator for schema fragments of the source (for rule conditions
 * evaluated on defaults) and `brokenDefaults`, the value paths at which the defaults alone fail S.
 */
export interface OverlayContext {
  /** The source schema (pod options expanded): `#/definitions/...` refs resolve here. */
  root: JsonSchema;
  /** Whether a fragment of the source schema accepts a value (its refs resolved against `root`). */
  accepts: (schema: JsonSchema, value: unknown) => boolean;
  /** Whether the defaults alone break the source schema at or below a values path (e.g. retool: its secrets). */
  brokenDefaults: (path: readonly string[]) => boolean;
  /** Called on every value property of the result, to add editor documentation; returns the node to use. */
  decorate?: (node: JsonSchema, source: JsonSchema, key: string, path: readonly string[]) => JsonSchema;
}

/**
 * Helm's (and `validate`'s) merge: a null in the file deletes the key only where the defaults have it; anywhere
 * else Helm keeps the null and checks it as a value. The one place that semantics lives here.
 */
function nullDeletes(defaultHasKey: boolean): boolean {
  return defaultHasKey;
}


/** JSON types other than null: "this value must be set" in a form yaml-language-server words with errorMessage. */
const NOT_NULL = ['object', 'array', 'string', 'number', 'boolean'];

/** The overlay schema of the whole values file. */
export function overlaySchema(ctx: OverlayContext, defaults: unknown): JsonSchema {
  return valueNode(ctx, valuesTree(ctx.root), defaults);
}

/** The overlay schema of the values property `value` (a node of the values tree) with default `d`. */
function valueNode(ctx: OverlayContext, value: ValueNode, d: unknown): JsonSchema {
  const { source: node, schema: resolved, path } = value;
  const hasMembers = isObject(resolved.properties) || isObject(resolved.additionalProperties);
  if (!isObject(d) || !hasMembers) {
    // Replaced as a whole (or absent from the defaults): Helm checks the file's value as written.
    return { ...node, ...(resolved.allOf && !node.$ref ? { allOf: rules(ctx, resolved.allOf, undefined, [...path]) } : {}) };
  }
  const { $ref: _r, properties, required: _required, additionalProperties, allOf, definitions: _defs, ...rest } = resolved;
  const out: JsonSchema = { ...rest };
  if (properties) {
    out.properties = {};
    const stillRequired: string[] = [];
    for (const child of value.children) {
      const key = keyOf(child);
      const dk = d[key];
      let sub = valueNode(ctx, child, dk);
      if (ctx.decorate) sub = ctx.decorate(sub, child.source, key, child.path);
      if (!child.required && nullDeletes(dk !== undefined)) sub = nullable(ctx, sub);
      out.properties[key] = sub;
      const absentOk = dk === undefined ? !child.required : !ctx.brokenDefaults(child.path);
      if (!absentOk) stillRequired.push(key);
    }
    if (stillRequired.length) out.required = stillRequired;
  }
  if (isObject(additionalProperties)) {
    // A null deletes only an entry the defaults have; over any other key Helm keeps it and checks the null.
    out.additionalProperties = additionalProperties;
    for (const key of Object.keys(d)) {
      if (out.properties?.[key]) continue;
      let entry = nullable(ctx, additionalProperties as JsonSchema);
      const described = { ...(additionalProperties as JsonSchema), description: `The chart's default entry "${key}"; null removes it.` };
      if (ctx.decorate) entry = ctx.decorate(entry, described, key, [...path, key]);
      out.properties = { ...(out.properties ?? {}), [key]: entry };
    }
  }
  else if (additionalProperties !== undefined) out.additionalProperties = additionalProperties;
  if (allOf) out.allOf = rules(ctx, allOf, d, [...path]);
  return out;
}

/** The allOf entries of a node: cross-field rules rewritten for the overlay, other entries as conditions. */
function rules(ctx: OverlayContext, entries: JsonSchema[], d: unknown, path: string[]): JsonSchema[] {
  return entries.flatMap((entry) => (ruleReason(entry) ? ruleEntries(ctx, entry, d, path) : [cond(ctx, entry, d)]));
}

/**
 * One cross-field rule for the overlay. Its `then` carries the reason on every keyword that can fail. When the
 * rule faults a top-level key the file does not write (e.g. `database`, left at its embedded default under
 * `profile: production`), Helm's verdict has no line of its own in the file: like `validate`, the error is
 * shown on the value that switched the rule on (its trigger, e.g. `profile`), or at the document root.
 */
function ruleEntries(ctx: OverlayContext, rule: JsonSchema, d: unknown, path: string[]): JsonSchema[] {
  const reason = ruleReason(rule)!;
  const ifE = cond(ctx, rule.if!, d);
  const thenE = rule.then ? cond(ctx, rule.then, d, reason) : undefined;
  const elseE = rule.else ? cond(ctx, rule.else, d, reason) : undefined;
  // Keys the condition itself requires are written whenever the rule applies: they never need the detour.
  const missing = path.length === 0 ? (thenE?.required ?? []).filter((key) => !ifE.required?.includes(key)) : [];
  if (!missing.length) return [{ $comment: reason, if: ifE, ...(thenE ? { then: thenE } : {}), ...(elseE ? { else: elseE } : {}) }];

  const kept = thenE!.required!.filter((key) => !missing.includes(key));
  const { required: _required, ...thenRest } = thenE!;
  const thenKept = kept.length ? { ...thenRest, required: kept } : thenRest;
  const out: JsonSchema[] = [{ $comment: reason, if: ifE, then: thenKept, ...(elseE ? { else: elseE } : {}) }];
  const triggers = ruleTriggers(rule.if!);
  for (const key of missing) {
    const absent: JsonSchema = { not: { required: [key] } };
    triggers.forEach((trigger, i) => {
      const earlier = triggers.slice(0, i).map((t) => ({ not: { required: [t[0]] } }));
      // The deepest part of the trigger path the file writes is where the error shows (as in `validate`).
      for (let depth = trigger.length; depth >= 1; depth--) {
        const written = present(trigger.slice(0, depth));
        const deeper = depth < trigger.length ? [{ not: present(trigger.slice(0, depth + 1)) }] : [];
        out.push({
          $comment: reason,
          if: { allOf: [ifE, absent, ...earlier, written, ...deeper] },
          then: failAt(trigger, depth, reason),
        });
      }
    });
    out.push({
      $comment: reason,
      if: { allOf: [ifE, absent, ...triggers.map((t) => ({ not: { required: [t[0]] } }))] },
      then: { required: [key], errorMessage: reason },
    });
  }
  return out;
}

/** "The file writes this path" (any value, null included: `validate` locates a written null too). */
function present(path: string[]): JsonSchema {
  const [head, ...tail] = path;
  return tail.length ? { required: [head], properties: { [head]: present(tail) } } : { required: [head] };
}

/** Fails at the node written at `trigger[0..depth)`: a missing deeper key, or the value itself. */
function failAt(trigger: string[], depth: number, reason: string): JsonSchema {
  let schema: JsonSchema = depth < trigger.length
    ? { required: [trigger[depth]], errorMessage: reason }
    : { type: 'null', errorMessage: reason };
  for (let i = depth - 1; i >= 0; i--) schema = { properties: { [trigger[i]]: schema } };
  return schema;
}

/**
 * A condition or rule branch `c`, evaluated on the merged value at a place whose default is `d`, rewritten to
 * test the file's value instead. With `reason`, every failing keyword says it (refs are inlined so that their
 * keywords carry it too).
 */
function cond(ctx: OverlayContext, c: JsonSchema, d: unknown, reason?: string, depth = 0): JsonSchema {
  // `key: false` (a key a rule forbids): any value there fails a type test worded with the reason.
  if ((c as unknown) === false) return reason ? { type: 'null', errorMessage: reason } : c;
  if (!reason && !isObject(d)) return c;
  if (depth > 40) throw new Error('overlay: schema nesting too deep (recursive $ref?)');
  const source = c.$ref ? deref(ctx.root, c) : c;
  const next = (s: JsonSchema, dv: unknown) => cond(ctx, s, dv, reason, depth + 1);
  const out: JsonSchema = {};
  const extra: JsonSchema[] = [];
  const objectKeywords = new Set(['properties', 'required', 'additionalProperties']);
  for (const [keyword, value] of Object.entries(source)) {
    if (objectKeywords.has(keyword)) continue;
    switch (keyword) {
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[keyword] = (value as JsonSchema[]).map((s) => next(s, d));
        break;
      case 'if':
        out.if = cond(ctx, value as JsonSchema, d, undefined, depth + 1);
        break;
      case 'then':
      case 'else':
        out[keyword] = next(value as JsonSchema, d);
        break;
      case 'not':
        if (reason) extra.push({ if: cond(ctx, value as JsonSchema, d, undefined, depth + 1), then: { type: 'null', errorMessage: reason } });
        else out.not = next(value as JsonSchema, d);
        break;
      case 'minLength':
      case 'maxLength':
        // yaml-language-server words string lengths itself; a pattern says the rule's reason instead.
        if (reason) {
          if (keyword === 'minLength') extra.push({ pattern: `^[\\s\\S]{${Number(value)},}$`, errorMessage: reason });
          else extra.push({ pattern: `^[\\s\\S]{0,${Number(value)}}$`, errorMessage: reason });
        } else (out as Record<string, unknown>)[keyword] = value;
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'multipleOf':
        // Same for numbers: a value outside the bound fails a type test worded with the reason.
        if (reason) extra.push({ if: { [keyword]: value }, else: { type: 'null', errorMessage: reason } });
        else (out as Record<string, unknown>)[keyword] = value;
        break;
      case 'type': case 'enum': case 'const': case 'pattern': case 'format': case 'items': case 'propertyNames':
      case 'additionalItems': case 'contains': case 'minItems': case 'maxItems': case 'uniqueItems':
      case 'minProperties': case 'maxProperties': case 'dependencies': case 'patternProperties':
        (out as Record<string, unknown>)[keyword] = value;
        break;
      default:
        break; // annotations: a condition has no docs
    }
  }
  if (source.properties || source.required || source.additionalProperties !== undefined) {
    const properties = source.properties ?? {};
    const required = source.required ?? [];
    const keys = [...new Set([...Object.keys(properties), ...required])];
    const outProps: Record<string, JsonSchema> = {};
    const stillRequired: string[] = [];
    for (const key of keys) {
      const child = properties[key] ?? {};
      const isRequired = required.includes(key);
      if (!isObject(d)) {
        // Replaced as a whole: the file's value is checked as written.
        if (properties[key]) outProps[key] = next(child, undefined);
        if (isRequired) stillRequired.push(key);
        continue;
      }
      const dk = d[key];
      let sub = next(child, dk);
      if (!isRequired && nullDeletes(dk !== undefined)) sub = nullable(ctx, sub);
      else if (isRequired && acceptsNull(ctx, sub)) sub = { allOf: [sub, { type: NOT_NULL, ...(reason ? { errorMessage: reason } : {}) }] };
      if (Object.keys(sub).length) outProps[key] = sub;
      const absentOk = dk === undefined ? !isRequired : ctx.accepts(child, dk);
      if (!absentOk) stillRequired.push(key);
    }
    if (Object.keys(outProps).length) out.properties = outProps;
    if (stillRequired.length) out.required = stillRequired;
    const additional = source.additionalProperties;
    if (isObject(additional)) out.additionalProperties = nullable(ctx, next(additional as JsonSchema, undefined));
    else if (additional !== undefined) out.additionalProperties = additional;
  }
  if (extra.length) out.allOf = [...(out.allOf ?? []), ...extra];
  if (reason && Object.keys(out).length) out.errorMessage = reason;
  return out;
}

/** Whether a schema can accept null (decided from its keywords; refs followed). */
export function acceptsNull(ctx: OverlayContext, s: JsonSchema, depth = 0): boolean {
  if (!isObject(s) || depth > 40) return true;
  if (s.$ref) return acceptsNull(ctx, deref(ctx.root, s), depth + 1);
  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? s.type : [s.type];
  if (types && !types.includes('null')) return false;
  if ('const' in s && s.const !== null) return false;
  if (Array.isArray(s.enum) && !s.enum.includes(null)) return false;
  if (s.oneOf && s.oneOf.filter((b) => acceptsNull(ctx, b, depth + 1)).length !== 1) return false;
  if (s.anyOf && !s.anyOf.some((b) => acceptsNull(ctx, b, depth + 1))) return false;
  if (s.allOf && !s.allOf.every((b) => acceptsNull(ctx, b, depth + 1))) return false;
  if (isObject(s.not) && acceptsNull(ctx, s.not as JsonSchema, depth + 1)) return false;
  if (isObject(s.if)) {
    const branch = acceptsNull(ctx, s.if, depth + 1) ? s.then : s.else;
    if (isObject(branch) && !acceptsNull(ctx, branch as JsonSchema, depth + 1)) return false;
  }
  return true;
}

/**
 * `s`, also accepting null (the key deleted). Null is added to the keywords that test a value's type or
 * value, so docs, completion and error words stay those of `s`; refs to such leaves are inlined for it.
 */
export function nullable(ctx: OverlayContext, s: JsonSchema, depth = 0): JsonSchema {
  if (acceptsNull(ctx, s) || depth > 40) return s;
  let out: JsonSchema = { ...s };
  if (out.$ref) {
    const { $ref, ...siblings } = out;
    out = { ...deref(ctx.root, { $ref }), ...siblings };
  }
  if (out.type !== undefined) {
    const types = Array.isArray(out.type) ? out.type : [out.type];
    if (!types.includes('null')) out.type = [...types, 'null'];
  }
  if ('const' in out) {
    out.enum = [out.const, null];
    delete out.const;
  }
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (out.oneOf && !out.oneOf.some((b) => acceptsNull(ctx, b))) out.oneOf = [...out.oneOf, { type: 'null' }];
  if (out.anyOf && !out.anyOf.some((b) => acceptsNull(ctx, b))) out.anyOf = [...out.anyOf, { type: 'null' }];
  if (out.allOf) out.allOf = out.allOf.map((b) => nullable(ctx, b, depth + 1));
  if (isObject(out.if) && isObject(out.then) && acceptsNull(ctx, out.if as JsonSchema)) out.then = nullable(ctx, out.then as JsonSchema, depth + 1);
  if (isObject(out.if) && isObject(out.else) && !acceptsNull(ctx, out.if as JsonSchema)) out.else = nullable(ctx, out.else as JsonSchema, depth + 1);
  if (!acceptsNull(ctx, out)) {
    const { title, description, markdownDescription, default: dflt, ...check } = out;
    return { ...(title ? { title } : {}), ...(description ? { description } : {}), ...(markdownDescription ? { markdownDescription } : {}), ...(dflt !== undefined ? { default: dflt } : {}), anyOf: [check, { type: 'null' }] };
  }
  return out;
}
