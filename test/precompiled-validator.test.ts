// The validator `generate` compiles ahead of time (src/generated/values-validator.js) decides which values are
// valid on the CLI's fast path; the full ajv compile (src/validate/compiled-schema.ts) explains errors; Helm
// checks charts/retool/values.schema.json, whose exclusive oneOfs are written for its validators
// (src/schema/first-match.ts). The first two must reach the same verdict on every fixture, example, editor
// fixture and generated fuzz case, and the shipped file the verdict of the schema it was rewritten from (the
// rules only the templates check, e.g. requests above limits, are beyond both).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEMA_FILE } from '../src/io/project.js';
import { projectModel } from '../src/project-model.js';
import { compactSchema } from '../src/schema/compact.js';
import { firstMatchSchema } from '../src/schema/first-match.js';
import type { JsonSchema } from '../src/schema/json-schema.js';
import { newValuesAjv } from '../src/validate/compiled-schema.js';
import { precompiledValidator, type PrecompiledValidator } from '../src/validate/precompiled.js';
import { checkValues } from '../src/validate/validate-values.js';
import { loadSources, type SourceArguments } from '../src/validate/values-sources.js';
import { fixtureFile, generateCases } from './fuzz/cases.js';
import { FIXTURES, INVALID_FIXTURES, ROOT, fixtureNames } from './support/paths.js';

const model = projectModel();
let precompiled: PrecompiledValidator | undefined;
test.before(async () => {
  precompiled = await precompiledValidator(SCHEMA_FILE);
});
const dir = mkdtempSync(join(tmpdir(), 'retool-precompiled-'));
// The file Helm reads as it is shipped, and the schema it was written from.
const shipped = newValuesAjv({ allErrors: false }).compile(JSON.parse(readFileSync(join(ROOT, 'charts/retool/values.schema.json'), 'utf8')));
const published = newValuesAjv({ allErrors: false }).compile(model.published);

interface Verdicts { precompiled: boolean; full: boolean; shipped: boolean; published: boolean }

/** Both verdicts on the values Helm would check for these sources (undefined when a source does not load). */
function verdicts(sources: Omit<SourceArguments, 'defaults'>): Verdicts | undefined {
  const { merged, issues } = loadSources({ ...sources, defaults: model.defaults });
  if (issues.length) return undefined;
  return { precompiled: precompiled!.isValid(merged.values), full: checkValues(model.schema, merged.values).length === 0, shipped: shipped(merged.values), published: published(merged.values) };
}

function compare(label: string, cases: { name: string; sources: Omit<SourceArguments, 'defaults'> }[]): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  const disagree: string[] = [];
  for (const { name, sources } of cases) {
    const v = verdicts(sources);
    if (!v) continue;
    const word = (accepts: boolean) => (accepts ? 'accepts' : 'refuses');
    if (v.precompiled !== v.full) disagree.push(`${name}: precompiled ${word(v.precompiled)}, full ${word(v.full)}`);
    if (v.shipped !== v.published) disagree.push(`${name}: values.schema.json ${word(v.shipped)}, the schema it was written from ${word(v.published)}`);
    if (v.full) valid++; else invalid++;
  }
  assert.equal(disagree, [], `${label}:\n${disagree.join('\n')}`);
  return { valid, invalid };
}

const filesIn = (folder: string) => fixtureNames(folder).map((name) => ({ name, sources: { files: [join(folder, `${name}.values.yaml`)] } }));

test('the generated validator is current: made from this schema file, with the model\'s defaults', () => {
  assert.ok(precompiled, 'src/generated/values-validator.js was generated from another schema: run npm run generate');
  assert.equal(precompiled!.defaults, model.defaults);
});

test('valid fixtures and examples: both validators accept, the chart defaults alone both refuse (required secrets)', () => {
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.values.yaml'))
    .map((f) => ({ name: `examples/${f}`, sources: { files: [join(ROOT, 'examples', f)] } }));
  const counts = compare('valid fixtures', [...filesIn(FIXTURES), ...examples]);
  assert.ok(counts.valid >= 20 && counts.invalid === 0, JSON.stringify(counts));
  assert.equal(compare('defaults alone', [{ name: 'chart defaults', sources: { files: [] } }]), { valid: 0, invalid: 1 });
});

test('invalid fixtures (cross-field rules, null deletions, bounds, unknown keys): the same verdict, every one refused', () => {
  const counts = compare('invalid fixtures', filesIn(INVALID_FIXTURES));
  assert.ok(counts.invalid >= 25 && counts.valid === 0, JSON.stringify(counts));
});

test('editor fixtures: the same verdict', () => {
  const counts = compare('editor fixtures', filesIn(join(FIXTURES, 'editor')));
  assert.ok(counts.valid + counts.invalid >= 10, JSON.stringify(counts));
});

test('600 fuzz cases (one mutation of a valid fixture, by file and by --set flags): the same verdict', () => {
  const cases = generateCases(model, 20261127, 600).map((fuzzCase) => {
    const files = [fixtureFile(fuzzCase.base)];
    if (fuzzCase.file !== undefined) {
      const file = join(dir, `case-${fuzzCase.id}.yaml`);
      writeFileSync(file, fuzzCase.file);
      files.push(file);
    }
    const flag = fuzzCase.flag;
    return {
      name: `case ${fuzzCase.id} (${fuzzCase.kind} at ${fuzzCase.path.join('.')} by ${fuzzCase.channel})`,
      sources: {
        files,
        sets: flag?.name === '--set' ? [flag.arg] : [],
        setStrings: flag?.name === '--set-string' ? [flag.arg] : [],
        setJsons: flag?.name === '--set-json' ? [flag.arg] : [],
      },
    };
  });
  const counts = compare('fuzz cases', cases);
  assert.ok(counts.valid > 50 && counts.invalid > 200, JSON.stringify(counts));
});

test('a schema edited since the last generate: the generated validator is not used', async () => {
  const copy = join(dir, 'retool.schema.json');
  cpSync(SCHEMA_FILE, copy);
  assert.ok(await precompiledValidator(copy), 'same bytes: used');
  writeFileSync(copy, readFileSync(SCHEMA_FILE, 'utf8').replace('"maxLength": 63', '"maxLength": 62'));
  assert.is(await precompiledValidator(copy), undefined);
});

test('the compact schema: annotations dropped, properties named like them kept, repeated subschemas written once', () => {
  const podOptions = (n: number): JsonSchema => ({
    description: `copy ${n}`,
    type: 'object',
    additionalProperties: false,
    properties: { description: { type: 'string', default: 'x', title: 'A property named description' }, tolerations: { type: 'array', items: { type: 'object', required: ['key', 'operator', 'effect'] } } },
  });
  const compact = compactSchema({ title: 'T', type: 'object', properties: { a: podOptions(1), b: podOptions(2), c: { type: 'string', 'x-retool-note': 1 } as JsonSchema } });
  const shared = Object.keys(compact.definitions ?? {});
  assert.is(shared.length, 1, JSON.stringify(compact));
  assert.equal(compact.properties, { a: { $ref: `#/definitions/${shared[0]}` }, b: { $ref: `#/definitions/${shared[0]}` }, c: { type: 'string' } });
  assert.equal(compact.definitions![shared[0]].properties!.description, { type: 'string' });
  assert.is(compact.title, undefined);
});

test('values.schema.json: a oneOf becomes an anyOf only where no value matches two branches', () => {
  const rewritten = firstMatchSchema({
    definitions: { Ref: { type: 'object', additionalProperties: false, required: ['ref'], properties: { ref: { type: 'string' } } } },
    properties: {
      byType: { oneOf: [{ type: 'string' }, { $ref: '#/definitions/Ref' }, { type: 'integer' }] },
      byKey: { oneOf: [{ $ref: '#/definitions/Ref' }, { type: 'object', additionalProperties: false, required: ['other'], properties: { other: {} } }] },
      overlapping: { oneOf: [{ type: 'string' }, { type: 'string', minLength: 3 }] },
      open: { oneOf: [{ type: 'object', required: ['a'] }, { type: 'object', required: ['b'] }] },
      numbers: { oneOf: [{ type: 'integer' }, { type: 'number', multipleOf: 0.5 }] },
    },
  });
  const kinds = Object.fromEntries(Object.entries(rewritten.properties!).map(([key, node]) => [key, node.anyOf ? 'anyOf' : 'oneOf']));
  assert.equal(kinds, { byType: 'anyOf', byKey: 'anyOf', overlapping: 'oneOf', open: 'oneOf', numbers: 'oneOf' });
});

test('values.schema.json: "exactly one of these keys" becomes anyOf and maxProperties only in a closed object whose other keys are required', () => {
  const volume = (extra: Record<string, unknown> = {}): JsonSchema => ({
    type: 'object', additionalProperties: false, required: ['name'],
    properties: { name: { type: 'string' }, emptyDir: { type: 'object' }, secret: { type: 'object' } },
    oneOf: [{ required: ['emptyDir'] }, { required: ['secret'] }], ...extra,
  });
  const once = firstMatchSchema({ properties: { v: volume() } }).properties!.v;
  assert.equal(Object.keys(once), ['type', 'additionalProperties', 'required', 'properties', 'anyOf', 'maxProperties']);
  assert.is(once.maxProperties, 2);
  const validate = newValuesAjv().compile(once);
  const verdicts = [{ name: 'a' }, { name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {}, secret: {} }, { emptyDir: {} }, 'a'].map((v) => validate(v));
  assert.equal(verdicts, [false, true, false, false, false]);
  // An optional key beside the sources (EnvFromSource's prefix), an open object or a set bound: left as oneOf.
  const withOptional = volume({ properties: { name: { type: 'string' }, prefix: { type: 'string' }, emptyDir: { type: 'object' }, secret: { type: 'object' } } });
  for (const node of [withOptional, volume({ additionalProperties: true }), volume({ maxProperties: 3 }), volume({ type: undefined })]) {
    assert.ok(firstMatchSchema({ properties: { v: node } }).properties!.v.oneOf, JSON.stringify(node));
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
