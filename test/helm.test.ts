import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { helmBinary, helmVersion, runHelm } from '../src/io/helm.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The compiled module (dist/, built by npm test): the children below start with plain node, not tsx.
const helmModule = join(root, 'dist', 'io', 'helm.js');

// These tests exercise the bundled binaries, not an operator's own helm.
delete process.env.HELM_BIN;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

test('bundled helm versions', () => {
  assert.ok(helmVersion(4).startsWith('v4.1.'), helmVersion(4));
  assert.ok(helmVersion(3).startsWith('v3.18.'), helmVersion(3));
});

test('concurrent extraction into a fresh cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'helm-test-'));
  try {
    const cache = join(dir, 'cache');
    const script = join(dir, 'extract.mjs');
    writeFileSync(
      script,
      `import { helmBinary } from ${JSON.stringify(pathToFileURL(helmModule).href)};\n` +
        `process.stdout.write(JSON.stringify(helmBinary(3)));\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, RETOOL_CHART_CACHE: cache };
    delete env.HELM_BIN;
    const results = await Promise.all(
      [0, 1, 2].map(() => run(process.execPath, [script], env)),
    );
    for (const r of results) assert.is(r.code, 0, r.stderr);
    const paths = results.map((r) => JSON.parse(r.stdout) as string);
    assert.is(paths[1], paths[0]);
    assert.is(paths[2], paths[0]);
    assert.is(paths[0], join(cache, 'helm-v3', 'helm'));
    accessSync(paths[0], constants.X_OK);

    const version = await run(paths[0], ['version', '--short'], {
      ...env,
      HELM_CACHE_HOME: join(dir, 'h', 'cache'),
      HELM_CONFIG_HOME: join(dir, 'h', 'config'),
      HELM_DATA_HOME: join(dir, 'h', 'data'),
    });
    assert.is(version.code, 0, version.stderr);
    assert.ok(version.stdout.startsWith('v3.18.'), version.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HELM_BIN overrides the bundled helm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'helm-bin-'));
  const saved = process.env.HELM_BIN;
  try {
    helmBinary(4); // populate the module cache first: the override must still win
    const fake = join(dir, 'helm');
    writeFileSync(fake, '#!/bin/sh\necho v9.9.9\n', { mode: 0o755 });
    process.env.HELM_BIN = fake;
    assert.is(helmBinary(4), fake);
    assert.is(helmBinary(3), fake);
    const res = runHelm(['version']);
    assert.is(res.status, 0);
    assert.is(res.stdout.trim(), 'v9.9.9');
    assert.is(helmVersion(3), 'v9.9.9');
  } finally {
    if (saved === undefined) delete process.env.HELM_BIN;
    else process.env.HELM_BIN = saved;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.is.not(helmBinary(4), join(dir, 'helm'));
});

test('runHelm reports failure without throwing', () => {
  for (const major of [3, 4] as const) {
    const res = runHelm(['template', '/nonexistent-chart-dir'], { major });
    assert.is.not(res.status, 0);
    assert.ok(res.stderr.length > 0, `helm ${major} stderr empty`);
    assert.match(res.stderr, /nonexistent-chart-dir|not found|no such file/i);
  }
});

test('runHelm throws when the binary cannot be spawned', () => {
  const saved = process.env.HELM_BIN;
  try {
    process.env.HELM_BIN = '/nonexistent/helm';
    assert.throws(() => runHelm(['version']), /failed to run \/nonexistent\/helm/);
  } finally {
    if (saved === undefined) delete process.env.HELM_BIN;
    else process.env.HELM_BIN = saved;
  }
});

test.run();
