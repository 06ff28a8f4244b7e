// `npm test` after the build: the drift check, the type check and the uvu test files, side by side.
//
// uvu runs its files one after another in one process; here the files are dealt to a few uvu processes
// (workers), longest first onto the least-loaded worker (WEIGHTS: seconds measured alone), and the drift
// check and tsc run beside them. Helm results are shared by every worker through a per-run cache directory
// (test/support/helm-cache.ts). Each worker's uvu output is printed whole when it ends, then one summary
// in uvu's words (`Total:`, `Passed:`, read by .ci/run). Exit code 1 when anything failed.
//
// Before any file runs, setup (test/support/setup.ts) installs the system programs the selected files need
// and builds or finds the local control plane's binaries; a failure there names the files and the reason and
// runs nothing. Every uvu process preloads test/support/hook-errors.ts, so a `before` hook that throws fails
// its suite's tests with the hook's error instead of uvu's silent green `(0 / N)`.
//
//   tsx test/run.ts [--jobs N] [--list] [--no-cluster] [pattern ...]
//     patterns     select test files by name (regular expressions; then the drift check and tsc are left out)
//     --no-cluster everything but the files that start a local control plane (CLUSTER_FILES); the drift check
//                  and tsc still run
//     --list       prints how the files are dealt and runs nothing

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_ENV } from './support/helm-cache.js';
import { ROOT } from './support/paths.js';
import { CLUSTER_FILES, setUp } from './support/setup.js';
import { uvuCommand } from './support/uvu.js';

/**
 * What each file costs a worker, measured in a `--no-cluster` run: the CPU seconds (user + system) it and its
 * children used, plus the seconds it waits on a server (the LSP server, the chart repository, the registry,
 * PostgreSQL) or on renders another worker makes. CPU, not wall time: on two cores every worker gets its share
 * of them, so a worker's CPU decides when it ends. The cluster files: seconds alone. A file not listed counts
 * DEFAULT_WEIGHT.
 */
const WEIGHTS: Record<string, number> = {
  'cluster-install.test.ts': 460,
  'doctor-cluster.test.ts': 90,
  'editor-schema.test.ts': 14,
  'cli-operator.test.ts': 25,
  'publish.test.ts': 9,
  'k8s-validity.test.ts': 20,
  'doctor.test.ts': 11,
  'invalid.test.ts': 16,
  'ide.test.ts': 15,
  'npm-package.test.ts': 18,
  'fuzz.test.ts': 13,
  'import.test.ts': 11,
  'diff.test.ts': 10,
  'oci.test.ts': 10,
  'runtime-contract.test.ts': 8,
  'cli.test.ts': 7,
  'golden.test.ts': 7,
  'cli-outputs.test.ts': 6,
  'generate-safety.test.ts': 6,
  'generate.test.ts': 5,
  'preflight.test.ts': 4,
  'values-parity.test.ts': 4,
  'cli-modules.test.ts': 3,
  'issue-codes.test.ts': 3,
  'policy.test.ts': 3,
  'helm.test.ts': 2,
  'precompiled-validator.test.ts': 2,
};
const DEFAULT_WEIGHT = 1;

/**
 * test/policy.test.ts refuses every socket and DNS lookup in its process (its checks must work offline), so
 * it never shares a worker with a file that talks to a server on 127.0.0.1.
 */
const TRIPWIRE = 'policy.test.ts';
const LOOPBACK = new Set(['publish.test.ts', 'oci.test.ts', 'preflight.test.ts', 'doctor.test.ts', 'npm-package.test.ts', 'cluster-install.test.ts', 'doctor-cluster.test.ts']);

/** Files that write golden files under UPDATE_GOLDEN=1. */
const GOLDEN_WRITERS = ['golden.test.ts', 'import.test.ts'];

/** Files that read the fixtures' renders: after golden.test.ts (which renders them all at once) in their worker. */
const RENDER_READERS = /^(content|invariants|k8s-validity|runtime-contract|temporal-local|preflight-render|diff|policy)\.test\.ts$/;

interface Task {
  name: string;
  command: string[];
  env?: NodeJS.ProcessEnv;
}

interface Outcome {
  task: Task;
  code: number;
  output: string;
  seconds: number;
}

function testFiles(patterns: RegExp[], cluster: boolean): string[] {
  const files = readdirSync(join(ROOT, 'test')).filter((f) => f.endsWith('.test.ts') && (cluster || !CLUSTER_FILES.includes(f))).sort();
  return patterns.length ? files.filter((f) => patterns.some((p) => p.test(f))) : files;
}

/**
 * Go's collector off in the Go programs the tests start (Helm above all: several hundred runs of a few hundred
 * milliseconds each, where collecting costs about a fifth of their CPU and frees nothing that matters before
 * they exit); GOMEMLIMIT still makes one collect before it grows past a GiB.
 */
const GO_ENV = { GOGC: 'off', GOMEMLIMIT: '1GiB' };

/** CPU seconds (user + system) of this process's children that have ended: the uvu workers and what they ran. */
function childrenCpuSeconds(): number {
  // /proc/self/stat after the command name: cutime and cstime are fields 14 and 15 (clock ticks, 100 a second).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Longest first onto the least-loaded worker; the tripwire file apart from loopback files (unless one worker). */
function deal(files: string[], workers: number): string[][] {
  const shards = Array.from({ length: Math.min(workers, files.length) }, () => ({ files: [] as string[], load: 0 }));
  const weight = (f: string) => WEIGHTS[f] ?? DEFAULT_WEIGHT;
  // The tripwire file is dealt first, so the loopback files can always be kept off its worker.
  const first = (f: string) => (f === TRIPWIRE ? 0 : 1);
  for (const file of [...files].sort((a, b) => first(a) - first(b) || weight(b) - weight(a) || a.localeCompare(b))) {
    const allowed = shards.filter((s) => shards.length === 1 || !LOOPBACK.has(file) || !s.files.includes(TRIPWIRE));
    const target = allowed.reduce((a, b) => (b.load < a.load ? b : a));
    target.files.push(file);
    target.load += weight(file);
  }
  const order = (f: string) => (f === 'golden.test.ts' ? 1 : RENDER_READERS.test(f) ? 2 : 0);
  return shards.map((s) => s.files.sort((a, b) => order(a) - order(b) || a.localeCompare(b)));
}

const children = new Set<ChildProcess>();

function run(task: Task): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(task.command[0], task.command.slice(1), { cwd: ROOT, env: { ...process.env, ...task.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', (error) => { output += `${error.message}\n`; });
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ task, code: code ?? (signal ? 1 : 0), output: signal ? `${output}\nterminated by ${signal}\n` : output, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
function sum(output: string, label: string): number {
  return [...plain(output).matchAll(new RegExp(`^ *${label}: *(\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let jobs = Math.max(2, Math.min(3, cpus().length + 1));
  const patterns: RegExp[] = [];
  let list = false;
  let cluster = true;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--jobs') jobs = Math.max(1, Number(args[++i]));
    else if (args[i] === '--list') list = true;
    else if (args[i] === '--no-cluster') cluster = false;
    else patterns.push(new RegExp(args[i]));
  }
  const files = testFiles(patterns, cluster);
  if (files.length === 0) {
    console.error(`no test file matches ${patterns.join(' ')}`);
    return 1;
  }
  if (list) {
    deal(files, jobs).forEach((shard, i) => console.log(`worker ${i + 1} (${shard.reduce((n, f) => n + (WEIGHTS[f] ?? DEFAULT_WEIGHT), 0)}): ${shard.join(' ')}`));
    return 0;
  }
  try {
    setUp(files, (line) => process.stdout.write(`${line}\n`));
  } catch (err) {
    process.stdout.write(`\nsetup failed, no test ran:\n${(err as Error).message}\n`);
    return 1;
  }
  const cache = mkdtempSync(join(tmpdir(), 'retool-chart-test-cache-'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of children) child.kill(signal);
      rmSync(cache, { recursive: true, force: true });
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
  const uvu = join(ROOT, 'node_modules/uvu/bin.js');
  const escape = (f: string) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const uvuTask = (name: string, shard: string[]): Task => ({
    name: `${name}: ${shard.join(' ')}`,
    command: uvuCommand('test', `^(${shard.map(escape).join('|')})$`),
    env: { [CACHE_ENV]: cache, ...GO_ENV },
  });
  const checks: Task[] = patterns.length ? [] : [
    { name: 'generate --check', command: [process.execPath, join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/run.ts', 'generate', '--check'] },
    { name: 'tsc --noEmit', command: [process.execPath, join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.',
      '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/retool-chart/typecheck.tsbuildinfo'] },
  ];

  const started = performance.now();
  let failed = 0;
  let total = 0;
  let passed = 0;
  let skipped = 0;
  const runAll = (tasks: Task[]) => Promise.all(tasks.map(async (task) => {
    const outcome = await run(task);
    const isUvu = task.command[1] === uvu;
    const ok = outcome.code === 0;
    if (!ok) failed++;
    if (isUvu) {
      total += sum(outcome.output, 'Total');
      passed += sum(outcome.output, 'Passed');
      skipped += sum(outcome.output, 'Skipped');
    }
    process.stdout.write(`\n── ${task.name} (${outcome.seconds.toFixed(1)} s${ok ? '' : `, exit ${outcome.code}`})\n`);
    process.stdout.write(isUvu ? outcome.output : outcome.output || 'ok\n');
  }));
  try {
    // UPDATE_GOLDEN=1: the files that rewrite golden files run first, alone, so no other file reads one half-written.
    const writers = process.env.UPDATE_GOLDEN === '1' ? files.filter((f) => GOLDEN_WRITERS.includes(f)) : [];
    if (writers.length) await runAll([uvuTask('golden files', writers)]);
    const rest = files.filter((f) => !writers.includes(f));
    await runAll([...checks, ...deal(rest, jobs).map((shard, i) => uvuTask(`worker ${i + 1}`, shard))]);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const how = `${Math.min(jobs, files.length)} uvu workers${checks.length ? ', drift check and tsc beside them' : ''}${cluster ? '' : ', no cluster suite'}`;
  const cpu = `${childrenCpuSeconds().toFixed(1)} s CPU`;
  process.stdout.write(`\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skipped}\n  Duration:  ${seconds.toFixed(1)} s wall, ${cpu} (${how})\n\n`);
  return failed > 0 || passed !== total || total === 0 ? 1 : 0;
}

process.exitCode = await main();
