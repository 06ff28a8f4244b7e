import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { helmAll, helmAsync } from './support/helm-cache.js';
import { CHART, FIXTURES, INVALID_FIXTURES, ROOT } from './support/paths.js';
import { MAJORS, parseManifests } from './support/render.js';

const EXAMPLE = join(ROOT, 'examples/evaluation.values.yaml');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), ...args], { encoding: 'utf8', cwd: ROOT });
const EXAMPLES = readdirSync(join(ROOT, 'examples'));
const PRODUCTION = join(FIXTURES, 'production-external.values.yaml');
/** The chart's Kubernetes floor and the minor just below it, which must be refused. */
const MIN_KUBERNETES: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).retoolChart.minKubernetes;
const BELOW_FLOOR = MIN_KUBERNETES.replace(/^(\d+)\.(\d+)\..*$/, (_, major, minor) => `${major}.${Number(minor) - 1}.0`);

// The Helm runs of this file start in the background at once; each test reads its own results.
helmAll([
  ...EXAMPLES.flatMap((example) => MAJORS.map((major) => ({ args: ['template', 'x', CHART, '-f', join(ROOT, 'examples', example)], major }))),
  ...MAJORS.flatMap((major) => [{ args: ['lint', '--strict', CHART, '-f', EXAMPLE], major }, { args: ['template', 'x', CHART, '-f', EXAMPLE, '--kube-version', BELOW_FLOOR], major }]),
  { args: ['install', 'retool', CHART, '-f', EXAMPLE, '--dry-run=client', '--namespace', 'retool'], major: 4 },
  { args: ['install', 'retool', CHART, '-f', PRODUCTION, '--dry-run=client'], major: 4 },
]).catch(() => {});

test('every example validates and renders with both Helm majors', async () => {
  for (const example of EXAMPLES) {
    const file = join(ROOT, 'examples', example);
    assert.is(cli('validate', '-f', file).status, 0, example);
    for (const major of MAJORS) assert.is((await helmAsync(['template', 'x', CHART, '-f', file], major)).status, 0, `${example} helm ${major}`);
  }
});

test('validate: a valid file exits 0', () => {
  const r = cli('validate', '-f', EXAMPLE);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'valid');
});

test('validate: every error as file:line:col  path  message, exit 1', () => {
  const file = join(INVALID_FIXTURES, 'unknown-key-depth-3.values.yaml');
  const r = cli('validate', '-f', EXAMPLE, '-f', file, '--set', 'profile=staging');
  assert.is(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.some((l) => l.startsWith(`${file}:8:5  components.api.replica  unknown key "replica"`)), r.stderr);
  assert.ok(lines.some((l) => /^--set:1:\d+ {2}profile {2}must be one of: evaluation, production/.test(l)), r.stderr);
  assert.match(r.stderr, /2 error\(s\)/);
});

test('validate: later files and --set win, like Helm', () => {
  const broken = join(INVALID_FIXTURES, 'bad-enum-profile.values.yaml');
  assert.is(cli('validate', '-f', broken, '--set', 'profile=evaluation').status, 0);
  assert.is(cli('validate', '-f', broken, '-f', EXAMPLE).status, 1, 'the example does not set profile, so staging stays');
});

test('validate and render: --set-json, --set-literal and --set-file, as Helm applies them', () => {
  const json = cli('validate', '-f', EXAMPLE, '--set-json', 'components.api.podLabels={"team":1}');
  assert.is(json.status, 1);
  assert.match(json.stderr, /--set-json:1:1 +components\.api\.podLabels\.team +must be string/);
  assert.is(cli('validate', '-f', EXAMPLE, '--set-json', 'components.api.podLabels={"team":"a"}', '--set-literal', 'components.api.podAnnotations.note=a,b=c').status, 0);
  const rendered = cli('render', '-f', EXAMPLE, '--set-literal', 'components.api.podAnnotations.note=a,b=c', '--set-file', `components.api.podAnnotations.file=${join(ROOT, 'package.json')}`);
  assert.is(rendered.status, 0, rendered.stderr);
  const api = parseManifests(rendered.stdout).find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-api'))!;
  assert.is(api.spec.template.metadata.annotations.note, 'a,b=c');
  assert.match(api.spec.template.metadata.annotations.file, /"name": "retool-chart"/);
});

test('validate: a missing file and a YAML syntax error are reported, not thrown', () => {
  const r = cli('validate', '-f', join(ROOT, 'no-such.values.yaml'));
  assert.is(r.status, 1);
  assert.match(r.stderr, 'no-such.values.yaml');
  const bad = cli('validate', '-f', join(ROOT, 'package.json'), '--set', 'retool.licenseKey=x');
  assert.is(bad.status, 1);
});

test('validate: unknown options are refused', () => {
  const r = cli('validate', '--fil', EXAMPLE);
  assert.is(r.status, 2, 'a usage error');
  assert.match(r.stderr, 'unknown option "--fil"');
});

test('render: validates first and prints manifests', () => {
  const ok = cli('render', '-f', EXAMPLE, '--helm', '3', '--kube-version', '1.31.0');
  assert.is(ok.status, 0, ok.stderr);
  assert.ok(parseManifests(ok.stdout).some((o) => o.kind === 'Deployment'));
  const bad = cli('render', '-f', join(INVALID_FIXTURES, 'ingress-no-host.values.yaml'));
  assert.is(bad.status, 1);
  assert.is(bad.stdout, '', 'nothing rendered');
  assert.match(bad.stderr, 'ingress.host');
});

test('helm: runs the bundled binaries', () => {
  const four = cli('helm', '--', 'version', '--short');
  assert.is(four.status, 0);
  assert.match(four.stdout, /^v4\.1\./);
  const three = cli('helm', '--major', '3', '--', 'version', '--short');
  assert.match(three.stdout, /^v3\.18\./);
  assert.is(cli('helm', '--major', '5', '--', 'version').status, 2, 'a usage error');
});

test('npm start: summarises what the evaluation example and Retool 4.x\'s complete app builder deploy', () => {
  const r = cli('start');
  assert.is(r.status, 0, r.stderr);
  const [evaluation, builder] = r.stdout.split('examples/app-builder.values.yaml (');
  assert.ok(builder, r.stdout);
  for (const name of ['retool-api', 'retool-jobs-runner', 'retool-workflows-worker', 'retool-code-executor', 'retool-storage-postgresql']) assert.match(evaluation, name);
  assert.not.match(evaluation, 'agent-sandbox');
  for (const name of ['retool-js-executor', 'retool-r2-agent-worker', 'retool-agent-sandbox-controller', 'retool-agent-sandbox-proxy', 'retool-agent-sandbox-job-template', 'retool-mcp', 'retool-blob-storage']) assert.match(builder, name);
});

for (const major of MAJORS) {
  test(`helm ${major} lint --strict passes with the evaluation example`, async () => {
    const r = await helmAsync(['lint', '--strict', CHART, '-f', EXAMPLE], major);
    assert.is(r.status, 0, r.stdout + r.stderr);
  });
}

test('Kubernetes older than the floor is refused before anything renders; Chart.yaml carries the floor', async () => {
  assert.match(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'), `kubeVersion: ">=${MIN_KUBERNETES}-0"`);
  for (const major of MAJORS) {
    const r = await helmAsync(['template', 'x', CHART, '-f', EXAMPLE, '--kube-version', BELOW_FLOOR], major);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, `>=${MIN_KUBERNETES}-0`);
  }
});

test('helm 4 install --dry-run=client shows the evaluation-only warning in NOTES', async () => {
  const r = await helmAsync(['install', 'retool', CHART, '-f', EXAMPLE, '--dry-run=client', '--namespace', 'retool'], 4);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'EVALUATION ONLY');
  assert.match(r.stdout, 'workflows-worker: 1 replica(s)');
  const prod = await helmAsync(['install', 'retool', CHART, '-f', PRODUCTION, '--dry-run=client'], 4);
  assert.is(prod.status, 0, prod.stderr);
  assert.not.match(prod.stdout, 'EVALUATION ONLY');
});

test.run();
