import { compile } from 'json-schema-to-typescript';
import { visit } from '../schema/visit.js';
import type { JsonSchema } from '../schema/json-schema.js';
import type { ChartModel } from '../model/chart-model.js';
import { GENERATED_BANNER } from './banner.js';

/**
 * src/generated/values.ts: the values API as TypeScript types. json-schema-to-typescript's own formatting
 * (prettier with its TypeScript parser) took most of `generate`'s time, so it emits unformatted code and
 * printTypes lays it out (byte for byte what prettier made of it).
 */
export async function emitTypes(model: ChartModel): Promise<string> {
  const shape = sharePodOptions(allowNullReplicas(structuredClone(model.schema)));
  dropRules(shape);
  wrapAnnotatedRefs(shape);
  const code = await compile(shape as Parameters<typeof compile>[0], 'RetoolValues', {
    bannerComment: `/* ${GENERATED_BANNER} */`,
    additionalProperties: false,
    unknownAny: true,
    strictIndexSignatures: false,
    format: false,
  });
  return printTypes(code);
}

/**
 * src/generated/annotations.ts: the x-retool-* annotations (schema/annotations.schema.json) as TypeScript
 * types, read by the model and the lint. Same compiler and layout as the values types.
 */
export async function emitAnnotationTypes(annotations: JsonSchema): Promise<string> {
  const shape = structuredClone(annotations);
  wrapAnnotatedRefs(shape);
  const code = await compile(shape as Parameters<typeof compile>[0], 'RetoolChartSchemaAnnotations', {
    bannerComment: `/* ${GENERATED_BANNER.replace('schema/retool.schema.json', 'schema/annotations.schema.json')} */`,
    additionalProperties: false,
    unknownAny: true,
    strictIndexSignatures: false,
    ignoreMinAndMaxItems: true,
    format: false,
  });
  return printTypes(code);
}

/**
 * An autoscaled component drops its fixed count with `replicas: null` (the README and the rule that
 * expandComponentRules adds say so, and Helm deletes a default set to null): the types accept it there.
 */
function allowNullReplicas(schema: JsonSchema): JsonSchema {
  for (const node of Object.values(schema.properties?.components?.properties ?? {})) {
    const replicas = node.properties?.replicas;
    if (node['x-retool-component']?.replicable && replicas && replicas.type === 'integer') replicas.type = ['integer', 'null'];
  }
  return schema;
}

/**
 * Prints json-schema-to-typescript's unformatted output the way its prettier pass did (2-space indent per open
 * brace, `;` after members and aliases, no parentheses around a whole type, single-quoted literals), by lines:
 * its output puts one member, alias or brace per line. Braces in comments and string literals do not count.
 */
export function printTypes(code: string): string {
  let inComment = false;
  /** Per open brace: does it close an interface (no `;`), and was the `(` before it dropped (drop its `)`). */
  const open: { iface: boolean; paren: boolean }[] = [];
  const out: string[] = [];
  for (const raw of code.split('\n')) {
    let line = raw.trim();
    if (inComment || line.startsWith('/*')) {
      const pad = '  '.repeat(open.length);
      out.push(line.startsWith('*') ? `${pad} ${line}` : `${pad}${line}`);
      inComment = !line.endsWith('*/');
      continue;
    }
    if (!line) {
      if (!open.length) out.push('');
      continue;
    }
    let closes = 0;
    while (line[closes] === '}') closes++;
    const closed = open.splice(open.length - closes, closes);
    if (closed.some((c) => c.paren)) line = line.replace(/^(}+)\)/, '$1');
    const start = typeStart(line);
    let paren = false;
    if (start >= 0 && line[start] === '(') {
      const end = matchingParen(line, start);
      if (end === line.length - 1 || (end < 0 && line.endsWith('{'))) {
        line = `${line.slice(0, start)}${line.slice(start + 1, end < 0 ? undefined : end)}`;
        paren = end < 0;
      }
    }
    line = singleQuoted(line);
    const indent = open.length;
    const opens = braceDelta(line) + closes;
    for (let i = 0; i < opens; i++) open.push({ iface: indent === 0 && line.startsWith('export interface '), paren: paren && i === opens - 1 });
    const endsDeclaration = !line.endsWith('{') && !(closes && closed[0].iface);
    out.push(`${'  '.repeat(indent)}${line}${endsDeclaration ? ';' : ''}`);
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** Where the type begins on a declaration line (`export type X = T`, `key?: T`, `[k: string]: T`), or -1. */
function typeStart(line: string): number {
  const alias = /^export type \w+ = /.exec(line);
  if (alias) return alias[0].length;
  const member = /^(?:\[k: string\]|"(?:[^"\\]|\\.)*"|'[^']*'|[\w$]+)\??: /.exec(line);
  return member ? member[0].length : -1;
}

/** Index of the `)` closing the `(` at `start` on this line (outside string literals), or -1. */
function matchingParen(line: string, start: number): number {
  let depth = 0;
  let quote = '';
  for (let i = start; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** "text" literals as 'text' where that needs no escaping (prettier's singleQuote). */
function singleQuoted(line: string): string {
  return line.replace(/"((?:[^"\\]|\\.)*)"/g, (literal, body: string) => (body.includes("'") || body.includes('\\') ? literal : `'${body}'`));
}

/** Opening minus closing braces in a line of code, outside string literals. */
function braceDelta(line: string): number {
  let delta = 0;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{') delta++;
    else if (c === '}') delta--;
  }
  return delta;
}

/**
 * The published schema lists every pod option in each workload (as a `$ref` to PodOptions: draft-07 cannot
 * extend a closed object). Types can do better: each workload becomes its own properties & PodOptions, so
 * TypeScript users get one named PodOptions type. Works on the annotated schema, strips the annotations afterwards.
 */
function sharePodOptions(expanded: JsonSchema): JsonSchema {
  const schema = structuredClone(expanded);
  const podOptions = schema.definitions!.PodOptions;
  podOptions.title = 'PodOptions';
  podOptions.additionalProperties = false;
  const shared = new Set(Object.keys(podOptions.properties ?? {}));
  visit(schema, (node) => {
    if (node['x-retool-pod-options'] !== true || node === podOptions) return;
    const own = Object.fromEntries(Object.entries(node.properties ?? {}).filter(([key]) => !shared.has(key)));
    delete node.properties;
    delete node.additionalProperties;
    delete node.type;
    node.allOf = [
      { $ref: '#/definitions/PodOptions' },
      ...(Object.keys(own).length ? [{ type: 'object', additionalProperties: false, properties: own }] : []),
      ...(node.allOf ?? []),
    ];
  });
  visit(schema, (node) => {
    for (const key of Object.keys(node)) if (key.startsWith('x-retool-')) delete node[key];
  });
  return schema;
}

/** Cross-field rules (if/then under allOf) have no TypeScript form; they stay in the validator. */
function dropRules(schema: JsonSchema): void {
  visit(schema, (node) => {
    if (!node.allOf) return;
    node.allOf = node.allOf.filter((entry) => entry.if === undefined);
    if (node.allOf.length === 0) delete node.allOf;
  });
}

/**
 * A `$ref` with a description beside it makes json-schema-to-typescript emit a numbered copy of the target
 * type (SecretValue1, SecretValue2...). Wrapping the ref in a one-item allOf keeps the shared type and the
 * property's own doc comment.
 */
function wrapAnnotatedRefs(schema: JsonSchema): void {
  visit(schema, (node) => {
    if (node.$ref === undefined || Object.keys(node).length === 1) return;
    node.allOf = [{ $ref: node.$ref }];
    delete node.$ref;
  });
}
