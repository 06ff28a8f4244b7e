// Kubernetes validity of rendered manifests, built on kubernetes-models.
//
// Two checks per object:
//  a. kubernetes-models' own `new Kind(obj).validate()` (types, enums, required fields,
//     formats such as quantity / int-or-string / int32 / base64).
//  b. A strict unknown-field check, which (a) does not do.
//
// kubernetes-models does not ship JSON schemas: `_schemas/*.js` are Ajv "standalone"
// validators compiled from the Kubernetes OpenAPI document, without additionalProperties
// constraints, and `_schemas` is not in the package's `exports`. Rather than re-derive the
// schema from the compiled code (or from the .d.ts files), (b) runs that same compiled
// validator over a Proxy of the object and records which keys it reads: the generated code
// reads `data.<prop>` for every declared property of a typed object and enumerates every
// key of a map (`additionalProperties`: labels, annotations, data, matchLabels, resource
// requests/limits, nodeSelector, ...). A key present in a typed object but never read is
// therefore not in the schema. `$ref`s, `items`, `oneOf`/`anyOf`/`allOf` are followed by the
// validator itself, so the walk always agrees with (a). Scalars (quantities, int-or-string)
// are never proxied, so they cannot produce unknown-field reports. An object whose schema
// declares no properties (free-form / preserve-unknown-fields) gets no reads at all and is
// skipped.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type ModelClass = {
  new (data: object): { validate(): void };
  apiVersion: string;
  kind: string;
  prototype: { validate(this: unknown): void };
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * apiVersion/kind the chart renders (or will), with their kubernetes-models module.
 * Any other kind kubernetes-models has is loaded by the same rule (see `modelSpecifier`);
 * this table documents the chart's surface and is checked by the tests.
 */
export const CHART_KINDS: Record<string, string> = {
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'apps/v1/StatefulSet': 'kubernetes-models/apps/v1/StatefulSet',
  'networking.k8s.io/v1/Ingress': 'kubernetes-models/networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  // Gateway API (a CRD, not built in): ingress.kind: HTTPRoute. ESM only: loaded up front (ESM_MODELS).
  'gateway.networking.k8s.io/v1/HTTPRoute': '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute',
};

const API_VERSION = /^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** Module specifier of the kubernetes-models class for an apiVersion/kind, or undefined if malformed. */
export function modelSpecifier(apiVersion: string, kind: string): string | undefined {
  const known = CHART_KINDS[`${apiVersion}/${kind}`];
  if (known) return known;
  if (!API_VERSION.test(apiVersion) || !KIND.test(kind)) return undefined;
  return `kubernetes-models/${apiVersion}/${kind}`; // core group "v1" → kubernetes-models/v1/<Kind>
}

const models = new Map<string, ModelClass | undefined>();

/**
 * Models from packages that export only ESM (no "require" condition, so loadModel's synchronous require cannot
 * load them): imported here, once, before any validation (the test's `before` hook awaits it).
 */
export async function loadEsmModels(): Promise<void> {
  const { HTTPRoute } = await import('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute');
  models.set('gateway.networking.k8s.io/v1/HTTPRoute', HTTPRoute as unknown as ModelClass);
}

/** The kubernetes-models class for apiVersion/kind, or undefined when the package has none. */
export function loadModel(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (models.has(key)) return models.get(key);
  let model: ModelClass | undefined;
  const specifier = modelSpecifier(apiVersion, kind);
  if (specifier) {
    try {
      // Synchronous load through the package's "require" export condition.
      const mod = require(specifier) as Record<string, unknown>;
      const candidate = mod[kind] as ModelClass | undefined;
      // Files such as apps/v1/DeploymentSpec export non-resource models; require a real kind.
      if (typeof candidate === 'function' && candidate.apiVersion === apiVersion && candidate.kind === kind) {
        model = candidate;
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw err;
    }
  }
  models.set(key, model);
  return model;
}

/** `/spec/template/spec/containers/0/name` → `spec.template.spec.containers[0].name`. */
function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(root)';
}

function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

function valueAt(obj: unknown, pointer: string): unknown {
  let cur: any = obj;
  for (const raw of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeError(e: AjvError, obj: unknown): string {
  const where = pointerToPath(e.instancePath);
  const got = `got ${show(valueAt(obj, e.instancePath))}`;
  const params = e.params ?? {};
  switch (e.keyword) {
    case 'required':
      return `${where}: missing required field "${String(params.missingProperty)}"`;
    case 'enum':
      return `${where}: must be one of ${JSON.stringify(params.allowedValues)}, ${got}`;
    case 'type':
      return `${where}: must be ${String(params.type)}, ${got}`;
    case 'format':
      return `${where}: must match format "${String(params.format)}", ${got}`;
    case 'oneOf':
    case 'anyOf':
      return `${where}: matches none of its alternatives (e.g. int-or-string, quantity), ${got}`;
    default:
      return `${where}: ${e.message ?? e.keyword} (${e.keyword} ${JSON.stringify(params)}), ${got}`;
  }
}

/** a. kubernetes-models' own validation. */
function schemaProblems(Model: ModelClass, obj: object): string[] {
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors)) return [`validate() threw: ${(err as Error).message}`];
    // A failed oneOf/anyOf also reports every alternative's error at the same path; keep only the summary.
    const alternatives = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
    const kept = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || !alternatives.has(e.instancePath));
    return [...new Set(kept.map((e) => describeError(e, obj)))];
  }
}

interface Tracked {
  target: object;
  path: string;
  read: Set<PropertyKey>;
  touched: boolean;
}

/** b. Keys the compiled validator never looked at. */
function unknownFieldProblems(Model: ModelClass, obj: object): string[] {
  const tracked: Tracked[] = [];
  const proxies = new WeakMap<object, object>();

  const wrap = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const cached = proxies.get(value);
    if (cached) return cached;
    const t: Tracked = { target: value, path, read: new Set(), touched: false };
    tracked.push(t);
    const isArray = Array.isArray(value);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        t.touched = true;
        t.read.add(key);
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return v;
        return wrap(v, joinPath(path, isArray && /^[0-9]+$/.test(key) ? Number(key) : key));
      },
      has(target, key) {
        t.touched = true;
        t.read.add(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        // for...in / Object.keys over a map (additionalProperties) lands here for every key.
        t.touched = true;
        t.read.add(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      ownKeys(target) {
        t.touched = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };

  try {
    // A JSON copy: plain, unfrozen, unaliased data, so every path is reported where it occurs.
    Model.prototype.validate.call(wrap(JSON.parse(JSON.stringify(obj)), ''));
  } catch {
    // Errors are (a)'s business; only the reads matter here.
  }

  const problems: string[] = [];
  for (const t of tracked) {
    if (Array.isArray(t.target) || !t.touched) continue; // arrays, or objects with a free-form schema
    for (const key of Object.keys(t.target)) {
      if (!t.read.has(key)) problems.push(`${joinPath(t.path, key)}: unknown field "${key}"`);
    }
  }
  return problems;
}

/** Problems with one manifest object; empty when it is valid Kubernetes. */
export function validateK8sObject(obj: unknown): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return ['not an object'];
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [`missing apiVersion/kind (apiVersion=${JSON.stringify(apiVersion)}, kind=${JSON.stringify(kind)})`];
  }
  const Model = loadModel(apiVersion, kind);
  if (!Model) return [`no model for ${apiVersion}/${kind} in kubernetes-models`];
  return [...schemaProblems(Model, obj), ...unknownFieldProblems(Model, obj)];
}

/** `Kind/name` label for messages. */
export function objectLabel(obj: { kind?: unknown; metadata?: { name?: unknown } }): string {
  return `${String(obj.kind)}/${String(obj.metadata?.name)}`;
}
