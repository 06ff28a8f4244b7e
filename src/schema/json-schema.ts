import type { ComponentAnnotation, DatabaseAnnotation, EdgeKinds, ImageAnnotation, PodSecurityAnnotation, SandboxMode, TemporalServiceAnnotation } from '../generated/annotations.js';

// The subset of JSON Schema draft-07 this project reads, plus its own `x-retool-*` annotations.
export interface JsonSchema {
  $schema?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  'x-retool-component'?: ComponentAnnotation;
  'x-retool-pod-options'?: boolean;
  'x-retool-temporal-service'?: TemporalServiceAnnotation;
  'x-retool-database'?: DatabaseAnnotation;
  'x-retool-image'?: ImageAnnotation;
  'x-retool-sandbox'?: Record<string, SandboxMode>;
  'x-retool-pod-security'?: PodSecurityAnnotation;
  /** At the schema root: network edges to what is neither a component nor a database. */
  'x-retool-edge-kinds'?: EdgeKinds;
  /** An override object merged over a chart baseline, or a Kubernetes object passed through: its keys need no defaults. */
  'x-retool-sparse'?: boolean;
  [keyword: string]: unknown;
}

// The annotation types are generated from schema/annotations.schema.json (the lint checks every annotation
// against it); re-exported here so that readers of the schema import one module.
export type {
  ComponentAnnotation, ComponentPort, DatabaseAnnotation, EdgeKind, EdgeKinds, ImageAnnotation, OfficialKeys, PodSecurityAnnotation, PodSecurityPreset,
  SandboxMode, TemporalServiceAnnotation,
} from '../generated/annotations.js';

export const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

/** The definition holding the pod options every workload takes (`x-retool-pod-options`). */
export const POD_OPTIONS_DEFINITION = 'PodOptions';

/** Where a workload's pod option `key` points (no JSON pointer escaping: keys are identifiers). */
export function podOptionRef(key: string): string {
  return `#/definitions/${POD_OPTIONS_DEFINITION}/properties/${key}`;
}

/** Keywords that may stand beside `$ref`: draft-07 validators ignore siblings of `$ref`, so only annotations may. */
export const ANNOTATION_KEYWORDS = new Set([
  'title', 'description', 'default', 'examples', 'markdownDescription', 'deprecationMessage', 'defaultSnippets', 'patternErrorMessage',
]);

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows local `#/definitions/...` refs; annotations beside a `$ref` win over the target's. */
export function deref(root: JsonSchema, node: JsonSchema): JsonSchema {
  if (!node.$ref) return node;
  const { $ref, ...siblings } = node;
  const target = resolvePointer(root, $ref);
  return { ...deref(root, target), ...siblings };
}

export function resolvePointer(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith('#/')) throw new Error(`only local refs are supported, got ${ref}`);
  let cursor: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const segment = raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
    if (!isObject(cursor) || !(segment in cursor)) throw new Error(`unresolvable $ref ${ref}`);
    cursor = cursor[segment];
  }
  return cursor as JsonSchema;
}
