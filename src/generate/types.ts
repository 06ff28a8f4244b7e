import { compile } from 'json-schema-to-typescript';
import { visit } from '../schema/normalize.js';
import type { JsonSchema } from '../schema/json-schema.js';
import type { ChartModel } from '../model/chart-model.js';
import { GENERATED_BANNER } from './banner.js';

/** src/generated/values.ts: the values API as TypeScript types. */
export async function emitTypes(model: ChartModel): Promise<string> {
  const shape = sharePodOptions(model.schema);
  dropRules(shape);
  wrapAnnotatedRefs(shape);
  return compile(shape as Parameters<typeof compile>[0], 'RetoolValues', {
    bannerComment: `/* ${GENERATED_BANNER} */`,
    additionalProperties: false,
    unknownAny: true,
    strictIndexSignatures: false,
    format: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

/**
 * The published schema copies the pod options into every workload (draft-07 cannot share properties of a
 * closed object). Types can: each workload becomes its own properties & PodOptions, so TypeScript users get
 * one named PodOptions type instead of ten anonymous copies. Works on the annotated schema, strips the
 * annotations afterwards.
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
