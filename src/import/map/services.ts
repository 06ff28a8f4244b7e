import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import type { TargetFacts } from '../target-facts.js';
import { collectEnvList, envFromOfficial } from './env.js';
import { setEnv } from './env-values.js';
import { deepEqual, int, mergeMaps, setResources, str, truthy } from './helpers.js';
import { OFFICIAL_DEFAULTS } from '../official-chart.js';
import { valueAt } from '../../validate/values-paths.js';
import { setRepository } from './images.js';

/**
 * The components whose x-retool-component names the official chart's keys (`official`): when the official
 * switch is on, this chart's switch is turned on and the replicas, resources, pod annotations and labels and
 * env are carried from the first official key that holds them; a switch that needs a parent switch (requires) is
 * carried only while that one is on too. A new service needs no code here.
 */
export function mapAnnotatedComponents(ctx: ImportContext, target: TargetFacts) {
  for (const c of target.components) {
    const o = c.official;
    if (!o || !truthy(ctx.read(o.enabled))) continue;
    // A tri-state parent switch (rr.gitServer.enabled: null inherits rr.enabled): the first boolean decides.
    const decides = o.requires?.find((path) => typeof ctx.peek(path) === 'boolean');
    if (o.requires && (decides === undefined || ctx.peek(decides) !== true)) continue;
    if (c.enabledBy) ctx.set(c.enabledBy, true, o.enabled);
    // The official per-service switch (rr.<service>.enabled: null inherits): false leaves the service out here too.
    if (o.override && c.enabledOverride && ctx.read(o.override) === false) ctx.set(c.enabledOverride, false, o.override);
    const replicas = (o.replicas ?? []).map((path) => ({ path, count: int(ctx.read(path)) })).find((r) => r.count !== undefined);
    if (replicas) ctx.set(`components.${c.key}.replicas`, Math.max(1, replicas.count!), replicas.path);
    const resources = (o.resources ?? []).map((path) => ({ path, value: ctx.read(path) })).find((r) => isObject(r.value) && Object.keys(r.value).length);
    if (resources) setResources(ctx, `components.${c.key}.resources`, resources.value, resources.path);
    if (o.podAnnotations?.length) mergeMaps(ctx, `components.${c.key}.podAnnotations`, o.podAnnotations);
    if (o.podLabels?.length) mergeMaps(ctx, `components.${c.key}.podLabels`, o.podLabels);
    // Env the official template writes from a value: carried only where it differs from the env this chart sets.
    for (const [name, path] of Object.entries(o.envValues ?? {})) {
      const value = ctx.read(path);
      if (value === undefined || value === null) continue;
      const text = Array.isArray(value) ? value.map(String).join(',') : String(value);
      if (target.builtInEnv[c.key]?.[name] !== text) ctx.set(`components.${c.key}.env.${name}`, text, path);
    }
    // Plain values (e.g. rr.jsExecutor.seccompLocalhostProfile): carried where they differ from the official default.
    for (const [ours, path] of Object.entries(o.values ?? {})) {
      const value = ctx.read(path);
      if (value === undefined || value === null || deepEqual(value, valueAt(OFFICIAL_DEFAULTS, path.split('.')))) continue;
      ctx.set(`components.${c.key}.${ours}`, value, path);
    }
    // The block the service's settings live in: the per-service switch's (rr.jsExecutor), else the switch's (telemetry).
    if (o.image) carryImage(ctx, o.image, (o.override ?? o.enabled).split('.').slice(0, -1).join('.'));
    for (const path of o.env ?? []) {
      const env = ctx.peek(path);
      // A Kubernetes env list ({ name, value | valueFrom }, e.g. mcp.environmentVariables) or a NAME: value map.
      if (Array.isArray(env)) {
        for (const [name, { value, from }] of collectEnvList(ctx, path)) setEnv(ctx, `components.${c.key}.env.${name}`, value, from);
        continue;
      }
      ctx.read(path);
      if (!isObject(env)) continue;
      for (const [name, value] of Object.entries(env)) {
        const entry = envFromOfficial(ctx, value, `${path}.${name}`);
        if (entry !== undefined) setEnv(ctx, `components.${c.key}.env.${name}`, entry, `${path}.${name}`);
      }
    }
  }
}

/**
 * The official <prefix>.image.repository and .tag onto images.<image>. An empty official tag means image.tag, and
 * this chart's empty tag means <retool.version>-<retool.channel>, which image.tag already set when it has that form;
 * any other image.tag is pinned as written, as the backend's is.
 */
function carryImage(ctx: ImportContext, image: string, prefix: string) {
  const repository = str(ctx.read(`${prefix}.image.repository`));
  if (repository) setRepository(ctx, image, repository, '', `${prefix}.image.repository`);
  ctx.read(`${prefix}.image.pullPolicy`);
  const tag = str(ctx.read(`${prefix}.image.tag`));
  const main = str(ctx.peek('image.tag')) ?? '';
  if (tag) ctx.set(`images.${image}.tag`, tag, `${prefix}.image.tag`);
  else if (/^\d+\.\d+\.\d+/.test(main) && !/^\d+\.\d+\.\d+-(stable|edge)$/.test(main)) ctx.set(`images.${image}.tag`, main, `image.tag (${prefix}.image.tag unset: the official chart follows it)`);
}
