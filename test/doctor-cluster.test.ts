// `retool-chart doctor --cluster` against a real API server (the local control plane of test/cluster/, v1.36,
// three kwok nodes of 8 CPU / 16 GiB, amd64, a default StorageClass `standard`): every check both passing and
// failing on what the server answers, through the CLI as an operator runs it (--kubeconfig, -n, --kubectl,
// --output json). One control plane, a few namespaces; nothing the doctor runs may create an object.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Issue } from '../src/issue.js';
import { statusOf, type Status } from '../src/preflight/finding.js';

/** A doctor finding with the status its text line prints. */
type Finding = Issue & { status: Status };
import type { ClusterState } from './cluster/control-plane.js';
import { createNamespace, mustKubectl, startTestCluster } from './support/cluster.js';
import { FIXTURES, ROOT } from './support/paths.js';

const Doctor = suite('doctor --cluster on a real API server');
let cluster: { state: ClusterState; stop: () => void } | undefined;
const state = () => cluster!.state;
const dir = mkdtempSync(join(tmpdir(), 'retool-chart-doctor-cluster-'));
const PRODUCTION = join(ROOT, 'examples/production.values.yaml');
const EVALUATION = join(ROOT, 'examples/evaluation.values.yaml');
const kubectl = (...args: string[]) => mustKubectl(state(), args);

Doctor.before(async () => {
  cluster = startTestCluster((line) => process.stderr.write(`${line}\n`));
  await createNamespace(state(), 'dc-prod', 'privileged');
  await createNamespace(state(), 'dc-restricted', 'restricted');
  await createNamespace(state(), 'dc-quota', 'privileged');
  await createNamespace(state(), 'dc-eval', 'privileged');
  await kubectl('create', 'quota', 'no-services', '-n', 'dc-quota', '--hard=services=0');
});

Doctor.after(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Report {
  status: number | null;
  ok: boolean;
  findings: Finding[];
  stderr: string;
}

/** The doctor, as an operator runs it: values files, --cluster, the cluster's kubeconfig and kubectl, JSON out. */
function doctor(namespace: string, values: string, extra: string[] = [], kubeconfig = state().kubeconfig): Report {
  const args = ['doctor', '-f', values, '--cluster', '--kubeconfig', kubeconfig, '--kubectl', join(state().bin, 'kubectl'), '-n', namespace, '--release', 'dc', '--no-database', '--output', 'json', ...extra];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent' } });
  assert.ok(r.stdout.trim().startsWith('{'), `doctor ${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  const report = JSON.parse(r.stdout);
  return { status: r.status, ok: report.ok, findings: (report.findings as Issue[]).map((f) => ({ ...f, status: statusOf(f) })), stderr: r.stderr };
}

/** The findings of one cluster check: its code is doctor.<check>. */
const of = (report: Report, check: string) => report.findings.filter((f) => f.code === `doctor.${check}`);
const show = (report: Report) => JSON.stringify(report.findings, null, 2);
function one(report: Report, check: string, status: Status, pattern?: string | RegExp): Finding {
  const found = of(report, check).filter((f) => f.status === status && (!pattern || (typeof pattern === 'string' ? f.message.includes(pattern) || f.path === pattern : pattern.test(f.message))));
  assert.ok(found.length, `no ${status} ${check} finding${pattern ? ` matching ${pattern}` : ''} in:\n${show(report)}`);
  return found[0];
}

Doctor('production example, nothing prepared: its Secrets and its IngressClass fail; version, nodes, Pod Security, dry-run pass', () => {
  const r = doctor('dc-prod', PRODUCTION);
  assert.is(r.status, 1, show(r));
  assert.is(r.ok, false);
  one(r, 'version', 'pass', 'Kubernetes v1.36');
  assert.equal(of(r, 'nodes').map((f) => f.status), ['pass', 'pass', 'pass'], show(r));
  one(r, 'nodes', 'pass', '3 schedulable amd64 node(s) of 3');
  one(r, 'nodes', 'pass', 'offer 24 CPU / 48 GiB allocatable');
  one(r, 'pod-security', 'pass', 'enforces Pod Security "privileged"');
  const secrets = of(r, 'secrets');
  assert.equal(secrets.map((f) => `${f.status} ${f.path}`).sort(), [
    'fail database.external.password', 'fail ingress.tls.secretName', 'fail retool.encryptionKey', 'fail retool.jwtSecret', 'fail retool.licenseKey',
  ]);
  assert.match(secrets.find((f) => f.path === 'retool.licenseKey')!.message, 'Secret retool does not exist in namespace dc-prod (key license-key)');
  one(r, 'ingress-class', 'fail', 'IngressClass nginx does not exist');
  one(r, 'network-policy', 'warn', 'whether they are enforced depends on the network plugin');
  one(r, 'dry-run', 'pass', 'the server accepted all');
  assert.equal(of(r, 'storage'), [], 'no claim under external databases');
});

Doctor('Secrets: a missing key fails naming the path, the Secret and the key; once all are there, exit 0', async () => {
  await kubectl('create', 'secret', 'generic', 'retool', '-n', 'dc-prod', '--from-literal=license-key=l', '--from-literal=encryption-key=e', '--from-literal=jwt-secret=j');
  const tls = join(dir, 'tls');
  spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=retool.example.com', '-days', '1', '-keyout', `${tls}.key`, '-out', `${tls}.crt`], { stdio: 'ignore' });
  await kubectl('create', 'secret', 'tls', 'retool-example-com-tls', '-n', 'dc-prod', `--cert=${tls}.crt`, `--key=${tls}.key`);
  await mustKubectl(state(), ['apply', '-f', '-'], yaml.dump({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } }));
  const missingKey = doctor('dc-prod', PRODUCTION);
  assert.is(missingKey.status, 1);
  const failed = of(missingKey, 'secrets').filter((f) => f.status === 'fail');
  assert.is(failed.length, 1, show(missingKey));
  assert.is(failed[0].path, 'database.external.password');
  assert.match(failed[0].message, 'Secret retool has no key postgres-password (its keys: encryption-key, jwt-secret, license-key)');
  assert.is(of(missingKey, 'secrets').filter((f) => f.status === 'pass').length, 4);
  one(missingKey, 'ingress-class', 'pass', 'IngressClass nginx exists');

  await kubectl('patch', 'secret', 'retool', '-n', 'dc-prod', '--type', 'merge', '-p', '{"stringData":{"postgres-password":"p"}}');
  const ready = doctor('dc-prod', PRODUCTION);
  assert.is(ready.status, 0, show(ready));
  assert.is(ready.ok, true);
  assert.not.ok(ready.findings.some((f) => f.status === 'fail'), show(ready));
  // Read-only: the dry-runs left nothing behind (only the Secrets this test made and the namespace's own objects).
  const left = (await kubectl('get', 'all,configmaps,secrets,serviceaccounts,networkpolicies,ingresses', '-n', 'dc-prod', '-o', 'name')).split('\n').filter(Boolean).sort();
  assert.equal(left, ['configmap/kube-root-ca.crt', 'secret/retool', 'secret/retool-example-com-tls', 'serviceaccount/default']);
});

Doctor('Pod Security: a restricted namespace refuses the compatible preset (check and dry-run fail), fits the restricted one', () => {
  const compatible = doctor('dc-restricted', EVALUATION);
  assert.is(compatible.status, 1);
  const label = one(compatible, 'pod-security', 'fail', 'enforces Pod Security "restricted", but the render (podSecurity: compatible) needs "privileged"');
  assert.match(label.fix!, 'kubectl label namespace dc-restricted pod-security.kubernetes.io/enforce=privileged --overwrite');
  one(compatible, 'dry-run', 'fail', /would violate PodSecurity "restricted:latest".*container "code-executor" must not set securityContext.privileged=true.*the namespace enforces "restricted"/);
  assert.not.ok(of(compatible, 'dry-run').some((f) => f.status === 'pass'), show(compatible));

  const restricted = doctor('dc-restricted', join(FIXTURES, 'restricted.values.yaml'));
  one(restricted, 'pod-security', 'pass', 'the render (podSecurity: restricted) needs "restricted"');
  one(restricted, 'dry-run', 'pass', 'the server accepted all');
  assert.not.ok(of(restricted, 'dry-run').some((f) => f.status !== 'pass'), show(restricted));
  // No ingress.className, and the cluster's one IngressClass (nginx, made above) is not the default.
  one(restricted, 'ingress-class', 'warn', "not set, and no IngressClass is the default (the cluster's: nginx)");
  // Its env and envFrom Secrets are not there: named by their values paths.
  one(restricted, 'secrets', 'fail', 'retool.env.CUSTOM_OAUTH2_SSO_CLIENT_SECRET');
  one(restricted, 'secrets', 'fail', 'podDefaults.extraEnvFrom[0].secretRef');
});

Doctor('dry-run: each object the server refuses (a ResourceQuota of no Services) fails with the server\'s message', async () => {
  // The quota controller fills status.hard; admission only then enforces it.
  await kubectl('wait', '--for=jsonpath={.status.hard.services}=0', 'quota/no-services', '-n', 'dc-quota', '--timeout=30s');
  const r = doctor('dc-quota', EVALUATION);
  assert.is(r.status, 1);
  const refused = of(r, 'dry-run').filter((f) => f.status === 'fail');
  const services = refused.filter((f) => /services "dc-retool-[a-z-]+" is forbidden: exceeded quota: no-services/.test(f.message));
  assert.ok(services.length >= 3, show(r));
  assert.is(services.length, refused.length, 'only the Services are refused');
});

Doctor('dry-run: an HTTPRoute on a cluster without the Gateway API fails with kubectl\'s own message', () => {
  const r = doctor('dc-eval', join(FIXTURES, 'ingress-httproute.values.yaml'));
  assert.is(r.status, 1);
  one(r, 'dry-run', 'fail', /no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io\/v1"/);
});

Doctor('nodes: the production example fits the three nodes; requests no node has fail, and so does the total', () => {
  const huge = doctor('dc-prod', PRODUCTION, ['--set', 'components.api.resources.requests.cpu=12', '--set', 'components.api.resources.limits.cpu=12']);
  assert.is(huge.status, 1);
  one(huge, 'nodes', 'pass', '3 schedulable amd64 node(s)');
  one(huge, 'nodes', 'fail', 'not enough even on empty nodes');
  const size = one(huge, 'nodes', 'fail', 'Deployment/dc-retool-api asks 12 CPU');
  assert.match(size.message, 'has 8 CPU / 16 GiB');
});

Doctor('StorageClass: the default class, a named class missing, then present with no default left', async () => {
  const named = doctor('dc-eval', EVALUATION, ['--set', 'database.embedded.storage.storageClassName=fast-ssd']);
  const storage = of(named, 'storage');
  assert.equal(storage.map((f) => `${f.status} ${f.path}`), ['pass StatefulSet/dc-retool-blob-storage claim data', 'fail StatefulSet/dc-retool-storage-postgresql claim data', 'pass StatefulSet/dc-retool-retooldb-postgresql claim data'], show(named));
  assert.match(storage[1].message, "StorageClass fast-ssd does not exist (the cluster's: standard)");
  assert.match(storage[2].message, 'the default StorageClass standard provisions it');

  await mustKubectl(state(), ['apply', '-f', '-'], yaml.dump({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast-ssd' }, provisioner: 'kwok.x-k8s.io/volume' }));
  await kubectl('annotate', 'storageclass', 'standard', 'storageclass.kubernetes.io/is-default-class-');
  try {
    const noDefault = doctor('dc-eval', EVALUATION, ['--set', 'database.embedded.storage.storageClassName=fast-ssd']);
    assert.equal(of(noDefault, 'storage').map((f) => f.status), ['fail', 'pass', 'fail'], show(noDefault));
    one(noDefault, 'storage', 'fail', "no storageClassName and no default StorageClass (annotation storageclass.kubernetes.io/is-default-class=true; the cluster's: fast-ssd, standard)");
  } finally {
    await kubectl('annotate', 'storageclass', 'standard', 'storageclass.kubernetes.io/is-default-class=true', '--overwrite');
  }
});

Doctor('a namespace that does not exist: Pod Security and the dry-run warn (doctor creates nothing)', async () => {
  const r = doctor('dc-absent', EVALUATION);
  one(r, 'pod-security', 'warn', 'the namespace does not exist; `helm install --create-namespace`');
  one(r, 'dry-run', 'warn', 'a server-side dry-run needs the namespace');
  const namespaces = await kubectl('get', 'namespaces', '-o', 'name');
  assert.not.ok(namespaces.includes('namespace/dc-absent'), namespaces);
});

Doctor('RBAC: a user who may not read Secrets gets a warning, not a failure; nor is a refused dry-run a failure', async () => {
  const user = 'system:serviceaccount:dc-prod:doctor';
  await mustKubectl(state(), ['apply', '-f', '-'], [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'dc-reader' }, rules: [{ apiGroups: ['', 'storage.k8s.io', 'networking.k8s.io'], resources: ['nodes', 'namespaces', 'storageclasses', 'ingressclasses'], verbs: ['get', 'list'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'dc-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'dc-reader' }, subjects: [{ kind: 'User', name: user }] },
    // The built-in view role reads everything in the namespace except Secrets.
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'dc-view', namespace: 'dc-prod' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: user }] },
  ].map((o) => yaml.dump(o)).join('---\n'));
  const config = yaml.load(readFileSync(state().kubeconfig, 'utf8')) as any;
  for (const u of config.users) u.user.as = user;
  const limited = join(dir, 'limited.kubeconfig');
  writeFileSync(limited, yaml.dump(config));
  const r = doctor('dc-prod', PRODUCTION, [], limited);
  const secrets = of(r, 'secrets');
  assert.equal(secrets.map((f) => f.status), ['warn'], show(r));
  assert.match(secrets[0].message, 'not allowed to read Secrets');
  assert.ok(of(r, 'dry-run').length && of(r, 'dry-run').every((f) => f.status === 'warn'), show(r));
  one(r, 'dry-run', 'warn', 'not allowed to dry-run');
  one(r, 'pod-security', 'pass');
  assert.is(r.status, 0, `warnings only: ${show(r)}`);
});

Doctor('the seccomp sandbox needs 1.33 (from the schema): the 1.36 server passes', () => {
  const r = doctor('dc-eval', join(FIXTURES, 'code-executor-seccomp.values.yaml'));
  one(r, 'version', 'pass', 'sandbox: seccomp needs Kubernetes 1.33.0 or newer; the server is v1.36');
});

Doctor('no kubectl, or a cluster that does not answer: one line, exit 3 (a tool failed)', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), 'doctor', '-f', EVALUATION, '--cluster', '--no-database', ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  const noKubectl = run(['--kubectl', join(dir, 'no-such-kubectl')]);
  assert.is(noKubectl.status, 3, noKubectl.stderr);
  assert.match(noKubectl.stderr, /^retool-chart doctor: cannot run kubectl \(.*no-such-kubectl\): .*ENOENT\n$/);
  const config = yaml.load(readFileSync(state().kubeconfig, 'utf8')) as any;
  for (const c of config.clusters) c.cluster.server = 'https://127.0.0.1:1';
  const closed = join(dir, 'closed.kubeconfig');
  writeFileSync(closed, yaml.dump(config));
  const down = run(['--kubectl', join(state().bin, 'kubectl'), '--kubeconfig', closed]);
  assert.is(down.status, 3, down.stderr);
  assert.match(down.stderr, /^retool-chart doctor: cannot reach the cluster \(the current context, kubeconfig .*closed\.kubeconfig\): .*127\.0\.0\.1:1.*\n$/);
  assert.is(down.stdout, '');
});

Doctor.run();
