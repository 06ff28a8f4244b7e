// What each command loads: the built CLI (bin/retool-chart.js -> dist/) is run with a preload that records every
// module it resolves (ESM imports, through a resolve hook) and every CommonJS require. `validate` on valid values
// must stay on its fast path: the generated validator, js-yaml and the values code; no generator-only package,
// no ajv compiler, no chart model.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { INVALID_FIXTURES, ROOT } from './support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'retool-cli-modules-'));
const HOOKS = join(dir, 'hooks.mjs');
const PRELOAD = join(dir, 'preload.mjs');
writeFileSync(HOOKS, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.MODULE_TRACE, resolved.url + '\\n');
  return resolved;
}
`);
writeFileSync(PRELOAD, `import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(HOOKS).href)});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try { appendFileSync(process.env.MODULE_TRACE, Module._resolveFilename(request, parent, isMain) + '\\n'); } catch {}
  return load.apply(this, arguments);
};
`);

let runs = 0;
/** Runs the built CLI; returns its exit status and the packages/project modules it loaded. */
function modulesOf(...args: string[]): { status: number | null; stderr: string; packages: Set<string>; project: Set<string> } {
  return modulesWith({}, ...args);
}

function modulesWith(env: NodeJS.ProcessEnv, ...args: string[]): { status: number | null; stderr: string; packages: Set<string>; project: Set<string> } {
  const trace = join(dir, `trace-${++runs}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(PRELOAD).href, join(ROOT, 'bin/retool-chart.js'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, MODULE_TRACE: trace, NO_COLOR: '1', ...env },
  });
  const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((entry) => entry.replace(/^file:\/\//, ''));
  const packages = new Set(loaded.flatMap((path) => {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
    return match ? [match[1] === 'ajv' && match[2].startsWith('dist/runtime/') ? `ajv/${match[2]}` : match[1]] : [];
  }));
  const project = new Set(loaded.filter((path) => path.startsWith(`${ROOT}/dist/`)).map((path) => path.slice(ROOT.length + 1)));
  return { status: r.status, stderr: r.stderr, packages, project };
}

const GENERATOR_ONLY = ['handlebars', 'json-schema-to-typescript', 'prettier', 'pg', 'adm-zip', 'ajv', 'ajv-formats'];

test('validate, valid values: the generated validator and the values code only (no generator packages, no ajv compiler, no model)', () => {
  const run = modulesOf('validate', '-f', join(ROOT, 'examples/production.values.yaml'), '--set', 'components.api.replicas=3');
  assert.is(run.status, 0, run.stderr);
  assert.ok(run.project.has('dist/generated/values-validator.js'), [...run.project].join('\n'));
  assert.equal([...run.packages].sort(), ['ajv/dist/runtime/ucs2length.js', 'js-yaml'].sort());
  for (const module of ['dist/project-model.js', 'dist/model/chart-model.js', 'dist/validate/compiled-schema.js', 'dist/generate/chart-files.js']) {
    assert.not.ok(run.project.has(module), `${module} loaded`);
  }
});

test('validate, invalid values: ajv compiles the schema to explain the errors, still without generator packages', () => {
  const run = modulesOf('validate', '-f', join(INVALID_FIXTURES, 'unknown-key-depth-3.values.yaml'));
  assert.is(run.status, 1, run.stderr);
  assert.match(run.stderr, 'unknown key "replica"');
  assert.ok(run.packages.has('ajv') && run.project.has('dist/validate/compiled-schema.js'), [...run.packages].join(' '));
  for (const name of GENERATOR_ONLY.filter((p) => !p.startsWith('ajv'))) assert.not.ok(run.packages.has(name), `${name} loaded`);
});

test('--help and --version load no package at all', () => {
  for (const args of [['--help'], ['--version'], ['validate', '--help']]) {
    const run = modulesOf(...args);
    assert.is(run.status, 0, run.stderr);
    assert.equal([...run.packages], [], args.join(' '));
  }
});

test('the trace sees what a command loads (generate loads the generator packages); a stamped --check loads none', () => {
  // An empty cache: no stamp, so the check generates and compares, then leaves a stamp for the next one.
  const cache = join(dir, 'stamp-cache');
  const run = modulesWith({ RETOOL_CHART_CACHE: cache }, 'generate', '--check');
  assert.is(run.status, 0, run.stderr);
  for (const name of ['handlebars', 'json-schema-to-typescript', 'ajv']) assert.ok(run.packages.has(name), `${name} not seen: ${[...run.packages].join(' ')}`);
  const stamped = modulesWith({ RETOOL_CHART_CACHE: cache }, 'generate', '--check');
  assert.is(stamped.status, 0, stamped.stderr);
  assert.equal([...stamped.packages], [], 'nothing changed since the full check: no package loaded');
  assert.not.ok([...stamped.project].some((m) => m.startsWith('dist/generate/')), [...stamped.project].join('\n'));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
