// The pure checks of `doctor --cluster` (src/preflight/cluster-doctor.ts) on API JSON shaped as real servers
// answer it (an EKS-style node list with an arm64 pool, a cordoned and a tainted node, allocatable in Ki and m;
// namespaces, Secrets reduced to their keys, StorageClasses, IngressClasses, an APIResourceList, kubectl's
// dry-run output) and on the chart's own renders. test/doctor-cluster.test.ts runs them against a real server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDryRun } from '../src/io/kubectl.js';
import { dryRunManifests } from '../src/cli/doctor-cluster.js';
import { coalesceValues } from '../src/model/coalesce.js';
import { projectModel } from '../src/project-model.js';
import {
  checkDryRun, checkIngressClass, checkNetworkPolicy, checkNodes, checkPodSecurity, checkSecrets, checkServerVersion, checkStorage,
  kubeVersionFloor, podDemands, requiredPodSecurity, secretReferences, type K8sObject, type Read,
} from '../src/preflight/cluster-doctor.js';
import type { Issue } from '../src/issue.js';
import { statusOf, type Status } from '../src/preflight/finding.js';
import { helmCached } from './support/helm-cache.js';
import { renderFixture } from './support/render.js';
import { FIXTURES, ROOT } from './support/paths.js';

const model = projectModel();
const CHART_KUBE_VERSION = String((yaml.load(readFileSync(join(ROOT, 'charts/retool/Chart.yaml'), 'utf8')) as any).kubeVersion);

function fixture(name: string, extra: string[] = []): { values: Record<string, any>; objects: K8sObject[] } {
  const file = name.startsWith('example-') ? join(ROOT, 'examples', `${name.slice('example-'.length)}.values.yaml`) : join(FIXTURES, `${name}.values.yaml`);
  const user = (yaml.load(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  const text = name.startsWith('example-') ? renderExample(file, extra) : renderFixture(name, 4, extra);
  return { values: coalesceValues(model.defaults, user) as Record<string, any>, objects: (yaml.loadAll(text) as K8sObject[]).filter((o) => o?.kind) };
}

function renderExample(file: string, extra: string[]): string {
  // The examples are not fixtures: rendered through the same cached helm with their own file.
  const r = helmCached(['template', 'prod', join(ROOT, 'charts/retool'), '--namespace', 'retool', '-f', file, ...extra], 4);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const denied = (message: string): Read<never> => ({ ok: false, reason: 'forbidden', message });
const absent = (message: string): Read<never> => ({ ok: false, reason: 'notFound', message });
const statuses = (findings: Issue[]) => findings.map(statusOf);
const only = (findings: Issue[], status: Status) => findings.filter((f) => statusOf(f) === status);

/** A node as `kubectl get nodes -o json` lists one on EKS (trimmed to what the checks read, values as the kubelet reports them). */
function node(name: string, arch: string, cpu: string, memory: string, extra: { labels?: Record<string, string>; taints?: any[]; unschedulable?: boolean; ready?: string } = {}) {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/arch': arch, 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name, 'node.kubernetes.io/instance-type': arch === 'arm64' ? 'm7g.2xlarge' : 'm7i.2xlarge', ...extra.labels } as Record<string, string> },
    spec: { providerID: `aws:///eu-west-1a/i-${name}`, ...(extra.taints ? { taints: extra.taints } : {}), ...(extra.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: { cpu: '8', memory: '32386892Ki', pods: '58' },
      allocatable: { cpu, memory, pods: '58', 'ephemeral-storage': '95491281146' },
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: extra.ready ?? 'True', reason: 'KubeletReady' }],
      nodeInfo: { architecture: arch, kubeletVersion: 'v1.31.4-eks-aeac579', operatingSystem: 'linux' },
    },
  };
}

const EKS_NODES = {
  apiVersion: 'v1', kind: 'List',
  items: [
    node('ip-10-0-1-10', 'amd64', '7910m', '31183948Ki'),
    node('ip-10-0-1-11', 'amd64', '7910m', '31183948Ki'),
    node('ip-10-0-2-20', 'arm64', '7910m', '31183948Ki'),
    node('ip-10-0-1-12', 'amd64', '7910m', '31183948Ki', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }),
    node('ip-10-0-1-13', 'amd64', '7910m', '31183948Ki', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
  ],
};

test('server version: the chart floor from Chart.yaml and the seccomp sandbox floor from the schema', () => {
  assert.equal(kubeVersionFloor(CHART_KUBE_VERSION), [1, 29, 0]);
  const seccomp = fixture('code-executor-seccomp');
  const need = model.components.find((c) => c.key === 'codeExecutor')!.sandboxModes!.seccomp.minKubeVersion;
  assert.is(need, '1.33.0');
  const at = (gitVersion: string) => checkServerVersion({ version: { gitVersion } }, { ...seccomp, components: model.components, chartKubeVersion: CHART_KUBE_VERSION });
  assert.equal(statuses(at('v1.33.1-eks-1234')), ['pass', 'pass']);
  const old = at('v1.31.4-eks-aeac579');
  assert.equal(statuses(old), ['pass', 'fail']);
  assert.is(old[1].path, 'components.codeExecutor.sandbox');
  assert.match(old[1].message, 'needs Kubernetes 1.33.0');
  const ancient = at('v1.28.15');
  assert.equal(statuses(ancient), ['fail', 'fail']);
  assert.match(ancient[0].message, 'kubeVersion >=1.29.0-0');
  // nsjail has no floor: only the chart's.
  const nsjail = fixture('evaluation');
  assert.equal(statuses(checkServerVersion({ version: { gitVersion: 'v1.29.0' } }, { ...nsjail, components: model.components, chartKubeVersion: CHART_KUBE_VERSION })), ['pass']);
});

test('nodes: amd64 present among schedulable nodes; totals and the largest pod against allocatable', () => {
  const prod = fixture('example-production');
  const found = checkNodes({ nodes: ok(EKS_NODES) }, { objects: prod.objects, arch: 'amd64' });
  assert.equal(statuses(found), ['pass', 'pass', 'pass'], JSON.stringify(found, null, 2));
  assert.match(found[0].message, "2 schedulable amd64 node(s) of 5; 2 more cordoned, not Ready, or not matching the pods' nodeSelector and tolerations");
  assert.match(found[1].message, 'offer 15.82 CPU / 59.48 GiB');

  const armOnly = { items: EKS_NODES.items.filter((n) => n.status.nodeInfo.architecture === 'arm64') };
  const arm = checkNodes({ nodes: ok(armOnly) }, { objects: prod.objects, arch: 'amd64' });
  assert.equal(statuses(arm), ['fail']);
  assert.match(arm[0].message, "no amd64 node (the cluster's: arm64)");

  const cordoned = { items: EKS_NODES.items.filter((n) => n.spec.unschedulable || n.status.nodeInfo.architecture === 'arm64') };
  assert.equal(statuses(checkNodes({ nodes: ok(cordoned) }, { objects: prod.objects, arch: 'amd64' })), ['fail']);

  const huge = fixture('example-production', ['--set', 'components.api.resources.requests.cpu=12', '--set', 'components.api.resources.requests.memory=40Gi', '--set', 'components.api.resources.limits.cpu=12', '--set', 'components.api.resources.limits.memory=40Gi']);
  const api = podDemands(huge.objects).find((d) => d.workload === 'Deployment/prod-retool-api')!;
  assert.is(api.replicas, 3);
  assert.equal([api.cpu, api.memoryGiB], [12, 40]);
  const tooBig = checkNodes({ nodes: ok(EKS_NODES) }, { objects: huge.objects, arch: 'amd64' });
  assert.equal(statuses(tooBig), ['pass', 'fail', 'fail']);
  assert.match(tooBig[2].message, 'Deployment/prod-retool-api asks 12 CPU / 40 GiB per pod');

  // Node pools: pod-options pins everything to node-pool=retool (tolerating dedicated=retool) and the jobs runner to retool-jobs.
  const pools = fixture('pod-options');
  const dedicated = [{ key: 'dedicated', value: 'retool', effect: 'NoSchedule' }];
  const poolNodes = [
    node('ip-10-0-3-30', 'amd64', '7910m', '31183948Ki', { labels: { 'node-pool': 'retool' }, taints: dedicated }),
    node('ip-10-0-3-31', 'amd64', '7910m', '31183948Ki', { labels: { 'node-pool': 'retool' } }),
    node('ip-10-0-3-32', 'amd64', '3920m', '15137400Ki', { labels: { 'node-pool': 'retool-jobs' }, taints: dedicated }),
    node('ip-10-0-1-13', 'amd64', '7910m', '31183948Ki', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
  ];
  const pooled = checkNodes({ nodes: ok({ items: poolNodes }) }, { objects: pools.objects, arch: 'amd64' });
  assert.equal(statuses(pooled), ['pass', 'pass', 'pass'], JSON.stringify(pooled, null, 2));
  assert.match(pooled[0].message, '3 schedulable amd64 node(s) of 4; 1 more');
  const noJobsPool = checkNodes({ nodes: ok({ items: poolNodes.filter((n) => n.metadata.labels['node-pool'] !== 'retool-jobs') }) }, { objects: pools.objects, arch: 'amd64' });
  const jobs = noJobsPool.filter((f) => statusOf(f) === 'fail');
  assert.is(jobs.length, 1, JSON.stringify(noJobsPool, null, 2));
  assert.match(jobs[0].fix!, 'podDefaults.nodeSelector');
  assert.match(jobs[0].message, /Deployment\/\S+-jobs-runner asks .* and no schedulable node matches its nodeSelector \(kubernetes.io\/arch=amd64,node-pool=retool-jobs\) and tolerations/);

  assert.equal(statuses(checkNodes({ nodes: denied('nodes is forbidden: User "dev" cannot list resource "nodes"') }, { objects: prod.objects, arch: 'amd64' })), ['warn']);
});

test('nodes: an extended resource the pods ask for (the sandbox job template\'s smarter-devices/net_tun) must be offered by a node', () => {
  const builder = fixture('app-builder');
  const sandbox = podDemands(builder.objects).find((d) => d.workload === 'Job/prod-retool-agent-sandbox-job-template')!;
  assert.equal(sandbox.extended, { 'smarter-devices/net_tun': 1 }, 'the job template\'s pods are demands too');
  const lacking = checkNodes({ nodes: ok(EKS_NODES) }, { objects: builder.objects, arch: 'amd64' }).filter((f) => f.message.includes('net_tun'));
  assert.equal(statuses(lacking), ['fail']);
  assert.match(lacking[0].message, 'asks 1 smarter-devices/net_tun per pod');
  assert.match(lacking[0].fix!, 'device plugin');
  const withPlugin = { ...EKS_NODES, items: EKS_NODES.items.map((n) => ({ ...n, status: { ...n.status, allocatable: { ...n.status.allocatable, 'smarter-devices/net_tun': '130' } } })) };
  assert.equal(checkNodes({ nodes: ok(withPlugin) }, { objects: builder.objects, arch: 'amd64' }).filter((f) => f.message.includes('net_tun')), []);
  assert.equal(podDemands(fixture('evaluation').objects).filter((d) => Object.keys(d.extended).length), [], 'nothing else asks for one');
  // With the release's own device plugin (appBuilder.agentSandbox.nodeSetup.devicePlugin, on in this fixture), nodes
  // that offer none yet are expected: the DaemonSet registers it. Without that DaemonSet in the render, still a failure.
  const offers = Object.fromEntries(projectModel().nodeDaemonSets.flatMap((d) => (d.devices ? [[d.devices.resource, { name: d.name, values: d.values }]] : [])));
  assert.equal(offers, { 'smarter-devices/net_tun': { name: 'agent-sandbox-device-plugin', values: 'appBuilder.agentSandbox.nodeSetup.devicePlugin' } });
  const coming = checkNodes({ nodes: ok(EKS_NODES) }, { objects: builder.objects, arch: 'amd64', offers }).filter((f) => f.message.includes('net_tun'));
  assert.equal(statuses(coming), ['pass']);
  assert.match(coming[0].message, /DaemonSet\/prod-retool-agent-sandbox-device-plugin registers it/);
  const noPlugin = fixture('app-builder', ['--set', 'appBuilder.agentSandbox.nodeSetup.devicePlugin.enabled=false']);
  const missing = checkNodes({ nodes: ok(EKS_NODES) }, { objects: noPlugin.objects, arch: 'amd64', offers }).filter((f) => f.message.includes('net_tun'));
  assert.equal(statuses(missing), ['fail']);
  assert.match(missing[0].fix!, 'appBuilder.agentSandbox.nodeSetup.devicePlugin.enabled', 'the fix names the chart\'s own device plugin');
});

test('Pod Security: the level the render needs, against the namespace enforce label', () => {
  assert.equal(requiredPodSecurity(fixture('evaluation').objects).level, 'privileged');
  assert.equal(requiredPodSecurity(fixture('code-executor-unsandboxed').objects).level, 'baseline');
  assert.equal(requiredPodSecurity(fixture('restricted').objects).level, 'restricted');
  assert.match(requiredPodSecurity(fixture('code-executor-seccomp').objects).reason, 'adds NET_ADMIN');
  // The agent sandbox's pods are in no workload of the render: the controller creates them from the job template.
  const nodeSetupOff = ['devicePlugin', 'seccompInstaller'].flatMap((d) => ['--set', `appBuilder.agentSandbox.nodeSetup.${d}.enabled=false`]);
  const sandboxOnly = requiredPodSecurity(fixture('app-builder', ['--set', 'components.jsExecutor.enabled=false', '--set', 'components.codeExecutor.sandbox=none', ...nodeSetupOff]).objects);
  assert.equal(sandboxOnly.level, 'privileged');
  assert.match(sandboxOnly.reason, /^Job\/prod-retool-agent-sandbox-job-template: /);
  // The node DaemonSets' host paths need privileged too, and the reason names one.
  const nodeSetup = requiredPodSecurity(fixture('app-builder', ['--set', 'components.jsExecutor.enabled=false', '--set', 'components.codeExecutor.sandbox=none']).objects);
  assert.equal(nodeSetup.level, 'privileged');
  assert.match(nodeSetup.reason, /DaemonSet\/prod-retool-agent-sandbox-(device-plugin|node-installer)/);

  const ns = (labels?: Record<string, string>) => ok({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'retool', labels: { 'kubernetes.io/metadata.name': 'retool', ...labels } }, status: { phase: 'Active' } });
  const enforce = (level: string) => ns({ 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'latest' });
  const unsandboxed = { ...fixture('code-executor-unsandboxed'), namespace: 'retool' };
  const restricted = { ...fixture('restricted'), namespace: 'retool' };
  const fail = checkPodSecurity({ namespace: enforce('restricted') }, unsandboxed);
  assert.equal(statuses(fail), ['fail']);
  assert.match(fail[0].fix!, 'kubectl label namespace retool pod-security.kubernetes.io/enforce=baseline --overwrite');
  assert.equal(statuses(checkPodSecurity({ namespace: enforce('baseline') }, unsandboxed)), ['pass']);
  assert.equal(statuses(checkPodSecurity({ namespace: enforce('privileged') }, unsandboxed)), ['pass']);
  assert.equal(statuses(checkPodSecurity({ namespace: enforce('restricted') }, restricted)), ['pass']);
  const unlabelled = checkPodSecurity({ namespace: ns() }, unsandboxed);
  assert.equal(statuses(unlabelled), ['warn']);
  assert.match(unlabelled[0].message, "the cluster's default level applies");
  const missing = checkPodSecurity({ namespace: absent('namespaces "retool" not found') }, unsandboxed);
  assert.equal(statuses(missing), ['warn']);
  assert.match(missing[0].message, '--create-namespace');
});

test('Secrets: every reference the release uses, its Secret and key, RBAC refusal a warning', () => {
  const prod = { ...fixture('example-production'), namespace: 'retool' };
  const refs = secretReferences(prod.values, prod.objects);
  assert.equal(refs.map((r) => `${r.path} ${r.secret}/${r.keys.join('+')}`).sort(), [
    'database.external.password retool/postgres-password',
    'ingress.tls.secretName retool-example-com-tls/tls.crt+tls.key',
    'retool.encryptionKey retool/encryption-key',
    'retool.jwtSecret retool/jwt-secret',
    'retool.licenseKey retool/license-key',
  ]);
  const restricted = fixture('restricted');
  assert.equal(secretReferences(restricted.values, restricted.objects).map((r) => `${r.path} ${r.secret}`), [
    'retool.env.CUSTOM_OAUTH2_SSO_CLIENT_SECRET retool-sso', 'podDefaults.extraEnvFrom[0].secretRef retool-smtp',
  ]);
  const pools = fixture('pod-options');
  assert.ok(secretReferences(pools.values, pools.objects).some((r) => r.path === 'images.pullSecrets[0]' && r.secret === 'registry-credentials'));
  // A secretKeyRef under a switched-off feature is not asked for: the chart does not render it.
  const embedded = coalesceValues(prod.values, { database: { mode: 'embedded' } }) as Record<string, any>;
  assert.ok(embedded.database.external.password.secretKeyRef);
  assert.not.ok(secretReferences(embedded, fixture('evaluation').objects).some((r) => r.path === 'database.external.password'));

  const secrets = {
    retool: ok({ type: 'Opaque', keys: ['encryption-key', 'jwt-secret', 'license-key'] }),
    'retool-example-com-tls': absent('secrets "retool-example-com-tls" not found'),
  };
  const found = checkSecrets({ secrets }, prod);
  const failed = only(found, 'fail');
  assert.equal(failed.map((f) => f.path).sort(), ['database.external.password', 'ingress.tls.secretName']);
  assert.match(failed.find((f) => f.path === 'database.external.password')!.message, 'Secret retool has no key postgres-password');
  assert.match(failed.find((f) => f.path === 'ingress.tls.secretName')!.fix!, 'kubectl create secret tls retool-example-com-tls -n retool');
  assert.is(only(found, 'pass').length, 3);

  const forbidden = checkSecrets({ secrets: { retool: denied('secrets "retool" is forbidden: User "system:serviceaccount:ci:doctor" cannot get resource "secrets" in API group "" in the namespace "retool"'), 'retool-example-com-tls': denied('forbidden') } }, prod);
  assert.equal(statuses(forbidden), ['warn']);
  assert.match(forbidden[0].message, 'not allowed to read Secrets');
});

const STANDARD = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };
const GP2 = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp2' }, provisioner: 'kubernetes.io/aws-ebs' };

test('StorageClass: a default one for claims without a class, the named one otherwise', () => {
  const evaluation = fixture('example-evaluation');
  // Three claims: the blob store's, then the two databases'.
  assert.equal(statuses(checkStorage({ storageClasses: ok({ items: [STANDARD, GP2] }) }, evaluation)), ['pass', 'pass', 'pass']);
  const none = checkStorage({ storageClasses: ok({ items: [GP2] }) }, evaluation);
  assert.equal(statuses(none), ['fail', 'fail', 'fail']);
  assert.match(none[0].message, 'no default StorageClass');
  const named = fixture('example-evaluation', ['--set', 'database.embedded.storage.storageClassName=fast-ssd']);
  const missing = checkStorage({ storageClasses: ok({ items: [STANDARD, GP2] }) }, named);
  assert.equal(statuses(missing), ['pass', 'fail', 'pass']);
  assert.match(missing[1].message, 'StorageClass fast-ssd does not exist');
  assert.equal(checkStorage({ storageClasses: ok({ items: [] }) }, fixture('example-production')), [], 'no claim, no finding');
});

test('IngressClass: the named class, or a default one', () => {
  const nginx = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } };
  const alb = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'alb' }, spec: { controller: 'ingress.k8s.aws/alb' } };
  const prod = fixture('example-production');
  assert.equal(statuses(checkIngressClass({ ingressClasses: ok({ items: [nginx] }) }, prod)), ['pass']);
  const missing = checkIngressClass({ ingressClasses: ok({ items: [alb] }) }, prod);
  assert.equal(statuses(missing), ['fail']);
  assert.match(missing[0].message, "IngressClass nginx does not exist (the cluster's: alb)");
  const unnamed = fixture('restricted');
  assert.equal(statuses(checkIngressClass({ ingressClasses: ok({ items: [nginx] }) }, unnamed)), ['pass']);
  assert.equal(statuses(checkIngressClass({ ingressClasses: ok({ items: [alb] }) }, unnamed)), ['warn']);
  assert.equal(checkIngressClass({ ingressClasses: ok({ items: [] }) }, fixture('evaluation')), [], 'no Ingress, no finding');
});

test('NetworkPolicy: a warning that the CNI decides, a failure when the API lacks the resource', () => {
  const prod = fixture('example-production');
  const list = (names: string[]) => ok({ kind: 'APIResourceList', groupVersion: 'networking.k8s.io/v1', resources: names.map((name) => ({ name, namespaced: true })) });
  const served = checkNetworkPolicy({ networking: list(['ingressclasses', 'ingresses', 'ingresses/status', 'networkpolicies']) }, prod);
  assert.equal(statuses(served), ['warn']);
  assert.match(served[0].message, 'depends on the network plugin');
  assert.equal(statuses(checkNetworkPolicy({ networking: list(['ingressclasses', 'ingresses']) }, prod)), ['fail']);
  assert.equal(statuses(checkNetworkPolicy({ networking: absent('the server could not find the requested resource') }, prod)), ['fail']);
  assert.equal(checkNetworkPolicy({ networking: list([]) }, fixture('evaluation')), [], 'no NetworkPolicy rendered, no finding');
});

test('dry-run: kubectl apply output parsed; refusals fail, enforce-level Pod Security warnings fail, RBAC warns', () => {
  // What kubectl 1.36 printed against the test control plane.
  const parsed = parseDryRun({
    status: 1,
    stdout: 'serviceaccount/prod (server dry run)\nservice/prod-api (server dry run)\n',
    stderr: [
      'Warning: would violate PodSecurity "restricted:latest": unrestricted capabilities (container "api" must set securityContext.capabilities.drop=["ALL"])',
      'Warning: resource namespaces/retool is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.',
      'Error from server (Forbidden): error when creating "STDIN": services "prod-api" is forbidden: exceeded quota: no-services, requested: services=1, used: services=0, limited: services=0',
      'Error from server (Forbidden): error when creating "STDIN": deployments.apps "prod-api" is forbidden: User "system:serviceaccount:ci:doctor" cannot create resource "deployments" in API group "apps" in the namespace "retool"',
      '',
    ].join('\n'),
  });
  assert.is(parsed.accepted.length, 2);
  const quiet = parseDryRun({ status: 0, stdout: 'service/prod-api (server dry run)\n', stderr: 'I1203 05:41:02.123456   12345 request.go:752] "Waited before sending request" delay="1.2s" reason="client-side throttling"\n' });
  assert.equal([quiet.errors, quiet.warnings], [[], []], 'klog lines are neither errors nor warnings');
  const mapping = parseDryRun({ status: 1, stdout: '', stderr: 'error: resource mapping not found for name: "prod-retool" namespace: "" from "STDIN": no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io/v1"\nensure CRDs are installed first\n' });
  assert.equal(mapping.errors, ['resource mapping not found for name: "prod-retool" namespace: "" from "STDIN": no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io/v1" ensure CRDs are installed first']);
  assert.is(parsed.warnings.length, 1, 'the last-applied annotation notice is kubectl noise');
  assert.is(parsed.errors.length, 2);
  const namespace = ok({ metadata: { name: 'retool', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  const objects = fixture('evaluation').objects;
  const found = checkDryRun({ dryRun: parsed, namespace }, { namespace: 'retool', objects });
  assert.equal(statuses(found), ['fail', 'warn', 'fail']);
  assert.match(found[0].message, 'exceeded quota');
  assert.match(found[1].message, 'not allowed to dry-run');
  assert.match(found[2].message, 'the namespace enforces "restricted"');
  // The same warning under a baseline namespace (a restricted warn label) is a warning only.
  const baseline = ok({ metadata: { name: 'retool', labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' } } });
  assert.equal(statuses(checkDryRun({ dryRun: { ...parsed, errors: [] }, namespace: baseline }, { namespace: 'retool', objects })), ['warn', 'pass']);
  const notRun = checkDryRun({ dryRun: undefined, namespace: absent('namespaces "retool" not found') }, { namespace: 'retool', objects });
  assert.equal(statuses(notRun), ['warn']);
  assert.match(notRun[0].message, 'needs the namespace');
});

test('dry-run manifests: a Pod of the render keeps its spec but uses the default ServiceAccount', () => {
  const objects = fixture('evaluation').objects;
  const pod = objects.find((o) => o.kind === 'Pod')!;
  assert.ok(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.spec.serviceAccountName));
  const sent = (yaml.loadAll(dryRunManifests(objects)) as K8sObject[]).filter(Boolean);
  assert.is(sent.length, objects.length);
  const sentPod = sent.find((o) => o.kind === 'Pod')!;
  assert.is(sentPod.spec.serviceAccountName, 'default');
  assert.equal(sentPod.spec.containers, pod.spec.containers);
  assert.equal(sent.find((o) => o.kind === 'Deployment'), objects.find((o) => o.kind === 'Deployment'));
});

test.run();
