// Wall time and memory of the pipeline's stages, reported, never asserted (`npm run bench`).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate } from '../src/generate/generate.js';
import { PROJECT_ROOT, SCHEMA_FILE, packageVersion } from '../src/io/project.js';
import { projectModel } from '../src/project-model.js';
import { validateSources } from '../src/validate/validate-values.js';
import { runHelm, type HelmMajor } from '../src/io/helm.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const EXAMPLE = join(PROJECT_ROOT, 'examples/evaluation.values.yaml');
const CHART = join(PROJECT_ROOT, 'charts/retool');

async function measure(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  await fn(); // warm-up: module loading and helm extraction are not what we measure
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
  console.log(`${name.padEnd(40)} median ${times[Math.floor(times.length / 2)].toFixed(1).padStart(8)} ms   min ${times[0].toFixed(1).padStart(8)} ms   rss ${rss} MiB`);
}

const model = projectModel();
console.log(`${RUNS} runs each, after one warm-up run`);
await measure('generate (all files, in memory)', () => generate({ projectRoot: PROJECT_ROOT, schemaFile: SCHEMA_FILE, chartVersion: packageVersion() }));
await measure('validate evaluation example (ajv)', () => validateSources({ schema: model.schema, defaults: model.defaults, files: [EXAMPLE] }));
for (const major of [4, 3] as HelmMajor[]) {
  await measure(`helm ${major} template evaluation example`, () => {
    const r = runHelm(['template', 'retool', CHART, '-f', EXAMPLE], { major });
    if (r.status !== 0) throw new Error(r.stderr);
  });
}
