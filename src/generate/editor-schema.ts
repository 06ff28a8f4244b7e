import AjvModule, { type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import type { ChartModel } from '../model/chart-model.js';
import { isObject, SCHEMA_DRAFT, type JsonSchema } from '../schema/json-schema.js';
import { visit } from '../schema/normalize.js';
import { DEFAULTS_KEPT } from '../schema/helm-safety.js';
import { overlaySchema, type OverlayContext } from '../schema/overlay.js';
import { documentProperty, humanize, patternMessage } from './editor-docs.js';
import { compileValuesSchema } from './values-compile.js';

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

/** Where fragments' `#/definitions/...` refs point: the source schema's definitions, registered once under this id. */
const ROOT_ID = 'retool-chart:source-schema';

/**
 * Validates fragments of the source schema (rule conditions on defaults, examples); each distinct fragment
 * compiled once, however many places hold a copy of it (pod options sit in every workload). Local refs point
 * at the source schema registered once, so each definition compiles once, not again with every fragment.
 */
function fragmentValidator(root: JsonSchema): OverlayContext['accepts'] {
  // Fragments of a schema validate.ts compiles in full (meta-schema check included): no second check here.
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
  addFormats(ajv);
  // Only the definitions: a ref into the registered schema compiles its root first, and this root checks nothing.
  ajv.addSchema({ $id: ROOT_ID, definitions: root.definitions });
  const byObject = new WeakMap<object, ValidateFunction>();
  const byText = new Map<string, ValidateFunction>();
  return (schema, value) => {
    let validate = byObject.get(schema);
    if (!validate) {
      const text = JSON.stringify(schema);
      validate = byText.get(text) ?? ajv.compile(rebased(schema));
      byText.set(text, validate);
      byObject.set(schema, validate);
    }
    return validate(value) as boolean;
  };
}

/** A copy of `schema` whose local refs point into the registered source schema (values such as defaults kept as they are). */
function rebased(schema: unknown): JsonSchema {
  if (Array.isArray(schema)) return schema.map(rebased) as unknown as JsonSchema;
  if (!isObject(schema)) return schema as JsonSchema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#')) return [key, `${ROOT_ID}${value}`];
    return [key, VALUE_KEYWORDS.has(key) ? value : rebased(value)];
  }));
}

const VALUE_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** The values paths at which the chart defaults alone break the schema (the required secrets under retool). */
function brokenDefaultPaths(model: ChartModel): OverlayContext['brokenDefaults'] {
  const { validate } = compileValuesSchema(model);
  validate(model.defaults);
  const broken = (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      return e.keyword === 'required' ? [...segments, String(e.params.missingProperty)] : segments;
    });
  return (path) => broken.some((p) => path.every((segment, i) => p[i] === segment));
}
