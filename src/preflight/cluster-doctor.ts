import { componentsOn, type Component } from '../model/topology.js';
import { isObject } from '../schema/json-schema.js';
import type { Issue } from '../issue.js';
import { finding as doctorFinding, type Status } from './finding.js';
import { jobTemplateJobs } from './job-templates.js';
import { parseCpu, parseMemoryGiB } from './values-advice.js';

/**
 * `doctor --cluster`: the checks of a render against what a live cluster answered. Pure: every function takes
 * the JSON kubectl fetched (src/io/kubectl.ts) and the chart's own render, and returns findings.
 */

type Values = Record<string, any>;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [key: string]: any;
}

/** What one read of the API answered: the object, or why not (RBAC, absent, anything else). */
export type Read<T> = { ok: true; value: T } | { ok: false; reason: 'forbidden' | 'notFound' | 'other'; message: string };

/** A Secret as doctor keeps it: its type and the names of its keys, never the values. */
export interface SecretKeys {
  type?: string;
  keys: string[];
}

/** The result of `kubectl apply --dry-run=server` of the whole render. */
export interface DryRun {
  /** Objects the server accepted (kubectl's `kind/name`). */
  accepted: string[];
  /** One server refusal each, as kubectl printed it. */
  errors: string[];
  /** Warnings the server sent (Pod Security warn/audit, deprecations). */
  warnings: string[];
}

export interface ClusterFacts {
  /** GET /version. */
  version: { gitVersion: string };
  nodes: Read<{ items: any[] }>;
  namespace: Read<any>;
  /** By Secret name: the ones the values reference. */
  secrets: Record<string, Read<SecretKeys>>;
  storageClasses: Read<{ items: any[] }>;
  ingressClasses: Read<{ items: any[] }>;
  /** GET /apis/networking.k8s.io/v1 (an APIResourceList). */
  networking: Read<{ resources: Array<{ name: string }> }>;
  /** Absent when it could not run (the namespace is missing). */
  dryRun?: DryRun;
}

export interface ClusterInputs {
  namespace: string;
  values: Values;
  /** The chart rendered for these values and this namespace (hooks and the test Pod included). */
  objects: K8sObject[];
  components: Component[];
  /** Chart.yaml's kubeVersion, e.g. ">=1.29.0-0". */
  chartKubeVersion: string;
  /** The node architecture Retool's images need (the schema's podDefaults.nodeSelector default). */
  arch: string;
  /**
   * Extended resources a node DaemonSet of the chart makes nodes offer once it runs (x-retool-node-daemonset
   * devices): resource name -> the DaemonSet's component name and the values object that switches it. Counted
   * only when the render holds that DaemonSet.
   */
  offers?: Record<string, { name: string; values: string }>;
}

/** The cluster checks, each its own issue code doctor.<check>. */
type Check = 'version' | 'nodes' | 'pod-security' | 'secrets' | 'storage' | 'ingress-class' | 'network-policy' | 'dry-run';

const finding = (check: Check, status: Status, scope: string, message: string, fix?: string): Issue =>
  doctorFinding(`doctor.${check}`, status, scope, message, fix);

// ─── 1. server version ────────────────────────────────────────────────────────────────────────────────────

/** "v1.30.2-eks-1234" → [1, 30, 2]; undefined when it is no version. */
export function parseKubeVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function atLeast(version: number[], floor: number[]): boolean {
  for (let i = 0; i < 3; i++) if (version[i] !== floor[i]) return version[i] > floor[i];
  return true;
}

/** The floor of a Chart.yaml kubeVersion constraint (">=1.29.0-0" → 1.29.0). */
export function kubeVersionFloor(constraint: string): [number, number, number] | undefined {
  const m = />=\s*v?(\d+\.\d+(?:\.\d+)?)/.exec(constraint);
  return m ? parseKubeVersion(m[1]) : undefined;
}

export function checkServerVersion(facts: Pick<ClusterFacts, 'version'>, inputs: Pick<ClusterInputs, 'values' | 'components' | 'chartKubeVersion'>): Issue[] {
  const server = parseKubeVersion(facts.version.gitVersion);
  const shown = facts.version.gitVersion;
  if (!server) return [finding('version', 'warn', 'cluster version', `the server reports version "${shown}", which doctor cannot read`, 'check `kubectl version` by hand against the chart\'s kubeVersion')];
  const out: Issue[] = [];
  const floor = kubeVersionFloor(inputs.chartKubeVersion);
  if (floor) {
    const need = floor.join('.');
    out.push(atLeast(server, floor)
      ? finding('version', 'pass', 'cluster version', `Kubernetes ${shown} meets the chart's kubeVersion ${inputs.chartKubeVersion}`)
      : finding('version', 'fail', 'cluster version', `Kubernetes ${shown} is older than the chart supports (Chart.yaml kubeVersion ${inputs.chartKubeVersion}); helm install refuses it`, `upgrade the cluster to Kubernetes ${need} or newer`));
  }
  for (const component of enabledComponents(inputs.values, inputs.components)) {
    const mode = inputs.values.components?.[component.key]?.sandbox;
    const need = mode && component.sandboxModes?.[mode]?.minKubeVersion;
    if (!need) continue;
    const scope = `components.${component.key}.sandbox`;
    out.push(atLeast(server, parseKubeVersion(need)!)
      ? finding('version', 'pass', scope, `sandbox: ${mode} needs Kubernetes ${need} or newer; the server is ${shown}`)
      : finding('version', 'fail', scope, `sandbox: ${mode} needs Kubernetes ${need} or newer (user namespaces, hostUsers: false and procMount), the server is ${shown}`, `upgrade the cluster, or set ${scope}: nsjail (privileged) or none`));
  }
  return out;
}

// ─── 2. nodes ─────────────────────────────────────────────────────────────────────────────────────────────

/** One pod shape of the render: its requests, how many run at once, where it may run. */
export interface PodDemand {
  workload: string;
  replicas: number;
  cpu: number;
  memoryGiB: number;
  nodeSelector: Record<string, string>;
  tolerations: any[];
  /** Runs to completion (Jobs, hooks, the test Pod): not counted in the steady total. */
  transient: boolean;
  /** Extended resources a pod asks for (a device plugin's, e.g. smarter-devices/net_tun): name -> count. */
  extended: Record<string, number>;
}

/** Resources every node has; any other name is an extended resource some device plugin must offer. */
const NODE_RESOURCES = /^(cpu|memory|ephemeral-storage|pods|hugepages-.+)$/;

/** The extended resources of a pod spec, summed over its containers (requests, else limits: the two must agree). */
function extendedRequests(spec: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of spec.containers ?? []) {
    const asked = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    for (const [name, count] of Object.entries(asked)) if (!NODE_RESOURCES.test(name)) out[name] = (out[name] ?? 0) + Number(count);
  }
  return out;
}

/** The scheduler's view of a pod's request: its containers (and sidecar init containers) or its largest init container. */
function podRequest(spec: any, parse: (q: unknown) => number, resource: 'cpu' | 'memory'): number {
  const of = (c: any) => parse(c.resources?.requests?.[resource]);
  const inits: any[] = spec.initContainers ?? [];
  const sidecars = inits.filter((c) => c.restartPolicy === 'Always');
  const steady = [...(spec.containers ?? []), ...sidecars].reduce((n: number, c: any) => n + of(c), 0);
  return Math.max(steady, ...inits.filter((c) => c.restartPolicy !== 'Always').map(of));
}

const podSpecOf = (o: K8sObject): any => (o.kind === 'Pod' ? o.spec : o.spec?.template?.spec);

/** Every pod shape the render creates, replicas from spec.replicas or the HPA's minReplicas. */
export function podDemands(objects: K8sObject[]): PodDemand[] {
  const minReplicas = new Map(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')
    .map((o) => [`${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`, Number(o.spec?.minReplicas ?? 1)]));
  const out: PodDemand[] = [];
  // A job template's pods (created at run time, one Job each) must fit a node like the rest.
  for (const o of [...objects, ...jobTemplateJobs(objects) as K8sObject[]]) {
    if (!['Deployment', 'StatefulSet', 'Job', 'Pod', 'DaemonSet', 'ReplicaSet'].includes(o.kind)) continue;
    const spec = podSpecOf(o);
    if (!spec) continue;
    const workload = `${o.kind}/${o.metadata.name}`;
    const transient = o.kind === 'Job' || Boolean(o.metadata.annotations?.['helm.sh/hook']);
    const replicas = o.kind === 'Job' ? Number(o.spec?.parallelism ?? 1) : o.kind === 'Pod' ? 1 : Math.max(Number(o.spec?.replicas ?? 1), minReplicas.get(workload) ?? 0);
    out.push({
      workload, replicas, transient, cpu: podRequest(spec, parseCpu, 'cpu'), memoryGiB: podRequest(spec, parseMemoryGiB, 'memory'),
      nodeSelector: spec.nodeSelector ?? {}, tolerations: spec.tolerations ?? [], extended: extendedRequests(spec),
    });
  }
  return out;
}

interface NodeView {
  name: string;
  labels: Record<string, string>;
  cpu: number;
  memoryGiB: number;
  /** Taints that keep pods off (NoSchedule, NoExecute). */
  taints: any[];
  /** Allocatable extended resources (device plugins'). */
  extended: Record<string, number>;
  /** Why no new pod lands on it, if so (cordoned, not Ready). */
  unavailable?: string;
}

function nodeView(node: any): NodeView {
  const ready = (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  // A cordoned node carries node.kubernetes.io/unschedulable too; that is said as "cordoned".
  const taints = (node.spec?.taints ?? []).filter((t: any) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && t.key !== 'node.kubernetes.io/unschedulable');
  const unavailable = node.spec?.unschedulable ? 'cordoned' : ready && ready.status !== 'True' ? 'not Ready' : undefined;
  const extended = Object.fromEntries(Object.entries(node.status?.allocatable ?? {}).filter(([name]) => !NODE_RESOURCES.test(name)).map(([name, n]) => [name, Number(n)]));
  return {
    name: node.metadata.name, labels: node.metadata.labels ?? {}, taints, extended,
    cpu: parseCpu(node.status?.allocatable?.cpu), memoryGiB: parseMemoryGiB(node.status?.allocatable?.memory), unavailable,
  };
}

/** Whether a toleration admits a taint (the scheduler's rule: key, operator Equal or Exists, effect). */
function tolerates(tolerations: any[], taint: any): boolean {
  return tolerations.some((t) => (!t.effect || t.effect === taint.effect) &&
    (t.operator === 'Exists' ? !t.key || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')));
}

/** A node a pod may land on: schedulable, its nodeSelector labels, every taint tolerated. */
const admits = (n: NodeView, d: Pick<PodDemand, 'nodeSelector' | 'tolerations'>) =>
  !n.unavailable && Object.entries(d.nodeSelector).every(([k, v]) => n.labels[k] === v) && n.taints.every((t) => tolerates(d.tolerations, t));

const size = (cpu: number, memoryGiB: number) => `${round(cpu)} CPU / ${round(memoryGiB)} GiB`;
const round = (n: number) => Math.round(n * 100) / 100;

export function checkNodes(facts: Pick<ClusterFacts, 'nodes'>, inputs: Pick<ClusterInputs, 'objects' | 'arch' | 'offers'>): Issue[] {
  if (!facts.nodes.ok) {
    return [finding('nodes', 'warn', 'nodes', `cannot list the nodes (${facts.nodes.message}); architecture and capacity not checked`, 'run doctor with a user that may `list nodes`, or check `kubectl get nodes -o wide` by hand')];
  }
  const archLabel = 'kubernetes.io/arch';
  const all = facts.nodes.value.items.map(nodeView);
  const demands = podDemands(inputs.objects);
  const steady = demands.filter((d) => !d.transient);
  const matching = all.filter((n) => n.labels[archLabel] === inputs.arch);
  // For the total: the nodes at least one of the release's pods may land on (nodeSelector, taints).
  const usable = matching.filter((n) => !n.unavailable && (!steady.length || steady.some((d) => admits(n, d))));
  const out: Issue[] = [];
  const archScope = `nodes (${archLabel}=${inputs.arch})`;
  if (!matching.length) {
    const seen = [...new Set(all.map((n) => n.labels[archLabel] ?? '?'))].join(', ') || 'none';
    return [finding('nodes', 'fail', archScope, `no ${inputs.arch} node (the cluster's: ${seen}); Retool images are ${inputs.arch} only (podDefaults.nodeSelector), so no Retool pod can be scheduled`, `add a node pool of ${inputs.arch} (x86-64) nodes`)];
  }
  if (!usable.length) {
    const why = (n: NodeView) => n.unavailable ?? `taint ${n.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ')}`;
    return [finding('nodes', 'fail', archScope, `${matching.length} ${inputs.arch} node(s), none schedulable for the release (${matching.map((n) => `${n.name}: ${why(n)}`).join('; ')})`, 'uncordon a node, or give the Retool pods tolerations for the taint (podDefaults.tolerations)')];
  }
  const aside = matching.length > usable.length ? `; ${matching.length - usable.length} more cordoned, not Ready, or not matching the pods' nodeSelector and tolerations` : '';
  out.push(finding('nodes', 'pass', archScope, `${usable.length} schedulable ${inputs.arch} node(s) of ${all.length}${aside}`));

  const need = { cpu: steady.reduce((n, d) => n + d.cpu * d.replicas, 0), memory: steady.reduce((n, d) => n + d.memoryGiB * d.replicas, 0) };
  const have = { cpu: usable.reduce((n, x) => n + x.cpu, 0), memory: usable.reduce((n, x) => n + x.memoryGiB, 0) };
  const totals = `the release's pods request ${size(need.cpu, need.memory)} (replicas included); the schedulable ${inputs.arch} nodes offer ${size(have.cpu, have.memory)} allocatable`;
  out.push(need.cpu <= have.cpu && need.memory <= have.memory
    ? finding('nodes', 'pass', 'nodes capacity', `${totals}, before what already runs there`)
    : finding('nodes', 'fail', 'nodes capacity', `${totals}: not enough even on empty nodes`, 'add nodes, or lower components.<name>.resources.requests and replicas'));

  // The release's own device plugin registers its resource on each node it runs on: not offered yet is expected.
  const daemonSets = inputs.objects.filter((o) => o.kind === 'DaemonSet');
  const coming = (name: string) => {
    const offer = inputs.offers?.[name];
    return offer && daemonSets.find((o) => o.metadata.labels?.['app.kubernetes.io/component'] === offer.name);
  };
  const misfits: Array<{ message: string; fix: string }> = [];
  for (const d of demands) {
    const absent = Object.entries(d.extended).filter(([name, count]) => !all.some((n) => admits(n, d) && (n.extended[name] ?? 0) >= count));
    const lacking = absent.filter(([name]) => !coming(name));
    for (const [name] of absent.filter(([resource]) => coming(resource))) {
      out.push(finding('nodes', 'pass', 'nodes extended resources', `${d.workload} asks ${name}, which no node offers yet: this release's DaemonSet/${coming(name)!.metadata.name} registers it on every node these pods may land on once it runs`));
    }
    if (lacking.length) {
      const what = lacking.map(([name, count]) => `${count} ${name}`).join(' and ');
      misfits.push({ message: `${d.workload} asks ${what} per pod, which no schedulable node matching its nodeSelector and tolerations offers`, fix: `run the device plugin that advertises ${lacking.map(([name]) => (inputs.offers?.[name] ? `${name} (this chart's: ${inputs.offers[name].values}.enabled)` : name)).join(', ')} on the nodes (the value's description names it)` });
      continue;
    }
    const candidates = all.filter((n) => admits(n, d));
    if (!candidates.some((n) => n.cpu >= d.cpu && n.memoryGiB >= d.memoryGiB)) {
      const largest = candidates.reduce<NodeView | undefined>((best, n) => (!best || n.cpu + n.memoryGiB > best.cpu + best.memoryGiB ? n : best), undefined);
      const selector = Object.entries(d.nodeSelector).map(([k, v]) => `${k}=${v}`).join(',');
      misfits.push(largest
        ? { message: `${d.workload} asks ${size(d.cpu, d.memoryGiB)} per pod, the largest node matching its nodeSelector (${selector || 'none'}) and tolerations has ${size(largest.cpu, largest.memoryGiB)}`, fix: 'lower its resources.requests, or add larger nodes (with the labels of its nodeSelector)' }
        : { message: `${d.workload} asks ${size(d.cpu, d.memoryGiB)} per pod, and no schedulable node matches its nodeSelector (${selector || 'none'}) and tolerations`, fix: 'label (or untaint) nodes for it, or change its nodeSelector and tolerations (podDefaults.nodeSelector, podDefaults.tolerations)' });
    }
  }
  if (misfits.length) {
    for (const m of misfits) out.push(finding('nodes', 'fail', 'nodes pod size', `${m.message}: the pod can never be scheduled`, m.fix));
  } else if (demands.length) {
    const largest = demands.reduce((a, b) => (b.cpu + b.memoryGiB > a.cpu + a.memoryGiB ? b : a));
    out.push(finding('nodes', 'pass', 'nodes pod size', `every pod fits on a node; the largest, ${largest.workload}, asks ${size(largest.cpu, largest.memoryGiB)}`));
  }
  return out;
}

// ─── 3. Pod Security ──────────────────────────────────────────────────────────────────────────────────────

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';
const LEVELS: PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/** Capabilities Pod Security "baseline" allows to add (Kubernetes Pod Security Standards, "Capabilities"). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Volume types Pod Security "restricted" allows (Pod Security Standards, "Volume Types"). */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * The loosest Pod Security Standards level one pod spec needs, and the first reason: the controls of the
 * Kubernetes Pod Security Standards the chart can touch (privileged, host namespaces and ports, hostPath,
 * added capabilities, procMount, seccomp, non-root, privilege escalation, volume types).
 */
export function podSpecLevel(spec: any): { level: PodSecurityLevel; reason?: string } {
  const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const podSc = spec.securityContext ?? {};
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[host]) return { level: 'privileged', reason: `${host}: true` };
  const hostPath = (spec.volumes ?? []).find((v: any) => v.hostPath);
  if (hostPath) return { level: 'privileged', reason: `hostPath volume ${hostPath.name}` };
  if (podSc.seccompProfile?.type === 'Unconfined') return { level: 'privileged', reason: 'seccompProfile Unconfined' };
  if (podSc.appArmorProfile?.type === 'Unconfined') return { level: 'privileged', reason: 'appArmorProfile Unconfined' };
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const added: string[] = sc.capabilities?.add ?? [];
    const extra = added.find((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (sc.privileged === true) return { level: 'privileged', reason: `container ${c.name} is privileged` };
    if (extra) return { level: 'privileged', reason: `container ${c.name} adds ${extra}` };
    if (sc.procMount && sc.procMount !== 'Default') return { level: 'privileged', reason: `container ${c.name} has procMount ${sc.procMount}` };
    if (sc.seccompProfile?.type === 'Unconfined') return { level: 'privileged', reason: `container ${c.name} has seccompProfile Unconfined` };
    if (sc.appArmorProfile?.type === 'Unconfined') return { level: 'privileged', reason: `container ${c.name} has appArmorProfile Unconfined` };
    if ((c.ports ?? []).some((p: any) => p.hostPort)) return { level: 'privileged', reason: `container ${c.name} uses a hostPort` };
  }
  const volume = (spec.volumes ?? []).find((v: any) => !Object.keys(v).some((k) => k === 'name' || RESTRICTED_VOLUMES.includes(k)));
  if (volume) return { level: 'baseline', reason: `volume ${volume.name} is of a type restricted does not allow` };
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) return { level: 'baseline', reason: `container ${c.name} may run as root (runAsNonRoot unset)` };
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) return { level: 'baseline', reason: `container ${c.name} runs as UID 0` };
    if (sc.allowPrivilegeEscalation !== false) return { level: 'baseline', reason: `container ${c.name} allows privilege escalation` };
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) return { level: 'baseline', reason: `container ${c.name} does not drop ALL capabilities` };
    if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE')) return { level: 'baseline', reason: `container ${c.name} adds capabilities` };
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') return { level: 'baseline', reason: `container ${c.name} has no RuntimeDefault or Localhost seccomp profile` };
  }
  return { level: 'restricted' };
}

/** The Pod Security level a namespace must allow for every pod of the render, and which pod decides it. */
export function requiredPodSecurity(objects: K8sObject[]): { level: PodSecurityLevel; reason: string } {
  let worst: { level: PodSecurityLevel; reason: string } = { level: 'restricted', reason: 'every pod meets restricted' };
  // The pods a controller creates from a job template run in the namespace too.
  for (const o of [...objects, ...jobTemplateJobs(objects) as K8sObject[]]) {
    const spec = podSpecOf(o);
    if (!spec || !['Deployment', 'StatefulSet', 'Job', 'Pod', 'DaemonSet', 'ReplicaSet'].includes(o.kind)) continue;
    const { level, reason } = podSpecLevel(spec);
    if (LEVELS.indexOf(level) > LEVELS.indexOf(worst.level)) worst = { level, reason: `${o.kind}/${o.metadata.name}: ${reason}` };
  }
  return worst;
}

const ENFORCE = 'pod-security.kubernetes.io/enforce';

export function checkPodSecurity(facts: Pick<ClusterFacts, 'namespace'>, inputs: Pick<ClusterInputs, 'namespace' | 'objects' | 'values'>): Issue[] {
  const ns = inputs.namespace;
  const scope = `namespace ${ns}`;
  const required = requiredPodSecurity(inputs.objects);
  const preset = `podSecurity: ${inputs.values.podSecurity ?? 'compatible'}`;
  const label = `kubectl label namespace ${ns} ${ENFORCE}=${required.level} --overwrite`;
  if (!facts.namespace.ok) {
    if (facts.namespace.reason === 'notFound') {
      return [finding('pod-security', 'warn', scope, `the namespace does not exist; \`helm install --create-namespace\` creates it without Pod Security labels, so the cluster's default level applies (the render needs ${required.level}: ${required.reason})`, `kubectl create namespace ${ns} && ${label}`)];
    }
    return [finding('pod-security', 'warn', scope, `cannot read the namespace (${facts.namespace.message}); Pod Security labels not checked`, `run doctor with a user that may \`get namespaces\`, or check \`kubectl get namespace ${ns} --show-labels\``)];
  }
  const enforce = facts.namespace.value.metadata?.labels?.[ENFORCE] as string | undefined;
  if (!enforce) {
    return [finding('pod-security', 'warn', scope, `no ${ENFORCE} label: the cluster's default level applies (privileged unless the API server's admission configuration says otherwise); the render (${preset}) needs ${required.level}`, label)];
  }
  if (!LEVELS.includes(enforce as PodSecurityLevel)) {
    return [finding('pod-security', 'warn', scope, `${ENFORCE}=${enforce} is no Pod Security level (restricted, baseline, privileged)`, label)];
  }
  if (LEVELS.indexOf(enforce as PodSecurityLevel) < LEVELS.indexOf(required.level)) {
    const alternative = enforce === 'restricted' ? '; or use podSecurity: restricted (with components.codeExecutor.sandbox: none)' : required.level === 'privileged' ? '; or set components.codeExecutor.sandbox: none, which needs no privileged container' : '';
    return [finding('pod-security', 'fail', scope, `enforces Pod Security "${enforce}", but the render (${preset}) needs "${required.level}" (${required.reason}): its pods would be refused`, `${label}${alternative}`)];
  }
  return [finding('pod-security', 'pass', scope, `enforces Pod Security "${enforce}"; the render (${preset}) needs "${required.level}"`)];
}

// ─── 4. Secrets ───────────────────────────────────────────────────────────────────────────────────────────

/** A Secret the values name: where, which Secret, which keys it must hold. */
export interface SecretReference {
  path: string;
  secret: string;
  keys: string[];
}

/** Every Secret reference in a tree, with its path: secretKeyRef, envFrom secretRef, secretName (with items). */
function walkSecretRefs(node: unknown, path: string, visit: (ref: SecretReference, optional: boolean) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walkSecretRefs(item, `${path}[${i}]`, visit));
    return;
  }
  if (!isObject(node)) return;
  const ref = node.secretKeyRef;
  if (isObject(ref) && typeof ref.name === 'string' && typeof ref.key === 'string') visit({ path, secret: ref.name, keys: [ref.key] }, ref.optional === true);
  const from = node.secretRef;
  if (isObject(from) && typeof from.name === 'string') visit({ path: `${path}.secretRef`, secret: from.name, keys: [] }, from.optional === true);
  if (typeof node.secretName === 'string' && node.secretName !== '') {
    const items = Array.isArray(node.items) ? node.items.filter(isObject).map((i) => String(i.key)) : [];
    // A TLS Secret of an Ingress (ingress.tls.secretName, or spec.tls[] of one) holds the two keys of kubernetes.io/tls.
    const keys = /(^|\.)tls(\[\d+\])?$/.test(path) ? ['tls.crt', 'tls.key'] : items;
    if (!(path.endsWith('tls') && node.enabled === false)) visit({ path: `${path}.secretName`, secret: node.secretName, keys }, node.optional === true);
  }
  // Image pull Secrets: images.pullSecrets (names) in the values, imagePullSecrets ({ name }) in the render.
  for (const [key, list] of [['pullSecrets', node.pullSecrets], ['imagePullSecrets', node.imagePullSecrets]] as const) {
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      const name = typeof item === 'string' ? item : isObject(item) && typeof item.name === 'string' ? item.name : undefined;
      if (name) visit({ path: `${path ? `${path}.` : ''}${key}[${i}]`, secret: name, keys: [] }, false);
    });
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'secretKeyRef' || key === 'secretRef' || key === 'pullSecrets' || key === 'imagePullSecrets') continue;
    walkSecretRefs(value, path ? `${path}.${key}` : key, visit);
  }
}

/**
 * The Secrets the values reference that the release uses: every reference in the values (SecretValue's
 * secretKeyRef, env valueFrom, envFrom, Secret volumes, the Ingress TLS Secret, image pull Secrets) whose Secret (and key) the
 * render names too, so a reference under a switched-off feature is not asked for; Secrets the render creates
 * itself are left out.
 */
export function secretReferences(values: Values, objects: K8sObject[]): SecretReference[] {
  const rendered = new Map<string, Set<string>>();
  const note = (ref: SecretReference) => {
    const keys = rendered.get(ref.secret) ?? new Set<string>();
    for (const k of ref.keys) keys.add(k);
    rendered.set(ref.secret, keys);
  };
  for (const o of objects) walkSecretRefs(o, '', note);
  // A projected volume names its Secrets as sources[].secret.name.
  for (const o of objects) for (const v of podSpecOf(o)?.volumes ?? []) for (const s of v.projected?.sources ?? []) if (s.secret?.name) note({ path: '', secret: s.secret.name, keys: (s.secret.items ?? []).map((i: any) => i.key) });
  const own = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name));
  const out: SecretReference[] = [];
  walkSecretRefs(values, '', (ref, optional) => {
    if (optional || own.has(ref.secret)) return;
    const keys = rendered.get(ref.secret);
    if (!keys || !ref.keys.every((k) => keys.has(k) || ref.path.endsWith('secretName'))) return;
    out.push(ref);
  });
  return out;
}

export function checkSecrets(facts: Pick<ClusterFacts, 'secrets'>, inputs: Pick<ClusterInputs, 'namespace' | 'values' | 'objects'>, refs = secretReferences(inputs.values, inputs.objects)): Issue[] {
  const ns = inputs.namespace;
  const forbidden = Object.entries(facts.secrets).filter(([, r]) => !r.ok && r.reason === 'forbidden');
  const out: Issue[] = [];
  if (forbidden.length) {
    out.push(finding('secrets', 'warn', `Secrets in ${ns}`, `not allowed to read Secrets here (${(forbidden[0][1] as { message: string }).message}): ${forbidden.map(([name]) => name).join(', ')} not checked`, `run doctor with a user that may \`get secrets\` in ${ns}, or check them with \`kubectl get secret -n ${ns}\``));
  }
  for (const ref of refs) {
    const read = facts.secrets[ref.secret];
    if (!read || (!read.ok && read.reason === 'forbidden')) continue;
    // One Secret named by several values: the command creates it with every key they name.
    const allKeys = [...new Set(refs.filter((r) => r.secret === ref.secret).flatMap((r) => r.keys))];
    const create = `kubectl create secret generic ${ref.secret} -n ${ns}${(allKeys.length ? allKeys : ['<key>']).map((k) => ` --from-literal=${k}=...`).join('')}`;
    if (!read.ok) {
      const first = refs.find((r) => r.secret === ref.secret) === ref;
      const fix = ref.keys.join() === 'tls.crt,tls.key' ? `kubectl create secret tls ${ref.secret} -n ${ns} --cert=tls.crt --key=tls.key` : first ? create : `create Secret ${ref.secret} (the command above)`;
      out.push(read.reason === 'notFound'
        ? finding('secrets', 'fail', ref.path, `Secret ${ref.secret} does not exist in namespace ${ns}${ref.keys.length ? ` (key ${ref.keys.join(', ')})` : ''}`, fix)
        : finding('secrets', 'warn', ref.path, `cannot read Secret ${ref.secret}: ${read.message}`));
      continue;
    }
    const missing = ref.keys.filter((k) => !read.value.keys.includes(k));
    out.push(missing.length
      ? finding('secrets', 'fail', ref.path, `Secret ${ref.secret} has no key ${missing.join(', ')} (its keys: ${read.value.keys.join(', ') || 'none'})`, `add it: kubectl patch secret ${ref.secret} -n ${ns} --type merge -p '{"stringData":{"${missing[0]}":"..."}}', or point ${ref.path} at the key that holds it`)
      : finding('secrets', 'pass', ref.path, `Secret ${ref.secret}${ref.keys.length ? ` has key ${ref.keys.join(', ')}` : ' exists'}`));
  }
  return out;
}

// ─── 5. StorageClass ──────────────────────────────────────────────────────────────────────────────────────

const DEFAULT_CLASS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** Claims the render makes: PersistentVolumeClaims and StatefulSet volumeClaimTemplates, with their class. */
export function storageClaims(objects: K8sObject[]): Array<{ claim: string; storageClassName?: string }> {
  return objects.flatMap((o) => {
    if (o.kind === 'PersistentVolumeClaim') return [{ claim: `PersistentVolumeClaim/${o.metadata.name}`, storageClassName: o.spec?.storageClassName }];
    if (o.kind === 'StatefulSet') return (o.spec?.volumeClaimTemplates ?? []).map((t: any) => ({ claim: `StatefulSet/${o.metadata.name} claim ${t.metadata?.name}`, storageClassName: t.spec?.storageClassName }));
    return [];
  });
}

export function checkStorage(facts: Pick<ClusterFacts, 'storageClasses'>, inputs: Pick<ClusterInputs, 'objects'>): Issue[] {
  const claims = storageClaims(inputs.objects);
  if (!claims.length) return [];
  if (!facts.storageClasses.ok) return [finding('storage', 'warn', 'StorageClass', `cannot list StorageClasses (${facts.storageClasses.message}); ${claims.length} claim(s) not checked`)];
  const classes = facts.storageClasses.value.items;
  const names = classes.map((c) => c.metadata.name as string);
  const defaults = classes.filter((c) => DEFAULT_CLASS.some((a) => c.metadata.annotations?.[a] === 'true')).map((c) => c.metadata.name as string);
  const fix = 'set <database or blobStorage>.embedded.storage.storageClassName to one of the classes, or mark one default: kubectl patch storageclass <name> -p \'{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}\'';
  return claims.map(({ claim, storageClassName }) => {
    if (storageClassName === '') return finding('storage', 'info', claim, 'storageClassName "": binds only to a pre-provisioned PersistentVolume');
    if (storageClassName) {
      return names.includes(storageClassName)
        ? finding('storage', 'pass', claim, `StorageClass ${storageClassName} exists`)
        : finding('storage', 'fail', claim, `StorageClass ${storageClassName} does not exist (the cluster's: ${names.join(', ') || 'none'}): the claim stays Pending`, fix.replace('to one of the classes', `to one of ${names.join(', ') || 'the classes'}`));
    }
    if (defaults.length) return finding('storage', 'pass', claim, `no storageClassName: the default StorageClass ${defaults[0]} provisions it`);
    return finding('storage', 'fail', claim, `no storageClassName and no default StorageClass (annotation storageclass.kubernetes.io/is-default-class=true; the cluster's: ${names.join(', ') || 'none'}): the claim stays Pending`, fix);
  });
}

// ─── 6. IngressClass ──────────────────────────────────────────────────────────────────────────────────────

export function checkIngressClass(facts: Pick<ClusterFacts, 'ingressClasses'>, inputs: Pick<ClusterInputs, 'objects'>): Issue[] {
  const ingresses = inputs.objects.filter((o) => o.kind === 'Ingress');
  if (!ingresses.length) return [];
  if (!facts.ingressClasses.ok) return [finding('ingress-class', 'warn', 'ingress.className', `cannot list IngressClasses (${facts.ingressClasses.message}); not checked`)];
  const classes = facts.ingressClasses.value.items;
  const names = classes.map((c) => c.metadata.name as string);
  return ingresses.map((ingress) => {
    const named = ingress.spec?.ingressClassName as string | undefined;
    if (named) {
      return names.includes(named)
        ? finding('ingress-class', 'pass', 'ingress.className', `IngressClass ${named} exists`)
        : finding('ingress-class', 'fail', 'ingress.className', `IngressClass ${named} does not exist (the cluster's: ${names.join(', ') || 'none'}): no controller serves the Ingress`, `install its ingress controller, or set ingress.className to one of ${names.join(', ') || 'the cluster\'s classes'}`);
    }
    const defaults = classes.filter((c) => c.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true').map((c) => c.metadata.name as string);
    return defaults.length
      ? finding('ingress-class', 'pass', 'ingress.className', `not set: the default IngressClass ${defaults[0]} takes the Ingress`)
      : finding('ingress-class', 'warn', 'ingress.className', `not set, and no IngressClass is the default (the cluster's: ${names.join(', ') || 'none'}): the Ingress may be served by no controller`, `set ingress.className${names.length ? ` (e.g. ${names[0]})` : ''}`);
  });
}

// ─── 7. NetworkPolicy ─────────────────────────────────────────────────────────────────────────────────────

export function checkNetworkPolicy(facts: Pick<ClusterFacts, 'networking'>, inputs: Pick<ClusterInputs, 'objects'>): Issue[] {
  const policies = inputs.objects.filter((o) => o.kind === 'NetworkPolicy').length;
  if (!policies) return [];
  const scope = 'networkPolicy.enabled';
  if (!facts.networking.ok) {
    return facts.networking.reason === 'notFound'
      ? [finding('network-policy', 'fail', scope, 'the API server does not serve networking.k8s.io/v1, so the NetworkPolicies cannot be created', 'set networkPolicy.enabled: false, or use a cluster that serves networking.k8s.io/v1')]
      : [finding('network-policy', 'warn', scope, `cannot read networking.k8s.io/v1 (${facts.networking.message}); NetworkPolicy support not checked`)];
  }
  if (!facts.networking.value.resources.some((r) => r.name === 'networkpolicies')) {
    return [finding('network-policy', 'fail', scope, 'networking.k8s.io/v1 has no networkpolicies resource, so the NetworkPolicies cannot be created', 'set networkPolicy.enabled: false')];
  }
  return [finding('network-policy', 'warn', scope, `the API accepts the ${policies} NetworkPolicies, but whether they are enforced depends on the network plugin (CNI), which the API cannot tell`, 'make sure the cluster\'s CNI enforces NetworkPolicies (e.g. Calico, Cilium, or your cloud\'s network policy option)')];
}

// ─── 8. server-side dry-run ───────────────────────────────────────────────────────────────────────────────

/** Pod Security warnings name their level: `would violate PodSecurity "restricted:latest": …`. */
/** The RBAC authorizer's refusal: `User "x" cannot create resource "deployments" in API group "apps" …`. */
const RBAC_DENIED = /User "[^"]*" cannot [a-z]+ resource/;
const PSA_WARNING = /would violate PodSecurity "([a-z]+):[^"]*"/;

export function checkDryRun(facts: Pick<ClusterFacts, 'dryRun' | 'namespace'>, inputs: Pick<ClusterInputs, 'namespace' | 'objects'>): Issue[] {
  const ns = inputs.namespace;
  const scope = `dry-run in ${ns}`;
  if (!facts.dryRun) {
    return [finding('dry-run', 'warn', scope, `not run: a server-side dry-run needs the namespace, which does not exist (doctor creates nothing)`, `kubectl create namespace ${ns}, then run doctor again`)];
  }
  const { accepted, errors, warnings } = facts.dryRun;
  const enforce = facts.namespace.ok ? facts.namespace.value.metadata?.labels?.[ENFORCE] : undefined;
  // RBAC refusing doctor's own user (a dry run needs the create/patch permission of a real one) says nothing of the release.
  const out: Issue[] = errors.map((e) => (RBAC_DENIED.test(e)
    ? finding('dry-run', 'warn', scope, `not allowed to dry-run: ${e}`, 'run doctor as a user that may create the release\'s objects in the namespace (as helm install will)')
    : finding('dry-run', 'fail', scope, `refused: ${e}`, 'fix what the server names (the values, or the namespace: labels, quotas, admission policies)')));
  for (const w of warnings) {
    const level = PSA_WARNING.exec(w)?.[1];
    if (level && level === enforce) out.push(finding('dry-run', 'fail', scope, `${w}: the namespace enforces "${enforce}", so these pods would be refused when created`, `kubectl label namespace ${ns} ${ENFORCE}=${requiredPodSecurity(inputs.objects).level} --overwrite`));
    else out.push(finding('dry-run', 'warn', scope, w));
  }
  if (!out.some((f) => f.severity === 'error') && !errors.length) out.push(finding('dry-run', 'pass', scope, `the server accepted all ${accepted.length} objects of the render (dry run, nothing created)`));
  return out;
}

// ─── all of them ──────────────────────────────────────────────────────────────────────────────────────────

export function checkCluster(facts: ClusterFacts, inputs: ClusterInputs): Issue[] {
  return [
    ...checkServerVersion(facts, inputs),
    ...checkNodes(facts, inputs),
    ...checkPodSecurity(facts, inputs),
    ...checkSecrets(facts, inputs),
    ...checkStorage(facts, inputs),
    ...checkIngressClass(facts, inputs),
    ...checkNetworkPolicy(facts, inputs),
    ...checkDryRun(facts, inputs),
  ];
}

function enabledComponents(values: Values, components: Component[]): Component[] {
  return componentsOn(components, values);
}
