import { readFileSync } from 'node:fs';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema } from './json-schema.js';
import { visit } from './visit.js';

// ajv is CommonJS with `exports.default`; under NodeNext the default import is module.exports.
const Ajv = AjvModule.default;

/**
 * schema/annotations.schema.json: what every x-retool-* keyword may hold. It sits two levels above this module
 * both in src/schema and in the built dist/schema, and ships with the package (package.json files: schema).
 */
export const ANNOTATION_SCHEMA_URL = new URL('../../schema/annotations.schema.json', import.meta.url);

let source: JsonSchema | undefined;
let cached: { schema: JsonSchema; validate: ValidateFunction } | undefined;

/** The annotation schema as read (the model and the generated types need only this, not its validator). */
export function annotationSchemaSource(): JsonSchema {
  source ??= JSON.parse(readFileSync(ANNOTATION_SCHEMA_URL, 'utf8')) as JsonSchema;
  return source;
}

/** The annotation schema and its validator, compiled once per process by ajv in strict mode (the lint's). */
export function annotationSchema(): { schema: JsonSchema; validate: ValidateFunction } {
  if (!cached) {
    const schema = annotationSchemaSource();
    // Strict: an unknown keyword or a loose type in the annotation schema itself is an error, not ignored.
    const ajv = new Ajv({ strict: true, allErrors: true });
    cached = { schema, validate: ajv.compile(schema) };
  }
  return cached;
}

/**
 * Every node's x-retool-* keywords checked against the annotation schema: an unknown keyword (a typo), a
 * missing or ill-typed field. Each problem is placed at the JSON pointer of the offending annotation field.
 */
export function annotationProblems(schema: JsonSchema): Array<{ path: string; detail: string }> {
  const { validate } = annotationSchema();
  const bad: Array<{ path: string; detail: string }> = [];
  visit(schema, (node, path) => {
    const annotations = Object.fromEntries(Object.entries(node).filter(([key]) => key.startsWith('x-retool-')));
    if (!Object.keys(annotations).length || validate(annotations)) return;
    for (const error of validate.errors ?? []) bad.push({ path: `${path}${error.instancePath}`, detail: describe(error) });
  });
  return bad;
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `unknown key ${(error.params as { additionalProperty: string }).additionalProperty}`;
  if (error.keyword === 'required') return `${(error.params as { missingProperty: string }).missingProperty} is missing`;
  if (error.keyword === 'enum') return `${error.message} (${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
  return error.message ?? error.keyword;
}
