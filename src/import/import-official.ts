import { relative } from 'node:path';
import { inputIssue, type Issue } from '../issue.js';
import { mergeValues } from '../model/defaults.js';
import type { ChartModel } from '../model/chart-model.js';
import { checkValues } from '../validate/validate-values.js';
import { loadSources, type MergedValues } from '../validate/values-sources.js';
import { placed } from '../validate/values-issue.js';
import { detectCapabilities } from './capabilities.js';
import { emitValuesYaml } from './emit-values.js';
import { joinPath, type Action, type Dropped, type ImportContext } from './import-context.js';
import { legacyKeyIssues } from './legacy-keys.js';
import { reportLeftovers } from './leftovers.js';
import { mapOfficialValues } from './map-values.js';
import { OFFICIAL_CHART_VERSION, OFFICIAL_DEFAULTS } from './official-chart.js';

export interface ImportRequest {
  /** Values files written for the official chart, in Helm's order. */
  files: readonly string[];
  sets?: readonly string[];
  setStrings?: readonly string[];
  /** Release name of the official installation; default retool. */
  release?: string;
  /** Its namespace (used in the kubectl commands of the manual steps). */
  namespace?: string;
  /** Directory file names in comments are relative to; default the working directory. */
  cwd?: string;
}

export interface ImportOutcome {
  /** Our values (only what the import sets; the chart's defaults fill the rest). */
  values: Record<string, unknown>;
  /** The values file to write, with a comment on every key. */
  text: string;
  dropped: Dropped[];
  notes: string[];
  actions: Action[];
  /** Problems loading the official values, or (a defect of the import) with the values it produced. */
  issues: Issue[];
}

const DEFAULTS_NAME = `official chart ${OFFICIAL_CHART_VERSION} default`;

/** Reads official-chart values like Helm (over that chart's defaults) and maps them onto this chart. */
export function importOfficial(request: ImportRequest, model: ChartModel): ImportOutcome {
  const sources = { files: request.files, sets: request.sets, setStrings: request.setStrings };
  const { merged, issues: loadIssues } = loadSources({ ...sources, defaults: OFFICIAL_DEFAULTS, defaultsFile: DEFAULTS_NAME });
  if (loadIssues.length) return { values: {}, text: '', dropped: [], notes: [], actions: [], issues: loadIssues };
  const userOnly = loadSources({ ...sources, defaults: {} }).merged.values;
  const legacy = legacyKeyIssues(userOnly, merged);
  if (legacy.length) return { values: {}, text: '', dropped: [], notes: [], actions: [], issues: legacy };

  const release = request.release ?? 'retool';
  const definitions = model.schema.definitions ?? {};
  const ctx = mapOfficialValues(merged.values, { release, namespace: request.namespace, capabilities: detectCapabilities(model.schema, model.defaults) }, {
    podSecurityContextKeys: Object.keys(definitions.PodSecurityContext?.properties ?? {}),
    containerSecurityContextKeys: Object.keys(definitions.ContainerSecurityContext?.properties ?? {}),
    defaultVersion: model.appVersion,
    builtInEnv: Object.fromEntries(model.components.map((c) => [c.key, Object.fromEntries(c.env.map((e) => [e.name, e.value]))])),
    javaDbConnectorComponents: model.components.filter((c) => c.javaDbConnector).map((c) => c.key),
    components: model.components.map((c) => ({ key: c.key, enabledBy: c.enabledBy, enabledOverride: c.enabledOverride, retoolEnv: c.retoolEnv, official: c.official, officialProbes: c.officialProbes })),
  });
  reportLeftovers(ctx, userOnly);

  const issues = pruneInvalid(ctx, model);
  const cwd = request.cwd ?? process.cwd();
  const comments = new Map([...ctx.origins].map(([path, from]) => [path, locate(from, merged, userOnly, cwd)]));
  const text = emitValuesYaml(ctx.values, { header: header(request, release, ctx.dropped, ctx.actions, ctx.notes, cwd), comments, schema: model.schema });
  return { values: ctx.values, text, dropped: ctx.dropped, notes: ctx.notes, actions: ctx.actions, issues };
}

/**
 * The result must pass this chart's validation. An official value this chart's schema refuses (a malformed
 * host, an env name, a quantity...) is taken out and reported as dropped, naming the official key it came
 * from; what remains invalid (a value the official values never gave, e.g. an empty database host) is returned.
 */
function pruneInvalid(ctx: ImportContext, model: ChartModel): Issue[] {
  for (let round = 0; round < 10; round++) {
    const issues = checkValues(model.schema, mergeValues(model.defaults, ctx.values));
    if (!issues.length) return [];
    let pruned = false;
    for (const issue of issues) {
      const segments = (issue.locateSegments ?? issue.segments).map(String);
      for (let i = segments.length; i >= 1; i--) {
        const path = joinPath(segments.slice(0, i));
        const from = ctx.origins.get(path);
        if (from === undefined || ctx.get(path) === undefined) continue;
        ctx.unset(path);
        ctx.drop(from.split(/[ ,]/)[0], `${issue.message} (${path} in this chart)`);
        pruned = true;
        break;
      }
    }
    if (!pruned) {
      return issues.map((issue) => ({
        ...placed(issue),
        message: `${issue.message} — the official values do not give it; add it to the official values or to the imported file`,
      }));
    }
  }
  return [inputIssue('import.invalid', 'the imported values could not be made valid')];
}

/** Appends file:line to a comment whose first word is an official key the user set. */
function locate(from: string, merged: MergedValues, userOnly: Record<string, unknown>, cwd: string): string {
  const token = /^[A-Za-z][\w-]*(?:\.[\w\-/]+|\[\d+\])*/.exec(from)?.[0] ?? '';
  const segments = token.replace(/\[(\d+)\]/g, '.$1').split('.');
  if (!token || !existsIn(userOnly, segments)) return `from ${from}`;
  const where = merged.origin(segments);
  if (!where || where.file === DEFAULTS_NAME) return `from ${from}`;
  const file = where.file.startsWith('--') ? where.file : relative(cwd, where.file) || where.file;
  return `from ${from} (${file}:${where.line})`;
}

function existsIn(tree: unknown, segments: string[]): boolean {
  let cursor = tree;
  for (const segment of segments) {
    if (Array.isArray(cursor) && /^\d+$/.test(segment) && Number(segment) < cursor.length) cursor = cursor[Number(segment)];
    else if (cursor !== null && typeof cursor === 'object' && !Array.isArray(cursor) && segment in cursor) cursor = (cursor as Record<string, unknown>)[segment];
    else return false;
  }
  return true;
}

function header(request: ImportRequest, release: string, dropped: Dropped[], actions: Action[], notes: string[], cwd: string): string[] {
  const files = request.files.map((f) => relative(cwd, f) || f);
  const lines = [
    `Imported by retool-chart import from values for Retool's official chart ${OFFICIAL_CHART_VERSION}: ${files.join(', ') || '(official defaults only)'}${request.sets?.length || request.setStrings?.length ? ' and --set' : ''}.`,
    `Release: ${release}. Every key below says where it came from; this chart's defaults fill in the rest.`,
  ];
  if (actions.length) {
    lines.push('', 'Before switching:');
    actions.forEach((a, i) => {
      lines.push(`${i + 1}. ${a.title}`);
      for (const step of a.steps) lines.push(`   ${step}`);
    });
  }
  if (dropped.length) {
    lines.push('', 'Not carried:');
    for (const d of dropped) lines.push(`- ${d.path}: ${d.reason}${d.changesBehaviour ? ' [changes behaviour]' : ''}`);
  }
  if (notes.length) {
    lines.push('', 'Notes:');
    for (const n of notes) lines.push(`- ${n}`);
  }
  return lines;
}
