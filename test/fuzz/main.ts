// `npm run fuzz`: CASES (default 200), SEED (default: time-based, printed), JOBS (helm processes at a time),
// FUZZ_SERVER=1 (accepted renders also dry-run on a local API server, ./server.ts). Exits 1 on any
// disagreement or render problem, after printing a minimal reproducer for each.

import { projectModel } from '../../src/project-model.js';
import { generateCases } from './cases.js';
import { formatSummary, reproducer, runCases, summarize } from './harness.js';
import { serverCheck } from './server.js';

const cases = Number(process.env.CASES ?? 200);
const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
const jobs = process.env.JOBS ? Number(process.env.JOBS) : undefined;
const model = projectModel();
process.stdout.write(`fuzz: ${cases} cases, SEED=${seed}\n`);
const started = performance.now();
let done = 0;
const server = process.env.FUZZ_SERVER === '1' ? await serverCheck((line) => process.stderr.write(`${line}\n`)) : undefined;
const results = await runCases(generateCases(model, seed, cases), { model, jobs, server: server?.check }, () => {
  done++;
  if (process.stdout.isTTY && done % 10 === 0) process.stdout.write(`\r${done}/${cases}`);
});
const seconds = (performance.now() - started) / 1000;
if (process.stdout.isTTY) process.stdout.write('\r');
const failures = results.filter((r) => !r.documented && (!r.agree || r.renderProblems.length));
const documented = new Map<string, number>();
for (const r of results) if (r.documented) documented.set(r.documented, (documented.get(r.documented) ?? 0) + 1);
for (const [sentence, count] of documented) process.stdout.write(`documented (${count}): ${sentence}\n`);
for (const failure of failures.slice(0, 20)) process.stdout.write(`\n${await reproducer(failure, model)}\n`);
if (failures.length > 20) process.stdout.write(`\n… and ${failures.length - 20} more\n`);
server?.stop();
process.stdout.write(`\n${formatSummary(summarize(results, seconds))}${server ? `, ${server.checked()} renders sent to the API server` : ''} (SEED=${seed})\n`);
process.exitCode = failures.length ? 1 : 0;
