// Not a test of the suite (its name does not end in .test.ts): test/harness.test.ts runs it through uvu with
// test/run.ts's preloads to prove that a setup hook's error is reported, not swallowed.
import * as assert from 'uvu/assert';
import { test } from 'uvu';

test.before(() => {
  throw new Error('the fixture server could not start: port 1 is privileged');
});

test('first test of the suite', () => {
  assert.ok(true);
});

test('second test of the suite', () => {
  assert.ok(true);
});

test.run();
