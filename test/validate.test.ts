import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IssuesError, type Issue } from '../src/issue.js';
import { mergeValues, schemaDefaults } from '../src/model/defaults.js';
import { loadSchema } from '../src/schema/load.js';
import { expandPodOptions } from '../src/schema/normalize.js';
import { validateSources, validateValues } from '../src/validate/validate-values.js';
import { parseSetArgument, parseSetArguments, parseSetStringArguments } from '../src/validate/set-arguments.js';
import { loadValuesFile, parseValuesYaml } from '../src/validate/values-file.js';
import { mergeSources } from '../src/validate/values-sources.js';

const SCHEMA_FILE = fileURLToPath(new URL('../schema/retool.schema.json', import.meta.url));
const schema = expandPodOptions(loadSchema(SCHEMA_FILE));
const defaults = schemaDefaults(schema) as Record<string, unknown>;
const DEFAULTS_FILE = 'charts/retool/values.yaml';

const dir = mkdtempSync(join(tmpdir(), 'retool-validate-'));
let counter = 0;
/** Writes a values file into the temp dir and returns its path. */
function write(text: string, name = `values-${++counter}.yaml`): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const SECRETS = `retool:
  licenseKey: license
  encryptionKey: encryption
  jwtSecret: jwt
`;

function run(texts: string[], sets: string[] = [], setStrings: string[] = []) {
  const files = texts.map((text) => write(text));
  return { files, ...validateSources({ schema, defaults, files, sets, setStrings, defaultsFile: DEFAULTS_FILE }) };
}

const show = (issues: Issue[]) => issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`).join('\n') || '(none)';

function get(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((cursor, key) => (cursor as Record<string, unknown> | undefined)?.[key], values);
}

// ---------------------------------------------------------------------------------------------------------------

test('a file with the three secrets is valid', () => {
  const { issues } = run([SECRETS]);
  assert.equal(issues, [], show(issues));
});

test('valid variations: SecretValue object form, pod options, list values, external temporal', () => {
  const cases: Record<string, string> = {
    'secretKeyRef form': `retool:
  licenseKey: {secretKeyRef: {name: retool-secrets, key: license}}
  encryptionKey: encryption
  jwtSecret:
    secretKeyRef:
      name: retool-secrets
      key: jwt
`,
    'pod options on a component': `${SECRETS}components:
  api:
    replicas: 3
    podAnnotations:
      example.com/x: "y"
    tolerations:
      - {key: dedicated, operator: Exists, effect: NoSchedule}
    terminationGracePeriodSeconds: null
`,
    'external temporal with host and namespace': `${SECRETS}temporal:
  mode: external
  external:
    host: temporal.example.com
    namespace: retool
`,
  };
  for (const [name, text] of Object.entries(cases)) {
    const { issues } = run([text]);
    assert.equal(issues, [], `${name}:\n${show(issues)}`);
  }
});

interface InvalidCase {
  name: string;
  yaml: string;
  path: string;
  /** Expected line of the issue in the file (1-based). */
  line?: number;
  column?: number;
  message?: RegExp;
}

const INVALID: InvalidCase[] = [
  { name: 'unknown key at root', yaml: `${SECRETS}replicaCount: 3\n`, path: 'replicaCount', line: 5, column: 1, message: /unknown key "replicaCount" \(allowed: global, .*retool/ },
  { name: 'unknown key at depth 2', yaml: `retool:\n  licenseKey: l\n  encryptionKey: e\n  licencekey: l\n  jwtSecret: j\n`, path: 'retool.licencekey', line: 4, column: 3, message: /did you mean "licenseKey"/ },
  {
    name: 'unknown key at depth 4',
    yaml: `${SECRETS}temporal:\n  mode: external\n  external:\n    host: t.example.com\n    namespace: ns\n    tls:\n      enabled: false\n      # a comment\n      clientCrt: x\n`,
    path: 'temporal.external.tls.clientCrt',
    line: 13,
    column: 7,
    message: /unknown key "clientCrt".*allowed: enabled, clientCert, clientKey, caCert/,
  },
  { name: 'unknown key in a list item', yaml: `${SECRETS}podDefaults:\n  tolerations:\n    - key: a\n      operator: Exists\n    - {key: b, efect: NoSchedule}\n`, path: 'podDefaults.tolerations[1].efect', line: 9, column: 16, message: /did you mean "effect"/ },
  { name: 'unknown key inside a secretKeyRef', yaml: `retool:\n  licenseKey: {secretKeyRef: {name: s, key: k, namespace: other}}\n  encryptionKey: e\n  jwtSecret: j\n`, path: 'retool.licenseKey.secretKeyRef.namespace', line: 2, message: /unknown key "namespace" \(allowed: name, key\)/ },
  { name: 'wrong type', yaml: `${SECRETS}components:\n  api:\n    replicas: two\n`, path: 'components.api.replicas', line: 7, column: 5, message: /must be integer, got string "two"/ },
  { name: 'number where a string is expected', yaml: `${SECRETS}  env:\n    PORT: 3000\n`, path: 'retool.env.PORT', line: 6, message: /must be a string or \{secretKeyRef: \{name, key\}\} or \{configMapKeyRef: \{name, key\}\} or \{fieldRef: \{fieldPath\}\} or \{resourceFieldRef: \{resource\}\}, got 3000; quote it/ },
  { name: 'bad enum', yaml: `${SECRETS}retoolDatabase:\n  mode: sometimes\n`, path: 'retoolDatabase.mode', line: 6, column: 3, message: /must be one of: disabled, embedded, external; got "sometimes"/ },
  { name: 'retool.version as a YAML number', yaml: `${SECRETS}  version: 3.75\n`, path: 'retool.version', line: 5, message: /must be string, got number 3\.75/ },
  { name: 'retool.version without patch', yaml: `${SECRETS}  version: "3.75"\n`, path: 'retool.version', line: 5, message: /^use X\.Y\.Z, e\.g\. 4\.0\.7 \(the channel is separate\); got "3\.75"$/ },
  { name: 'temporal external without host', yaml: `${SECRETS}temporal:\n  mode: external\n  external:\n    namespace: retool\n`, path: 'temporal.external.host', line: 7, message: /must not be empty \(temporal\.mode: external requires host and namespace\)/ },
  { name: 'secretKeyRef without key', yaml: `retool:\n  licenseKey: l\n  encryptionKey: e\n  jwtSecret:\n    secretKeyRef:\n      name: x\n`, path: 'retool.jwtSecret', line: 4, message: /^must be a non-empty string or \{secretKeyRef: \{name, key\}\}: secretKeyRef\.key is required$/ },
  { name: 'empty secret string', yaml: `retool:\n  licenseKey: ""\n  encryptionKey: e\n  jwtSecret: j\n`, path: 'retool.licenseKey', line: 2, message: /^must be a non-empty string or \{secretKeyRef: \{name, key\}\}, got ""$/ },
  { name: 'env name that is not a variable name', yaml: `${SECRETS}  env:\n    GOOD: a\n    1-BAD: b\n`, path: 'retool.env', line: 7, column: 5, message: /invalid key "1-BAD": expected an environment variable name: letters, digits and _, not starting with a digit; got "1-BAD"/ },
  { name: 'out of range', yaml: `${SECRETS}service:\n  port: 70000\n`, path: 'service.port', line: 6, message: /must be <= 65535, got 70000/ },
  { name: 'production profile with the default embedded database points at profile', yaml: `profile: production\n${SECRETS}`, path: 'database.mode', line: 1, column: 1, message: /must be external, got "embedded" \(profile: production requires an external storage database\)/ },
];

for (const c of INVALID) {
  test(`invalid: ${c.name}`, () => {
    const { files, issues } = run([c.yaml]);
    const hit = issues.find((i) => i.path === c.path);
    assert.ok(hit, `no issue at ${c.path}:\n${show(issues)}`);
    assert.is(hit!.file, files[0], show(issues));
    if (c.line !== undefined) assert.is(hit!.line, c.line, show(issues));
    if (c.column !== undefined) assert.is(hit!.column, c.column, show(issues));
    if (c.message) assert.match(hit!.message, c.message);
    // No raw ajv noise: no if/then wrapper errors, no per-branch oneOf errors.
    for (const issue of issues) {
      assert.not.match(issue.message, /must match "then" schema|exactly one schema in oneOf|must be object/, show(issues));
    }
  });
}

test('temporal.mode: external without host reports temporal.external.host (and the missing namespace)', () => {
  const { issues } = run([`${SECRETS}temporal:\n  mode: external\n`]);
  const paths = issues.map((i) => i.path);
  assert.ok(paths.includes('temporal.external.host'), show(issues));
  assert.ok(paths.includes('temporal.external.namespace'), show(issues));
  // host's empty default comes from the chart; the issue points at the user's temporal: key instead.
  const host = issues.find((i) => i.path === 'temporal.external.host')!;
  assert.is(host.line, 5, show(issues));
});

test('jobs-runner replicas: the rule and its reason, not "unknown key"; production with the embedded database: one error', () => {
  const file = (text: string) => { const f = join(dir, `m-${Math.random().toString(36).slice(2)}.yaml`); writeFileSync(f, text); return f; };
  const jobs = validateSources({ schema, defaults, files: [file(`${SECRETS}components:\n  jobsRunner:\n    replicas: 2\n`)], defaultsFile: DEFAULTS_FILE }).issues;
  assert.is(jobs.length, 1, show(jobs));
  assert.is(jobs[0].path, 'components.jobsRunner.replicas');
  assert.match(jobs[0].message, /^jobs-runner always runs exactly one pod, so it takes no "replicas": it runs database migrations/);
  const refs = '  licenseKey: { secretKeyRef: { name: s, key: l } }\n  encryptionKey: { secretKeyRef: { name: s, key: e } }\n  jwtSecret: { secretKeyRef: { name: s, key: j } }\n';
  const prod = validateSources({ schema, defaults, files: [file(`profile: production\nretool:\n${refs}`)], defaultsFile: DEFAULTS_FILE }).issues;
  assert.equal(prod.map((i) => i.path), ['database.mode'], show(prod));
  const evaluation = validateSources({ schema, defaults, files: [file(`retool:\n${refs}`)], defaultsFile: DEFAULTS_FILE }).issues;
  assert.equal(evaluation.map((i) => i.path), ['retool.encryptionKey'], 'under evaluation the derived password still needs a string key');
});

test('missing secrets without -f: one issue per secret, located in the chart defaults', () => {
  const { issues } = validateSources({ schema, defaults, files: [], defaultsFile: DEFAULTS_FILE });
  assert.equal(issues.map((i) => i.path), ['retool.encryptionKey', 'retool.jwtSecret', 'retool.licenseKey'], show(issues));
  for (const issue of issues) {
    assert.is(issue.message, 'is required; give a non-empty string or {secretKeyRef: {name, key}}', 'the accepted forms of a secret');
    assert.is(issue.file, DEFAULTS_FILE);
    assert.is(issue.line, 1);
  }
});

test('validateValues: sorted, de-duplicated, without file positions', () => {
  const values = mergeValues(defaults, { retool: { licenseKey: 7, zz: 1, aa: 2 }, unknown: true });
  const issues = validateValues(schema, values);
  const paths = issues.map((i) => i.path);
  assert.equal(paths, [...paths].sort(), show(issues));
  assert.equal(paths, ['retool.aa', 'retool.encryptionKey', 'retool.jwtSecret', 'retool.licenseKey', 'retool.zz', 'unknown'], show(issues));
  assert.ok(issues.every((i) => i.file === undefined));
  assert.is(issues.find((i) => i.path === 'retool.licenseKey')!.message, 'must be a non-empty string or {secretKeyRef: {name, key}}, got 7; quote it in YAML to make it a string');
  assert.equal(new Set(issues.map((i) => `${i.path} ${i.message}`)).size, issues.length);
  // Compiled once per schema object: a second run gives the same answer.
  assert.equal(validateValues(schema, values), issues);
});

test('validateValues accepts the unexpanded source schema too (expands pod options itself)', () => {
  const source = loadSchema(SCHEMA_FILE);
  const values = mergeValues(defaults, { retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j' }, components: { api: { podLabels: { a: 'b' } } } });
  assert.equal(validateValues(source, values), []);
});

// ---------------------------------------------------------------------------------------------------------------
// --set

const SET_CASES: Array<{ arg: string; expect: Array<{ path: string[]; value: unknown }> }> = [
  { arg: 'a.b.c=value', expect: [{ path: ['a', 'b', 'c'], value: 'value' }] },
  { arg: 'a=1,b=2', expect: [{ path: ['a'], value: 1 }, { path: ['b'], value: 2 }] },
  { arg: 'components.api.podAnnotations.example\\.com/x=y', expect: [{ path: ['components', 'api', 'podAnnotations', 'example.com/x'], value: 'y' }] },
  { arg: 'a=true,b=false,c=TRUE,d=null', expect: [{ path: ['a'], value: true }, { path: ['b'], value: false }, { path: ['c'], value: true }, { path: ['d'], value: null }] },
  { arg: 'a=0,b=-12,c=007,d=1.5,e=1e3,f=99999999999999999999', expect: [
    { path: ['a'], value: 0 }, { path: ['b'], value: -12 }, { path: ['c'], value: '007' }, { path: ['d'], value: '1.5' }, { path: ['e'], value: '1e3' },
    { path: ['f'], value: '99999999999999999999' },
  ] },
  { arg: 'a=,b=x=y', expect: [{ path: ['a'], value: '' }, { path: ['b'], value: 'x=y' }] },
  { arg: 'a=one\\,two', expect: [{ path: ['a'], value: 'one,two' }] },
  { arg: 'a={x,2,true},b=3', expect: [{ path: ['a'], value: ['x', 2, true] }, { path: ['b'], value: 3 }] },
  { arg: 'a={}', expect: [{ path: ['a'], value: [''] }] },
  { arg: 'a[1].b=x,c[0][1]=2', expect: [{ path: ['a', '1', 'b'], value: 'x' }, { path: ['c', '0', '1'], value: 2 }] },
  { arg: 'a=9007199254740993,b=-007,c=+5,d=-0', expect: [{ path: ['a'], value: 9007199254740992 }, { path: ['b'], value: -7 }, { path: ['c'], value: 5 }, { path: ['d'], value: 0 }] },
  { arg: '', expect: [] },
];

test('parseSetArguments: Helm --set syntax and typing', () => {
  for (const { arg, expect } of SET_CASES) {
    const got = parseSetArguments(arg).map(({ path, value }) => ({ path, value }));
    assert.equal(got, expect, arg);
  }
  assert.equal(parseSetArgument('x.y=2'), { path: ['x', 'y'], value: 2, flag: '--set' });
});

test('parseSetStringArguments keeps every value a string', () => {
  const got = parseSetStringArguments('a=true,b=12,c=null,d={1,x}').map(({ path, value }) => ({ path, value }));
  assert.equal(got, [{ path: ['a'], value: 'true' }, { path: ['b'], value: '12' }, { path: ['c'], value: 'null' }, { path: ['d'], value: ['1', 'x'] }]);
});

test('parseSetArguments rejects malformed arguments with an IssuesError', () => {
  for (const arg of ['a', 'a,b=1', 'a..b=1', 'a[-1]=1', 'a[x]=1', 'a[0]x=1', 'a[65537]=1', 'a={x', 'a={x}y', 'a=1,a.b=2']) {
    try {
      parseSetArguments(arg);
      assert.unreachable(`accepted ${arg}`);
    } catch (error) {
      assert.instance(error, IssuesError, arg);
      assert.is((error as IssuesError).issues[0].file, '--set');
    }
  }
  const { issues } = run([SECRETS], ['retool.version']);
  assert.is(issues.length, 1, show(issues));
  assert.is(issues[0].file, '--set');
  assert.match(issues[0].message, /has no value/);
});

// ---------------------------------------------------------------------------------------------------------------
// Precedence and origins

test('a later -f file wins over an earlier one; the issue points at the later file', () => {
  const { files, values, issues } = run([`${SECRETS}  channel: edge\n`, `retool:\n  channel: nightly\n`]);
  assert.is(get(values, 'retool.channel'), 'nightly');
  assert.is(issues.length, 1, show(issues));
  assert.is(issues[0].file, files[1]);
  assert.is(issues[0].line, 2);
  const ok = run([`${SECRETS}  channel: nightly\n`, `retool:\n  channel: edge\n`]);
  assert.equal(ok.issues, [], show(ok.issues));
  assert.is(get(ok.values, 'retool.channel'), 'edge');
});

test('--set wins over files, --set-string after --set; issues point at the assignment', () => {
  const { values, issues } = run([SECRETS, `components:\n  api:\n    replicas: 4\n`], ['components.api.replicas=2,workflows.enabled=false', 'retool.channel=beta'], ['retool.version=3.80.1']);
  assert.is(get(values, 'components.api.replicas'), 2);
  assert.is(get(values, 'workflows.enabled'), false);
  assert.is(get(values, 'retool.version'), '3.80.1');
  assert.is(get(values, 'retool.licenseKey'), 'license', 'keys the --set does not name stay');
  assert.is(issues.length, 1, show(issues));
  assert.equal({ ...issues[0] }, { code: 'schema.enum', severity: 'error', path: 'retool.channel', pointer: '/retool/channel', message: 'must be one of: stable, edge; got "beta"', file: '--set', line: 1, column: 3 });

  const typed = run([SECRETS], ['components.api.replicas=two']);
  assert.is(typed.issues[0]?.path, 'components.api.replicas', show(typed.issues));
  const stringly = run([SECRETS], [], ['components.api.replicas=3']);
  assert.match(stringly.issues[0]?.message ?? '', /must be integer, got string "3"/, show(stringly.issues));
  assert.is(stringly.issues[0]?.file, '--set-string');
});

test('null deletes a default only where the chart can do without it; elsewhere Helm keeps the null', () => {
  // An entry of a free-form map and a null-default value may be deleted (Helm coalesce removes the key).
  const { values, issues } = run([SECRETS, `podDefaults:\n  nodeSelector:\n    kubernetes.io/arch: null\nnetworkPolicy:\n  enabled: null\n`]);
  assert.equal(issues, [], show(issues));
  assert.equal(get(values, 'podDefaults.nodeSelector'), {});
  assert.not.ok('enabled' in (get(values, 'networkPolicy') as object));

  // A defaulted section or value may not: Helm would delete it and the templates need it.
  const deleted = run([SECRETS, `podDefaults:\n  nodeSelector: null\nimages:\n  postgres: null\n`]);
  assert.equal(deleted.issues.map((i) => [i.path, i.line]), [['images.postgres', 4], ['podDefaults.nodeSelector', 2]], show(deleted.issues));
  assert.match(deleted.issues[0].message, /was deleted with null: A key with a chart default cannot be deleted with null/);

  const removed = run([SECRETS], ['retool.jwtSecret=null']);
  // jwtSecret has no default: as in Helm, the null is kept (nothing to delete) and the schema refuses it.
  assert.equal(removed.issues.map((i) => [i.path, i.file]), [['retool.jwtSecret', '--set']], show(removed.issues));
  assert.match(removed.issues[0].message, /got null/);
});

test('mergeSources.origin: last exact setter, else deepest ancestor, defaults file for chart-only values', () => {
  const first = parseValuesYaml('a:\n  b: 1\n  c:\n    d: 2\n', 'one.yaml');
  const second = parseValuesYaml('# second\na:\n  b: 3\n', 'two.yaml');
  const merged = mergeSources({ a: { b: 0, e: 5 }, f: 6 }, [first, second], parseSetArguments('a.g=7'), { defaultsFile: 'chart/values.yaml' });
  assert.equal(merged.values, { a: { b: 3, e: 5, c: { d: 2 }, g: 7 }, f: 6 });
  assert.equal(merged.origin(['a', 'b']), { file: 'two.yaml', line: 3, column: 3 });
  assert.equal(merged.origin(['a', 'c', 'd']), { file: 'one.yaml', line: 4, column: 5 });
  assert.equal(merged.origin(['a', 'g']), { file: '--set', line: 1, column: 1 });
  assert.equal(merged.origin(['f']), { file: 'chart/values.yaml', line: 1, column: 1 });
  assert.equal(merged.origin(['a', 'e']), { file: 'chart/values.yaml', line: 1, column: 1 });
  assert.equal(merged.origin(['a', 'e'], { preferUserSources: true }), { file: '--set', line: 1, column: 1 }, 'deepest user ancestor, last on a tie');
  assert.equal(merged.origin(['a', 'c', 'x']), { file: 'one.yaml', line: 3, column: 3 }, 'missing key: its parent');
});

// ---------------------------------------------------------------------------------------------------------------
// Loading YAML

test('YAML syntax error: an issue with file, line and column, no crash', () => {
  const { files, issues } = run([`${SECRETS}components:\n  api:\n    replicas: [1, 2\n`]);
  assert.is(issues.length, 1, show(issues));
  assert.is(issues[0].file, files[0]);
  assert.match(issues[0].message, /^invalid YAML: /);
  assert.ok((issues[0].line ?? 0) >= 7, show(issues));
  assert.ok((issues[0].column ?? 0) >= 1);

  const bad = run(['retool:\n  licenseKey: a\n   encryptionKey: b\n']);
  assert.is(bad.issues[0].line, 3, show(bad.issues));
  const dup = run([`${SECRETS}retool: {}\n`]);
  assert.match(dup.issues[0].message, /duplicated mapping key/);
  assert.is(dup.issues[0].line, 5, show(dup.issues));
});

test('loading: missing file, non-mapping document, empty file', () => {
  const missing = validateSources({ schema, defaults, files: [join(dir, 'nope.yaml')] });
  assert.equal(missing.issues, [{ code: 'input.unreadable', severity: 'error', path: '', pointer: '', message: 'file not found', file: join(dir, 'nope.yaml') }]);

  const list = write('- a\n- b\n');
  try {
    loadValuesFile(list);
    assert.unreachable('a list document was accepted');
  } catch (error) {
    assert.instance(error, IssuesError);
    assert.is((error as IssuesError).issues[0].file, list);
    assert.is((error as IssuesError).issues[0].code, 'input.not-a-map');
    assert.match((error as IssuesError).message, new RegExp(`${list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*mapping`));
  }

  assert.equal(loadValuesFile(write('')).values, {});
  assert.equal(loadValuesFile(write('# only a comment\n')).values, {});
  const { issues } = run(['', SECRETS]);
  assert.equal(issues, [], show(issues));
});

test('locate: comments, quoting, flow style, lists, anchors, CRLF, document marker', () => {
  const text = [
    '---', // 1
    '# comment', // 2
    'top: 1 # trailing', // 3
    '"quoted key": x', // 4
    "nested:", // 5
    '  # inner comment', // 6
    '  flow: {a: 1, "b.c": 2}', // 7
    '  list:', // 8
    '    - first', // 9
    '    - name: second', // 10
    '      value: |', // 11
    '        block: not a key', // 12
    '      after: y', // 13
    '  seq: [x, {k: v}]', // 14
    'base: &base', // 15
    '  one: 1', // 16
    'derived:', // 17
    '  <<: *base', // 18
    '  two: 2', // 19
  ].join('\r\n');
  const loaded = parseValuesYaml(text, 'x.yaml');
  const at = (...path: string[]) => {
    const p = loaded.locate(path);
    return p && [p.line, p.column];
  };
  assert.equal(loaded.values.derived, { one: 1, two: 2 });
  assert.equal(at('top'), [3, 1]);
  assert.equal(at('quoted key'), [4, 1]);
  assert.equal(at('nested', 'flow'), [7, 3]);
  assert.equal(at('nested', 'flow', 'a'), [7, 10]);
  assert.equal(at('nested', 'flow', 'b.c'), [7, 16]);
  assert.equal(at('nested', 'list', '0'), [9, 7]);
  assert.equal(at('nested', 'list', '1'), [10, 7]);
  assert.equal(at('nested', 'list', '1', 'value'), [11, 7]);
  assert.equal(at('nested', 'list', '1', 'after'), [13, 7]);
  assert.equal(at('nested', 'list', '1', 'block'), [10, 7], 'block scalar text is no key: the item');
  assert.equal(at('nested', 'seq', '1', 'k'), [14, 13]);
  assert.equal(at('nested', 'seq', '1'), [14, 12]);
  assert.equal(at('base', 'one'), [16, 3]);
  assert.equal(at('derived', 'two'), [19, 3]);
  assert.equal(at('derived', 'one'), [17, 1], 'merged-in key: the ancestor');
  assert.equal(at('nested', 'missing', 'deeper'), [5, 1]);
  assert.equal(at('nowhere'), [1, 1]);
  assert.equal(at(), [1, 1]);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
