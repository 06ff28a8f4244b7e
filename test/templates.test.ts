// The flow model -> template data -> plain Helm: topology reaches chart-templates/ only as model data, Handlebars
// never sits inside a Go action, the generated templates parse nothing at render time, and every workload is
// written by the one skeleton.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import yaml from 'js-yaml';
import { goLiteral, flowYaml } from '../src/generate/templates.js';
import { buildChartModel } from '../src/model/chart-model.js';
import { SCHEMA_FILE, packageVersion } from '../src/io/project.js';
import { ROOT } from './support/paths.js';

const CHART_TEMPLATES = join(ROOT, 'chart-templates');
const GENERATED = join(ROOT, 'charts/retool/templates');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
const model = buildChartModel(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')), { chartVersion: packageVersion(), schemaFile: SCHEMA_FILE });

test('no topology literal in chart-templates/: names and ports come from the chart model', () => {
  const t = model.temporal;
  const facts = [
    ...new Set([
      ...model.databases.flatMap((db) => [String(db.port), db.name]),
      ...model.temporalServices.flatMap((s) => [s.name, String(s.grpcPort), String(s.membershipPort)]),
      t.setup, t.config, t.web.name, String(t.web.port), String(t.externalPort),
    ]),
  ];
  for (const file of files(CHART_TEMPLATES)) {
    const text = readFileSync(file, 'utf8');
    for (const fact of facts) {
      const word = new RegExp(`(^|[^\\w.-])${fact.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`, 'm');
      assert.not.ok(word.test(text), `${relative(ROOT, file)} holds the model fact ${fact} literally`);
    }
  }
});

test('no Handlebars block inside a Go action in chart-templates/', () => {
  for (const file of files(CHART_TEMPLATES)) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      assert.not.ok(/\\\{\{[^}]*\{\{[#/^]/.test(line), `${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
});

test('the generated templates parse nothing at render time (no fromJson/fromYaml round trip), but a job template once', () => {
  // A job template (x-retool-component jobTemplate) is the one exception: the skeleton's YAML of the Job is read
  // back once, to be written as the JSON its controller reads, and only while the component is on.
  const jobTemplates = new Set(model.components.filter((c) => c.jobTemplate).map((c) => `${c.name}.yaml`));
  for (const file of files(GENERATED)) {
    const text = readFileSync(file, 'utf8');
    const parses = text.match(/\bfrom(Json|Yaml|YamlArray|JsonArray)\b/g) ?? [];
    const allowed = jobTemplates.has(basename(file)) ? ['fromYaml'] : [];
    assert.equal(parses, allowed, `${relative(ROOT, file)} parses text back into data`);
  }
});

test('every Deployment, StatefulSet, Job and Pod comes from the one workload skeleton', () => {
  const skeleton = /^kind: (Deployment|StatefulSet|Job|Pod)$/m;
  for (const file of files(join(CHART_TEMPLATES, 'templates'))) {
    assert.not.ok(skeleton.test(readFileSync(file, 'utf8')), `${relative(ROOT, file)} writes a workload by hand`);
  }
  const written = files(GENERATED).filter((f) => skeleton.test(readFileSync(f, 'utf8'))).map((f) => relative(GENERATED, f)).sort();
  const expected = [
    ...model.components.map((c) => `${c.name}.yaml`),
    ...model.temporalServices.map((s) => `${s.name}.yaml`),
    'blob-storage.yaml', 'postgresql.yaml', 'temporal-schema-job.yaml', 'temporal-web.yaml', 'tests/preflight.yaml',
  ].sort();
  assert.equal(written, expected);
});

test('goLiteral writes model data as a Go template expression', () => {
  assert.is(goLiteral({ b: [1, 'x'], a: { on: true, off: false }, n: null }), '(dict "a" (dict "off" false "on" true) "b" (list 1 "x") "n" nil)');
  assert.is(goLiteral('say "hi"\n'), '"say \\"hi\\"\\n"');
  assert.is(goLiteral([]), '(list)');
});

test('flowYaml keeps strings YAML reads back unchanged', () => {
  const line = flowYaml({ exec: { command: ['sh', '-c', 'pg_isready -h 127.0.0.1', 'yes', '3000', '/api/checkHealth'] } });
  assert.is(line, 'exec: { command: [sh, "-c", "pg_isready -h 127.0.0.1", "yes", "3000", /api/checkHealth] }');
  assert.equal(yaml.load(line, { schema: yaml.DEFAULT_SCHEMA }), { exec: { command: ['sh', '-c', 'pg_isready -h 127.0.0.1', 'yes', '3000', '/api/checkHealth'] } });
});

test.run();
