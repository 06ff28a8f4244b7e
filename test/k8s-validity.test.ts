// Every rendered manifest is valid Kubernetes: kubernetes-models schema validation plus a
// strict unknown-field check (test/support/k8s-validate.ts), across fixtures, Helm majors
// and target Kubernetes versions; helm lint --strict and a client-side dry-run install.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HelmMajor } from '../src/io/helm.js';
import { helmAll, helmCached } from './support/helm-cache.js';
import { CHART_KINDS, loadEsmModels, loadModel, objectLabel, validateK8sObject } from './support/k8s-validate.js';
import { CHART, FIXTURES, NAMESPACE, RELEASE, ROOT, fixtureNames } from './support/paths.js';
import { MAJORS, parseManifests, renderFixture, renderFixtures, type K8sObject } from './support/render.js';

const FIXTURE_NAMES = fixtureNames(FIXTURES);
/** The chart's floor (package.json retoolChart.minKubernetes, Chart.yaml kubeVersion) is the oldest target proven here. */
const MIN_KUBERNETES: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).retoolChart.minKubernetes;
const KUBE_VERSIONS = [MIN_KUBERNETES, '1.31.0', '1.33.0', '1.35.0'];
/** Fixtures that need a newer cluster than the chart's minimum (sandbox: seccomp needs user namespaces and ProcMountType). */
const MIN_KUBE: Record<string, string> = { 'code-executor-seccomp': '1.33.0' };
const olderThan = (version: string, min: string) => version.localeCompare(min, undefined, { numeric: true }) < 0;
/**
 * The renders below vary the Kubernetes version or the Helm command, not the values, and the values schema never
 * sees either: every fixture's values are checked against it by both majors in its plain render (the first
 * renderFixtures below, and the goldens), so these runs skip that same check (a fifth of each run's cost).
 */
const SAME_VALUES = '--skip-schema-validation';
const lintArgs = (name: string) => ['lint', '--strict', SAME_VALUES, CHART, '-f', join(FIXTURES, `${name}.values.yaml`)];
const installArgs = (name: string) => ['install', RELEASE, CHART, '-f', join(FIXTURES, `${name}.values.yaml`), '--dry-run=client', SAME_VALUES, '--namespace', NAMESPACE];
const seccompArgs = ['template', RELEASE, CHART, '-f', join(FIXTURES, 'code-executor-seccomp.values.yaml'), '--kube-version', '1.32.0'];

// Every Helm run of this file side by side up front; the tests below read the results.
test.before(async () => {
  await Promise.all([
    loadEsmModels(),
    renderFixtures(FIXTURE_NAMES),
    ...KUBE_VERSIONS.map((kubeVersion) => renderFixtures(FIXTURE_NAMES.filter((name) => !(MIN_KUBE[name] && olderThan(kubeVersion, MIN_KUBE[name]))), [4], ['--kube-version', kubeVersion, SAME_VALUES])),
    helmAll([
      ...MAJORS.flatMap((major) => [{ args: seccompArgs, major }, ...FIXTURE_NAMES.map((name) => ({ args: lintArgs(name), major }))]),
      ...FIXTURE_NAMES.map((name) => ({ args: installArgs(name), major: 4 as const })),
    ]),
  ]);
});

/**
 * API versions the chart must never emit, with the Kubernetes minor that stopped serving
 * them (deprecation guide). All are gone by 1.26, so all are forbidden for every
 * supported target (>= 1.29); any other alpha/beta version is rejected as well.
 */
const REMOVED_API_VERSIONS: Record<string, string> = {
  'extensions/v1beta1': '1.22', // Ingress (Deployment/DaemonSet/... since 1.16)
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'networking.k8s.io/v1beta1': '1.22', // Ingress, IngressClass
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'admissionregistration.k8s.io/v1beta1': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'policy/v1beta1': '1.25', // PodDisruptionBudget, PodSecurityPolicy
  'batch/v1beta1': '1.25', // CronJob
  'autoscaling/v2beta1': '1.25',
  'discovery.k8s.io/v1beta1': '1.25',
  'node.k8s.io/v1beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'storage.k8s.io/v1beta1': '1.27', // CSIStorageCapacity
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29',
  'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
};

function minor(version: string): number {
  const [major, min] = version.split('.').map(Number);
  assert.is(major, 1, `unexpected Kubernetes version ${version}`);
  return min;
}

function apiVersionProblems(obj: K8sObject, kubeVersion: string): string[] {
  const removedIn = REMOVED_API_VERSIONS[obj.apiVersion];
  if (removedIn !== undefined && minor(removedIn) <= minor(kubeVersion)) {
    return [`${obj.apiVersion} is not served by Kubernetes ${kubeVersion} (removed in ${removedIn})`];
  }
  if (removedIn !== undefined) return [`${obj.apiVersion} is deprecated (removed in ${removedIn})`];
  if (/\/v[0-9]+(alpha|beta)[0-9]+$/.test(obj.apiVersion)) return [`${obj.apiVersion} is a pre-release API`];
  return [];
}

let validated = 0;

/** Validate every object of one render, failing with a full report of all problems. */
function validateRender(where: string, text: string, kubeVersion?: string): K8sObject[] {
  const objects = parseManifests(text);
  assert.ok(objects.length > 0, `${where}: rendered no objects`);
  const report: string[] = [];
  for (const obj of objects) {
    const problems = [...validateK8sObject(obj), ...(kubeVersion ? apiVersionProblems(obj, kubeVersion) : [])];
    for (const p of problems) report.push(`${where} ${objectLabel(obj)} ${p}`);
    validated++;
  }
  assert.equal(report, [], `invalid Kubernetes objects:\n${report.join('\n')}`);
  return objects;
}

// ---------------------------------------------------------------------------------------
// The validator itself

test('loader table: every chart kind has a kubernetes-models class', () => {
  for (const key of Object.keys(CHART_KINDS)) {
    const slash = key.lastIndexOf('/');
    const [apiVersion, kind] = [key.slice(0, slash), key.slice(slash + 1)];
    const Model = loadModel(apiVersion, kind);
    assert.ok(Model, `no model for ${key}`);
    assert.is(Model!.apiVersion, apiVersion);
    assert.is(Model!.kind, kind);
  }
});

function sampleDeployment(): K8sObject {
  const deployment = parseManifests(renderFixture(FIXTURE_NAMES.includes('production-external') ? 'production-external' : FIXTURE_NAMES[0], 4)).find(
    (o) => o.kind === 'Deployment',
  );
  assert.ok(deployment, 'no rendered Deployment to mutate');
  assert.equal(validateK8sObject(deployment), [], 'the unmodified Deployment must be valid');
  assert.ok('imagePullPolicy' in deployment!.spec.template.spec.containers[0], 'container has imagePullPolicy');
  return structuredClone(deployment!);
}

function assertProblem(problems: string[], ...needles: string[]): void {
  assert.ok(
    problems.some((p) => needles.every((n) => p.includes(n))),
    `expected a problem containing ${needles.map((n) => JSON.stringify(n)).join(' and ')}, got:\n${problems.join('\n') || '(none)'}`,
  );
}

test('negative: misspelled field is reported with its path', () => {
  const d = sampleDeployment();
  const c = d.spec.template.spec.containers[0];
  c.imagePullPolcy = c.imagePullPolicy;
  delete c.imagePullPolicy;
  const problems = validateK8sObject(d);
  assertProblem(problems, 'spec.template.spec.containers[0].imagePullPolcy', 'unknown field');
  assert.is(problems.length, 1, problems.join('\n'));
});

test('negative: spec.replicas of the wrong type', () => {
  const d = sampleDeployment();
  d.spec.replicas = 'two';
  assertProblem(validateK8sObject(d), 'spec.replicas', 'integer');
});

test('negative: missing required spec.selector', () => {
  const d = sampleDeployment();
  delete d.spec.selector;
  assertProblem(validateK8sObject(d), 'selector', 'required');
});

test('negative: unknown field under metadata and at the top level', () => {
  const d = sampleDeployment();
  (d.metadata as any).owner = 'team-a';
  (d as any).specs = {};
  const problems = validateK8sObject(d);
  assertProblem(problems, 'metadata.owner', 'unknown field');
  assertProblem(problems, 'specs', 'unknown field');
});

test('negative: misspelled nested field (resources.limit)', () => {
  const d = sampleDeployment();
  d.spec.template.spec.containers[0].resources = { requests: { cpu: '1' }, limit: { cpu: '1' } };
  assertProblem(validateK8sObject(d), 'spec.template.spec.containers[0].resources.limit', 'unknown field');
});

test('no false positives: quantities, int-or-string, free-form maps', () => {
  const d = sampleDeployment();
  const c = d.spec.template.spec.containers[0];
  c.resources = { requests: { cpu: 1, memory: '512Mi' }, limits: { cpu: '1500m', memory: '1Gi', 'example.com/gpu': 2 } };
  c.ports = [{ name: 'http', containerPort: 3000 }];
  c.readinessProbe = { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 };
  c.livenessProbe = { tcpSocket: { port: 3000 } };
  d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
  d.spec.template.spec.nodeSelector = { 'kubernetes.io/os': 'linux', 'any-key': 'x' };
  d.metadata.labels = { ...d.metadata.labels, 'free.form/label': 'yes' };
  d.metadata.annotations = { 'whatever.example.com/anything': 'ok' };
  assert.equal(validateK8sObject(d), []);
});

test('negative: bad quantity value', () => {
  const d = sampleDeployment();
  d.spec.template.spec.containers[0].resources = { limits: { memory: '512 MB' } };
  assertProblem(validateK8sObject(d), 'resources.limits.memory');
});

test('negative: unknown kind and unknown apiVersion', () => {
  assertProblem(validateK8sObject({ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'x' } }), 'no model for v1/Widget');
  assertProblem(validateK8sObject({ apiVersion: 'apps/v9', kind: 'Deployment', metadata: { name: 'x' } }), 'no model for apps/v9/Deployment');
  assertProblem(validateK8sObject({ apiVersion: 'apps/v1', kind: 'DeploymentSpec' }), 'no model');
  assertProblem(validateK8sObject({ apiVersion: '../v1', kind: 'Service' }), 'no model');
  assertProblem(validateK8sObject({ kind: 'Service' }), 'missing apiVersion/kind');
});

test('negative: removed API versions are rejected', () => {
  const old = { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'x' } } as K8sObject;
  assertProblem(apiVersionProblems(old, '1.29.0'), 'not served by Kubernetes 1.29.0');
  assertProblem(apiVersionProblems({ ...old, apiVersion: 'example.com/v2alpha1' }, '1.35.0'), 'pre-release');
  assert.equal(apiVersionProblems({ ...old, apiVersion: 'policy/v1' }, '1.35.0'), []);
});

// ---------------------------------------------------------------------------------------
// The chart

for (const major of MAJORS) {
  test(`helm ${major} template: every object of every fixture is valid Kubernetes`, () => {
    for (const name of FIXTURE_NAMES) validateRender(`[helm ${major} ${name}]`, renderFixture(name, major as HelmMajor));
  });
}

for (const kubeVersion of KUBE_VERSIONS) {
  test(`helm 4 template --kube-version ${kubeVersion}: valid, no removed or pre-release APIs`, () => {
    for (const name of FIXTURE_NAMES) {
      if (MIN_KUBE[name] && olderThan(kubeVersion, MIN_KUBE[name])) continue;
      validateRender(`[kube ${kubeVersion} ${name}]`, renderFixture(name, 4, ['--kube-version', kubeVersion, SAME_VALUES]), kubeVersion);
    }
  });
}

for (const major of MAJORS) {
  test(`helm ${major} refuses sandbox: seccomp below Kubernetes 1.33 and says why`, () => {
    const res = helmCached(seccompArgs, major);
    assert.is.not(res.status, 0, 'rendered a seccomp sandbox for 1.32');
    assert.match(res.stderr, /components\.codeExecutor\.sandbox: seccomp needs Kubernetes >= 1\.33\.0/);
  });
}

for (const major of MAJORS) {
  test(`helm ${major} lint --strict passes for every fixture`, () => {
    const failures: string[] = [];
    for (const name of FIXTURE_NAMES) {
      const res = helmCached(lintArgs(name), major);
      if (res.status !== 0) failures.push(`${name}: exit ${res.status}\n${res.stdout}${res.stderr}`);
    }
    assert.equal(failures, [], failures.join('\n'));
  });
}

test('helm 4 install --dry-run=client succeeds for every fixture', () => {
  const failures: string[] = [];
  for (const name of FIXTURE_NAMES) {
    const res = helmCached(installArgs(name), 4);
    if (res.status !== 0) failures.push(`${name}: exit ${res.status}\n${res.stderr}`);
  }
  assert.equal(failures, [], failures.join('\n'));
});

test('summary', () => {
  assert.ok(validated > 0);
  console.log(`validated ${validated} objects`);
});

test.run();
