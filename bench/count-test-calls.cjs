// Counts what a test run does, to compare two versions of the suite (not part of npm test):
//
//   COUNT_LOG=/tmp/counts.jsonl NODE_OPTIONS="--require $PWD/bench/count-test-calls.cjs" npm test
//   node bench/count-test-calls.cjs /tmp/counts.jsonl        # the totals of the uvu processes
//
// Preloaded into every node process of the run, it counts at run time, per process:
// - assertion calls: each call of uvu/assert's internal assert(), which every exported check (ok, is,
//   equal, match, throws, not.*, …) calls exactly once, plus each call of test/support/golden.ts's
//   assertGolden (the suite's golden-file assertion);
// - helm processes started (spawn, spawnSync, execFile, execFileSync of a file named `helm`), by subcommand.
// Each process appends one JSON line to COUNT_LOG when it exits.

const fs = require('node:fs');
const path = require('node:path');

if (require.main === module) {
  const totals = { processes: 0, assertions: 0, helm: 0, helmBySubcommand: {} };
  for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line);
    if (!/uvu[\\/]bin\.js|\.bin[\\/]uvu/.test(entry.argv)) continue;
    totals.processes++;
    totals.assertions += entry.assertions;
    totals.helm += entry.helm;
    for (const [k, n] of Object.entries(entry.helmBySubcommand)) totals.helmBySubcommand[k] = (totals.helmBySubcommand[k] ?? 0) + n;
  }
  console.log(JSON.stringify(totals, null, 2));
  return;
}

const Module = require('node:module');
const childProcess = require('node:child_process');

const counts = { assertions: 0, helm: 0, helmBySubcommand: {} };
globalThis.__countAssertion = () => { counts.assertions++; };
const COUNT = 'globalThis.__countAssertion && globalThis.__countAssertion();';
const instrument = (filename, source) => {
  if (/uvu[\\/]assert[\\/]index\.m?js$/.test(filename)) return source.replace(/function assert\(bool, actual, expects, operator, detailer, backup, msg\) \{/, `$& ${COUNT}`);
  if (/test[\\/]support[\\/]golden\.ts$/.test(filename)) return source.replace(/function assertGolden\([^)]*\)\s*\{/, `$& ${COUNT}`);
  return source;
};

// uvu -r tsx loads test files (and uvu/assert) through require: tsx hands the compiled source to _compile.
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  return compile.call(this, instrument(filename, content), filename);
};

for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync']) {
  const original = childProcess[name];
  childProcess[name] = function (file, args, ...rest) {
    if (typeof file === 'string' && path.basename(file) === 'helm') {
      counts.helm++;
      const sub = (Array.isArray(args) && args[0]) || '?';
      counts.helmBySubcommand[sub] = (counts.helmBySubcommand[sub] ?? 0) + 1;
    }
    return original.call(this, file, args, ...rest);
  };
}

process.on('exit', () => {
  if (!process.env.COUNT_LOG) return;
  fs.appendFileSync(process.env.COUNT_LOG, `${JSON.stringify({ pid: process.pid, argv: process.argv.slice(1).join(' ').slice(0, 300), ...counts })}\n`);
});
