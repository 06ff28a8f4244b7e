import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectModel } from '../src/project-model.js';
import { isIssueCode } from '../src/issue-codes.js';
import { jsonPointer, type Issue } from '../src/issue.js';
import { validateSources } from '../src/validate/validate-values.js';
import { helmAll, helmCached } from './support/helm-cache.js';
import { CHART, INVALID_FIXTURES, fixtureNames } from './support/paths.js';
import { MAJORS } from './support/render.js';

const model = projectModel();
const HELM_SCHEMA_ERROR = "values don't meet the specifications of the schema(s)";

/**
 * Each invalid fixture starts with `# expect: <dotted values path> [<issue code>]`: the value that is wrong and
 * the kind of problem (src/issue-codes.ts). Helm must name its last key, or the word after "names the bad key:"
 * where Helm reports the offending text instead.
 */
function expectation(name: string): { file: string; path: string; code: string; key: string } {
  const file = join(INVALID_FIXTURES, `${name}.values.yaml`);
  const match = /^# expect: (\S+) \[([\w.-]+)\](?:.*names the bad key: ([^)\s]+))?/.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} lacks a "# expect: <path> [<code>]" first line`);
  return { file, path: match[1], code: match[2], key: match[3] ?? match[1].split(/[.[\]]/).filter(Boolean).pop()! };
}

/** A dotted values path with [i] indices as the segments jsonPointer takes. */
const segmentsOf = (path: string) => path.replace(/\[(\d+)\]/g, '.$1').split('.');

const names = fixtureNames(INVALID_FIXTURES);

const issuesOf = new Map<string, Issue[]>();
/** validate's issues with one invalid fixture, computed once for its three tests (validate, Helm 4, Helm 3). */
function validateIssues(file: string): Issue[] {
  let issues = issuesOf.get(file);
  if (!issues) {
    issues = validateSources({ schema: model.schema, defaults: model.defaults, files: [file], defaultsFile: 'charts/retool/values.yaml' }).issues;
    issuesOf.set(file, issues);
  }
  return issues;
}
const helmArgs = (name: string) => ['template', 'x', CHART, '-f', join(INVALID_FIXTURES, `${name}.values.yaml`)];

// Every Helm run of this file, side by side up front; the tests below read the results.
test.before(async () => {
  await helmAll([...names.map(helmArgs), ['template', 'x', CHART]].flatMap((args) => MAJORS.map((major) => ({ args, major }))));
});

test('invalid fixtures cover cross-field rules, unknown keys at several depths, types, enums and versions', () => {
  assert.ok(names.length >= 25, `only ${names.length} invalid fixtures`);
  for (const prefix of ['unknown-key-depth-2', 'unknown-key-depth-3', 'unknown-key-depth-5', 'wrong-type', 'bad-enum', 'bad-version',
    'temporal-external-no-host', 'database-external', 'retooldb-external', 'production-embedded-database', 'production-embedded-retooldb',
    'ingress-no-host', 'missing-secrets']) {
    assert.ok(names.some((n) => n.startsWith(prefix)), `no invalid fixture for ${prefix}`);
  }
});

for (const name of names) {
  test(`${name}: validate reports the wrong value with its code, pointer, file and line`, () => {
    const { file, path, code } = expectation(name);
    assert.ok(isIssueCode(code), `${code} is not a listed issue code`);
    const issues = validateIssues(file);
    const hit = issues.find((i) => i.path === path);
    assert.ok(hit, `expected an issue at ${path}, got:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
    assert.equal([hit!.code, hit!.severity, hit!.pointer], [code, 'error', jsonPointer(segmentsOf(path))]);
    assert.ok(hit!.file, 'issue names a file');
    assert.ok((hit!.line ?? 0) >= 1, 'issue names a line');
  });

  for (const major of MAJORS) {
    test(`${name}: helm ${major} refuses it with a schema error naming the key, or a pod rule's fail in validate's words`, () => {
      const { file, path, key, code } = expectation(name);
      const result = helmCached(helmArgs(name), major);
      assert.is.not(result.status, 0, 'helm accepted invalid values');
      const issues = validateIssues(file);
      const hit = issues.find((i) => i.path === path);
      if (hit && code.startsWith('pod.')) {
        // What JSON Schema cannot state: the chart's own fail, with validate's path and message.
        assert.ok(result.stderr.includes(`${path}: ${hit.message}`), `helm's error is not validate's (${path}: ${hit.message}):\n${result.stderr}`);
        return;
      }
      assert.ok(result.stderr.includes(HELM_SCHEMA_ERROR), result.stderr);
      assert.ok(result.stderr.includes(key), `helm's error does not mention ${key}:\n${result.stderr}`);
    });
  }
}

test('helm with no values at all fails and names every missing secret', () => {
  for (const major of MAJORS) {
    const result = helmCached(['template', 'x', CHART], major);
    assert.is.not(result.status, 0);
    for (const secret of ['licenseKey', 'encryptionKey', 'jwtSecret']) assert.ok(result.stderr.includes(secret), `helm ${major}: ${result.stderr}`);
  }
});

test.run();
