// The npm package works outside this repository: `npm pack`, install the tarball into a temp project
// (offline, from the npm cache), then use the library from JavaScript and TypeScript and the CLI with
// plain node: no tsx, no TypeScript, no bundled helm at run time.

import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { helmBinary } from '../src/io/helm.js';
import { ROOT } from './support/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'retool-chart-npm-'));
const project = join(tmp, 'consumer');
let packed: { filename: string; files: Array<{ path: string }>; size: number; entryCount: number };

function run(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', cwd: project, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function ok(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = run(command, args, options);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * The consumer's lockfile lists retool-chart's dependencies exactly as this repo's lockfile resolved them,
 * so `npm ci --offline` installs from the npm cache that `npm ci` filled (a plain `npm install --offline`
 * would need registry metadata the cache does not keep).
 */
function consumerLock(tarball: string): object {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const { version, license, dependencies, bin, engines } = lock.packages[''];
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { 'retool-chart': `file:${tarball}` } },
    'node_modules/retool-chart': { version, resolved: `file:${tarball}`, license, dependencies, bin, engines },
  };
  for (const [path, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean; devOptional?: boolean }>)) {
    if (path.startsWith('node_modules/') && !entry.dev && !entry.devOptional) packages[path] = entry;
  }
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages };
}

const Npm = suite('npm package');

Npm.before(() => {
  // `npm pack` runs `prepare`, which compiles src/ to dist/.
  const out = ok('npm', ['pack', '--pack-destination', tmp, '--json'], { cwd: ROOT });
  packed = JSON.parse(out.slice(out.indexOf('[')))[0];
  mkdirSync(project);
  const tarball = join(tmp, packed.filename);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { 'retool-chart': `file:${tarball}` } }));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(tarball)));
  ok('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { env: { ...process.env, npm_config_legacy_peer_deps: 'true' } });
  writeFileSync(join(project, 'values.yaml'), 'retool:\n  licenseKey: l\n  encryptionKey: e\n  jwtSecret: j\n');
  writeFileSync(join(project, 'bad.yaml'), 'retool:\n  licenseKey: l\n  encryptionKey: e\n  jwtSecret: j\ncomponents:\n  api:\n    replica: 2\n');
  for (const resolution of RESOLUTIONS) compiled.set(resolution, compileConsumer(resolution));
});

Npm.after(() => rmSync(tmp, { recursive: true, force: true }));

Npm('the tarball ships the compiled library, the CLI, the schema and the chart; no tests, fixtures or TypeScript sources', () => {
  const files = packed.files.map((f) => f.path);
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/generated/values.d.ts', 'dist/cli/run.js', 'bin/retool-chart.js',
    'schema/retool.schema.json', 'charts/retool/values.schema.json', 'charts/retool/Chart.yaml', 'LICENSE', 'package.json']) {
    assert.ok(files.includes(file), `${file} is packed`);
  }
  assert.not.ok(files.some((f) => f.startsWith('chart-templates/')), 'the generator\'s templates are not packed');
  const stray = files.filter((f) => /^(test|src|bench|examples)\//.test(f) || (/\.ts$/.test(f) && !f.endsWith('.d.ts')));
  assert.equal(stray, []);
  assert.not.ok(existsSync(join(project, 'node_modules/tsx')), 'tsx is not installed with the package');
  assert.not.ok(existsSync(join(project, 'node_modules/typescript')), 'typescript is not installed with the package');
});

Npm('what only generate needs is not installed, and the package runs no script at install time', () => {
  for (const name of ['handlebars', 'json-schema-to-typescript', 'prettier', 'adm-zip']) {
    assert.not.ok(existsSync(join(project, 'node_modules', name)), `${name} is not installed with the package`);
  }
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/retool-chart/package.json'), 'utf8'));
  for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) assert.not.ok(manifest.scripts?.[script], `no ${script} script (npm warns about it)`);
  const generate = run('npx', ['--no', 'retool-chart', 'generate', '--check']);
  assert.is(generate.status, 1);
  assert.match(generate.stderr, 'the chart generator is not installed here');
  const release = join(tmp, 'release');
  const packaged = run('npx', ['--no', 'retool-chart', 'package', '--out', release], { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
  assert.is(packaged.status, 0, packaged.stderr);
  assert.match(packaged.stderr, 'packaging the chart as shipped');
  assert.ok(existsSync(join(release, 'index.yaml')));
});

Npm('plain JavaScript imports the validator from the installed package', () => {
  writeFileSync(join(project, 'use.mjs'), [
    "import { validateRetoolValues, formatIssue } from 'retool-chart';",
    "const base = { retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j' } };",
    'console.log(JSON.stringify({',
    '  ok: validateRetoolValues(base),',
    "  bad: validateRetoolValues({ ...base, components: { api: { replica: 2 } } }).map(formatIssue),",
    '}));',
  ].join('\n'));
  const result = JSON.parse(ok(process.execPath, ['use.mjs']));
  assert.equal(result.ok, []);
  assert.is(result.bad.length, 1);
  assert.match(result.bad[0], 'components.api.replica  unknown key "replica"');
});

const RESOLUTIONS = ['NodeNext', 'Bundler'] as const;
type Resolution = (typeof RESOLUTIONS)[number];
/** The consumer compilations, started side by side once the package is installed; the tests read their results. */
const compiled = new Map<Resolution, Promise<{ status: number | null; stdout: string }>>();

/** A TypeScript consumer of the installed package (strict, exactOptionalPropertyTypes) with one typo, compiled by tsc. */
function compileConsumer(resolution: Resolution): Promise<{ status: number | null; stdout: string }> {
  const dir = join(project, `ts-${resolution}`);
  mkdirSync(dir);
  const module = resolution === 'NodeNext' ? 'NodeNext' : 'ESNext';
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, exactOptionalPropertyTypes: true, module, moduleResolution: resolution, target: 'ES2022', noEmit: true, skipLibCheck: false, types: [] },
    include: ['*.ts'],
  }));
  writeFileSync(join(dir, 'use.ts'), [
    "import { validateRetoolValues, formatIssue, type RetoolValues, type Issue } from 'retool-chart';",
    "const values: RetoolValues = { retool: { licenseKey: { secretKeyRef: { name: 'retool', key: 'license' } }, encryptionKey: 'e', jwtSecret: 'j' }, components: { api: { replicas: 3 } } };",
    'export const issues: Issue[] = validateRetoolValues(values);',
    'export const lines: string[] = issues.map(formatIssue);',
  ].join('\n'));
  writeFileSync(join(dir, 'typo.ts'), [
    "import type { RetoolValues } from 'retool-chart';",
    "export const typo: RetoolValues = { retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j' }, components: { api: { replica: 3 } } };",
  ].join('\n'));
  // One compiler run: use.ts must be clean and the typo the only error.
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: project, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

for (const resolution of RESOLUTIONS) {
  Npm(`TypeScript (strict, exactOptionalPropertyTypes, moduleResolution ${resolution}) compiles a consumer and rejects a typo`, async () => {
    const bad = await compiled.get(resolution)!;
    assert.is(bad.status, 2, 'a typo does not compile');
    const errors = bad.stdout.split('\n').filter((line) => /error TS/.test(line));
    assert.is(errors.length, 1, bad.stdout);
    assert.match(errors[0], /typo\.ts\(2,\d+\): error TS(2353|2561): .*'replica' does not exist/, errors[0]);
  });
}

Npm('npx retool-chart validate runs the compiled CLI with plain node', () => {
  assert.match(ok('npx', ['--no', 'retool-chart', 'validate', '-f', 'values.yaml']), 'valid: values.yaml');
  const bad = run('npx', ['--no', 'retool-chart', 'validate', '-f', 'bad.yaml']);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, 'bad.yaml:7:5  components.api.replica  unknown key "replica"');
});

Npm('npx retool-chart render finds helm on PATH or via HELM_BIN, says which ran, and says what to install when none is found', () => {
  const bin = join(tmp, 'path-bin');
  mkdirSync(bin);
  symlinkSync(helmBinary(4), join(bin, 'helm'));
  const nodeDir = dirname(process.execPath);
  const withPath = run('npx', ['--no', 'retool-chart', 'render', '-f', 'values.yaml'], { env: { ...process.env, HELM_BIN: '', PATH: `${bin}:${nodeDir}` } });
  assert.is(withPath.status, 0, withPath.stderr);
  assert.match(withPath.stdout, 'kind: Deployment');
  assert.match(withPath.stderr, `${join(bin, 'helm')} (from PATH)`);
  const viaEnv = run('npx', ['--no', 'retool-chart', 'render', '-f', 'values.yaml'], { env: { ...process.env, HELM_BIN: helmBinary(3), PATH: nodeDir } });
  assert.is(viaEnv.status, 0, viaEnv.stderr);
  assert.match(viaEnv.stderr, '(from HELM_BIN)');
  const none = run('npx', ['--no', 'retool-chart', 'render', '-f', 'values.yaml'], { env: { ...process.env, HELM_BIN: '', PATH: nodeDir } });
  assert.is(none.status, 4, 'no helm found has its own exit code');
  assert.match(none.stderr, 'no helm found: install Helm');
  assert.is(none.stdout, '');
});

Npm.run();
