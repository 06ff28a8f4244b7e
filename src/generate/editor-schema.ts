import type { ValidateFunction } from 'ajv';
import type { ChartModel } from '../model/chart-model.js';
import { isObject, podOptionRef, SCHEMA_DRAFT, type JsonSchema } from '../schema/json-schema.js';
import { visit } from '../schema/visit.js';
import { valueNodes, valuesTree } from '../schema/values-tree.js';
import { DEFAULTS_KEPT } from '../schema/helm-safety.js';
import { overlaySchema, type OverlayContext } from '../schema/overlay.js';
import { ruleReason } from '../schema/rules.js';
import { documentProperty, humanize, patternMessage } from './editor-docs.js';
import { newValuesAjv } from '../validate/compiled-schema.js';
import { compileValuesSchema } from './values-compile.js';

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
  const podOptions = valueNodes(valuesTree(model.schema)).filter((node) => node.podOption);
  const podOptionAt = new Set(podOptions.map((node) => node.path.join('\u0000')));
  const ctx: OverlayContext = {
    root,
    accepts,
    brokenDefaults: brokenDefaultPaths(model),
    decorate: (node, source, key, path) => documentProperty(root, node, source, key, docPath(path, podOptionAt), accepts),
  };
  // The overlay shares unchanged nodes with the source schema: copy before documenting in place.
  const overlay = structuredClone(overlaySchema(ctx, model.defaults));
  const definitions = structuredClone(model.published.definitions ?? {});
  for (const definition of Object.values(definitions)) documentTree(definition);
  documentTree(overlay);
  sharePodOptions(overlay, definitions, podOptions.map((node) => node.path));

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

/**
 * Where a property's example is placed: inside a workload's shared pod option, relative to the workload
 * (`affinity:\n  nodeAffinity: …`), so that every workload's copy is the same node and can be shared.
 */
function docPath(path: readonly string[], podOptionAt: Set<string>): readonly string[] {
  for (let i = 0; i < path.length; i++) if (podOptionAt.has(path.slice(0, i + 1).join('\u0000'))) return path.slice(i);
  return path;
}

/**
 * The editor form of each shared pod option (overlaid on its default, documented) is the same under every
 * workload: it is kept once, as `definitions.PodOptions.properties.<key>`, and every workload points there, as
 * in values.schema.json. A key whose editor form differs between workloads stays written out where it is.
 */
function sharePodOptions(overlay: JsonSchema, definitions: Record<string, JsonSchema>, paths: ReadonlyArray<readonly string[]>): void {
  const byKey = new Map<string, Array<{ holder: Record<string, JsonSchema>; key: string }>>();
  for (const path of paths) {
    const holder = propertiesAt(overlay, path.slice(0, -1));
    const key = path[path.length - 1];
    if (!holder?.[key]) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), { holder, key }]);
  }
  const shared = definitions.PodOptions?.properties;
  if (!shared) return;
  for (const [key, places] of byKey) {
    const forms = new Set(places.map(({ holder }) => JSON.stringify(holder[key])));
    if (forms.size !== 1) continue;
    // A form the overlay left as the pointer itself (+ docs) takes the definition's body: no self-reference.
    const { $ref, ...docs } = places[0].holder[key];
    shared[key] = $ref === podOptionRef(key) ? { ...shared[key], ...docs } : places[0].holder[key];
    for (const { holder } of places) holder[key] = { $ref: podOptionRef(key) };
  }
}

/** The `properties` map of the editor schema node at a values path (through the null-accepting anyOf wrappers). */
function propertiesAt(schema: JsonSchema, path: readonly string[]): Record<string, JsonSchema> | undefined {
  const members = (node: JsonSchema | undefined) => node?.properties ?? node?.anyOf?.find((branch) => branch.properties)?.properties;
  let node: JsonSchema | undefined = schema;
  for (const key of path) node = members(node)?.[key];
  return members(node);
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
    // `not: {pattern}` (a ".." in a key, an IP as a host) is worded "Matches a schema that is not allowed."; say the rule.
    if (isObject(node.not) && typeof node.not.pattern === 'string' && typeof node.patternErrorMessage === 'string') node.errorMessage ??= node.patternErrorMessage;
    // A cross-field rule inside a definition (In needs values, Exists takes none) speaks with the reason validate gives.
    for (const rule of node.allOf ?? []) {
      const reason = isObject(rule) ? ruleReason(rule) : undefined;
      if (reason && isObject(rule.then)) visit(rule.then, (inner) => { inner.errorMessage ??= reason; });
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
  const ajv = newValuesAjv({ allErrors: false, validateSchema: false, code: { optimize: false } });
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
