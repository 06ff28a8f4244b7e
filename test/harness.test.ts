// The test harness itself: a setup hook that throws is reported with its file and reason, and fails the run.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './support/paths.js';
import { missing, REQUIREMENTS } from './support/setup.js';
import { uvuCommand } from './support/uvu.js';

test('a before hook that throws fails every test of its suite, naming the file and the error (uvu alone prints a green (0 / 2))', () => {
  const [bin, ...args] = uvuCommand(join(ROOT, 'test/harness'), 'failing-before\\.ts$');
  const r = spawnSync(bin, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
  assert.is(r.status, 1, out);
  assert.match(out, 'setup of failing-before.ts failed: the before hook threw: the fixture server could not start: port 1 is privileged');
  assert.match(out, 'failing-before.ts:7', 'the hook\'s own stack line is kept');
  assert.match(out, /Total: +2\s+Passed: +0/);
  assert.equal([...out.matchAll(/FAIL/g)].length, 2, 'both tests fail');
});

test('the same file without the preload is the silent green uvu gives (what the preload exists for)', () => {
  const [bin, ...args] = uvuCommand(join(ROOT, 'test/harness'), 'failing-before\\.ts$');
  const plain = args.filter((a, i) => !(a.endsWith('hook-errors.ts') || args[i + 1]?.endsWith('hook-errors.ts')));
  const r = spawnSync(bin, plain, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
  assert.is(r.status, 0, out);
  assert.not.match(out, 'port 1 is privileged');
});

test('setup names, for a missing program, the test files that need it and the Debian packages', () => {
  const registry = REQUIREMENTS.find((r) => r.packages.includes('docker-registry'))!;
  assert.ok(registry.files.includes('oci.test.ts'));
  assert.equal(missing(['golden.test.ts']), [], 'a file that needs nothing needs nothing');
  const fake = { ...registry, present: () => false };
  REQUIREMENTS.push(fake);
  try {
    assert.ok(missing(['oci.test.ts']).includes(fake));
    assert.not.ok(missing(['golden.test.ts']).includes(fake));
  } finally {
    REQUIREMENTS.pop();
  }
});

test.run();
