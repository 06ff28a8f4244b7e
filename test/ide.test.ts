/**
 * The editor experience of values files: drives the real yaml-language-server (the engine of the VS Code
 * YAML extension) over LSP stdio and checks that the published values.schema.json, found through the
 * `# yaml-language-server: $schema=...` modeline, yields squiggles, hover docs and completion.
 * Offline: schema store and every other download are disabled; the schema is read from the chart.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDiagnostics, hoverText, LspClient, type Diagnostic } from './support/lsp.js';
import { CHART, ROOT } from './support/paths.js';

const SCHEMA_PATH = join(CHART, 'values.schema.json');
const SCHEMA_URL = pathToFileURL(SCHEMA_PATH).href;
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as {
  properties: Record<string, { required?: string[]; properties?: Record<string, { description?: string }> }>;
};
const EXAMPLES = join(ROOT, 'examples');
const SECRETS = 'retool:\n  licenseKey: license\n  encryptionKey: encryption\n  jwtSecret: jwt\n';

let client: Promise<LspClient> | undefined;
/** The one server of this file, started on first use (a failed start fails each test readably). */
function server(): Promise<LspClient> {
  client ??= LspClient.start({ root: ROOT, timeoutMs: 20_000 });
  return client;
}

const dir = mkdtempSync(join(tmpdir(), 'retool-ide-'));
let counter = 0;

/** Writes a values document (modeline pointing at the chart schema, absolute file:// URL) to a temp file. */
function writeDoc(body: string, modeline = `# yaml-language-server: $schema=${SCHEMA_URL}`): string {
  const file = join(dir, `values-${++counter}.yaml`);
  writeFileSync(file, `${modeline}\n${body}`);
  return file;
}

/** 0-based line of the only line matching pattern. */
function lineOf(text: string, pattern: RegExp): number {
  const lines = text.split('\n');
  const hits = lines.flatMap((line, i) => (pattern.test(line) ? [i] : []));
  if (hits.length !== 1) throw new Error(`expected exactly one line matching ${pattern}, found ${hits.length}`);
  return hits[0];
}

function errors(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === undefined || d.severity === 1);
}

/** Asserts one diagnostic on `line` whose message matches `message`; names the full list on failure. */
function expectDiagnostic(diagnostics: Diagnostic[], line: number, message: RegExp, what: string): void {
  const hit = diagnostics.find((d) => d.range.start.line === line && message.test(d.message));
  assert.ok(hit, `${what}: expected an error on line ${line + 1} matching ${message}; got:\n${formatDiagnostics(diagnostics)}`);
  assert.is(hit!.severity ?? 1, 1, `${what}: not an error (red squiggle)`);
}

test.after(async () => {
  try {
    if (client) await (await client.catch(() => undefined))?.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const name of readdirSync(EXAMPLES).filter((f) => f.endsWith('.values.yaml')).sort()) {
  test(`examples/${name} opened in place (its own relative modeline) has no diagnostics`, async () => {
    const lsp = await server();
    const { text, diagnostics } = await lsp.openFile(join(EXAMPLES, name));
    assert.match(text.split('\n')[0], /^# yaml-language-server: \$schema=\.\.\/charts\/retool\/values\.schema\.json$/);
    assert.equal(diagnostics, [], `examples/${name}:\n${formatDiagnostics(diagnostics)}`);
  });
}

test('a copy of the production example with a relative modeline from another folder has no diagnostics', async () => {
  const lsp = await server();
  const body = readFileSync(join(EXAMPLES, 'production.values.yaml'), 'utf8').replace(/^# yaml-language-server:.*\n/, '');
  const file = writeDoc(body, `# yaml-language-server: $schema=${relative(dir, SCHEMA_PATH)}`);
  const { diagnostics } = await lsp.openFile(file);
  assert.equal(diagnostics, [], formatDiagnostics(diagnostics));
});

test('unknown key at depth 3, bad enum and wrong type: an error on each line, in yaml-language-server words', async () => {
  const lsp = await server();
  const body = `profile: staging\n${SECRETS}components:\n  api:\n    replica: 2\nworkflows:\n  enabled: "yes"\n`;
  const { text, diagnostics } = await lsp.openFile(writeDoc(body));
  expectDiagnostic(diagnostics, lineOf(text, /^ {4}replica: 2$/), /Property replica is not allowed/, 'components.api.replica');
  expectDiagnostic(diagnostics, lineOf(text, /^profile: staging$/), /Value is not accepted\. Valid values: "evaluation", "production"/, 'profile');
  expectDiagnostic(diagnostics, lineOf(text, /^ {2}enabled: "yes"$/), /Incorrect type\. Expected "boolean"/, 'workflows.enabled');
  assert.is(errors(diagnostics).length, 3, `exactly the three errors expected:\n${formatDiagnostics(diagnostics)}`);
  // Columns point at the offending key/value, not just the line.
  const replica = diagnostics.find((d) => /replica/.test(d.message))!;
  assert.is(replica.range.start.character, 4, formatDiagnostics([replica]));
});

test('cross-field if/then rules (draft-07) are flagged: ingress host, temporal host, production database', async () => {
  const lsp = await server();
  const body =
    `profile: production\n${SECRETS}` +
    'database:\n  mode: embedded\n' +
    'temporal:\n  mode: external\n  external:\n    namespace: default\n' +
    'ingress:\n  enabled: true\n';
  const { text, diagnostics } = await lsp.openFile(writeDoc(body));
  expectDiagnostic(diagnostics, lineOf(text, /^ingress:$/), /Missing property "host"/, 'ingress.enabled without host');
  expectDiagnostic(diagnostics, lineOf(text, /^ {2}external:$/), /Missing property "host"/, 'temporal.mode external without host');
  expectDiagnostic(diagnostics, lineOf(text, /^ {2}mode: embedded$/), /Value must be "external"/, 'profile production with embedded database');
  assert.is(errors(diagnostics).length, 3, `exactly the three errors expected:\n${formatDiagnostics(diagnostics)}`);
});

test('hover on retool.licenseKey and database.mode shows the schema description', async () => {
  const lsp = await server();
  // licenseKey with a plain string value. (With a secretKeyRef value the hover shows the SecretKeyRef
  // definition's own title/description instead; see the report for the schema change that fixes it.)
  const evaluation = await lsp.openFile(join(EXAMPLES, 'evaluation.values.yaml'));
  const keyLine = lineOf(evaluation.text, /^ {2}licenseKey: /);
  const key = hoverText(await lsp.hover(evaluation.uri, { line: keyLine, character: 4 }));
  assert.ok(key.includes(schema.properties.retool.properties!.licenseKey.description!), `licenseKey hover:\n${key}`);

  const production = await lsp.openFile(join(EXAMPLES, 'production.values.yaml'));
  const modeLine = lineOf(production.text, /^ {2}mode: external$/);
  assert.is(lineOf(production.text, /^database:$/), modeLine - 1, 'mode: external is database.mode');
  const mode = hoverText(await lsp.hover(production.uri, { line: modeLine, character: 3 }));
  assert.ok(mode.includes(schema.properties.database.properties!.mode.description!), `database.mode hover:\n${mode}`);
  assert.match(mode, /`embedded`/, `database.mode hover lists allowed values:\n${mode}`);
  assert.match(mode, /`external`/, `database.mode hover lists allowed values:\n${mode}`);
});

test('completion offers the components under components: and the secrets under retool:', async () => {
  const lsp = await server();
  const { uri, text } = await lsp.openFile(writeDoc('retool:\n  \ncomponents:\n  \n'));
  const lines = text.split('\n');

  const retool = (await lsp.completion(uri, { line: lineOf(text, /^retool:$/) + 1, character: 2 })).map((i) => i.label);
  for (const key of ['licenseKey', 'encryptionKey', 'jwtSecret', 'version', 'channel']) {
    assert.ok(retool.includes(key), `retool: completion lacks ${key}: ${retool.join(', ')}`);
  }

  const componentsLine = lineOf(text, /^components:$/);
  assert.is(lines[componentsLine + 1], '  ');
  const components = (await lsp.completion(uri, { line: componentsLine + 1, character: 2 })).map((i) => i.label);
  const expected = Object.keys(schema.properties.components.properties!);
  for (const key of ['api', 'jobsRunner', 'workflowsWorker', ...expected]) {
    assert.ok(components.includes(key), `components: completion lacks ${key}: ${components.join(', ')}`);
  }
  assert.equal([...components].sort(), [...expected].sort(), 'components: completion offers exactly the schema components');
});

test('the runtime values are in the editor: podSecurity and sandbox values complete, the escape hatches are keys', async () => {
  const lsp = await server();
  const { uri, text } = await lsp.openFile(writeDoc(`podSecurity: \n${SECRETS}  \ncomponents:\n  codeExecutor:\n    sandbox: \n  api:\n    \n`));
  const at = (pattern: RegExp, character: number) => ({ line: lineOf(text, pattern), character });
  const presets = (await lsp.completion(uri, at(/^podSecurity: $/, 'podSecurity: '.length))).map((i) => i.label);
  assert.ok(presets.includes('compatible') && presets.includes('restricted'), `podSecurity: ${presets.join(', ')}`);
  const sandboxes = (await lsp.completion(uri, at(/^ {4}sandbox: $/, '    sandbox: '.length))).map((i) => i.label);
  for (const mode of ['nsjail', 'seccomp', 'none']) assert.ok(sandboxes.includes(mode), `sandbox: ${sandboxes.join(', ')}`);
  const retool = (await lsp.completion(uri, { line: lineOf(text, /^ {2}jwtSecret: jwt$/) + 1, character: 2 })).map((i) => i.label);
  for (const key of ['baseDomain', 'cookieInsecure', 'env']) assert.ok(retool.includes(key), `retool: ${retool.join(', ')}`);
  const api = (await lsp.completion(uri, { line: lineOf(text, /^ {2}api:$/) + 1, character: 4 })).map((i) => i.label);
  for (const key of ['extraEnvFrom', 'extraVolumes', 'extraVolumeMounts', 'extraContainers', 'initContainers', 'javaDbConnector']) {
    assert.ok(api.includes(key), `components.api: ${api.join(', ')}`);
  }
});

test('podSecurity: restricted with the default nsjail sandbox is flagged in the editor too', async () => {
  const lsp = await server();
  const { diagnostics } = await lsp.openFile(writeDoc(`podSecurity: restricted\n${SECRETS}workflows:\n  enabled: true\ncomponents:\n  codeExecutor:\n    sandbox: nsjail\n`));
  assert.ok(diagnostics.length > 0, 'no diagnostic for restricted + nsjail');
});

test('charts/retool/values.yaml (own relative modeline) only misses the three required secrets at retool:', async () => {
  const lsp = await server();
  const { text, diagnostics } = await lsp.openFile(join(CHART, 'values.yaml'));
  assert.is(text.split('\n')[0], '# yaml-language-server: $schema=values.schema.json');
  const retoolLine = lineOf(text, /^retool:$/);
  const required = schema.properties.retool.required ?? [];
  assert.equal([...required].sort(), ['encryptionKey', 'jwtSecret', 'licenseKey']);
  const summary = `charts/retool/values.yaml:\n${formatDiagnostics(diagnostics)}`;
  assert.equal(
    diagnostics.map((d) => `${d.range.start.line}:${d.message}`).sort(),
    required.map((key) => `${retoolLine}:Missing property "${key}".`).sort(),
    summary,
  );
});

test.run();
