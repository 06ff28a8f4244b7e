import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JOURNAL, LOCK, diffTree, leftovers, recoverTree, writeTree, type WriteStep } from '../src/io/write-tree.js';
import { ROOT } from './support/paths.js';

const OWNED = ['charts/retool', 'src/generated'];
const OLD = new Map([['charts/retool/Chart.yaml', 'old chart\n'], ['charts/retool/templates/a.yaml', 'old a\n'], ['src/generated/values.ts', 'old types\n'], ['README.md', 'old readme\n']]);
const NEW = new Map([['charts/retool/Chart.yaml', 'new chart\n'], ['charts/retool/templates/b.yaml', 'new b\n'], ['src/generated/values.ts', 'new types\n'], ['README.md', 'new readme\n']]);
const CRASH = join(ROOT, 'test/support/crash-write.mjs');

function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'retool-gen-safety-'));
}

/** Every step writeTree takes, in order (recorded from a run that completes). */
function allSteps(): WriteStep[] {
  const root = tempRoot();
  try {
    const steps: WriteStep[] = [];
    writeTree(root, NEW, OWNED, { onStep: (step) => steps.push(step) });
    return steps;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function writeFilesJson(dir: string, files: Map<string, string>): string {
  const path = join(dir, 'files.json');
  writeFileSync(path, JSON.stringify(Object.fromEntries(files)));
  return path;
}

/** 'old' or 'new' when the whole tree is one of them, else a description of the mix. */
function treeState(root: string): string {
  if (diffTree(root, OLD, OWNED).length === 0) return 'old';
  if (diffTree(root, NEW, OWNED).length === 0) return 'new';
  return `mixed: old differs in ${diffTree(root, OLD, OWNED).join(', ')}; new differs in ${diffTree(root, NEW, OWNED).join(', ')}`;
}

const steps = allSteps();

test('writeTree takes the expected steps: plan, stage both and the loose file, journal, swap both, the file, commit, clean up', () => {
  assert.equal(steps, ['plan', 'stage charts/retool', 'stage src/generated', 'stage files', 'journal', 'retire charts/retool', 'install charts/retool',
    'retire src/generated', 'install src/generated', 'install files', 'commit', 'cleanup charts/retool', 'cleanup src/generated']);
});

interface Crash {
  root: string;
  work: string;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A child that writes NEW over OLD in a temp root and is killed (SIGKILL) just before `step`. */
function crashBefore(step: WriteStep): Promise<Crash> {
  const root = tempRoot();
  const work = tempRoot();
  writeTree(root, OLD, OWNED);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CRASH, root, writeFilesJson(work, NEW), step], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (_code, signal) => resolve({ root, work, signal, stderr }));
  });
}

/** Every step's crashed child, run side by side (each in its own temp root) before the tests check them. */
const crashes = new Map<WriteStep, Promise<Crash>>();
test.before(() => {
  for (const step of steps) crashes.set(step, crashBefore(step));
});

for (const [index, step] of steps.entries()) {
  test(`killed (SIGKILL) before "${step}": recovery leaves the chart and the types all old or all new, nothing behind`, async () => {
    const { root, work, signal, stderr } = await crashes.get(step)!;
    try {
      assert.is(signal, 'SIGKILL', `the child was not killed: ${stderr}`);
      const committed = index > steps.indexOf('journal');
      assert.ok(leftovers(root, OWNED).includes(LOCK), 'the dead run\'s lock is reported');
      if (index > steps.indexOf('stage files') && index <= steps.indexOf('install files')) {
        assert.ok(leftovers(root, OWNED).some((path) => path.startsWith('README.md.tmp-')), `the staged README is reported: ${leftovers(root, OWNED)}`);
      }
      // Recovery alone ends all old or all new, never mixed: a committed run is finished, anything else undone.
      recoverTree(root, OWNED);
      assert.is(treeState(root), committed ? 'new' : 'old');
      assert.equal(leftovers(root, OWNED), [LOCK], 'only the dead lock is left, for the next run to take over');
      // The next run works normally.
      writeTree(root, NEW, OWNED);
      assert.is(treeState(root), 'new');
      assert.equal(readdirSync(root).sort(), ['README.md', 'charts', 'src']);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
}

test('generate --check reports what a killed run left behind and fails; generate cleans it', () => {
  const root = tempRoot();
  const work = tempRoot();
  try {
    writeTree(root, OLD, OWNED);
    const crashed = spawnSync(process.execPath, [CRASH, root, writeFilesJson(work, NEW), 'install src/generated'], { encoding: 'utf8' });
    assert.is(crashed.signal, 'SIGKILL');
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), 'generate', '--out', root, ...args], { encoding: 'utf8' });
    const check = cli('--check');
    assert.is(check.status, 1, check.stdout);
    assert.match(check.stderr, /an interrupted generate run left these behind/);
    for (const path of [JOURNAL, LOCK, 'src/generated.tmp-']) assert.ok(check.stderr.includes(path), check.stderr);
    const fixed = cli();
    assert.is(fixed.status, 0, fixed.stderr);
    assert.match(fixed.stdout, /recovered: installed src\/generated/);
    assert.is(cli('--check').status, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});

test('an injected error at any step leaves a recoverable tree (the next writeTree finishes the job)', () => {
  for (const step of steps) {
    const root = tempRoot();
    try {
      writeTree(root, OLD, OWNED);
      assert.throws(() => writeTree(root, NEW, OWNED, { onStep: (s) => { if (s === step) throw new Error('injected'); } }), /injected/);
      assert.ok(['old', 'new'].includes(treeState(root)) || existsSync(join(root, JOURNAL)), `${step}: ${treeState(root)}`);
      assert.not.ok(existsSync(join(root, LOCK)), `${step}: lock released`);
      const recovered = writeTree(root, NEW, OWNED);
      assert.is(treeState(root), 'new', step);
      assert.equal(leftovers(root, OWNED), [], step);
      if (steps.indexOf(step) > steps.indexOf('journal')) assert.ok(recovered.some((line) => line.startsWith('installed') || line.startsWith('removed')), step);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
});

test('concurrent runs serialize on the lock instead of failing (ENOTEMPTY); a dead owner\'s lock is taken over', async () => {
  const root = tempRoot();
  const work = tempRoot();
  try {
    writeTree(root, OLD, OWNED);
    const json = writeFilesJson(work, NEW);
    const run = () => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CRASH, root, json, 'none', '40'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    const results = await Promise.all([run(), run(), run()]);
    for (const result of results) assert.is(result.code, 0, result.stderr);
    assert.is(treeState(root), 'new');
    assert.equal(leftovers(root, OWNED), []);

    mkdirSync(join(root, LOCK));
    writeFileSync(join(root, LOCK, 'owner'), '999999999\n'); // no such process
    writeTree(root, OLD, OWNED, { lockTimeoutMs: 2000 });
    assert.is(treeState(root), 'old');

    // An owner that is not a pid (hand-made, or another tool's) is taken over at once, not waited on for minutes.
    mkdirSync(join(root, LOCK));
    writeFileSync(join(root, LOCK, 'owner'), 'someone\n');
    assert.ok(leftovers(root, OWNED).includes(LOCK), 'a lock owned by no pid is reported');
    const started = Date.now();
    writeTree(root, NEW, OWNED, { lockTimeoutMs: 60_000 });
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    assert.is(treeState(root), 'new');
    assert.not.ok(existsSync(join(root, LOCK)));
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
