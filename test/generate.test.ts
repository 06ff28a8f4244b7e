import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import yaml from 'js-yaml';
import { generate, OWNED_DIRS } from '../src/generate/generate.js';
import { diffTree, writeTree } from '../src/io/write-tree.js';
import { stampedUpToDate, writeStamp } from '../src/io/generate-stamp.js';
import { SCHEMA_FILE, packageVersion } from '../src/io/project.js';
import { IssuesError } from '../src/issue.js';
import { SCHEMA_RULES, lintSchema } from '../src/schema/lint.js';
import { buildProjectModel } from '../src/project-model.js';
import { expandPodOptions } from '../src/schema/normalize.js';
import { runHelm } from '../src/io/helm.js';
import { cliReferenceMarkdown } from '../src/cli/specs.js';
import { ROOT } from './support/paths.js';
import type { JsonSchema } from '../src/schema/json-schema.js';

const source = (): JsonSchema => JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
const run = (schemaFile = SCHEMA_FILE) => generate({ projectRoot: ROOT, schemaFile, chartVersion: packageVersion(), cliReference: cliReferenceMarkdown() });
let first: ReturnType<typeof run> | undefined;
/** The generator's output for the project schema, for tests that only read it (the first tests prove a run repeatable). */
const generated = () => (first ??= run());
const tempDir = () => mkdtempSync(join(tmpdir(), 'retool-chart-gen-'));

function writeSchema(dir: string, schema: JsonSchema): string {
  const file = join(dir, 'schema.json');
  writeFileSync(file, JSON.stringify(schema));
  return file;
}

test('the schema files hold no key twice (JSON.parse would keep the last silently; js-yaml refuses)', () => {
  for (const file of [SCHEMA_FILE, join(dirname(SCHEMA_FILE), 'annotations.schema.json')]) {
    assert.not.throws(() => yaml.load(readFileSync(file, 'utf8')), `${file} has a duplicated key`);
  }
});

test('generating twice gives identical bytes', async () => {
  const a = await run();
  const b = await run();
  assert.equal([...a.files.keys()], [...b.files.keys()]);
  for (const [path, content] of a.files) assert.is(b.files.get(path), content, path);
});

test('generation never mutates its input schema', async () => {
  const before = readFileSync(SCHEMA_FILE, 'utf8');
  const schema = source();
  const copy = structuredClone(schema);
  expandPodOptions(schema);
  assert.equal(schema, copy);
  await run();
  assert.is(readFileSync(SCHEMA_FILE, 'utf8'), before);
});

test('committed generated files are in step with the schema', async () => {
  assert.equal(diffTree(ROOT, (await generated()).files, OWNED_DIRS), []);
});

test('--check names a file that drifted and a stray file', async () => {
  const dir = tempDir();
  try {
    const { files } = await generated();
    writeTree(dir, files, OWNED_DIRS);
    assert.equal(diffTree(dir, files, OWNED_DIRS), []);
    writeFileSync(join(dir, 'charts/retool/values.yaml'), 'edited: by hand\n');
    writeFileSync(join(dir, 'charts/retool/templates/stray.yaml'), '');
    assert.equal(diffTree(dir, files, OWNED_DIRS), ['charts/retool/templates/stray.yaml (not generated)', 'charts/retool/values.yaml']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('generate --check stamp: trusted only while every input and output is byte-identical to a full run', () => {
  const root = tempDir();
  const cache = tempDir();
  const saved = process.env.RETOOL_CHART_CACHE;
  process.env.RETOOL_CHART_CACHE = cache;
  try {
    const put = (path: string, text: string) => { mkdirSync(dirname(join(root, path)), { recursive: true }); writeFileSync(join(root, path), text); };
    for (const [path, text] of [['src/a.ts', 'a'], ['chart-templates/t.hbs', 't'], ['package.json', '{}'], ['schema.json', '{}'], ['charts/retool/x.yaml', 'x'], ['src/generated/y.ts', 'y']]) put(path, text);
    const files = new Map([['charts/retool/x.yaml', 'x'], ['src/generated/y.ts', 'y']]);
    const schemaFile = join(root, 'schema.json');
    assert.is(stampedUpToDate(root, schemaFile, OWNED_DIRS), undefined, 'no stamp: a full check');
    writeStamp(root, schemaFile, files);
    assert.is(stampedUpToDate(root, schemaFile, OWNED_DIRS), 2);
    put('src/generated/y.ts', 'edited');
    assert.is(stampedUpToDate(root, schemaFile, OWNED_DIRS), undefined, 'an edited output');
    put('src/generated/y.ts', 'y');
    put('charts/retool/stray.yaml', 's');
    assert.is(stampedUpToDate(root, schemaFile, OWNED_DIRS), undefined, 'a stray file in an owned directory');
    rmSync(join(root, 'charts/retool/stray.yaml'));
    assert.is(stampedUpToDate(root, schemaFile, OWNED_DIRS), 2);
    for (const [path, text] of [['src/a.ts', 'b'], ['chart-templates/new.hbs', 'n'], ['schema.json', '{"a":1}']]) {
      const before = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
      put(path, text);
      assert.is(stampedUpToDate(root, schemaFile, OWNED_DIRS), undefined, `a changed input: ${path}`);
      if (before === undefined) rmSync(join(root, path)); else put(path, before);
    }
    assert.is(stampedUpToDate(root, schemaFile, OWNED_DIRS), 2, 'back to the stamped state');
  } finally {
    if (saved === undefined) delete process.env.RETOOL_CHART_CACHE; else process.env.RETOOL_CHART_CACHE = saved;
    rmSync(root, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});

test('a failing write leaves the previous chart untouched', async () => {
  const dir = tempDir();
  try {
    const { files } = await generated();
    writeTree(dir, files, OWNED_DIRS);
    const broken = new Map(files);
    broken.set('charts/retool/templates', 'a file where a directory must be');
    assert.throws(() => writeTree(dir, broken, OWNED_DIRS));
    assert.equal(diffTree(dir, files, OWNED_DIRS), [], 'old tree intact');
    assert.equal(readdirSync(dir).sort(), ['README.md', 'charts', 'src'], 'no temp dirs left');
    assert.equal(readdirSync(join(dir, 'charts')), ['retool']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('no Handlebars syntax is left in the generated chart', async () => {
  for (const [path, content] of (await generated()).files) {
    if (!path.startsWith('charts/')) continue;
    assert.not.match(content, /\{\{\{\{|\\\{\{|\{\{!|\{\{#|\{\{\//, path);
  }
});

test('values.yaml carries every schema default, opens with the schema modeline, and documents keys', async () => {
  const { files, model } = await generated();
  const text = files.get('charts/retool/values.yaml')!;
  assert.ok(text.startsWith('# yaml-language-server: $schema=values.editor.schema.json\n'));
  assert.equal(yaml.load(text), model.defaults);
  assert.match(text, /# Retool version as X\.Y\.Z[^\n]*\n {2}version: 4\.0\.7/);
  assert.match(text, /# licenseKey: {3}\(required, no default\)/);
});

test('values.schema.json is draft-07, self-contained and free of generator annotations', async () => {
  const text = (await generated()).files.get('charts/retool/values.schema.json')!;
  const schema = JSON.parse(text);
  assert.is(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  for (const ref of text.matchAll(/"\$ref": "([^"]+)"/g)) assert.match(ref[1], /^#\/definitions\//);
  assert.not.match(text, /x-retool-/);
  assert.ok(schema.properties.global, 'global is declared');
});

test('types: closed objects have no index signature, free-form maps do', async () => {
  const types = (await generated()).files.get('src/generated/values.ts')!;
  const root = types.slice(types.indexOf('export interface RetoolValues'), types.indexOf('\n}\n', types.indexOf('export interface RetoolValues')));
  assert.not.match(root, /\n {2}\[k: string\]/, 'RetoolValues is closed');
  assert.match(root, /\n {2}global\?: \{\n {4}\[k: string\]: unknown;/, 'global is free-form');
  assert.match(types, /export type SecretValue = string \| SecretKeyRef;/);
  assert.match(types, /export interface EnvMap \{\n(?:.*\n)*? {2}\[k: string\]: string;/);
  assert.match(types, /replicas\?: number/);
});

test('a synthetic component in a scratch copy of the schema: chart, NetworkPolicies, docs and types follow with no other edit', async () => {
  const dir = tempDir();
  try {
    const schema = source();
    schema.properties!.components.properties!.reportWorker = {
      description: 'A hypothetical extra worker, to prove components come from the schema alone.',
      type: 'object',
      additionalProperties: false,
      'x-retool-pod-options': true,
      'x-retool-component': {
        name: 'report-worker', image: 'backend', serviceType: ['REPORT_WORKER'], ports: [{ name: 'http', port: 3000 }], replicable: true,
        probe: { path: '/api/checkHealth', port: 'http' }, edges: ['storageDatabase', 'codeExecutor'], enabledBy: 'workflows.enabled',
        source: 'a test: no Retool artefact runs this component',
      },
      properties: { replicas: { description: 'Number of report-worker pods.', type: 'integer', minimum: 1, default: 3 } },
    };
    const { files } = await run(writeSchema(dir, schema));
    assert.ok(files.has('charts/retool/templates/report-worker.yaml'));
    writeTree(dir, files, OWNED_DIRS);
    const result = runHelm(['template', 'x', join(dir, 'charts/retool'), '--set', 'retool.licenseKey=l,retool.encryptionKey=e,retool.jwtSecret=j']);
    assert.is(result.status, 0, result.stderr);
    const docs = yaml.loadAll(result.stdout) as any[];
    const deployment = docs.find((d) => d?.kind === 'Deployment' && d.metadata.name === 'x-retool-report-worker');
    assert.ok(deployment, 'report-worker Deployment rendered');
    assert.is(deployment.spec.replicas, 3);
    const env = new Map<string, any>(deployment.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    assert.is(env.get('SERVICE_TYPE').value, 'REPORT_WORKER');
    assert.ok(env.get('POSTGRES_PASSWORD').valueFrom.secretKeyRef);
    assert.is(env.get('CODE_EXECUTOR_INGRESS_DOMAIN').value, 'http://x-retool-code-executor:3004');
    assert.not.ok(docs.some((d) => d?.kind === 'Service' && d.metadata.name === 'x-retool-report-worker'), 'nothing calls it: no Service');
    assert.ok(files.get('charts/retool/values.yaml')!.includes('reportWorker:'));
    assert.ok(files.get('src/generated/values.ts')!.includes('reportWorker?:'));
    const bad = runHelm(['template', 'x', join(dir, 'charts/retool'), '--set', 'retool.licenseKey=l,retool.encryptionKey=e,retool.jwtSecret=j,components.reportWorker.replica=1']);
    assert.is.not(bad.status, 0, 'the new component is closed too');
    // NetworkPolicies: its own (its edges, the license edge its image implies, nobody in), and the callee admits it.
    const secured = runHelm(['template', 'x', join(dir, 'charts/retool'), '--set', 'retool.licenseKey=l,retool.encryptionKey=e,retool.jwtSecret=j,networkPolicy.enabled=true']);
    assert.is(secured.status, 0, secured.stderr);
    const policies = (yaml.loadAll(secured.stdout) as any[]).filter((d) => d?.kind === 'NetworkPolicy');
    const policy = (name: string) => policies.find((p) => p.metadata.name === `x-retool-${name}`);
    const own = policy('report-worker');
    assert.ok(own, 'report-worker NetworkPolicy');
    assert.equal(own.spec.ingress, [], 'nothing calls it');
    const reaches = (p: any, component: string, port: number) => p.spec.egress.some((r: any) => r.to?.some((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === component) && r.ports?.some((x: any) => x.port === port));
    assert.ok(reaches(own, 'code-executor', 3004), 'out to code-executor');
    assert.ok(reaches(own, 'storage-postgresql', 5432), 'out to the storage database');
    assert.ok(own.spec.egress.some((r: any) => r.ports?.some((x: any) => x.port === 443) && r.to?.some((peer: any) => peer.ipBlock)), 'out to the license CIDRs (retoolEnv)');
    const admits = (p: any, component: string) => p.spec.ingress.some((r: any) => r.from?.some((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === component));
    assert.ok(admits(policy('code-executor'), 'report-worker'), 'code-executor admits it');
    assert.ok(admits(policy('storage-postgresql'), 'report-worker'), 'the storage database admits it');
    // Docs: the chart README's runtime table and its source note; the values table.
    const readme = files.get('charts/retool/README.md')!;
    assert.match(readme, /\| `report-worker` \| `backend` \|/);
    assert.match(readme, '- report-worker: a test: no Retool artefact runs this component');
    assert.match(readme, 'components.reportWorker.replicas');
    // Types and the published schema.
    assert.match(files.get('src/generated/values.ts')!, /reportWorker\?: /);
    assert.ok(JSON.parse(files.get('charts/retool/values.schema.json')!).properties.components.properties.reportWorker);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

// Each house rule, broken on purpose, must be reported with its code (and its sentence as the message).
const BREAKAGES: Array<[string, (s: JsonSchema) => void]> = [
  ['lint.draft', (s) => { s.$schema = 'https://json-schema.org/draft/2020-12/schema'; }],
  ['lint.global', (s) => { delete s.properties!.global; }],
  ['lint.ref-target', (s) => { s.properties!.nameOverride = { description: 'x', $ref: 'https://example.com/s.json' }; }],
  ['lint.ref-siblings', (s) => { (s.properties!.retool.properties!.licenseKey as any).minLength = 3; }],
  ['lint.description', (s) => { delete s.properties!.profile.description; }],
  ['lint.pattern-words', (s) => { delete s.properties!.retool.properties!.version.patternErrorMessage; }],
  ['lint.closed-objects', (s) => { delete s.properties!.service.additionalProperties; }],
  ['lint.defaults', (s) => { delete s.properties!.profile.default; }],
  ['lint.annotations', (s) => { (s.properties!.components.properties!.api as any)['x-retool-compnent'] = {}; }],
  ['lint.components', (s) => { (s.properties!.components.properties!.api['x-retool-component'] as any).edges.push('nowhere'); }],
  ['lint.routes', (s) => { (s.properties!.components.properties!.jobsRunner['x-retool-component'] as any).routes = [{ path: '/' }]; }],
  ['lint.edge-kinds', (s) => { (s['x-retool-edge-kinds']!.resources.egress as any).peers = 'networkPolicy.nowhere'; }],
  ['lint.retool-version', (s) => { s.properties!.retool.properties!.version.default = '3.334.17'; }],
  ['lint.databases', (s) => { (s.properties!.retoolDatabase['x-retool-database'] as any).passwordKey = 'postgres-password'; }],
  ['lint.temporal-services', (s) => { (s.properties!.temporal.properties!.local.properties!.history['x-retool-temporal-service'] as any).service = 'frontend'; }],
];

test('every schema rule has a breaking case', () => {
  assert.equal(BREAKAGES.map(([code]) => code).sort(), SCHEMA_RULES.map(([code]) => code).sort());
});

for (const [code, breakIt] of BREAKAGES) {
  const sentence = SCHEMA_RULES.find(([c]) => c === code)![1];
  test(`schema lint: ${code} (${sentence})`, () => {
    const schema = source();
    lintSchema(expandPodOptions(schema), 'schema.json');
    breakIt(schema);
    try {
      lintSchema(expandPodOptions(schema), 'schema.json');
      assert.unreachable('lint accepted a broken schema');
    } catch (error) {
      assert.instance(error, IssuesError);
      const hit = (error as IssuesError).issues.find((i) => i.code === code);
      assert.ok(hit, (error as Error).message);
      assert.ok(hit!.message.startsWith(sentence) && hit!.pointer.startsWith('/'), JSON.stringify(hit));
    }
  });
}

test('schema lint: lint.components cross-checks discover, init mounts, job templates, addsRoles overrides and envWhileOn', () => {
  const annotation = (s: JsonSchema, key: string) => s.properties!.components.properties![key]['x-retool-component'] as any;
  const cases: Array<[string, (s: JsonSchema) => void]> = [
    ['discover nowhere is not a component it has an edge to', (s) => { annotation(s, 'agentSandboxProxy').discover = { nowhere: 'NOWHERE_URL' }; }],
    ['init mount /nowhere is none of its scratch directories', (s) => { annotation(s, 'agentSandbox').init[0].mounts[0].scratch = '/nowhere'; }],
    ['a job template\'s pods are created by a controller', (s) => { annotation(s, 'agentSandbox').routes = [{ path: '/sandbox' }]; }],
    ['addsRoles enabledOverride appBuilder.enabled must be a value that takes null or false only', (s) => { annotation(s, 'api').addsRoles[0].enabledOverride = 'appBuilder.enabled'; }],
    ['envWhileOn nowhere is not a component', (s) => { annotation(s, 'mcp').envWhileOn = { nowhere: { env: { X: 'y' }, source: 'test' } }; }],
    ['envWhileOn api: that component is always on', (s) => { annotation(s, 'mcp').envWhileOn = { api: { env: { X: 'y' }, source: 'test' } }; }],
    ['secretEnv AGENT_SANDBOX_JWT_PRIVATE_KEY: appBuilder.nowhere is not a values path', (s) => { annotation(s, 'mcp').envWhileOn.agentSandboxController.secretEnv.AGENT_SANDBOX_JWT_PRIVATE_KEY.value = 'appBuilder.nowhere'; }],
  ];
  for (const [detail, breakIt] of cases) {
    const schema = source();
    breakIt(schema);
    try {
      lintSchema(expandPodOptions(schema), 'schema.json');
      assert.unreachable(`lint accepted: ${detail}`);
    } catch (error) {
      assert.instance(error, IssuesError);
      assert.ok((error as IssuesError).issues.some((i) => i.code === 'lint.components' && i.message.includes(detail)), `${detail}: ${(error as Error).message}`);
    }
  }
});

// The annotation schema (ajv strict) decides the shapes: each broken annotation is reported at its JSON pointer.
const ANNOTATION_BREAKAGES: Array<[string, string, (s: JsonSchema) => void]> = [
  ['a missing field', '#/properties/components/properties/api/x-retool-component  annotations match schema/annotations.schema.json: source is missing', (s) => { delete (s.properties!.components.properties!.api['x-retool-component'] as any).source; }],
  ['a port out of range', '#/properties/components/properties/jobsRunner/x-retool-component/ports/0/port', (s) => { (s.properties!.components.properties!.jobsRunner['x-retool-component'] as any).ports[0].port = 70000; }],
  ['an unknown field', 'unknown key ingress', (s) => { (s.properties!.components.properties!.api['x-retool-component'] as any).ingress = true; }],
  ['a bad env name', '#/properties/images/properties/backend/x-retool-image/env', (s) => { (s.properties!.images.properties!.backend['x-retool-image'] as any).env['node-env'] = 'x'; }],
  ['an unknown Temporal service', 'x-retool-temporal-service/service', (s) => { (s.properties!.temporal.properties!.local.properties!.history['x-retool-temporal-service'] as any).service = 'histories'; }],
  ['an edge kind without egress', '#/x-retool-edge-kinds/license  annotations match schema/annotations.schema.json: egress is missing', (s) => { delete (s['x-retool-edge-kinds']!.license as any).egress; }],
];

for (const [what, expected, breakIt] of ANNOTATION_BREAKAGES) {
  test(`annotation schema refuses ${what}`, () => {
    const schema = source();
    breakIt(schema);
    try {
      lintSchema(expandPodOptions(schema), 'schema.json');
      assert.unreachable('lint accepted a broken annotation');
    } catch (error) {
      assert.instance(error, IssuesError);
      const lines = (error as IssuesError).issues.map((i) => `${i.path}  ${i.message}`);
      assert.ok(lines.some((l) => l.includes(expected)), lines.join('\n'));
    }
  });
}

test('generate refuses a broken schema and writes nothing', async () => {
  const dir = tempDir();
  try {
    const schema = source();
    delete schema.properties!.profile.description;
    const file = writeSchema(dir, schema);
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const result = runNode(['generate', '--schema', file, '--out', dir]);
    assert.is(result.status, 1);
    assert.match(result.stderr, 'every property has a description');
    // file:line:col of the offending property in the schema source
    const line = JSON.stringify(schema, null, 2).split('\n').findIndex((l) => l.startsWith('    "profile": {')) + 1;
    assert.match(result.stderr, `${file}:${line}:5  #/properties/profile  every property has a description`);
    assert.not.ok(existsSync(join(dir, 'charts')));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('one project-model builder for generate and validate: a broken schema is named with file:line:col either way', () => {
  const dir = tempDir();
  try {
    const schema = source();
    delete schema.properties!.profile.description;
    const file = join(dir, 'schema.json');
    const text = JSON.stringify(schema, null, 2);
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.startsWith('    "profile": {')) + 1;
    try {
      buildProjectModel({ schemaFile: file, chartVersion: packageVersion() });
      assert.unreachable('a broken schema built a model');
    } catch (error) {
      assert.instance(error, IssuesError);
      assert.equal((error as IssuesError).issues.map(({ path, line: l, column }) => ({ path, line: l, column })), [{ path: '#/properties/profile', line, column: 5 }]);
    }
    writeFileSync(file, text.replace('"profile": {', '"profile": {,'));
    assert.throws(() => buildProjectModel({ schemaFile: file, chartVersion: packageVersion() }), new RegExp(`${file.replace(/[.]/g, '\\.')}:${line}:\\d+`));
    // validate, explain, doctor, init and import read the project's schema through the same builder.
    assert.match(readFileSync(join(ROOT, 'src/project-model.ts'), 'utf8'), /projectModel\(\)[^]*buildProjectModel\(/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

function runNode(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), ...args], { encoding: 'utf8' });
}

test.run();
