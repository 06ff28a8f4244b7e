/**
 * The editor experience of values files: drives the real yaml-language-server (the engine of the VS Code
 * YAML extension) over LSP stdio with the editor schema (values.editor.schema.json, found through the
 * `# yaml-language-server: $schema=...` modeline) and checks that the editor says what `validate` and Helm
 * say on every fixture (same verdict, same lines, the same reason text), plus hover docs, completion and
 * snippets. Offline: schema store and every other download are disabled; the schema is read from the chart.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EDITOR_SCHEMA_FILE } from '../src/generate/editor-schema.js';
import { projectModel } from '../src/project-model.js';
import { resolvePointer, type JsonSchema } from '../src/schema/json-schema.js';
import { visit } from '../src/schema/visit.js';
import { ruleReason } from '../src/schema/rules.js';
import { validateSources } from '../src/validate/validate-values.js';
import { allFixtureFiles } from './support/fixtures.js';
import { helmAll, helmCached } from './support/helm-cache.js';
import { formatDiagnostics, hoverText, LspClient, type Diagnostic } from './support/lsp.js';
import { CHART, FIXTURES, ROOT } from './support/paths.js';
import { MAJORS } from './support/render.js';

const SCHEMA_PATH = join(CHART, EDITOR_SCHEMA_FILE);
const SCHEMA_URL = pathToFileURL(SCHEMA_PATH).href;
const HELM_SCHEMA_URL = pathToFileURL(join(CHART, 'values.schema.json')).href;
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as JsonSchema & {
  properties: Record<string, { required?: string[]; properties?: Record<string, { description?: string }> }>;
};
const EXAMPLES = join(ROOT, 'examples');
const EDITOR_FIXTURES = join(FIXTURES, 'editor');
const model = projectModel();
const SECRETS = 'retool:\n  licenseKey: license\n  encryptionKey: encryption\n  jwtSecret: jwt\n';

/** Helm 3 and 4 on every editor fixture, run in the background while the editor tests talk to the server. */
const editorFixtureRenders = helmAll(readdirSync(EDITOR_FIXTURES).filter((f) => f.endsWith('.values.yaml'))
  .flatMap((name) => MAJORS.map((major) => ({ args: ['template', 'x', CHART, '-f', join(EDITOR_FIXTURES, name)], major }))));
editorFixtureRenders.catch(() => {}); // awaited by the test that reads them

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
    assert.match(text.split('\n')[0], /^# yaml-language-server: \$schema=\.\.\/charts\/retool\/values\.editor\.schema\.json$/);
    assert.equal(diagnostics, [], `examples/${name}:\n${formatDiagnostics(diagnostics)}`);
  });
}

for (const name of readdirSync(join(CHART, 'ci')).filter((f) => f.endsWith('.yaml')).sort()) {
  test(`charts/retool/ci/${name} (modeline after the banner, relative to ci/) loads the editor schema: clean, and a typo is caught`, async () => {
    const lsp = await server();
    const { uri, text, diagnostics } = await lsp.openFile(join(CHART, 'ci', name));
    assert.match(text.split('\n')[1], /^# yaml-language-server: \$schema=\.\.\/values\.editor\.schema\.json$/);
    assert.equal(diagnostics, [], formatDiagnostics(diagnostics));
    lsp.change(uri, `${text}replicaCount: 2\n`);
    const typo = await lsp.waitForDiagnostics(uri);
    assert.ok(typo.some((d) => /Property replicaCount is not allowed/.test(d.message)), formatDiagnostics(typo));
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
  // null is accepted too: in a values file it deletes the default.
  expectDiagnostic(diagnostics, lineOf(text, /^ {2}enabled: "yes"$/), /Incorrect type\. Expected one of boolean, null/, 'workflows.enabled');
  assert.is(errors(diagnostics).length, 3, `exactly the three errors expected:\n${formatDiagnostics(diagnostics)}`);
  // Columns point at the offending key/value, not just the line.
  const replica = diagnostics.find((d) => /replica/.test(d.message))!;
  assert.is(replica.range.start.character, 4, formatDiagnostics([replica]));
});

test('cross-field rules are flagged with the reason the CLI gives: ingress host, temporal host, production database', async () => {
  const lsp = await server();
  const body =
    `profile: production\n${SECRETS}` +
    'database:\n  mode: embedded\n' +
    'temporal:\n  mode: external\n  external:\n    namespace: default\n' +
    'ingress:\n  enabled: true\n';
  const { text, diagnostics } = await lsp.openFile(writeDoc(body));
  expectDiagnostic(diagnostics, lineOf(text, /^ingress:$/), /^ingress\.enabled requires host\.$/, 'ingress.enabled without host');
  expectDiagnostic(diagnostics, lineOf(text, /^ {2}external:$/), /^temporal\.mode: external requires host and namespace\.$/, 'temporal.mode external without host');
  expectDiagnostic(diagnostics, lineOf(text, /^ {2}mode: embedded$/), /^profile: production requires an external storage database\.$/, 'profile production with embedded database');
  assert.is(errors(diagnostics).length, 3, `exactly the three errors expected:\n${formatDiagnostics(diagnostics)}`);
});

test('the Helm schema (values.schema.json) still works in an editor for those who point at it', async () => {
  const lsp = await server();
  const { text, diagnostics } = await lsp.openFile(writeDoc(`profile: staging\n${SECRETS}`, `# yaml-language-server: $schema=${HELM_SCHEMA_URL}`));
  expectDiagnostic(diagnostics, lineOf(text, /^profile: staging$/), /Value is not accepted\. Valid values: "evaluation", "production"\.$/, 'profile');
  assert.is(errors(diagnostics).length, 1, formatDiagnostics(diagnostics));
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

test('podSecurity: restricted with the default nsjail sandbox is flagged in the editor too, with the rule\'s reason', async () => {
  const lsp = await server();
  const reason = /^podSecurity: restricted needs components\.codeExecutor\.sandbox: none/;
  const explicit = await lsp.openFile(writeDoc(`podSecurity: restricted\n${SECRETS}workflows:\n  enabled: true\ncomponents:\n  codeExecutor:\n    sandbox: nsjail\n`));
  expectDiagnostic(explicit.diagnostics, lineOf(explicit.text, /^ {4}sandbox: nsjail$/), reason, 'sandbox: nsjail written');
  // The sandbox left at its default: shown on podSecurity, the value that switched the rule on (as validate does).
  const implicit = await lsp.openFile(writeDoc(`podSecurity: restricted\n${SECRETS}`));
  expectDiagnostic(implicit.diagnostics, lineOf(implicit.text, /^podSecurity: restricted$/), reason, 'sandbox left at nsjail');
});

test('charts/retool/values.yaml (own relative modeline) only misses the three required secrets at retool:', async () => {
  const lsp = await server();
  const { text, diagnostics } = await lsp.openFile(join(CHART, 'values.yaml'));
  assert.is(text.split('\n')[0], `# yaml-language-server: $schema=${EDITOR_SCHEMA_FILE}`);
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

// ---------------------------------------------------------------------------------------------------------
// One verdict: the editor agrees with `validate` (and so with Helm) on every fixture, line by line.

/** Every cross-field rule's reason: the text the CLI appends to an error and the editor shows as errorMessage. */
const REASONS = (() => {
  const reasons = new Set<string>();
  visit(model.schema, (node) => node.allOf?.forEach((rule) => { const r = ruleReason(rule); if (r) reasons.add(r); }));
  return [...reasons];
})();

/**
 * Fixtures where the editor knowingly differs, each with why. The suite fails if one of them starts to agree
 * (then it belongs out of this list) or if any other fixture disagrees.
 */
const KEPT_DEFAULT_GAP =
  'a null over a key with a chart default: Helm deletes the key and its schema (merged values, with the `global` Helm injects) ' +
    'refuses the deletion, as validate does; an editor checks the file alone and cannot tell a deleted key from one not written, ' +
    'so the rule is left out of the editor schema (README, Guarantees).';
const POD_RULE_GAP =
  'a pod rule JSON Schema cannot state (volume names, mount names and paths, requests above limits): validate and the ' +
    "chart's Helm fail refuse it with the same words; the editor schema cannot compare list items or two values (README, Guarantees).";
const KNOWN_GAPS: Record<string, string> = {
  'test/fixtures/invalid/extra-volume-mount-no-volume.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/extra-volume-mount-path-reserved.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/extra-volume-mount-path-twice.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/extra-volume-name-reserved.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/extra-volume-name-twice.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/requests-above-limits-cpu.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/requests-above-limits-memory.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/sidecar-mount-no-volume.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/sidecar-requests-above-limits.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/null-defaulted-autoscaling.values.yaml': KEPT_DEFAULT_GAP,
  'test/fixtures/invalid/null-defaulted-image.values.yaml': KEPT_DEFAULT_GAP,
  'test/fixtures/invalid/null-defaulted-section.values.yaml': KEPT_DEFAULT_GAP,
  'test/fixtures/invalid/null-components.values.yaml': KEPT_DEFAULT_GAP,
  'test/fixtures/invalid/embedded-database-requests-above-limits.values.yaml': POD_RULE_GAP,
  'test/fixtures/invalid/null-defaulted-value.values.yaml': KEPT_DEFAULT_GAP,
};

/** 0-based line of the document root (first line that is not a comment): where root-level problems show. */
function rootLine(text: string): number {
  const index = text.split('\n').findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#') && line.trim() !== '---');
  return Math.max(0, index);
}

type LineReasons = Map<number, Set<string>>;

function addAt(map: LineReasons, line: number, reason: string | undefined): void {
  const set = map.get(line) ?? new Set<string>();
  if (reason) set.add(reason);
  map.set(line, set);
}

/** `validate`'s issues by line; issues with no place of their own in the file (root, chart defaults) at the root. */
function validateVerdict(file: string, text: string): LineReasons {
  const { issues } = validateSources({ schema: model.schema, defaults: model.defaults, files: [file], defaultsFile: 'charts/retool/values.yaml' });
  const out: LineReasons = new Map();
  for (const issue of issues) {
    const line = issue.file === file && issue.path !== '' ? (issue.line ?? 1) - 1 : rootLine(text);
    addAt(out, line, REASONS.find((r) => issue.message.endsWith(`(${r.replace(/\.$/, '')})`)));
  }
  return out;
}

function editorVerdict(diagnostics: Diagnostic[]): LineReasons {
  const out: LineReasons = new Map();
  for (const d of errors(diagnostics)) addAt(out, d.range.start.line, REASONS.includes(d.message) ? d.message : undefined);
  return out;
}

/** Same verdict, same lines, and on each line the editor gives one of the reasons validate gives (and no other). */
function compare(v: LineReasons, e: LineReasons): string[] {
  const problems: string[] = [];
  const fmt = (m: LineReasons) => [...m.keys()].sort((a, b) => a - b).map((l) => l + 1).join(',') || 'none';
  if ((v.size === 0) !== (e.size === 0)) problems.push(`verdict: validate ${v.size ? 'refuses' : 'accepts'}, editor ${e.size ? 'refuses' : 'accepts'}`);
  if (fmt(v) !== fmt(e)) problems.push(`lines: validate ${fmt(v)}, editor ${fmt(e)}`);
  for (const [line, reasons] of v) {
    const shown = e.get(line);
    if (!shown) continue;
    if (reasons.size && ![...shown].some((r) => reasons.has(r))) problems.push(`line ${line + 1}: editor lacks the reason (${[...reasons].join(' | ')})`);
    for (const r of shown) if (!reasons.has(r)) problems.push(`line ${line + 1}: editor says "${r}", validate does not`);
  }
  return problems;
}

/** Files the server has open and is checking ahead of the one compared. */
const OPEN_AHEAD = 6;

test('every fixture, valid and invalid: the editor reports an error iff validate does, on the same lines, with the same reason', async () => {
  const lsp = await server();
  const files = allFixtureFiles();
  assert.ok(files.length >= 60, `only ${files.length} fixtures`);
  const disagreements: string[] = [];
  const stillGaps: string[] = [];
  let agree = 0;
  let refused = 0;
  // A copy of each with the editor schema's modeline first: the file a user would have open.
  const copies = files.map((source) => {
    const file = join(dir, `${++counter}-${basename(source)}`);
    writeFileSync(file, `# yaml-language-server: $schema=${SCHEMA_URL}\n${readFileSync(source, 'utf8').replace(/^# yaml-language-server:.*\n/, '')}`);
    return file;
  });
  // The server checks the next few files while this process runs validate on the current one.
  const opened: Array<ReturnType<LspClient['openFile']>> = [];
  const openAt = (i: number) => {
    if (!opened[i]) {
      opened[i] = lsp.openFile(copies[i]);
      opened[i].catch(() => {}); // awaited (and reported) in turn below
    }
    return opened[i];
  };
  for (const [i, source] of files.entries()) {
    const name = relative(ROOT, source);
    const file = copies[i];
    for (let j = i; j < Math.min(files.length, i + OPEN_AHEAD); j++) openAt(j);
    const { text, diagnostics } = await openAt(i);
    const v = validateVerdict(file, text);
    if (v.size) refused++;
    const problems = compare(v, editorVerdict(diagnostics));
    if (name in KNOWN_GAPS) {
      if (problems.length) stillGaps.push(name);
      else disagreements.push(`${name}: listed as a known gap but the editor agrees now; remove it from KNOWN_GAPS`);
      continue;
    }
    if (problems.length) disagreements.push(`${name}:\n    ${problems.join('\n    ')}\n${formatDiagnostics(diagnostics)}`);
    else agree++;
  }
  const total = files.length - stillGaps.length;
  console.log(`  editor vs validate: ${agree}/${total} fixtures agree (${refused} refused by validate); known gaps: ${stillGaps.length} (${stillGaps.join(', ')})`);
  assert.equal(disagreements, [], disagreements.join('\n'));
  assert.equal(stillGaps.sort(), Object.keys(KNOWN_GAPS).sort());
});

test('the issue cases: Helm 3 and 4, validate and the fixture header agree on every editor fixture (known gaps: Helm and header only)', async () => {
  const names = readdirSync(EDITOR_FIXTURES).filter((f) => f.endsWith('.values.yaml'));
  await editorFixtureRenders;
  assert.ok(names.length >= 8);
  for (const name of names) {
    const file = join(EDITOR_FIXTURES, name);
    const declared = /^# verdict: (valid|invalid)\b/.exec(readFileSync(file, 'utf8'))?.[1];
    assert.ok(declared, `${name} lacks a "# verdict: valid|invalid" first line`);
    const { issues } = validateSources({ schema: model.schema, defaults: model.defaults, files: [file] });
    const validateSays = issues.length ? 'invalid' : 'valid';
    if (relative(ROOT, file) in KNOWN_GAPS) assert.is.not(validateSays, declared, `${name}: validate agrees with Helm now; drop it from KNOWN_GAPS`);
    else assert.is(validateSays, declared, `${name}: validate says ${issues.map((i) => i.message).join('; ') || 'valid'}`);
    for (const major of MAJORS) {
      const result = helmCached(['template', 'x', CHART, '-f', file], major);
      assert.is(result.status === 0 ? 'valid' : 'invalid', declared, `${name}: helm ${major}: ${result.stderr.slice(0, 400)}`);
    }
  }
});

test('missed errors are shown with their reason where validate shows them; false errors are gone', async () => {
  const lsp = await server();
  const open = async (name: string) => {
    const body = readFileSync(join(EDITOR_FIXTURES, `${name}.values.yaml`), 'utf8');
    return lsp.openFile(writeDoc(body));
  };
  const production = await open('production-default-database');
  const profileLine = lineOf(production.text, /^profile: production$/);
  expectDiagnostic(production.diagnostics, profileLine, /^profile: production requires an external storage database\.$/, 'production with the default database');
  assert.is(errors(production.diagnostics).length, 1, formatDiagnostics(production.diagnostics));
  // The rule that faults profile leaves its docs alone.
  const hover = hoverText(await lsp.hover(production.uri, { line: profileLine, character: 2 }));
  assert.match(hover, /^#### Deployment profile\n/, hover);
  assert.match(hover, /`production`: requires external databases/, hover);
  const encryption = await open('encryption-key-ref-default-embedded');
  expectDiagnostic(encryption.diagnostics, lineOf(encryption.text, /^ {2}encryptionKey: /), /^An embedded storage database without its own password derives one from retool\.encryptionKey, which must then be a string\.$/, 'encryptionKey as a secretKeyRef');
  for (const name of ['external-database-default-name', 'production-partial-resources', 'autoscaling-replicas-null']) {
    const { diagnostics } = await open(name);
    assert.equal(diagnostics, [], `${name}:\n${formatDiagnostics(diagnostics)}`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Docs: hover, completion, snippets.

/** The editor schema node of a values path (following $ref and the null-accepting anyOf wrappers). */
function editorNode(path: string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    const resolved: JsonSchema | undefined = node?.$ref ? resolvePointer(schema, node.$ref) : node;
    const props: Record<string, JsonSchema> | undefined = resolved?.properties ?? resolved?.anyOf?.find((b) => b.properties)?.properties;
    node = props?.[key];
  }
  // A workload's shared pod option is a $ref to its one documented node.
  return node?.$ref && Object.keys(node).length === 1 ? resolvePointer(schema, node.$ref) : node;
}

test('hover on every key of charts/retool/values.yaml shows its own title and description (never the RetoolValues fallback)', async () => {
  const lsp = await server();
  const { uri, text } = await lsp.openFile(join(CHART, 'values.yaml'));
  const stack: Array<{ indent: number; key: string }> = [];
  let checked = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^( *)([A-Za-z][A-Za-z0-9]*):/.exec(lines[i]);
    if (!match) continue;
    const indent = match[1].length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    stack.push({ indent, key: match[2] });
    const path = stack.map((s) => s.key);
    const node = editorNode(path);
    if (!node) continue; // keys inside free-form maps and lists (e.g. a nodeSelector label)
    const hover = hoverText(await lsp.hover(uri, { line: i, character: indent + 1 }));
    assert.ok(hover.startsWith(`#### ${node.title}`), `${path.join('.')}: hover title should be ${node.title}:\n${hover}`);
    assert.not.match(hover, /RetoolValues/, path.join('.'));
    if (node.description) assert.ok(hover.includes(String(node.description)), `${path.join('.')}: hover lacks the description:\n${hover}`);
    checked++;
  }
  assert.ok(checked >= 150, `only ${checked} keys hovered`);
});

test('hover on a secret given as a secretKeyRef still names the secret, and enum values are explained', async () => {
  const lsp = await server();
  const production = await lsp.openFile(join(EXAMPLES, 'production.values.yaml'));
  const keyLine = lineOf(production.text, /^ {2}licenseKey: /);
  const key = hoverText(await lsp.hover(production.uri, { line: keyLine, character: 4 }));
  assert.match(key, /^#### License key/, key);
  assert.ok(key.includes('Retool license key.'), key);
  const { uri, text } = await lsp.openFile(writeDoc(`${SECRETS}temporal:\n  mode: local\ncomponents:\n  codeExecutor:\n    sandbox: none\n`));
  const explained = (hover: string, node: JsonSchema | undefined, what: string) => {
    const values = (node?.enum ?? []).filter((v) => v !== null);
    const texts = (node?.markdownEnumDescriptions ?? []) as string[];
    assert.ok(values.length >= 2 && texts.length >= values.length, `${what}: enum descriptions in the schema`);
    values.forEach((value, i) => assert.ok(hover.includes(`\`${String(value)}\`: ${texts[i]}`), `${what}: hover does not explain ${String(value)}:\n${hover}`));
  };
  const mode = hoverText(await lsp.hover(uri, { line: lineOf(text, /^ {2}mode: local$/), character: 3 }));
  explained(mode, editorNode(['temporal', 'mode']), 'temporal.mode');
  const sandbox = hoverText(await lsp.hover(uri, { line: lineOf(text, /^ {4}sandbox: none$/), character: 5 }));
  explained(sandbox, editorNode(['components', 'codeExecutor', 'sandbox']), 'sandbox');
});

test('completion inside components.api: offers the pod options, replicas and autoscaling', async () => {
  const lsp = await server();
  const { uri, text } = await lsp.openFile(writeDoc(`${SECRETS}components:\n  api:\n    \n`));
  const labels = (await lsp.completion(uri, { line: lineOf(text, /^ {2}api:$/) + 1, character: 4 })).map((i) => i.label);
  for (const key of ['replicas', 'autoscaling', 'resources', 'nodeSelector', 'tolerations', 'affinity', 'env', 'podSecurityContext', 'containerSecurityContext']) {
    assert.ok(labels.includes(key), `components.api completion lacks ${key}: ${labels.join(', ')}`);
  }
});

test('snippets appear: external database, external Temporal with mTLS, ingress with TLS, a component\'s resources', async () => {
  const lsp = await server();
  const body = `${SECRETS}database:\n  \ntemporal:\n  \ningress:\n  \ncomponents:\n  api:\n    resources:\n      \n`;
  const { uri, text } = await lsp.openFile(writeDoc(body));
  const at = async (pattern: RegExp, character: number) => (await lsp.completion(uri, { line: lineOf(text, pattern) + 1, character }));
  const cases: Array<[RegExp, number, string]> = [
    [/^database:$/, 2, 'External PostgreSQL'],
    [/^temporal:$/, 2, 'External Temporal with mTLS'],
    [/^ingress:$/, 2, 'Ingress with TLS'],
    [/^ {4}resources:$/, 6, 'Requests and limits'],
  ];
  for (const [pattern, character, label] of cases) {
    const items = await at(pattern, character);
    const snippet = items.find((i) => i.label === label);
    assert.ok(snippet, `${label}: not offered; got ${items.map((i) => i.label).join(', ')}`);
    assert.ok(snippet!.insertText && /\$\{\d+:/.test(snippet!.insertText), `${label}: not a snippet with placeholders: ${snippet!.insertText}`);
  }
});

test.run();
