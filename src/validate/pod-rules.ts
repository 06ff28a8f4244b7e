import { isObject } from '../schema/json-schema.js';
import type { PodCheckSites, PodSite } from '../model/pod-checks.js';
import type { IssueCode } from '../issue-codes.js';
import { valuesIssue, type ValuesIssue } from './values-issue.js';
import { formatPath, valueAt, type PathSegment } from './values-paths.js';

/**
 * What Kubernetes refuses inside one pod that JSON Schema cannot state (it cannot compare list items with each
 * other or a value with another one): the rules below, by the sentence that is their reason. The chart runs the
 * same rules as Helm `fail`s with the same words (chart-templates/templates/_checks.tpl.hbs), so validate,
 * Helm 3 and Helm 4 give one verdict. They run on values that passed the schema (Helm renders only those), on
 * the values as the templates merge them (a component's non-empty list replaces podDefaults', maps merge),
 * for every component whether or not it is switched on. Upstream: k8s.io/kubernetes pkg/apis/core/validation
 * validation.go (ValidateVolumes: names unique; validateVolumeMounts: a mount names a volume, mount paths
 * unique; ValidateResourceRequirements: a request is at most its limit).
 */
export const POD_RULES = {
  volumeNames: 'volume names must be unique in a pod (Kubernetes refuses the pod).',
  mountVolumes: 'a mount must name a volume of its pod (Kubernetes refuses the pod).',
  mountPaths: 'mount paths must be unique in a container (Kubernetes refuses the pod).',
  requestsLimits: "a container's requests must not exceed its limits (Kubernetes refuses the pod).",
} as const;

/** Each pod rule's issue code. */
export const POD_RULE_CODES: Record<keyof typeof POD_RULES, IssueCode> = {
  volumeNames: 'pod.volume-names',
  mountVolumes: 'pod.mount-volumes',
  mountPaths: 'pod.mount-paths',
  requestsLimits: 'pod.requests-limits',
};

type Values = Record<string, unknown>;
type Item = Record<string, unknown>;

/** The list the templates use for a pod option: the workload's when non-empty, else podDefaults'. */
function effectiveList(values: Values, owner: string[], key: string): { path: PathSegment[]; items: Item[] } {
  const own = valueAt(values, [...owner, key]);
  if (Array.isArray(own) && own.length) return { path: [...owner, key], items: own.filter(isObject) };
  const shared = valueAt(values, ['podDefaults', key]);
  return { path: ['podDefaults', key], items: Array.isArray(shared) ? shared.filter(isObject) : [] };
}

/** Sprig's mustMergeOverwrite (deepCopy base) value: maps merge key by key, anything else replaces. */
function mergeOverwrite(base: unknown, value: unknown): unknown {
  if (!isObject(base) || !isObject(value)) return value;
  const out: Item = { ...base };
  for (const [key, v] of Object.entries(value)) out[key] = isObject(v) && isObject(out[key]) ? mergeOverwrite(out[key], v) : v;
  return out;
}

/** retool.pod.options for one map option: merged when both are non-empty, else the non-empty one. */
function effectiveMap(values: Values, owner: string[], key: string): unknown {
  const own = valueAt(values, [...owner, key]);
  const shared = valueAt(values, ['podDefaults', key]);
  const full = (v: unknown) => isObject(v) && Object.keys(v).length > 0;
  if (full(own) && full(shared)) return mergeOverwrite(shared, own);
  return full(own) ? own : shared;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))([KMGTPE]i|[numkMGTPE]|[eE][-+]?[0-9]+)?$/;

/**
 * A quantity as a float64, computed as the chart's retool.quantity does (the same parse and the same one
 * rounding, so both sides get the same number): decimal suffixes and exponents by parsing `<mantissa>e<exp>`,
 * binary suffixes by an exact power-of-two product; a number out of float64 range is 0, as Sprig's float64
 * makes it. Equal to Kubernetes' exact comparison for quantities of up to 15 significant digits.
 */
export function quantityValue(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return quantity;
  if (typeof quantity !== 'string') return undefined;
  const match = QUANTITY.exec(quantity);
  if (!match) return undefined;
  const [, mantissa, suffix = ''] = match;
  const finite = (n: number) => (Number.isFinite(n) ? n : 0);
  if (BINARY[suffix]) return finite(Number(mantissa)) * BINARY[suffix];
  // "E" alone is exa; "E" with digits is an exponent (as the chart's retool.quantity tells them apart).
  if (suffix in DECIMAL) return finite(Number(`${mantissa}e${DECIMAL[suffix]}`));
  return finite(Number(`${mantissa}${suffix}`));
}

/** A container's requests above its limits, at `path` (of its resources). */
function requestsOverLimits(resources: unknown, path: PathSegment[], out: ValuesIssue[]): void {
  if (!isObject(resources) || !isObject(resources.requests) || !isObject(resources.limits)) return;
  const limits = resources.limits;
  for (const [name, request] of Object.entries(resources.requests)) {
    if (!(name in limits)) continue;
    const r = quantityValue(request);
    const l = quantityValue(limits[name]);
    if (r !== undefined && l !== undefined && r > l) {
      out.push(issue('requestsLimits', [...path, 'requests', name], `is more than limits.${name}`));
    }
  }
}

function issue(rule: keyof typeof POD_RULES, segments: PathSegment[], message: string): ValuesIssue {
  return valuesIssue(POD_RULE_CODES[rule], segments, `${message}: ${POD_RULES[rule]}`);
}

/** Volume names, mounts and mount paths of one component's pod. */
function podVolumes(values: Values, pod: PodSite, out: ValuesIssue[]): void {
  const restricted = values.podSecurity === 'restricted';
  const ownVolumes = [...(restricted ? pod.restrictedVolumes : []), ...pod.volumes];
  const ownPaths = [...(restricted ? pod.restrictedMountPaths : []), ...pod.mountPaths];
  const volumes = effectiveList(values, pod.path, 'extraVolumes');
  const names = new Map<string, string>(ownVolumes.map((name) => [name, `a volume of the chart's own in this pod (${ownVolumes.join(', ')})`]));
  volumes.items.forEach((volume, i) => {
    if (typeof volume.name !== 'string') return;
    const at = [...volumes.path, i, 'name'];
    const holder = names.get(volume.name);
    if (holder) out.push(issue('volumeNames', at, `is the name of ${holder} too`));
    else names.set(volume.name, formatPath([...volumes.path, i]));
  });
  const extra = new Set(volumes.items.map((v) => v.name));
  const where = `the extraVolumes of ${formatPath(pod.path)} (or podDefaults)`;
  const mounts = (list: Item[], path: PathSegment[], reserved: string[]) => {
    const paths = new Map<string, string>(reserved.map((p) => [p, `a mount of the chart's own in this container (${reserved.join(', ')})`]));
    list.forEach((mount, j) => {
      if (typeof mount.name === 'string' && !extra.has(mount.name)) out.push(issue('mountVolumes', [...path, j, 'name'], `names no volume in ${where}`));
      if (typeof mount.mountPath !== 'string') return;
      const holder = paths.get(mount.mountPath);
      if (holder) out.push(issue('mountPaths', [...path, j, 'mountPath'], `is the mount path of ${holder} too`));
      else paths.set(mount.mountPath, formatPath([...path, j]));
    });
  };
  const main = effectiveList(values, pod.path, 'extraVolumeMounts');
  mounts(main.items, main.path, ownPaths);
  for (const key of ['initContainers', 'extraContainers']) {
    const containers = effectiveList(values, pod.path, key);
    containers.items.forEach((container, i) => {
      const list = Array.isArray(container.volumeMounts) ? container.volumeMounts.filter(isObject) : [];
      mounts(list, [...containers.path, i, 'volumeMounts'], []);
    });
  }
}

/** The pod rules' issues for schema-valid merged values, one per path, in the order the chart's checks meet them. */
export function podRuleIssues(sites: PodCheckSites, values: Values): ValuesIssue[] {
  const out: ValuesIssue[] = [];
  for (const owner of sites.owners) requestsOverLimits(effectiveMap(values, owner, 'resources'), [...owner, 'resources'], out);
  for (const path of sites.resources) requestsOverLimits(path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), values), path, out);
  for (const pod of sites.pods) {
    podVolumes(values, pod, out);
    for (const key of ['initContainers', 'extraContainers']) {
      const containers = effectiveList(values, pod.path, key);
      containers.items.forEach((container, i) => requestsOverLimits(container.resources, [...containers.path, i, 'resources'], out));
    }
  }
  // A podDefaults list is met once per component; the first meeting is the one Helm's fail reports.
  const seen = new Set<string>();
  return out.filter((i) => !seen.has(i.path) && seen.add(i.path) !== undefined);
}
