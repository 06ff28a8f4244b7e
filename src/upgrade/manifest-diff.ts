import { issueAt, jsonPointer, type Issue, type IssueCode } from '../issue.js';
import { isObject } from '../schema/json-schema.js';
import { valueAt } from '../validate/values-paths.js';
import { upgradeBlockFor, type ReleaseFacts } from '../schema/releases.js';

/** One Kubernetes object of a rendered release. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export type Change = 'created' | 'deleted' | 'changed';

export interface ObjectChange {
  /** Kind/name. */
  id: string;
  change: Change;
  /** Changed field paths (first levels), for changed objects. */
  fields: string[];
  /** Every changed leaf, with its value before and after (absent: not set); Secret data is never shown. */
  values: ValueChange[];
  /** The pod template changed: every pod of the workload is replaced. */
  restartsPods: boolean;
  /** Why Kubernetes (or Helm) refuses this change on `helm upgrade` (code diff.immutable-field; pointer: the field in the object). */
  refused: Issue[];
  /** What could lose or orphan data (path: this object). */
  risks: Issue[];
}

export interface ValueChange {
  /** e.g. spec.replicas, spec.template.spec.containers[api].env[POSTGRES_HOST].value */
  path: string;
  before?: unknown;
  after?: unknown;
  /** A Secret's value: the change is shown, the values are not. */
  hidden?: boolean;
}

export interface UpgradeReport {
  changes: ObjectChange[];
  /** Data risks that concern the release as a whole (not one object; path and pointer empty). */
  risks: Issue[];
  /** True when nothing is refused and nothing risks data. */
  safe: boolean;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/**
 * Rules for changes Kubernetes refuses on update (the API server rejects the patch, so `helm upgrade` fails).
 * Sentence-named: the key is the message.
 */
const IMMUTABLE: Array<{ kinds: string[]; path: string[]; message: string; when?: (before: unknown, after: unknown) => boolean }> = [
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], path: ['spec', 'selector'], message: 'spec.selector is immutable: delete the object first (or install under a new release name)' },
  { kinds: ['StatefulSet'], path: ['spec', 'volumeClaimTemplates'], message: 'spec.volumeClaimTemplates is immutable for a StatefulSet' },
  { kinds: ['StatefulSet'], path: ['spec', 'serviceName'], message: 'spec.serviceName is immutable for a StatefulSet' },
  { kinds: ['StatefulSet'], path: ['spec', 'podManagementPolicy'], message: 'spec.podManagementPolicy is immutable for a StatefulSet' },
  { kinds: ['Job'], path: ['spec', 'template'], message: 'a Job\'s pod template is immutable: the Job must be deleted before the upgrade' },
  { kinds: ['Job'], path: ['spec', 'selector'], message: 'a Job\'s selector is immutable' },
  {
    kinds: ['Service'], path: ['spec', 'clusterIP'], message: 'spec.clusterIP is immutable (a headless Service cannot become a normal one, nor the reverse)',
    when: (before, after) => before !== undefined && before !== after && (before === 'None' || after === 'None' || after !== undefined),
  },
  {
    kinds: ['PersistentVolumeClaim'], path: ['spec'], message: 'a PersistentVolumeClaim\'s spec is immutable except for a larger storage request',
    when: (before, after) => !sameExcept(before, after, ['resources']),
  },
];

/** Compares the objects of a release before and after an upgrade. */
export function diffManifests(before: Manifest[], after: Manifest[], releases?: ReleaseFacts): UpgradeReport {
  const old = byId(before);
  const next = byId(after);
  const changes: ObjectChange[] = [];
  for (const [id, object] of next) {
    const previous = old.get(id);
    if (!previous) {
      changes.push({ id, change: 'created', fields: [], values: [], restartsPods: false, refused: [], risks: [] });
      continue;
    }
    const fields = changedPaths(previous, object, 3);
    if (!fields.length) continue;
    const spec = (o: Manifest) => (o as Record<string, unknown>).spec;
    const restartsPods = WORKLOADS.has(object.kind) && !equal(valueAt(spec(previous), ['template']), valueAt(spec(object), ['template']));
    const refused = IMMUTABLE.filter((rule) => rule.kinds.includes(object.kind)).filter((rule) => {
      const a = valueAt(previous, rule.path);
      const b = valueAt(object, rule.path);
      return rule.when ? rule.when(a, b) : !equal(a, b);
    }).map((rule) => issueAt('diff.immutable-field', { path: id, pointer: jsonPointer(rule.path) }, rule.message));
    const values = changedValues(previous, object).map((v) => (object.kind === 'Secret' && /^(data|stringData)\./.test(v.path) ? { path: v.path, hidden: true } : v));
    changes.push({ id, change: 'changed', fields, values, restartsPods, refused, risks: objectRisks(previous, object).map(([code, text]) => risk(code, text, id)) });
  }
  for (const [id, object] of old) {
    if (next.has(id)) continue;
    changes.push({ id, change: 'deleted', fields: [], values: [], restartsPods: false, refused: [], risks: deletionRisks(object).map(([code, text]) => risk(code, text, id)) });
  }
  changes.sort((a, b) => a.id.localeCompare(b.id));
  const risks = [...releaseRisks(before, after), ...versionRisks(before, after, releases)].map(([code, text]) => risk(code, text));
  const safe = changes.every((c) => !c.refused.length && !c.risks.length) && !risks.length;
  return { changes, risks, safe };
}

/** A risk found as [code, sentence]; the checks below return those, so each states its kind where it says it. */
type Risk = [IssueCode, string];

function risk(code: IssueCode, message: string, id = ''): Issue {
  return issueAt(code, { path: id, pointer: '' }, message);
}

function deletionRisks(object: Manifest): Risk[] {
  const annotations = object.metadata.annotations ?? {};
  if (annotations['helm.sh/resource-policy'] === 'keep') return [];
  if (object.kind === 'PersistentVolumeClaim') return [['diff.deletes-data', `Helm deletes this claim and its volume's data (annotate it helm.sh/resource-policy=keep first to keep it)`]];
  if (object.kind === 'StatefulSet') {
    const templates = valueAt(object, ['spec', 'volumeClaimTemplates']);
    if (Array.isArray(templates) && templates.length) {
      const claims = templates.map((t) => `${String(valueAt(t, ['metadata', 'name']))}-${object.metadata.name}-0`);
      return [['diff.deletes-data', `its volumes (${claims.join(', ')}) are kept by Kubernetes but nothing uses them any more: move the data before the upgrade`]];
    }
  }
  if (object.kind === 'Secret' && isObject((object as Record<string, unknown>).data) && 'encryption-key' in ((object as Record<string, unknown>).data as object)) {
    return [['diff.deletes-data', 'the Secret holding the encryption key is deleted: keep a copy, credentials stored in the database need it']];
  }
  return [];
}

function objectRisks(before: Manifest, after: Manifest): Risk[] {
  const risks: Risk[] = [];
  if (before.kind === 'Secret') {
    const a = (before as Record<string, unknown>).data as Record<string, string> | undefined;
    const b = (after as Record<string, unknown>).data as Record<string, string> | undefined;
    if (a?.['encryption-key'] && b?.['encryption-key'] !== a['encryption-key']) {
      risks.push(['diff.encryption-key', b?.['encryption-key'] ? 'encryption-key changes: credentials stored in the database can no longer be decrypted' : 'encryption-key leaves this Secret: make sure its new source holds the same value']);
    }
  }
  if (before.kind === 'StatefulSet' && !equal(valueAt(before, ['spec', 'volumeClaimTemplates']), valueAt(after, ['spec', 'volumeClaimTemplates']))) {
    risks.push(['diff.volume-templates', 'the volumes of this StatefulSet would change: its data stays on the old claims']);
  }
  return risks;
}

/** Release-wide risks: where Retool's data lives and how Temporal was sharded. */
function releaseRisks(before: Manifest[], after: Manifest[]): Risk[] {
  const risks: Risk[] = [];
  const a = retoolEnv(before);
  const b = retoolEnv(after);
  for (const name of ['POSTGRES_HOST', 'POSTGRES_DB']) {
    if (a.get(name) !== undefined && b.get(name) !== undefined && a.get(name) !== b.get(name)) {
      risks.push(['diff.storage-database', `the storage database changes (${name} ${a.get(name)} -> ${b.get(name)}): Retool starts on a database without your apps unless the data is moved`]);
    }
  }
  if (a.has('ENCRYPTION_KEY') && b.has('ENCRYPTION_KEY') && a.get('ENCRYPTION_KEY') !== b.get('ENCRYPTION_KEY')) {
    risks.push(['diff.encryption-key', `ENCRYPTION_KEY is read from another place (${a.get('ENCRYPTION_KEY')} -> ${b.get('ENCRYPTION_KEY')}): it must hold the same value, or stored credentials cannot be decrypted`]);
  }
  const shardsBefore = historyShards(before);
  const shardsAfter = historyShards(after);
  if (shardsBefore !== undefined && shardsAfter !== undefined && shardsBefore !== shardsAfter) {
    risks.push(['diff.history-shards', `Temporal numHistoryShards changes (${shardsBefore} -> ${shardsAfter}): Temporal cannot start on its existing databases`]);
  }
  return risks;
}

/** Upgrades Retool documents as failing (x-retool-releases upgradeBlocks), read from the backend image tags. */
function versionRisks(before: Manifest[], after: Manifest[], releases?: ReleaseFacts): Risk[] {
  const from = retoolVersion(before);
  const to = retoolVersion(after);
  if (!releases || !from || !to) return [];
  const block = upgradeBlockFor(from, to, releases);
  if (!block) return [];
  return [['diff.upgrade-block', `Retool ${from} -> ${to} is an upgrade Retool documents as failing: ${block.reason}. Upgrade to ${block.via} first, then to ${to} (${block.source})`]];
}

/** Retool's version from the tryretool/backend image tag (X.Y.Z or X.Y.Z-channel) of any workload, else its version label. */
function retoolVersion(objects: Manifest[]): string | undefined {
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  for (const object of workloads) {
    const containers = valueAt(object, ['spec', 'template', 'spec', 'containers']);
    for (const c of Array.isArray(containers) ? containers : []) {
      const m = isObject(c) ? /(?:^|\/)tryretool\/backend:(\d+\.\d+\.\d+)(?:-[a-z]+)?$/.exec(String(c.image)) : null;
      if (m) return m[1];
    }
  }
  // Every backend image pinned by digest: the chart's version label still says which Retool it is.
  for (const object of workloads) {
    const label = valueAt(object, ['spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/version']);
    if (typeof label === 'string' && /^\d+\.\d+\.\d+$/.test(label)) return label;
  }
  return undefined;
}

/** Env of the main Retool container (api / main-backend): literal values, and "secret/key" for references. */
function retoolEnv(objects: Manifest[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const object of objects) {
    if (object.kind !== 'Deployment') continue;
    const containers = valueAt(object, ['spec', 'template', 'spec', 'containers']);
    if (!Array.isArray(containers)) continue;
    const main = containers.find((c) => isObject(c) && (c.name === 'api' || c.name === 'main-backend'));
    if (!isObject(main) || !Array.isArray(main.env)) continue;
    for (const entry of main.env) {
      if (!isObject(entry)) continue;
      const ref = valueAt(entry, ['valueFrom', 'secretKeyRef']);
      env.set(String(entry.name), isObject(ref) ? `${String(ref.name)}/${String(ref.key)}` : String(entry.value ?? ''));
    }
  }
  return env;
}

/** numHistoryShards recorded in any ConfigMap of the release (ours records it; Temporal configs spell it out). */
function historyShards(objects: Manifest[]): number | undefined {
  for (const object of objects) {
    if (object.kind !== 'ConfigMap') continue;
    const data = (object as Record<string, unknown>).data;
    if (!isObject(data)) continue;
    for (const [key, value] of Object.entries(data)) {
      if (key === 'numHistoryShards' && /^\d+$/.test(String(value))) return Number(value);
      const m = /numHistoryShards:\s*"?(\d+)/.exec(String(value));
      if (m) return Number(m[1]);
    }
  }
  return undefined;
}

function byId(objects: Manifest[]): Map<string, Manifest> {
  const map = new Map<string, Manifest>();
  for (const object of objects) map.set(`${object.kind}/${object.metadata.name}`, object);
  return map;
}

/** Paths (up to `depth` levels) where two objects differ. */
function changedPaths(a: unknown, b: unknown, depth: number, prefix = ''): string[] {
  if (equal(a, b)) return [];
  if (depth === 0 || !isObject(a) || !isObject(b)) return [prefix || '(whole object)'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((key) => changedPaths(a[key], b[key], depth - 1, prefix ? `${prefix}.${key}` : key));
}

/**
 * The changed leaves of two objects. Lists whose items all carry a `name` (containers, env, volumes, ports)
 * are matched by name, so one added variable is one change, not every later index shifting.
 */
export function changedValues(a: unknown, b: unknown, prefix = ''): ValueChange[] {
  if (equal(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => changedValues(a[key], b[key], prefix ? `${prefix}.${key}` : key));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (list: unknown[]) => list.every((item) => isObject(item) && typeof item.name === 'string') && new Set(list.map((item) => (item as { name: string }).name)).size === list.length;
    if (named(a) && named(b)) {
      const byName = (list: unknown[]) => new Map(list.map((item) => [(item as { name: string }).name, item]));
      const before = byName(a);
      const after = byName(b);
      const names = [...new Set([...before.keys(), ...after.keys()])];
      return names.flatMap((name) => changedValues(before.get(name), after.get(name), `${prefix}[${name}]`));
    }
    if (a.length === b.length) return a.flatMap((item, i) => changedValues(item, b[i], `${prefix}[${i}]`));
  }
  return [{ path: prefix || '(whole object)', ...(a !== undefined && { before: a }), ...(b !== undefined && { after: b }) }];
}

function sameExcept(a: unknown, b: unknown, keys: string[]): boolean {
  if (!isObject(a) || !isObject(b)) return equal(a, b);
  const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
  return equal(strip(a), strip(b));
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value;
}
