import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import type { ChartModel } from '../model/chart-model.js';
import type { ChartMetadata } from './chart-metadata.js';
import { clientsOf } from '../model/topology.js';
import { preflightScriptContext } from '../preflight/script-context.js';

/** Rendered once per component instead of once. */
const PER_COMPONENT_TEMPLATE = 'templates/component.yaml.hbs';
/** Rendered once per Temporal service of temporal.mode: local. */
const PER_TEMPORAL_SERVICE_TEMPLATE = 'templates/temporal-service.yaml.hbs';

/**
 * Renders chart-templates/**\/*.hbs. Handlebars decides which files and blocks exist from the model; the Go
 * template text that Helm evaluates passes through as raw blocks or `\{{` escapes.
 * Returns chart-relative path -> content.
 */
export function emitTemplates(model: ChartModel, templatesDir: string, chart: ChartMetadata): Map<string, string> {
  const hbs = Handlebars.create();
  hbs.registerHelper('raw', (options: Handlebars.HelperOptions) => options.fn(undefined));
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  // Free text placed into YAML: a JSON string is a valid YAML double-quoted scalar.
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  // Runtime tables for Go templates: each entry without its documentation (source notes, costs).
  hbs.registerHelper('runtimeJson', (table: Record<string, Record<string, unknown>>) =>
    JSON.stringify(Object.fromEntries(Object.entries(table).map(([key, { source: _s, costs: _c, ...rest }]) => [key, rest]))));
  hbs.registerHelper('join', (list: unknown[], separator: string) => list.join(separator));
  // A multi-line text as the body of a YAML block scalar, indented by `width` spaces.
  hbs.registerHelper('indent', (text: string, width: number) => text.trimEnd().split('\n').map((l) => `${' '.repeat(width)}${l}`).join('\n'));
  const ingress = model.components.find((c) => c.ingress);
  if (!ingress) throw new Error('the schema declares no component with ingress: true');
  const context = {
    components: model.components,
    temporalServices: model.temporalServices,
    podSecurityPresets: model.podSecurityPresets,
    temporalFrontend: model.temporalServices.find((s) => s.frontend),
    temporalClients: clientsOf(model.components, 'temporal'),
    ingress,
    databases: model.databases.map((db) => ({ ...db, clients: clientsOf(model.components, db.edge) })),
    preflight: preflightScriptContext(),
    chartVersion: model.chartVersion,
    appVersion: model.appVersion,
    chart,
  };

  const out = new Map<string, string>();
  for (const file of listFiles(templatesDir).filter((f) => f.endsWith('.hbs'))) {
    const source = relative(templatesDir, file).split('\\').join('/');
    const render = hbs.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
    if (source === PER_COMPONENT_TEMPLATE) {
      for (const component of model.components) out.set(`templates/${component.name}.yaml`, tidy(render({ ...context, component })));
    } else if (source === PER_TEMPORAL_SERVICE_TEMPLATE) {
      for (const service of model.temporalServices) out.set(`templates/${service.name}.yaml`, tidy(render({ ...context, service })));
    } else {
      out.set(source.replace(/\.hbs$/, ''), tidy(render(context)));
    }
  }
  return out;
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
