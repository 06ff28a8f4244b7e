/**
 * src/schema/values-tree.ts: the one walk over the values API that defaults, values.yaml, the chart README,
 * the schema lint, the overlay and the editor schema's sharing read.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { schemaDefaults } from '../src/model/defaults.js';
import { SCHEMA_FILE } from '../src/io/project.js';
import { projectModel } from '../src/project-model.js';
import { loadSchema } from '../src/schema/load.js';
import { podOptionRef, type JsonSchema } from '../src/schema/json-schema.js';
import { expandPodOptions } from '../src/schema/normalize.js';
import { childOf, valueAtPath, valueNodes, valuesTree } from '../src/schema/values-tree.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'A name.' },
    port: { $ref: '#/definitions/Port', title: 'Service port', description: 'The port.' },
    plain: { $ref: '#/definitions/Port' },
    section: {
      type: 'object',
      description: 'Composed from its children.',
      properties: { a: { type: 'integer', default: 1 }, b: { type: 'string' }, 'x/y~z': { type: 'boolean', default: false } },
    },
    whole: { type: 'object', default: { a: 2 }, properties: { a: { type: 'integer', default: 1 } } },
    overrides: { type: 'object', 'x-retool-sparse': true, properties: { runAsUser: { type: 'integer' } } },
  },
  definitions: { Port: { title: 'Port', type: 'integer', default: 80, description: 'A TCP port.' } },
};

test('each node: path, pointer (escaped), resolved schema, the key\'s own title, description, required', () => {
  const tree = valuesTree(schema);
  assert.equal(tree.path, []);
  assert.is(tree.pointer, '#');
  const port = valueAtPath(tree, ['port'])!;
  assert.is(port.pointer, '#/properties/port');
  assert.is(port.schema.type, 'integer', '$ref resolved');
  assert.is(port.title, 'Service port', 'the annotation beside $ref wins');
  assert.is(port.description, 'The port.');
  assert.is(valueAtPath(tree, ['plain'])!.title, undefined, 'a definition\'s title names a type, not the key');
  assert.is(valueAtPath(tree, ['plain'])!.description, 'A TCP port.');
  assert.is(valueAtPath(tree, ['section', 'x/y~z'])!.pointer, '#/properties/section/properties/x~1y~0z');
  assert.ok(childOf(tree, 'name')!.required);
  assert.not.ok(childOf(tree, 'port')!.required);
  assert.ok(valueAtPath(tree, ['overrides'])!.sparse);
  assert.is(valueAtPath(tree, ['nope']), undefined);
  assert.equal(valueNodes(tree).map((n) => n.path.join('.')), ['', 'name', 'port', 'plain', 'section', 'section.a', 'section.b', 'section.x/y~z', 'whole', 'whole.a', 'overrides', 'overrides.runAsUser']);
});

test('defaults: a node\'s own default wins, else composed from its children; required keys without one are left out', () => {
  const tree = valuesTree(schema);
  assert.equal(tree.default, { port: 80, plain: 80, section: { a: 1, 'x/y~z': false }, whole: { a: 2 }, overrides: {} });
  assert.equal(schemaDefaults(schema), tree.default);
  const copy = schemaDefaults(schema) as Record<string, unknown>;
  copy.port = 1;
  assert.is((valuesTree(schema).default as Record<string, unknown>).port, 80, 'schemaDefaults hands out a copy');
});

test('built once per schema object; a recursive $ref along properties is refused, not looped', () => {
  assert.is(valuesTree(schema), valuesTree(schema));
  const recursive: JsonSchema = { properties: { node: { $ref: '#/definitions/Node' } }, definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' } } } } };
  assert.throws(() => valuesTree(recursive), /deeper than 64 keys/);
});

test('the project schema: every workload\'s shared pod options are marked and point at PodOptions; its own keys are not', () => {
  const model = projectModel();
  const tree = valuesTree(model.schema);
  const api = valueAtPath(tree, ['components', 'api'])!;
  assert.ok(childOf(api, 'tolerations')!.podOption);
  assert.is(childOf(api, 'tolerations')!.source.$ref, podOptionRef('tolerations'));
  assert.is(childOf(api, 'tolerations')!.description, 'Tolerations of the pods.');
  assert.not.ok(childOf(api, 'resources')!.podOption, 'a component declares its own resources (its defaults)');
  assert.not.ok(childOf(api, 'replicas')!.podOption);
  const workloads = valueNodes(tree).filter((n) => n.children.some((c) => c.podOption)).map((n) => n.path.join('.'));
  assert.ok(workloads.includes('temporal.local.frontend') && workloads.includes('podDefaults'), workloads.join(', '));
  assert.ok(workloads.length >= 11, `${workloads.length} workloads`);
  assert.equal(tree.default, model.defaults);
  // A fresh expansion of the source file builds its own, equal tree.
  const again = expandPodOptions(loadSchema(SCHEMA_FILE));
  assert.is.not(valuesTree(again), tree);
  assert.equal(valuesTree(again).default, model.defaults);
});

test.run();
