// The schema lint's remembered pass (src/io/lint-verdict.ts): trusted only for the exact inputs that passed.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintPassedBefore, recordLintPassed } from '../src/io/lint-verdict.js';
import { ROOT } from './support/paths.js';

/** A project root with the two schema files and a source file, and its own cache directory. */
function project(): { root: string; schema: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'retool-lint-verdict-'));
  mkdirSync(join(root, 'schema'));
  mkdirSync(join(root, 'src'));
  for (const name of ['retool.schema.json', 'annotations.schema.json']) copyFileSync(join(ROOT, 'schema', name), join(root, 'schema', name));
  writeFileSync(join(root, 'src/lint.ts'), 'export const rule = 1;\n');
  const previous = process.env.RETOOL_CHART_CACHE;
  process.env.RETOOL_CHART_CACHE = join(root, 'cache');
  return {
    root,
    schema: join(root, 'schema/retool.schema.json'),
    done: () => {
      if (previous === undefined) delete process.env.RETOOL_CHART_CACHE;
      else process.env.RETOOL_CHART_CACHE = previous;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

test('no record: lint; a recorded pass is trusted for the same inputs', () => {
  const { root, schema, done } = project();
  try {
    assert.is(lintPassedBefore(root, schema), false);
    recordLintPassed(root, schema);
    assert.is(lintPassedBefore(root, schema), true);
  } finally { done(); }
});

test('a changed schema, annotations schema or source file lints again', () => {
  for (const change of ['schema/retool.schema.json', 'schema/annotations.schema.json', 'src/lint.ts']) {
    const { root, schema, done } = project();
    try {
      recordLintPassed(root, schema);
      const file = join(root, change);
      writeFileSync(file, `${readFileSync(file, 'utf8')} `);
      assert.is(lintPassedBefore(root, schema), false, change);
    } finally { done(); }
  }
});

test('an unreadable or foreign record is no pass', () => {
  const { root, schema, done } = project();
  try {
    mkdirSync(join(root, 'cache'), { recursive: true });
    writeFileSync(join(root, 'cache/lint-verdict.json'), 'not json');
    assert.is(lintPassedBefore(root, schema), false);
    writeFileSync(join(root, 'cache/lint-verdict.json'), '{"passed":"0000"}\n');
    assert.is(lintPassedBefore(root, schema), false);
  } finally { done(); }
});

test.run();
