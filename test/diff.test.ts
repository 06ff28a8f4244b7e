// retool-chart diff: what `helm upgrade` would do, object by object. The official chart's side is given as the
// manifests `helm get manifest` prints (test/fixtures/official/manifests, written for these tests); our side is
// rendered by real Helm.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runHelm } from '../src/io/helm.js';
import { releaseFacts } from '../src/schema/releases.js';
import { projectModel } from '../src/project-model.js';
import type { Issue } from '../src/issue.js';
import { diffManifests, type Manifest, type UpgradeReport } from '../src/upgrade/manifest-diff.js';
import { formatUpgradeReport, formatValueChange } from '../src/upgrade/format-report.js';
import { loadManifestFile, parseManifestText } from '../src/upgrade/load-manifests.js';
import { CHART, FIXTURES, GOLDEN, ROOT } from './support/paths.js';
import { renderFixture } from './support/render.js';

const MANIFESTS = join(FIXTURES, 'official/manifests');
const IMPORTED = join(GOLDEN, 'import');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), ...args], { encoding: 'utf8', cwd: ROOT });

const renderOurs = (release: string, file: string, ...extra: string[]): Manifest[] => {
  const r = runHelm(['template', release, CHART, '--namespace', 'retool', '-f', file, ...extra], { major: 4 });
  if (r.status !== 0) throw new Error(r.stderr);
  return parseManifestText(r.stdout, file);
};
const fixture = (name: string, ...sets: string[]) => parseManifestText(renderFixture(name, 4, sets.flatMap((s) => ['--set', s])), name);
const change = (report: UpgradeReport, id: string) => report.changes.find((c) => c.id === id);
/** The codes of a list of refusals or risks, each `code pointer` when it points into the object. */
const codes = (issues: Issue[]) => issues.map((i) => (i.pointer ? `${i.code} ${i.pointer}` : i.code));

test('official chart, in-release PostgreSQL, release "retool": the clashes and the data move are named', () => {
  const report = diffManifests(loadManifestFile(join(MANIFESTS, 'defaults.retool.yaml')), renderOurs('retool', join(IMPORTED, 'defaults.values.yaml')));
  assert.not.ok(report.safe);
  // Same Deployment name, other selector labels: Kubernetes refuses the patch.
  assert.equal(codes(change(report, 'Deployment/retool-jobs-runner')!.refused), ['diff.immutable-field /spec/selector']);
  // The official Bitnami StatefulSet is deleted, never patched into ours (ours is named storage-postgresql).
  assert.is(change(report, 'StatefulSet/retool-postgresql')!.change, 'deleted');
  assert.equal(codes(change(report, 'StatefulSet/retool-postgresql')!.risks), ['diff.deletes-data']);
  assert.match(change(report, 'StatefulSet/retool-postgresql')!.risks[0].message, 'data-retool-postgresql-0');
  assert.is(change(report, 'StatefulSet/retool-storage-postgresql')!.change, 'created');
  const moved = report.risks.filter((r) => r.code === 'diff.storage-database');
  assert.ok(moved.some((r) => r.message.includes('POSTGRES_HOST retool-postgresql -> retool-storage-postgresql')), JSON.stringify(report.risks));
  assert.is(change(report, 'Deployment/retool')!.change, 'deleted');
  assert.is(change(report, 'Deployment/retool-api')!.change, 'created');
  // Same inline encryption key, so the shared Secret name carries no encryption risk.
  assert.equal(change(report, 'Secret/retool')!.risks, []);
});

test('official chart, external database: only the jobs-runner clash; safe once that Deployment is deleted first', () => {
  const before = loadManifestFile(join(MANIFESTS, 'production.retool.yaml'));
  const after = renderOurs('retool', join(IMPORTED, 'production.values.yaml'));
  const report = diffManifests(before, after);
  const refused = report.changes.filter((c) => c.refused.length).map((c) => c.id);
  assert.equal(refused, ['Deployment/retool-jobs-runner']);
  assert.equal(report.risks, []);
  assert.ok(report.changes.every((c) => !c.risks.length));
  const withoutJobsRunner = before.filter((o) => !(o.kind === 'Deployment' && o.metadata.name === 'retool-jobs-runner'));
  assert.ok(diffManifests(withoutJobsRunner, after).safe, 'kubectl delete deployment retool-jobs-runner, then helm upgrade');
});

test('between our own values: replicas change no pod template; env restarts pods; both are safe', () => {
  const before = fixture('evaluation');
  const scaled = diffManifests(before, fixture('evaluation', 'components.api.replicas=3'));
  assert.ok(scaled.safe);
  assert.equal(scaled.changes.map((c) => [c.id, c.restartsPods]), [['Deployment/prod-retool-api', false]]);
  const env = diffManifests(before, fixture('evaluation', 'retool.env.FEATURE_X=on'));
  assert.ok(env.safe);
  const restarted = env.changes.filter((c) => c.restartsPods).map((c) => c.id);
  assert.ok(restarted.includes('Deployment/prod-retool-api') && restarted.includes('Deployment/prod-retool-jobs-runner'), restarted.join());
  assert.not.ok(restarted.includes('StatefulSet/prod-retool-storage-postgresql'));
});

test('between our own values: numHistoryShards and the encryption key are data risks', () => {
  const shards = diffManifests(fixture('temporal-local'), fixture('temporal-local', 'temporal.local.numHistoryShards=512'));
  assert.not.ok(shards.safe);
  assert.equal(codes(shards.risks), ['diff.history-shards']);
  assert.match(shards.risks[0].message, 'numHistoryShards changes (128 -> 512)');
  const key = diffManifests(fixture('evaluation'), fixture('evaluation', 'retool.encryptionKey=another-key'));
  assert.not.ok(key.safe);
  assert.equal(codes(change(key, 'Secret/prod-retool')!.risks), ['diff.encryption-key']);
});

test('Retool versions: 3.x -> 4.0 is safe, 3.x (or 4.0-less) -> 4.31+ is the documented blocking migration, named with its step', () => {
  const facts = releaseFacts(projectModel().schema);
  const old = fixture('evaluation', 'retool.version=3.334.17');
  assert.ok(diffManifests(old, fixture('evaluation'), facts).safe, '3.334 -> the 4.0 default');
  for (const [version, channel] of [['4.31.0', 'edge'], ['4.33.0', 'stable']]) {
    const report = diffManifests(old, fixture('evaluation', `retool.version=${version}`, `retool.channel=${channel}`), facts);
    assert.not.ok(report.safe, version);
    assert.equal(codes(report.risks), ['diff.upgrade-block'], version);
    assert.match(report.risks[0].message, `Retool 3.334.17 -> ${version} is an upgrade Retool documents as failing`);
    assert.match(report.risks[0].message, 'Upgrade to 4.0 stable');
  }
  assert.ok(diffManifests(fixture('evaluation'), fixture('evaluation', 'retool.version=4.33.0'), facts).safe, 'from 4.0 the step is done');
  // Pinned by digest: the version label still tells.
  const digest = 'images.backend.digest=sha256:' + 'a'.repeat(64);
  assert.not.ok(diffManifests(fixture('evaluation', 'retool.version=3.334.17', digest), fixture('evaluation', 'retool.version=4.33.0', digest), facts).safe);
  // The CLI reads the same table: exit 6 (unsafe).
  const dir = mkdtempSync(join(tmpdir(), 'retool-chart-diff-'));
  try {
    const current = join(dir, 'current.yaml');
    writeFileSync(current, 'retool: { version: 3.300.34 }\n');
    const merged = cli('diff', '--from-values', join(FIXTURES, 'evaluation.values.yaml'), '--from-values', current, '-f', join(FIXTURES, 'evaluation.values.yaml'), '--set', 'retool.version=4.33.0');
    assert.is(merged.status, 6, merged.stdout + merged.stderr);
    assert.match(merged.stdout, 'Retool 3.300.34 -> 4.33.0 is an upgrade Retool documents as failing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('immutable-field rules: headless Service, PersistentVolumeClaim, Job template; deleted claims', () => {
  const obj = (kind: string, name: string, spec: unknown, annotations?: Record<string, string>): Manifest => ({ apiVersion: 'v1', kind, metadata: { name, annotations }, spec });
  const svc = diffManifests([obj('Service', 's', { clusterIP: 'None', ports: [] })], [obj('Service', 's', { ports: [] })]);
  assert.equal(codes(svc.changes[0].refused), ['diff.immutable-field /spec/clusterIP']);
  const grow = diffManifests([obj('PersistentVolumeClaim', 'p', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } })],
    [obj('PersistentVolumeClaim', 'p', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } })]);
  assert.ok(grow.safe, 'a larger storage request is allowed');
  const mode = diffManifests([obj('PersistentVolumeClaim', 'p', { accessModes: ['ReadWriteOnce'] })], [obj('PersistentVolumeClaim', 'p', { accessModes: ['ReadWriteMany'] })]);
  assert.equal(codes(mode.changes[0].refused), ['diff.immutable-field /spec']);
  const job = diffManifests([obj('Job', 'j', { template: { spec: { containers: [{ name: 'a', image: 'x:1' }] } } })], [obj('Job', 'j', { template: { spec: { containers: [{ name: 'a', image: 'x:2' }] } } })]);
  assert.equal(codes(job.changes[0].refused), ['diff.immutable-field /spec/template']);
  assert.equal(codes(diffManifests([obj('PersistentVolumeClaim', 'p', {})], []).changes[0].risks), ['diff.deletes-data']);
  assert.ok(diffManifests([obj('PersistentVolumeClaim', 'p', {}, { 'helm.sh/resource-policy': 'keep' })], []).safe, 'a kept claim is not at risk');
});

test('changed values: old → new per leaf, lists of named items matched by name, Secret values never shown', () => {
  const obj = (kind: string, spec: object, extra: object = {}): Manifest => ({ apiVersion: 'v1', kind, metadata: { name: 'x' }, spec, ...extra });
  const env = (pairs: Record<string, string>) => ({ template: { spec: { containers: [{ name: 'api', env: Object.entries(pairs).map(([name, value]) => ({ name, value })) }] } } });
  const report = diffManifests([obj('Deployment', { replicas: 2, ...env({ A: '1', B: '2' }) })], [obj('Deployment', { replicas: 3, ...env({ A: '1', C: '3', B: '9' }) })]);
  assert.equal(report.changes[0].values, [
    { path: 'spec.replicas', before: 2, after: 3 },
    { path: 'spec.template.spec.containers[api].env[B].value', before: '2', after: '9' },
    { path: 'spec.template.spec.containers[api].env[C]', after: { name: 'C', value: '3' } },
  ]);
  assert.is(formatValueChange(report.changes[0].values[0]), 'spec.replicas: 2 → 3');
  assert.is(formatValueChange(report.changes[0].values[2]), 'spec.template.spec.containers[api].env[C]: (unset) → {"name":"C","value":"3"}');
  const secret = diffManifests([obj('Secret', {}, { data: { 'jwt-secret': 'b2xk' } })], [obj('Secret', {}, { data: { 'jwt-secret': 'bmV3' } })]);
  const text = formatUpgradeReport(secret);
  assert.match(text, 'data.jwt-secret: (changed; Secret values are not shown)');
  assert.not.match(text, 'bmV3');
});

test('CLI: exit 6 when unsafe, 0 when safe, 1 on bad input, 2 on a missing or contradictory option', () => {
  const unsafe = cli('diff', '--from-chart', 'official', '--from-manifest', join(MANIFESTS, 'defaults.retool.yaml'), '-f', join(IMPORTED, 'defaults.values.yaml'), '--release', 'retool');
  assert.is(unsafe.status, 6, unsafe.stderr);
  assert.match(unsafe.stdout, /REFUSED {2}spec\.selector is immutable/);
  assert.match(unsafe.stdout, /NOT safe to upgrade/);
  assert.match(unsafe.stdout, /to proceed, before helm upgrade[^\n]*\n {2}kubectl delete deployment retool-jobs-runner\n/);
  const safe = cli('diff', '--from-values', join(FIXTURES, 'evaluation.values.yaml'), '-f', join(FIXTURES, 'evaluation.values.yaml'), '--set', 'components.api.replicas=3');
  assert.is(safe.status, 0, safe.stderr);
  assert.match(safe.stdout, /changed {2}Deployment\/retool-api {2}spec\.replicas/);
  assert.match(safe.stdout, /\n {4}spec\.replicas: [12] → 3\n/, 'the value before and after');
  assert.match(safe.stdout, /safe to upgrade/);
  // The whole --set family reaches the render, not only the validation.
  const json = cli('diff', '--from-values', join(FIXTURES, 'evaluation.values.yaml'), '-f', join(FIXTURES, 'evaluation.values.yaml'), '--set-json', 'components.api.replicas=3');
  assert.is(json.status, 0, json.stderr);
  assert.match(json.stdout, /changed {2}Deployment\/retool-api {2}spec\.replicas/);
  assert.is(cli('diff', '-f', join(FIXTURES, 'evaluation.values.yaml')).status, 2, 'no current state');
  const official = cli('diff', '--from-chart', 'official', '--from-values', join(FIXTURES, 'evaluation.values.yaml'), '-f', join(FIXTURES, 'evaluation.values.yaml'));
  assert.is(official.status, 2);
  assert.match(official.stderr, 'helm get manifest');
  const missing = cli('diff', '--from-manifest', join(ROOT, 'no-such.yaml'), '-f', join(FIXTURES, 'evaluation.values.yaml'));
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /no-such\.yaml.*file not found/);
  const invalid = cli('diff', '--from-values', join(FIXTURES, 'evaluation.values.yaml'), '-f', join(FIXTURES, 'invalid/bad-enum-profile.values.yaml'));
  assert.is(invalid.status, 1, 'next values are validated first');
  assert.match(invalid.stderr, 'profile');
});

test.run();
