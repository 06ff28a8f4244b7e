import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertGolden } from './support/golden.js';
import { FIXTURES, GOLDEN, fixtureNames } from './support/paths.js';
import { MAJORS, renderFixture, renderFixtures } from './support/render.js';

const fixtures = fixtureNames(FIXTURES);

// Every render of this file side by side up front; the tests below (and later files) read them from the cache.
test.before(async () => {
  await Promise.all([renderFixtures(fixtures), renderFixtures(fixtures, [4], ['--debug=false'])]);
});

test('there is a fixture for every scenario the chart promises', () => {
  for (const required of ['evaluation', 'production-external', 'temporal-retool-managed', 'workflows-disabled',
    'code-executor-unsandboxed', 'retooldb-external', 'ingress-tls', 'secret-forms']) {
    assert.ok(fixtures.includes(required), `missing fixture ${required}`);
  }
});

// One golden file per fixture: Helm 4 and Helm 3 must both render exactly it.
for (const name of fixtures) {
  for (const major of MAJORS) {
    test(`${name}: helm ${major} template matches test/golden/${name}.yaml`, () => {
      assertGolden(join(GOLDEN, `${name}.yaml`), renderFixture(name, major));
    });
  }
}

test('rendering the same values twice gives identical manifests', () => {
  for (const name of fixtures) assert.is(renderFixture(name, 4, ['--debug=false']), renderFixture(name, 4));
});

test.run();
