// Installing the chart on the local control plane (test/cluster/): helm and kubectl against it, a namespace
// with Pod Security labels, and what a release looks like on the server once Helm says it is done.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { runHelmAsync, type HelmMajor, type HelmResult } from '../../src/io/helm.js';
import { alive } from '../cluster/processes.js';
import { startCluster, stopCluster, type ClusterState, type NodeShape, type Run } from '../cluster/control-plane.js';
import { helmCached } from './helm-cache.js';
import { projectModel } from '../../src/project-model.js';
import { CHART } from './paths.js';
import { jobTemplates, type K8sObject } from './render.js';

export type Level = 'privileged' | 'baseline' | 'restricted';

const TEST_STATE_PREFIX = 'retool-chart-cluster-';
const OWNER = 'owner.pid';

/**
 * A control plane of the test run's own, in a temporary state directory (its own network namespace), so a
 * developer's `npm run cluster -- up` and this run never share objects; stopped by the returned function, or
 * when this process is interrupted or exits. A control plane left by a test process that died without
 * stopping it (SIGKILL) is stopped first.
 */
export function startTestCluster(log: (line: string) => void, nodes?: Partial<NodeShape>): { state: ClusterState; stop: () => void } {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(TEST_STATE_PREFIX))) {
    const dir = join(tmpdir(), name);
    const owner = Number(existsSync(join(dir, OWNER)) ? readFileSync(join(dir, OWNER), 'utf8') : NaN);
    if (Number.isInteger(owner) && !alive(owner)) {
      log(`stopping the control plane a dead test process (${owner}) left in ${dir}`);
      stopCluster(dir, log);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const stateDir = mkdtempSync(join(tmpdir(), TEST_STATE_PREFIX));
  writeFileSync(join(stateDir, OWNER), String(process.pid));
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopCluster(stateDir, log);
    rmSync(stateDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => { stop(); process.exit(signal === 'SIGINT' ? 130 : 143); };
  process.once('exit', stop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const state = startCluster({ stateDir, log, nodes });
  return { state, stop };
}

/** At most `limit` of the functions given to the returned scheduler run at once; the rest wait their turn. */
function scheduler(limit: number): <T>(run: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (run) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await run();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Starts every job the first time one is asked for, `limit` at a time, so uvu's tests (which run one after
 * the other) each await their own result while the next ones already run. A rejection is kept for the test
 * that awaits it; `all` settles when every started job has.
 */
export function batch<T>(limit: number, keys: string[], run: (key: string) => Promise<T>): { get: (key: string) => Promise<T>; all: () => Promise<unknown> } {
  let jobs: Map<string, Promise<T>> | undefined;
  const start = () => {
    if (jobs) return jobs;
    const schedule = scheduler(limit);
    jobs = new Map(keys.map((k) => {
      const job = schedule(() => run(k));
      job.catch(() => undefined);
      return [k, job];
    }));
    return jobs;
  };
  return { get: (key) => start().get(key)!, all: () => (jobs ? Promise.allSettled(jobs.values()) : Promise.resolve()) };
}
export function kubectlAsync(state: ClusterState, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(join(state.bin, 'kubectl'), args, { env: { ...process.env, KUBECONFIG: state.kubeconfig }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

export async function mustKubectl(state: ClusterState, args: string[], input?: string): Promise<string> {
  const r = await kubectlAsync(state, args, input);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Helm of one major on the cluster; returns its result and how long it took. */
export async function helmOn(state: ClusterState, major: HelmMajor, args: string[]): Promise<HelmResult & { seconds: number }> {
  const started = performance.now();
  const r = await runHelmAsync(args, { major, env: { KUBECONFIG: state.kubeconfig } });
  return { ...r, seconds: (performance.now() - started) / 1000 };
}

/** `--wait` as each major spells "until every object is ready, Jobs complete": Helm 4's default is hookOnly. */
export function waitFlags(major: HelmMajor): string[] {
  return [major === 4 ? '--wait=watcher' : '--wait', '--wait-for-jobs'];
}

/** The chart rendered for a values file (helm 4 template, cached per run), as objects. */
export function renderValues(file: string, release: string, namespace: string, extra: string[] = []): K8sObject[] {
  const r = helmCached(['template', release, CHART, '--namespace', namespace, '-f', file, ...extra], 4);
  if (r.status !== 0) throw new Error(`helm template ${file}: ${r.stderr}`);
  return (yaml.loadAll(r.stdout) as K8sObject[]).filter((o) => o && typeof o === 'object');
}

/** The sandboxed components (x-retool-component sandboxed: code-executor, js-executor), from the model. */
export const SANDBOXED_CONTAINERS = projectModel().components.filter((c) => c.sandboxed).map((c) => c.name);

/**
 * The Pod Security level a release of these values needs, from its render, and why: `restricted` for the
 * restricted preset; `privileged` when a sandboxed component runs nsjail (privileged: true, or under a Localhost
 * seccomp profile NET_ADMIN, an unmasked /proc or AppArmor unconfined, which baseline forbids; the chart README's
 * "Pod security presets"); `baseline` otherwise (the compatible preset).
 */
export function podSecurityLevel(values: string, objects: K8sObject[]): { level: Level; reason: string } {
  const preset = ((yaml.load(readFileSync(values, 'utf8')) ?? {}) as { podSecurity?: string }).podSecurity ?? 'compatible';
  // The pods a controller creates from a job template (the agent sandbox's) run in the release's namespace too.
  const workloads = [...objects, ...jobTemplates(objects)];
  for (const name of SANDBOXED_CONTAINERS) {
    const deployment = workloads.find((o) => (o.kind === 'Deployment' || o.kind === 'Job') && o.metadata.labels?.['app.kubernetes.io/component'] === name);
    const security = deployment?.spec.template.spec.containers.find((c: any) => c.name === name)?.securityContext ?? {};
    if (security.privileged === true) return { level: 'privileged', reason: `${name} sandbox nsjail runs privileged` };
    if ((security.capabilities?.add ?? []).includes('NET_ADMIN') || security.procMount === 'Unmasked' || security.appArmorProfile?.type === 'Unconfined') {
      return { level: 'privileged', reason: `${name}'s seccomp sandbox adds NET_ADMIN (and an unmasked /proc or AppArmor unconfined), which baseline forbids` };
    }
  }
  return preset === 'restricted' ? { level: 'restricted', reason: 'podSecurity: restricted' } : { level: 'baseline', reason: 'podSecurity: compatible' };
}

/**
 * A namespace enforcing `level`. A privileged namespace warns and audits at baseline, so every object that
 * needs more than baseline is named in the API server's warnings (Pod Security checks the pod templates of
 * Deployments and Jobs in warn and audit mode).
 */
export async function createNamespace(state: ClusterState, name: string, level: Level): Promise<void> {
  const warn = level === 'privileged' ? 'baseline' : level;
  const labels = {
    'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': warn, 'pod-security.kubernetes.io/warn-version': 'latest',
    'pod-security.kubernetes.io/audit': warn, 'pod-security.kubernetes.io/audit-version': 'latest',
  };
  await mustKubectl(state, ['apply', '-f', '-'], yaml.dump({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
}

/**
 * Pod Security warnings in a Helm run's output (both majors log them through klog, quotes escaped):
 * `would violate PodSecurity "baseline:latest": privileged (container "code-executor" must not set …)`.
 */
export function podSecurityWarnings(output: string): string[] {
  return output.split('\n').filter((l) => /would violate PodSecurity/.test(l))
    .map((l) => l.replace(/\\"/g, '"').replace(/^.*?(would violate)/, '$1').replace(/"\s*$/, '').trim());
}

/** The host-path volumes of the node DaemonSets (x-retool-node-daemonset hostPaths, all opt-in), from the model. */
export const NODE_HOST_PATH_VOLUMES = [...new Set(projectModel().nodeDaemonSets.flatMap((d) => d.hostPaths.map((h) => h.name)))];

/** The hostPath volumes a Pod Security warning names (`hostPath volumes (volumes "dev", "sys")`). */
export function warnedVolumes(warning: string): string[] {
  return [...warning.matchAll(/hostPath volumes? \(volumes? ((?:"[^"]+"(?:, | and )?)+)\)/g)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((n) => n[1]));
}

/** The containers a Pod Security warning names. */
export function warnedContainers(warning: string): string[] {
  return [...warning.matchAll(/containers? ((?:"[^"]+"(?:, | and )?)+)/g)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((n) => n[1]));
}

export interface PodView {
  name: string;
  node?: string;
  phase: string;
  ready: boolean;
  owner?: string;
  hook?: string;
  cpu: number;
  memoryGi: number;
}

export interface Observed {
  pods: PodView[];
  /** What is not as `helm install --wait` promised: every Pod scheduled and Ready (Job pods Succeeded), every
   * Job complete, every claim bound, every Deployment and StatefulSet with all its replicas ready. */
  problems: string[];
  objects: K8sObject[];
}

const cpuOf = (q = '0') => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
const memOf = (q = '0') => {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return 0;
  const unit: Record<string, number> = { Ki: 2 ** -20, Mi: 2 ** -10, Gi: 1, Ti: 1024, k: 1e3 / 2 ** 30, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30 };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 2 ** -30);
};

/** A pod's effective request: the larger of its containers' sum and its largest init container (the scheduler's rule). */
function requests(spec: any, resource: 'cpu' | 'memory'): number {
  const of = resource === 'cpu' ? cpuOf : memOf;
  const sum = (spec.containers ?? []).reduce((n: number, c: any) => n + of(c.resources?.requests?.[resource]), 0);
  const init = Math.max(0, ...(spec.initContainers ?? []).map((c: any) => of(c.resources?.requests?.[resource])));
  return Math.max(sum, init);
}

/**
 * An autoscaled Deployment has no `replicas` of its own (so an upgrade never resets what the HPA chose): it
 * starts at one, and the HPA raises it to minReplicas only after `helm install --wait` has returned. Wait for
 * that, so the observation sees the release as the operator will a minute later, not mid-scale.
 */
async function settleAutoscaled(state: ClusterState, namespace: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = JSON.parse(await mustKubectl(state, ['get', 'horizontalpodautoscalers,deployments', '-n', namespace, '-o', 'json'])) as { items: K8sObject[] };
    const deployments = new Map(list.items.filter((o) => o.kind === 'Deployment').map((o) => [o.metadata.name, o]));
    const pending = list.items.filter((o) => o.kind === 'HorizontalPodAutoscaler').filter((hpa) => {
      const target = deployments.get(hpa.spec.scaleTargetRef?.name);
      if (!target) return false;
      const want = target.spec.replicas ?? 1;
      return want < (hpa.spec.minReplicas ?? 1) || (target.status?.readyReplicas ?? 0) < want;
    });
    if (pending.length === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function observe(state: ClusterState, namespace: string): Promise<Observed> {
  await settleAutoscaled(state, namespace);
  const list = JSON.parse(await mustKubectl(state, ['get', 'pods,jobs,pvc,deployments,statefulsets', '-n', namespace, '-o', 'json'])) as { items: K8sObject[] };
  const problems: string[] = [];
  const pods: PodView[] = [];
  for (const o of list.items) {
    const id = `${o.kind}/${o.metadata.name}`;
    const conditions: any[] = o.status?.conditions ?? [];
    const condition = (type: string) => conditions.find((c) => c.type === type);
    if (o.kind === 'Pod' && (o.metadata as any).deletionTimestamp) continue; // an old pod of a rollout, going
    if (o.kind === 'Pod') {
      const owner = (o.metadata as any).ownerReferences?.[0]?.kind as string | undefined;
      const hook = o.metadata.annotations?.['helm.sh/hook'];
      const view: PodView = {
        name: o.metadata.name, node: o.spec.nodeName, phase: o.status?.phase, ready: condition('Ready')?.status === 'True', owner, hook,
        cpu: requests(o.spec, 'cpu'), memoryGi: requests(o.spec, 'memory'),
      };
      pods.push(view);
      if (!view.node) problems.push(`${id} not scheduled: ${condition('PodScheduled')?.message ?? 'no PodScheduled condition'}`);
      else if (owner === 'Job' || hook) { if (view.phase !== 'Succeeded') problems.push(`${id} is ${view.phase}, not Succeeded`); }
      else if (view.phase !== 'Running' || !view.ready) problems.push(`${id} is ${view.phase}${view.ready ? '' : ', not Ready'}`);
    } else if (o.kind === 'Job') {
      if (condition('Complete')?.status !== 'True') problems.push(`${id} is not complete`);
    } else if (o.kind === 'PersistentVolumeClaim') {
      if (o.status?.phase !== 'Bound') problems.push(`${id} is ${o.status?.phase}, not Bound`);
    } else {
      // Every replica of the current template ready; right after a rollout the old ReplicaSet's last pods may
      // still count as ready too (Helm's --wait does not wait for them to go), so at least, not exactly.
      const want = o.spec.replicas ?? 1;
      const [ready, updated] = [o.status?.readyReplicas ?? 0, o.status?.updatedReplicas ?? 0];
      if (ready < want || updated < want) problems.push(`${id} has ${ready} ready and ${updated} updated of ${want} replicas`);
    }
  }
  return { pods, problems, objects: list.items };
}

const LEFTOVER_KINDS = 'pods,replicasets,services,deployments,statefulsets,jobs,persistentvolumeclaims,configmaps,secrets,serviceaccounts,networkpolicies,poddisruptionbudgets,ingresses,horizontalpodautoscalers,roles,rolebindings';

/**
 * What a namespace holds after an uninstall besides what every namespace gets (the `default` ServiceAccount,
 * `kube-root-ca.crt`), once the garbage collector has removed what the deleted objects owned (`helm uninstall
 * --wait` waits for the objects it deletes, not for their ReplicaSets and Pods): polled until nothing owned is left.
 */
export async function leftovers(state: ClusterState, namespace: string, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = JSON.parse(await mustKubectl(state, ['get', LEFTOVER_KINDS, '-n', namespace, '-o', 'json'])) as { items: K8sObject[] };
    const items = list.items.filter((o) => !(o.kind === 'ServiceAccount' && o.metadata.name === 'default') && !(o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt'));
    const owned = items.some((o) => (o.metadata as any).ownerReferences?.length || (o.metadata as any).deletionTimestamp);
    if (!owned || Date.now() > deadline) return items.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** For a failure message: the namespace's pods, and its recent events. */
export async function diagnose(state: ClusterState, namespace: string): Promise<string> {
  const pods = await kubectlAsync(state, ['get', 'pods,pvc,jobs', '-n', namespace, '-o', 'wide']);
  const events = await kubectlAsync(state, ['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp']);
  return `${pods.stdout}${pods.stderr}\n${events.stdout.split('\n').slice(-25).join('\n')}`;
}
