// One Issue shape for every checker: each code is listed in src/issue-codes.ts, each listed code is one a
// checker can emit, and the CLI's JSON carries code, severity and JSON pointer.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ISSUE_CODES, isIssueCode, schemaCode, type IssueCode } from '../src/issue-codes.js';
import { formatIssue, jsonPointer, type Issue } from '../src/issue.js';
import { SCHEMA_RULES } from '../src/schema/lint.js';
import { POD_RULE_CODES } from '../src/validate/pod-rules.js';
import { FIXTURES, ROOT } from './support/paths.js';

const CODES = Object.keys(ISSUE_CODES) as IssueCode[];
const family = (prefix: string) => CODES.filter((c) => c.startsWith(prefix));
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });

/** The assertion keywords of draft-07 (those ajv reports an error under). */
const ASSERTIONS = new Set(['type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'format', 'maxItems', 'minItems', 'uniqueItems', 'contains', 'additionalItems', 'maxProperties', 'minProperties', 'required',
  'additionalProperties', 'propertyNames', 'dependencies', 'not', 'oneOf', 'anyOf']);

function keywordsOf(schema: unknown, found = new Set<string>()): Set<string> {
  if (schema === false) found.add('false schema');
  if (Array.isArray(schema)) for (const item of schema) keywordsOf(item, found);
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'default' || key === 'examples' || key === 'const' || key === 'enum') {
        if (ASSERTIONS.has(key)) found.add(key);
        continue;
      }
      // Under properties and definitions the keys are names, not keywords.
      if (key === 'properties' || key === 'definitions' || key === 'patternProperties') {
        for (const sub of Object.values(value as object)) keywordsOf(sub, found);
        continue;
      }
      if (ASSERTIONS.has(key)) found.add(key);
      keywordsOf(value, found);
    }
  }
  return found;
}

test('every JSON Schema keyword of the published values schema has its schema.<keyword> code', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'charts/retool/values.schema.json'), 'utf8'));
  const keywords = [...keywordsOf(schema)].sort();
  assert.ok(keywords.includes('additionalProperties') && keywords.includes('false schema'), keywords.join());
  for (const keyword of keywords) assert.ok(isIssueCode(schemaCode(keyword)), keyword);
  assert.throws(() => schemaCode('nosuchkeyword'), /add schema\.nosuchkeyword/);
});

test('lint and pod rules: each rule has its own code, and the lists agree', () => {
  const lint = SCHEMA_RULES.map(([code]) => code);
  assert.equal(new Set(lint).size, lint.length, 'a lint code used twice');
  assert.equal([...lint].sort(), family('lint.').sort());
  assert.equal(Object.values(POD_RULE_CODES).sort(), family('pod.').sort());
});

/** Every .ts file under src/, as one text (to find where codes are emitted). */
function sourceText(dir = join(ROOT, 'src')): string {
  return readdirSync(dir).map((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceText(path);
    return name.endsWith('.ts') && name !== 'issue-codes.ts' ? readFileSync(path, 'utf8') : '';
  }).join('\n');
}

test('no listed code is dead: each is emitted by name somewhere in src/ (schema codes by their keyword)', () => {
  const source = sourceText();
  const messages = readFileSync(join(ROOT, 'src/validate/issue-messages.ts'), 'utf8');
  const dead = CODES.filter((code) => {
    if (source.includes(`'${code}'`)) return false;
    if (code.startsWith('schema.')) {
      const keyword = code === 'schema.forbidden' ? 'false schema' : code.slice('schema.'.length);
      return !messages.includes(`case '${keyword}'`);
    }
    // Cluster checks: finding('<check>', ...) in src/preflight/cluster-doctor.ts, code doctor.<check>.
    if (code.startsWith('doctor.')) return !source.includes(`finding('${code.slice('doctor.'.length)}', `);
    return true;
  });
  assert.equal(dead, []);
  for (const [code, entry] of Object.entries(ISSUE_CODES)) {
    assert.match(code, /^(input|schema|pod|lint|doctor|diff|import|project)\.[a-zA-Z-]+$/);
    assert.ok(entry.summary.length > 10 && !entry.summary.endsWith('.'), code);
  }
});

test('the README lists every code with its severity and meaning', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [code, { severity }] of Object.entries(ISSUE_CODES)) assert.match(readme, `| \`${code}\` | ${severity} |`);
});

test('jsonPointer escapes ~ and / (RFC 6901); the text form ends with the code', () => {
  assert.is(jsonPointer([]), '');
  assert.is(jsonPointer(['retool', 'env', 'a/b~c', 0]), '/retool/env/a~1b~0c/0');
  const issue: Issue = { code: 'schema.type', severity: 'error', path: 'components.api.replicas', pointer: '/components/api/replicas', message: 'must be integer', file: 'v.yaml', line: 3, column: 5 };
  assert.is(formatIssue(issue), 'v.yaml:3:5  components.api.replicas  must be integer  [schema.type]');
  assert.is(formatIssue({ ...issue, severity: 'warning' }), 'v.yaml:3:5  components.api.replicas  warning: must be integer  [schema.type]');
});

const dir = mkdtempSync(join(tmpdir(), 'retool-chart-codes-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('validate --output json: each issue with code, severity, pointer, file and line', () => {
  const file = join(dir, 'two.yaml');
  writeFileSync(file, 'retool:\n  licenseKey: l\n  encryptionKey: e\n  jwtSecret: j\ncomponents:\n  jobsRunner:\n    replicas: 2\n  api:\n    replicas: two\n  "a/b": {}\n');
  const r = cli('validate', '-f', file, '--output', 'json');
  assert.is(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { valid: boolean; issues: Issue[] };
  assert.is(report.valid, false);
  const shape = report.issues.map((i) => [i.code, i.severity, i.pointer, i.line]);
  assert.equal(shape, [
    ['schema.additionalProperties', 'error', '/components/a~1b', 10],
    ['schema.type', 'error', '/components/api/replicas', 9],
    ['schema.additionalProperties', 'error', '/components/jobsRunner/replicas', 7],
  ]);
  const text = cli('validate', '-f', file);
  assert.is(text.status, 1);
  assert.match(text.stderr, /components\.api\.replicas {2}must be integer.*\[schema\.type\]/);
});

test('diff --output json: refusals and risks carry diff.* codes; the exit code is the verdict', () => {
  const evaluation = join(FIXTURES, 'evaluation.values.yaml');
  const r = cli('diff', '--from-values', evaluation, '-f', evaluation, '--set', 'retool.encryptionKey=another-key', '--output', 'json');
  assert.is(r.status, 6, r.stderr);
  const report = JSON.parse(r.stdout) as { safe: boolean; changes: Array<{ id: string; risks: Issue[]; refused: Issue[] }>; risks: Issue[] };
  assert.is(report.safe, false);
  const risks = report.changes.flatMap((c) => c.risks.map((risk) => [c.id, risk.code, risk.severity, risk.path]));
  assert.equal(risks, [['Secret/retool', 'diff.encryption-key', 'error', 'Secret/retool']]);
  const same = cli('diff', '--from-values', evaluation, '-f', evaluation, '--output', 'json');
  assert.is(same.status, 0, same.stderr);
  assert.equal(JSON.parse(same.stdout), { changes: [], risks: [], safe: true });
});

test.run();
