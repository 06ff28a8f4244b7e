// The default differential fuzz run of `npm test` (see test/fuzz/): a fixed seed so CI is reproducible;
// FUZZ_SEED / FUZZ_CASES vary it. `npm run fuzz` (CASES, SEED) is the soak. FUZZ_SERVER=1 also sends every
// accepted case's render to a real API server (a control plane of this file's own, test/cluster/).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectModel } from '../src/project-model.js';
import { generateCases, mutationsFor, schemaSites } from './fuzz/cases.js';
import { formatSummary, reproducer, runCases, summarize } from './fuzz/harness.js';
import { serverCheck } from './fuzz/server.js';

const model = projectModel();
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const CASES = Number(process.env.FUZZ_CASES ?? 80);
const SERVER = process.env.FUZZ_SERVER === '1';
let server: Awaited<ReturnType<typeof serverCheck>> | undefined;

test.before(async () => {
  if (SERVER) server = await serverCheck((line) => process.stderr.write(`${line}\n`));
});

test.after(() => server?.stop());

test('the case generator reads the schema: every site gets null, type swaps and its own kind of mutation', () => {
  const sites = schemaSites(model.schema);
  assert.ok(sites.length > 200, `${sites.length} sites`);
  const kinds = new Set(sites.flatMap((site) => mutationsFor(model.schema, site).map((m) => m.kind)));
  for (const kind of ['null', 'type swap', 'enum', 'boolean spelling', 'number', 'string', 'pattern', 'secret form', 'unknown key', 'map key', 'list', 'list index']) assert.ok(kinds.has(kind), kind);
  const cases = generateCases(model, SEED, 40);
  assert.equal(generateCases(model, SEED, 40), cases, 'same seed, same cases');
  assert.ok(new Set(cases.map((c) => c.channel)).size >= 3, 'files and --set flags');
});

test(`validate, Helm 3 and Helm 4 agree on ${CASES} generated cases (SEED=${SEED}); accepted ones render sound manifests${SERVER ? ' the API server accepts' : ''}`, async () => {
  const started = performance.now();
  const results = await runCases(generateCases(model, SEED, CASES), { model, server: server?.check });
  const summary = summarize(results, (performance.now() - started) / 1000);
  const failures = results.filter((r) => !r.documented && (!r.agree || r.renderProblems.length));
  const shown: string[] = [];
  for (const failure of failures.slice(0, 5)) shown.push(await reproducer(failure, model));
  process.stdout.write(`\n  fuzz: ${formatSummary(summary)}${server ? `, ${server.checked()} renders sent to the API server` : ''}\n`);
  assert.ok(summary.accepted > 0 && summary.accepted < summary.cases, 'cases both accepted and refused');
  assert.is(failures.length, 0, `\n${shown.join('\n\n')}`);
});

test.run();
