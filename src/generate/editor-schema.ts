import AjvModule, { type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import type { ChartModel } from '../model/chart-model.js';
import { isObject, SCHEMA_DRAFT, type JsonSchema } from '../schema/json-schema.js';
import { visit } from '../schema/normalize.js';
import { DEFAULTS_KEPT } from '../schema/helm-safety.js';
import { overlaySchema, type OverlayContext } from '../schema/overlay.js';
import { compileSchema } from '../validate/compiled-schema.js';
import { documentProperty, humanize, patternMessage } from './editor-docs.js';

const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

/** File name of the editor schema, beside values.schema.json in the chart. */
export const EDITOR_SCHEMA_FILE = 'values.editor.schema.json';


/**
 * values.editor.schema.json: the schema for a values file *as a user writes it*, an overlay on the chart
 * defaults (see src/schema/overlay.ts), with editor documentation on every property. (test/editor-schema.test.ts
 * compiles it with ajv in strict mode: compiling it here would add seconds to every generate.)
 */
export function buildEditorSchema(model: ChartModel, id: string): JsonSchema {
  // Without the "defaults cannot be deleted with null" rule: it applies to merged values only (Helm injects
  // `global`), and a file checked alone cannot tell a deleted key from one not written (README, Guarantees).
  const root: JsonSchema = { ...model.schema, allOf: model.schema.allOf?.filter((rule) => rule.$comment !== DEFAULTS_KEPT) };
  const accepts = fragmentValidator(root);
  const ctx: OverlayContext = {
    root,
    accepts,
    brokenDefaults: brokenDefaultPaths(model),
    decorate: (node, source, key, path) => documentProperty(root, node, source, key, path, accepts),
  };
  // The overlay shares unchanged nodes with the source schema: copy before documenting in place.
  const overlay = structuredClone(overlaySchema(ctx, model.defaults));
  const definitions = structuredClone(model.published.definitions ?? {});
  for (const definition of Object.values(definitions)) documentTree(definition);
  documentTree(overlay);

  const { $schema: _s, title: _t, description, definitions: _d, ...body } = overlay;
  const schema: JsonSchema = {
    $schema: SCHEMA_DRAFT,
    $id: id,
    title: 'Retool chart values (editor)',
    description: `${description ?? ''} For editors: checks a values file as Helm does once it is laid over the chart defaults.`.trim(),
    ...body,
    definitions,
  };
  stripGeneratorAnnotations(schema);
  return schema;
}

/** `id`: where `package` publishes it (schemaUrl of the project's chart repository; a release with another --repo-url rewrites it). */
export function emitEditorSchema(model: ChartModel, id: string): string {
  return `${JSON.stringify(buildEditorSchema(model, id), null, 2)}\n`;
}

/** Titles for untitled properties and worded pattern errors in parts kept as written (definitions, lists). */
function documentTree(schema: JsonSchema): void {
  visit(schema, (node) => {
    const message = patternMessage(node);
    if (message) node.patternErrorMessage = message;
    // `not: {const: x}` is worded "Matches a schema that is not allowed."; a failing type test says which value instead.
    if (isObject(node.not) && 'const' in node.not && Object.keys(node.not).length === 1) {
      const forbidden = node.not.const;
      delete node.not;
      node.allOf = [...(node.allOf ?? []), { if: { const: forbidden }, then: { type: 'null', errorMessage: `Must not be ${JSON.stringify(forbidden)}.` } }];
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (!isObject(child)) continue;
      child.title ??= humanize(key);
      if (child.markdownDescription === undefined && child.description) {
        child.markdownDescription = child.default === undefined ? child.description : `${child.description}\n\nDefault: \`${JSON.stringify(child.default)}\``;
      }
    }
  });
}

function stripGeneratorAnnotations(schema: JsonSchema): void {
  visit(schema, (node) => {
    for (const key of Object.keys(node)) if (key.startsWith('x-retool-')) delete node[key];
  });
}

/** Validates fragments of the source schema (rule conditions on defaults); each fragment compiled once. */
function fragmentValidator(root: JsonSchema): OverlayContext['accepts'] {
  const ajv = new Ajv({ strict: false, allErrors: false });
  addFormats(ajv);
  const cache = new WeakMap<object, ValidateFunction>();
  return (schema, value) => {
    let validate = cache.get(schema);
    if (!validate) {
      validate = ajv.compile({ ...schema, definitions: root.definitions });
      cache.set(schema, validate);
    }
    return validate(value) as boolean;
  };
}

/** The values paths at which the chart defaults alone break the schema (the required secrets under retool). */
function brokenDefaultPaths(model: ChartModel): OverlayContext['brokenDefaults'] {
  const entry = compileSchema(model.schema);
  entry.validate(model.defaults);
  const broken = (entry.validate.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      return e.keyword === 'required' ? [...segments, String(e.params.missingProperty)] : segments;
    });
  return (path) => broken.some((p) => path.every((segment, i) => p[i] === segment));
}
