// Instruction counts of `helm template`, this chart against Retool's official chart for the same configuration
// (run by hand: `OFFICIAL_CHART=/path/to/retool-helm npx tsx bench/instructions.bench.ts`). valgrind counts what
// each render executes with one Go thread and GC off, which repeats to within 0.5 % whatever the machine's load:
// the measure for iterating on render cost (issue 21), where wall-time ratios need minutes of paired runs.
// BENCH_VALUES_GROWTH picks the sizes (as in `npm run bench`), BENCH_MAJORS the Helm majors (default 4,3);
// without OFFICIAL_CHART only this chart is counted. Reported, never asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBinary, type HelmMajor } from '../src/io/helm.js';
import { PROJECT_ROOT } from '../src/io/project.js';
import { growthValues, officialChart } from './official-inputs.js';

const SIZES = (process.env.BENCH_VALUES_GROWTH ?? '0/0,1000/200,3000/600').split(',').map((pair) => pair.split('/').map(Number) as [number, number]);
const MAJORS = (process.env.BENCH_MAJORS ?? '4,3').split(',').map(Number) as HelmMajor[];
const CHART = process.env.CHART ?? join(PROJECT_ROOT, 'charts/retool');

/** Instructions one run executes, counted by valgrind's cachegrind without cache simulation (the fastest counter). */
function instructions(command: string[]): number {
  const result = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', ...command], {
    env: { ...process.env, GOMAXPROCS: '1', GOGC: 'off' },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const count = /I\s+refs:\s+([\d,]+)/.exec(result.stderr ?? '')?.[1];
  if (result.status !== 0 || !count) throw new Error(`${command.join(' ')} exited ${result.status}: ${result.stderr?.slice(-2000)}`);
  return Number(count.replace(/,/g, ''));
}

const mega = (n: number) => `${(n / 1e6).toFixed(1)} M`;
const work = mkdtempSync(join(tmpdir(), 'retool-instructions-'));
try {
  const official = process.env.OFFICIAL_CHART ? officialChart(work, process.env.OFFICIAL_CHART) : undefined;
  for (const major of MAJORS) {
    const helm = helmBinary(major);
    for (const [env, volumes] of SIZES) {
      const values = growthValues(work, env, volumes);
      const ours = instructions([helm, 'template', 'retool', CHART, '-f', values.ours]);
      const line = `helm ${major}, ${env} env entries/${volumes} volumes: ours ${mega(ours)}`;
      if (!official) { console.log(line); continue; }
      const theirs = instructions([helm, 'template', 'retool', official, ...values.official.flatMap((file) => ['-f', file])]);
      console.log(`${line}, official ${mega(theirs)}, ratio ${(ours / theirs).toFixed(2)}x`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
