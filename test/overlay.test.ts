/**
 * The overlay transform (src/schema/overlay.ts) on a small schema, table-driven: for each values file the
 * overlay schema must give the verdict the source schema gives on the file merged over the defaults, and a
 * broken rule must fail with its reason, at the place `validate` would name.
 */
import AjvModule from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeValues, schemaDefaults } from '../src/model/defaults.js';
import type { JsonSchema } from '../src/schema/json-schema.js';
import { overlaySchema, type OverlayContext } from '../src/schema/overlay.js';
import { editorAjv } from '../src/validate/editor-ajv.js';

const Ajv = AjvModule.default;

const REASON = 'mode: on requires a name.';
const PROFILE_REASON = 'profile: strict requires mode on.';
const source: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['secret'],
  properties: {
    secret: { type: 'string', minLength: 1 },
    profile: { type: 'string', enum: ['loose', 'strict'], default: 'loose' },
    feature: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mode: { type: 'string', enum: ['off', 'on'], default: 'off' },
        name: { type: 'string', default: '' },
        size: { type: 'integer', minimum: 1, default: 3 },
        labels: { type: 'object', additionalProperties: { type: 'string' }, default: { team: 'a' } },
      },
    },
  },
  allOf: [
    {
      description: REASON,
      if: { required: ['feature'], properties: { feature: { required: ['mode'], properties: { mode: { const: 'on' } } } } },
      then: { properties: { feature: { required: ['name'], properties: { name: { minLength: 1 } } } } },
    },
    {
      description: PROFILE_REASON,
      if: { required: ['profile'], properties: { profile: { const: 'strict' } } },
      then: { properties: { feature: { properties: { mode: { const: 'on' } } } } },
    },
  ],
};

const defaults = schemaDefaults(source);
const loose = new Ajv({ strict: false, allErrors: true });
const checkMerged = loose.compile(source);
const ctx: OverlayContext = {
  root: source,
  accepts: (schema, value) => loose.validate({ ...schema }, value) as boolean,
  brokenDefaults: (path) => path[0] === 'secret',
};
const overlay = overlaySchema(ctx, defaults);
const checkOverlay = editorAjv({ verbose: true }).compile(overlay);

const cases: Array<[string, unknown, boolean]> = [
  ['only the required value', { secret: 's' }, true],
  ['the required value missing (no default)', {}, false],
  ['a partial object keeps the other defaults', { secret: 's', feature: { size: 5 } }, true],
  ['mode on without a name: the default name is empty', { secret: 's', feature: { mode: 'on' } }, false],
  ['mode on with a name', { secret: 's', feature: { mode: 'on', name: 'x' } }, true],
  ['profile strict alone: the default mode is off', { secret: 's', profile: 'strict' }, false],
  ['profile strict with mode on and a name', { secret: 's', profile: 'strict', feature: { mode: 'on', name: 'x' } }, true],
  ['null deletes a default', { secret: 's', feature: { size: null } }, true],
  ['null deletes the whole section, and the rule then has nothing to check', { secret: 's', profile: 'strict', feature: null }, true],
  ['null deletes a map entry of the default', { secret: 's', feature: { labels: { team: null } } }, true],
  ['a wrong type is still wrong', { secret: 's', feature: { size: 'big' } }, false],
  ['an unknown key is still unknown', { secret: 's', feature: { colour: 'red' } }, false],
  ['the required value may not be deleted', { secret: null }, false],
];

for (const [name, values, valid] of cases) {
  test(`overlay: ${name}`, () => {
    const merged = checkMerged(mergeValues(defaults, values)) as boolean;
    assert.is(merged, valid, `the source schema on the merged values: ${JSON.stringify(checkMerged.errors)}`);
    assert.is(checkOverlay(values) as boolean, valid, `the overlay schema: ${JSON.stringify(checkOverlay.errors)}`);
  });
}

test('a broken rule fails with its reason, at the key the file writes', () => {
  assert.not.ok(checkOverlay({ secret: 's', feature: { mode: 'on' } }));
  const reasons = (checkOverlay.errors ?? []).map((e) => ({ at: e.instancePath, message: (e.parentSchema as JsonSchema).errorMessage }));
  assert.ok(reasons.some((r) => r.at === '/feature' && r.message === REASON), JSON.stringify(reasons));
});

test('a rule faulting a section the file leaves out fails on the value that switched it on', () => {
  assert.not.ok(checkOverlay({ secret: 's', profile: 'strict' }));
  const reasons = (checkOverlay.errors ?? []).map((e) => ({ at: e.instancePath, message: (e.parentSchema as JsonSchema).errorMessage }));
  assert.ok(reasons.some((r) => r.at === '/profile' && r.message === PROFILE_REASON), JSON.stringify(reasons));
  assert.not.ok(reasons.some((r) => r.at === '' && r.message === PROFILE_REASON), 'not at the document root');
});

test('the transform leaves its input alone', () => {
  const before = JSON.stringify(source);
  overlaySchema(ctx, defaults);
  assert.is(JSON.stringify(source), before);
});

test.run();
