// The values schema's own share of `helm template` (run once by hand: `npx tsx bench/schema-share.bench.ts`):
// the production example rendered with the chart as generated and with values.schema.json replaced by `{}`,
// alternating in pairs; the share is the median of (with − without) ÷ without per pair, Helm 4 and Helm 3.
// On a shared, loaded machine wall time swings by ±30 %; when valgrind is installed the script also counts
// the instructions each render executes (one Go thread, GC off), which repeat to within 0.5 % and resolve
// what wall time cannot. Reported, never asserted (issue 9, "schema diet").
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { helmBinary, type HelmMajor } from '../src/io/helm.js';
import { PROJECT_ROOT } from '../src/io/project.js';

const PAIRS = Math.max(10, Number(process.env.BENCH_PAIRS ?? 15));
const CHART = join(PROJECT_ROOT, 'charts/retool');
const PRODUCTION = join(PROJECT_ROOT, 'examples/production.values.yaml');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ms(command: string[]): number {
  const start = performance.now();
  const result = spawnSync(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/** Instructions one run executes, counted by valgrind (undefined when it is not installed). */
function instructions(command: string[]): number | undefined {
  const result = spawnSync('valgrind', ['--tool=lackey', '--basic-counts=yes', ...command], {
    env: { ...process.env, GOMAXPROCS: '1', GOGC: 'off' },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const count = /guest instrs:\s+([\d,]+)/.exec(result.stderr ?? '')?.[1];
  return result.status === 0 && count ? Number(count.replace(/,/g, '')) : undefined;
}

const work = mkdtempSync(join(tmpdir(), 'retool-schema-share-'));
try {
  const bare = join(work, 'retool');
  cpSync(CHART, bare, { recursive: true });
  writeFileSync(join(bare, 'values.schema.json'), '{}\n');
  const size = (file: string) => `${(statSync(join(CHART, file)).size / 1024).toFixed(1)} KB`;
  console.log(`values.schema.json ${size('values.schema.json')}, values.editor.schema.json ${size('values.editor.schema.json')}; ${PAIRS} pairs`);
  for (const major of [4, 3] as HelmMajor[]) {
    const helm = helmBinary(major);
    const withSchema = [helm, 'template', 'retool', CHART, '-f', PRODUCTION];
    const without = [helm, 'template', 'retool', bare, '-f', PRODUCTION];
    ms(withSchema);
    ms(without);
    const shares: number[] = [];
    const withs: number[] = [];
    const withouts: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const b = ms(without);
      const a = ms(withSchema);
      shares.push((a - b) / b);
      withs.push(a);
      withouts.push(b);
    }
    console.log(`helm ${major}: with schema ${median(withs).toFixed(0)} ms, with {} ${median(withouts).toFixed(0)} ms, schema share ${(100 * median(shares)).toFixed(1)} % (median of pairs)`);
    const a = instructions(withSchema);
    const b = instructions(without);
    if (a && b) console.log(`helm ${major}: ${(a / 1e6).toFixed(1)} M instructions with schema, ${(b / 1e6).toFixed(1)} M with {}: schema share ${(100 * (a - b) / b).toFixed(1)} %`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
