import { readdirSync, readFileSync } from 'node:fs';
import { podCheckSites } from '../model/pod-checks.js';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import type { ChartModel } from '../model/chart-model.js';
import type { ChartMetadata } from './chart-metadata.js';
import { clientsOf, ingressRoutes, PREFLIGHT_NAME } from '../model/topology.js';
import { blobStoreWorkload, componentWorkload, nodeDaemonSetWorkload, postgresWorkload, preflightWorkload, temporalServiceWorkload, temporalSetupWorkload, temporalWebWorkload, type WorkloadData } from '../model/workloads.js';
import { preflightScriptContext } from '../preflight/script-context.js';

const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/** Handlebars partials (the workload skeleton), registered by file name and not emitted. */
const PARTIALS_DIR = 'partials';
/** Rendered once per component instead of once. */
const PER_COMPONENT_TEMPLATE = 'templates/component.yaml.hbs';
/** Rendered once per Temporal service of temporal.mode: local. */
const PER_TEMPORAL_SERVICE_TEMPLATE = 'templates/temporal-service.yaml.hbs';
/** Rendered once per node DaemonSet (x-retool-node-daemonset). */
const PER_NODE_DAEMONSET_TEMPLATE = 'templates/node-daemonset.yaml.hbs';

/**
 * Renders chart-templates/**\/*.hbs: model -> template data -> plain Helm. Handlebars reads only the chart model;
 * it decides which files and blocks exist and writes the model's facts (names, ports, guards as Go conditions,
 * presets as Go dict literals) into the Go text literally. The Go template text that Helm evaluates passes
 * through as raw blocks or `\{{` escapes and keeps only the logic that values decide.
 * Returns chart-relative path -> content.
 */
export function emitTemplates(model: ChartModel, templatesDir: string, chart: ChartMetadata): Map<string, string> {
  const hbs = Handlebars.create();
  hbs.registerHelper('raw', (options: Handlebars.HelperOptions) => options.fn(undefined));
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  // Free text placed into YAML: a JSON string is a valid YAML double-quoted scalar.
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  // Model data as a Go template expression (`dict` / `list` / literals), so that templates get it without parsing.
  hbs.registerHelper('go', (value: unknown) => goLiteral(value));
  // Runtime tables for Go templates: each entry without its documentation (source notes, costs).
  hbs.registerHelper('runtime', (table: Record<string, Record<string, unknown>>) =>
    Object.fromEntries(Object.entries(table).map(([key, { source: _s, costs: _c, ...rest }]) => [key, rest])));
  hbs.registerHelper('join', (list: unknown[], separator: string) => list.join(separator));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('add', (a: number, b: number) => a + b);
  // A small map as one YAML flow line (`httpGet: { path: /api/checkHealth, port: http }`): probe handlers.
  hbs.registerHelper('flow', (value: Record<string, unknown>) => flowYaml(value));
  // A probe's timing fields alone (the defaults retool.probe writes under the operator's tuning).
  hbs.registerHelper('timings', ({ kind: _k, handler: _h, tuning: _t, ...timings }: Record<string, unknown>) => timings);
  // A multi-line text as the body of a YAML block scalar, indented by `width` spaces.
  // The handler arguments of retool.probe: an HTTP GET's path and port, or a TCP connect's port.
  hbs.registerHelper('probeHandler', (handler: Record<string, { path?: string; port: string }>) =>
    'tcpSocket' in handler ? `"tcpSocket" true "port" ${JSON.stringify(handler.tcpSocket.port)}` : `"path" ${JSON.stringify(handler.httpGet.path)} "port" ${JSON.stringify(handler.httpGet.port)}`);
  hbs.registerHelper('indent', (text: string, width: number) => text.trimEnd().split('\n').map((l) => `${' '.repeat(width)}${l}`).join('\n'));
  const ingress = model.components.find((c) => c.entry);
  if (!ingress) throw new Error('the schema declares no component routed at / (x-retool-component routes)');
  const context = {
    components: model.components,
    temporalServices: model.temporalServices,
    podSecurityPresets: model.podSecurityPresets,
    temporal: model.temporal,
    temporalClients: clientsOf(model.components, 'temporal'),
    // Who reaches the storage database's server when local Temporal keeps its databases there.
    temporalDatabaseClients: [...model.temporalServices.map((s) => s.name), model.temporal.setup],
    preflightName: PREFLIGHT_NAME,
    ingress,
    // Every component route, most specific first: the Ingress/HTTPRoute paths and NOTES.
    routes: ingressRoutes(model.components),
    // The storage database (Retool's own): the first x-retool-database; local Temporal may share its server.
    storageDatabase: model.databases[0],
    databases: model.databases.map((db) => ({ ...db, clients: clientsOf(model.components, db.edge), workload: workloadData(postgresWorkload(db)) })),
    blobStore: { ...model.blobStore, clients: clientsOf(model.components, 'blobStorage'), workload: workloadData(blobStoreWorkload(model.blobStore)) },
    componentSecrets: componentSecrets(model.components),
    nodeDaemonSets: model.nodeDaemonSets,
    temporalWeb: workloadData(temporalWebWorkload(model.temporal)),
    temporalSetup: workloadData(temporalSetupWorkload(model.temporal)),
    preflightPod: workloadData(preflightWorkload(PREFLIGHT_NAME)),
    // Where the chart's pod rules look (templates/_checks.tpl), as validate's pod rules do.
    podChecks: podCheckSites(model.schema, model.components),
    preflight: preflightScriptContext(),
    chartVersion: model.chartVersion,
    appVersion: model.appVersion,
    chart,
  };

  const out = new Map<string, string>();
  const files = listFiles(templatesDir).filter((f) => f.endsWith('.hbs'));
  for (const file of files) {
    const source = relative(templatesDir, file).split('\\').join('/');
    // Registered compiled: Handlebars compiles a partial given as text again for every top-level render
    // (its cache lives in that render's partials object), i.e. once per workload.
    if (source.startsWith(`${PARTIALS_DIR}/`)) hbs.registerPartial(source.slice(PARTIALS_DIR.length + 1).replace(/\.hbs$/, ''), hbs.compile(readFileSync(file, 'utf8'), COMPILE_OPTIONS));
  }
  for (const file of files) {
    const source = relative(templatesDir, file).split('\\').join('/');
    if (source.startsWith(`${PARTIALS_DIR}/`)) continue;
    const render = hbs.compile(readFileSync(file, 'utf8'), COMPILE_OPTIONS);
    if (source === PER_COMPONENT_TEMPLATE) {
      for (const component of model.components) out.set(`templates/${component.name}.yaml`, tidy(render({ ...context, component, workload: workloadData(componentWorkload(component)) })));
    } else if (source === PER_TEMPORAL_SERVICE_TEMPLATE) {
      for (const service of model.temporalServices) out.set(`templates/${service.name}.yaml`, tidy(render({ ...context, service, workload: workloadData(temporalServiceWorkload(service)) })));
    } else if (source === PER_NODE_DAEMONSET_TEMPLATE) {
      for (const d of model.nodeDaemonSets) out.set(`templates/${d.name}.yaml`, tidy(render({ ...context, daemonSet: nodeDaemonSetData(d) })));
    } else {
      out.set(source.replace(/\.hbs$/, ''), tidy(render(context)));
    }
  }
  return out;
}

/**
 * A JSON value as a Go template expression: maps become `(dict …)` with sorted keys, arrays `(list …)`,
 * strings JSON-quoted (a valid Go string literal), numbers and booleans as they are.
 */
export function goLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return `(list${value.map((v) => ` ${goLiteral(v)}`).join('')})`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `(dict${entries.map(([k, v]) => ` ${JSON.stringify(k)} ${goLiteral(v)}`).join('')})`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`no Go template literal for ${typeof value}`);
}

/**
 * The skeleton's data: the workload with its defaults. Strict mode does not ask optional fields read only under
 * #if / #each / #with to be present, so nothing else is filled in.
 */
function workloadData(w: WorkloadData): Record<string, unknown> {
  return { podAnnotations: 'dict', ...w, replicas: w.replicas ?? {} };
}

/** A node DaemonSet's template data: its facts, its containers' fixed security and resources by name, its workload. */
function nodeDaemonSetData(d: ChartModel['nodeDaemonSets'][number]): Record<string, unknown> {
  return {
    ...d,
    terminationGracePeriodSeconds: d.terminationGracePeriodSeconds ?? null,
    podSecurity: d.podSecurityContext ?? {},
    fixed: Object.fromEntries(d.containers.map((c) => [c.name, { securityContext: c.securityContext, resources: c.resources }])),
    workload: workloadData(nodeDaemonSetWorkload(d)),
  };
}

/** `{ key: { k: v, … } }` as `key: { k: v, … }`; strings plain when YAML reads them back as the same string. */
export function flowYaml(value: Record<string, unknown>): string {
  const scalar = (v: unknown): string => (typeof v === 'string' && /^[A-Za-z_\/][A-Za-z0-9_\/.-]*$/.test(v) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(v) ? v : JSON.stringify(v));
  const node = (v: unknown): string => (Array.isArray(v) ? `[${v.map(node).join(', ')}]` : v !== null && typeof v === 'object' ? `{ ${Object.entries(v).map(([k, x]) => `${k}: ${node(x)}`).join(', ')} }` : scalar(v));
  return Object.entries(value).map(([k, v]) => `${k}: ${node(v)}`).join('\n');
}

/** Raw blocks leave a leading newline; files end with exactly one. */
function tidy(text: string): string {
  return `${text.replace(/^\n+/, '').trimEnd()}\n`;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/**
 * The values the chart's Secret stores for components (their secretEnv and the secretEnv they hand their
 * callers), each while its component is on; Retool's own secrets (retool.*) are stored always, elsewhere.
 */
function componentSecrets(components: ChartModel['components']): Array<{ key: string; value: string; condition?: string }> {
  const seen = new Map<string, { key: string; value: string; condition?: string }>();
  for (const c of components) {
    const callers = components.flatMap((other) => other.told.filter((t) => t.key === c.key).flatMap((t) => t.secretEnv));
    for (const s of [...c.secretEnv, ...callers]) {
      if (s.value.startsWith('retool.') || seen.has(s.key)) continue;
      seen.set(s.key, { key: s.key, value: s.value, condition: c.condition });
    }
  }
  return [...seen.values()];
}
