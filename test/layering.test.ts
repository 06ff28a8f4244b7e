// Layering is enforced, not described: src/ imports only down the layer order of test/support/import-graph.ts
// and has no import cycle anywhere (the import map once had env -> databases -> secrets -> env).
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { importCycles, layerViolations, readImportGraph, type ImportGraph } from './support/import-graph.js';
import { ROOT } from './support/paths.js';

const graph = readImportGraph(join(ROOT, 'src'));

const synthetic = (edges: Record<string, string[]>): ImportGraph =>
  new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

test('the graph is the real one: it sees the CLI importing the model and the import map importing its helpers', () => {
  assert.ok(graph.size > 50, `only ${graph.size} modules read`);
  assert.ok([...graph.get('cli/main') ?? []].length > 0, 'cli/main imports nothing?');
  assert.ok([...graph.values()].some((to) => [...to].some((m) => m.startsWith('import/map/'))));
});

test('no module in src/ imports a higher layer, and the model builder does not run lint', () => {
  assert.equal(layerViolations(graph), []);
});

test('no import cycle anywhere in src/ (src/import/map included)', () => {
  assert.equal(importCycles(graph), []);
});

test('the checker reports a back-edge, a named forbidden edge and a cycle fed to it', () => {
  assert.equal(layerViolations(synthetic({ 'generate/readme': ['cli/specs'], 'cli/specs': [] })), [
    'generate/readme -> cli/specs: generate/render/import/init/publish may not import cli/index',
  ]);
  assert.equal(layerViolations(synthetic({ 'io/stamp': ['generate/layout'], 'generate/layout': [] })).length, 1);
  assert.equal(layerViolations(synthetic({ 'model/chart-model': ['schema/lint'], 'schema/lint': [] })), [
    'model/chart-model -> schema/lint: the model builder must not run the schema lint',
  ]);
  assert.equal(
    importCycles(synthetic({ 'import/map/env': ['import/map/databases'], 'import/map/databases': ['import/map/secrets'], 'import/map/secrets': ['import/map/env'] })),
    [['import/map/databases', 'import/map/env', 'import/map/secrets']],
  );
  assert.throws(() => layerViolations(synthetic({ 'nowhere/x': [] })), /in no layer/);
});

test.run();
