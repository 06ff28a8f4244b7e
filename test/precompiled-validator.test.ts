// The validator `generate` compiles ahead of time (src/generated/values-validator.js) decides which values are
// valid on the CLI's fast path; the full ajv compile (src/validate/compiled-schema.ts) explains errors. Both
// must reach the same verdict on every fixture, example, editor fixture and generated fuzz case.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEMA_FILE } from '../src/io/project.js';
import { projectModel } from '../src/project-model.js';
import { compactSchema } from '../src/schema/compact.js';
import type { JsonSchema } from '../src/schema/json-schema.js';
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

interface Verdicts { precompiled: boolean; full: boolean }

/** Both verdicts on the values Helm would check for these sources (undefined when a source does not load). */
function verdicts(sources: Omit<SourceArguments, 'defaults'>): Verdicts | undefined {
  const { merged, issues } = loadSources({ ...sources, defaults: model.defaults });
  if (issues.length) return undefined;
  return { precompiled: precompiled!.isValid(merged.values), full: checkValues(model.schema, merged.values).length === 0 };
}

function compare(label: string, cases: { name: string; sources: Omit<SourceArguments, 'defaults'> }[]): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  const disagree: string[] = [];
  for (const { name, sources } of cases) {
    const v = verdicts(sources);
    if (!v) continue;
    if (v.precompiled !== v.full) disagree.push(`${name}: precompiled ${v.precompiled ? 'accepts' : 'refuses'}, full ${v.full ? 'accepts' : 'refuses'}`);
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

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
