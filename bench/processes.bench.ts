// What users wait for, measured as whole processes (`npm run bench`): each command is spawned like a user runs
// it and timed against a floor measured in the same run, in alternating pairs, so the ratio survives a shared,
// noisy machine. Reported, never asserted: bench/results.json and the README "Performance" table.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBinary, type HelmMajor } from '../src/io/helm.js';
import { PROJECT_ROOT } from '../src/io/project.js';
import { growthValues, officialChart } from './official-inputs.js';

const PAIRS = Math.max(10, Number(process.env.BENCH_PAIRS ?? 10));
const GROWTH = (process.env.BENCH_GROWTH ?? '5,50,200').split(',').map(Number);
/** The values growth series: env entries/extra volumes (and as many mounts) in one values file. */
const VALUES_GROWTH = (process.env.BENCH_VALUES_GROWTH ?? '0/0,1000/200,3000/600').split(',').map((pair) => pair.split('/').map(Number) as [number, number]);
/** Which parts to run: all (default), or a comma list of cli, helm, values, official, components. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'cli,helm,values,official,components').split(','));
/** A checkout of tryretool/retool-helm (its repository root or charts/retool): compare with the official chart. */
const OFFICIAL_CHART = process.env.OFFICIAL_CHART;
const CLI = join(PROJECT_ROOT, 'bin/retool-chart.js');
const PRODUCTION = join(PROJECT_ROOT, 'examples/production.values.yaml');
const EVALUATION = join(PROJECT_ROOT, 'examples/evaluation.values.yaml');
const CHART = join(PROJECT_ROOT, 'charts/retool');

// Wall time and peak RSS of one child, read by the parent with getrusage(RUSAGE_CHILDREN): python3 is on every
// machine this project runs on and, unlike Node, exposes the children's peak RSS.
const HARNESS = `
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
code = proc.returncode
sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
wall = time.perf_counter() - start
print(json.dumps({"ms": wall * 1000, "rssMiB": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "code": code}))
`;

interface Sample { ms: number; rssMiB: number }

function once(command: string[], cwd = PROJECT_ROOT): Sample {
  const result = spawnSync('python3', ['-c', HARNESS, ...command], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`harness failed for ${command.join(' ')}: ${result.stderr}`);
  const sample = JSON.parse(result.stdout) as Sample & { code: number };
  if (sample.code !== 0) throw new Error(`${command.join(' ')} exited ${sample.code}: ${result.stderr}`);
  return sample;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Measurement { name: string; floor: string; ratio: number; ms: number; floorMs: number; peakRssMiB: number }

/** Median of per-pair ratios target/floor, floor and target alternating; one warm-up of each first. */
function paired(name: string, floorName: string, floor: string[], target: string[], cwd?: string): Measurement {
  once(floor, cwd);
  once(target, cwd);
  const ratios: number[] = [];
  const times: number[] = [];
  const floors: number[] = [];
  let peak = 0;
  for (let i = 0; i < PAIRS; i++) {
    const f = once(floor, cwd);
    const t = once(target, cwd);
    ratios.push(t.ms / f.ms);
    times.push(t.ms);
    floors.push(f.ms);
    peak = Math.max(peak, t.rssMiB);
  }
  const m = { name, floor: floorName, ratio: median(ratios), ms: median(times), floorMs: median(floors), peakRssMiB: Math.round(peak) };
  console.log(`${name.padEnd(58)} ${m.ratio.toFixed(2).padStart(6)}x ${floorName.padEnd(22)} median ${m.ms.toFixed(0).padStart(6)} ms  peak ${m.peakRssMiB} MiB`);
  return m;
}

/** A chart with one ConfigMap: what `helm template` costs before any chart logic. */
function floorChart(dir: string): string {
  const chart = join(dir, 'floor');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: floor\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'values.yaml'), 'name: floor\n');
  writeFileSync(join(chart, 'templates/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\ndata: {}\n');
  return chart;
}

/**
 * A copy of the project whose schema has `count` extra components (the hypothetical worker the generator test
 * adds), with the chart generated for it: the growth series of `validate` and `generate`.
 */
function projectWithComponents(dir: string, count: number): string {
  const root = join(dir, `components-${count}`);
  for (const part of ['bin', 'dist', 'src', 'chart-templates', 'schema', 'package.json', 'tsconfig.json', 'CHANGELOG.md', 'LICENSE', 'assets', 'examples']) cpSync(join(PROJECT_ROOT, part), join(root, part), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'));
  const file = join(root, 'schema/retool.schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  for (let i = 0; i < count; i++) {
    schema.properties.components.properties[`extraWorker${i}`] = {
      description: `Benchmark worker ${i}.`,
      type: 'object',
      additionalProperties: false,
      'x-retool-pod-options': true,
      'x-retool-component': {
        name: `extra-worker-${i}`, image: 'backend', serviceType: ['WORKFLOW_TEMPORAL_WORKER'], ports: [{ name: 'http', port: 3000 }],
        probe: { path: '/api/checkHealth', port: 'http' }, replicable: true, edges: ['storageDatabase', 'codeExecutor'],
        enabledBy: 'workflows.enabled', source: 'benchmark only',
      },
      properties: {
        replicas: { description: 'Pods.', type: 'integer', minimum: 1, default: 1 },
        resources: { $ref: '#/definitions/Resources', default: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } } },
      },
    };
  }
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  const generated = spawnSync('node', [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'src/cli/run.ts'), 'generate'], { cwd: root, encoding: 'utf8' });
  if (generated.status !== 0) throw new Error(`generate with ${count} components failed: ${generated.stderr}`);
  // What `npm run build` does with the generated validator: bin/ runs dist/, which must hold the one just made.
  for (const name of ['values-validator.js', 'values-validator.d.ts']) cpSync(join(root, 'src/generated', name), join(root, 'dist/generated', name));
  return root;
}

const work = mkdtempSync(join(tmpdir(), 'retool-bench-'));
try {
  const node = ['node', '-e', '0'];
  console.log(`${PAIRS} paired runs per line; ratio = median of target/floor per pair\n`);
  const results: Measurement[] = [];
  if (ONLY.has('cli')) {
    results.push(
      paired('retool-chart validate -f examples/production.values.yaml', 'node -e 0', node, ['node', CLI, 'validate', '-f', PRODUCTION]),
      paired('retool-chart --help', 'node -e 0', node, ['node', CLI, '--help']),
      paired('retool-chart generate --check', 'node -e 0', node, ['node', CLI, 'generate', '--check']),
    );
  }
  const floor = floorChart(work);
  for (const major of [4, 3] as HelmMajor[]) {
    const helm = helmBinary(major);
    const floorCmd = [helm, 'template', 'x', floor];
    if (ONLY.has('helm')) {
      for (const [label, values] of [['production', PRODUCTION], ['evaluation', EVALUATION]]) {
        results.push(paired(`helm ${major} template, ${label} example`, 'one-ConfigMap chart', floorCmd, [helm, 'template', 'retool', CHART, '-f', values]));
      }
    }
    // Renders that scale: the same chart with more and more env entries and volumes, against the floor (growth
    // per entry shows as the ratio's slope) and, given OFFICIAL_CHART, against the official chart rendering the
    // same configuration (the ratio is ours ÷ official directly).
    // The first configuration of the series (0/0 by default) is the baseline: each larger one is also paired
    // against it, so the ratio is what the values' size adds (linear growth: the ratio's excess over 1 grows in
    // proportion to the counts).
    const official = OFFICIAL_CHART && ONLY.has('official') ? officialChart(work, OFFICIAL_CHART) : undefined;
    let baseline: { label: string; cmd: string[] } | undefined;
    const series: Array<{ count: number; ratio: number }> = [];
    for (const [env, volumes] of VALUES_GROWTH) {
      const values = growthValues(work, env, volumes);
      const label = `${env} env entries, ${volumes} volumes`;
      const ours = [helm, 'template', 'retool', CHART, '-f', values.ours];
      if (ONLY.has('values')) {
        results.push(paired(`helm ${major} template, production fixture + ${label}`, 'one-ConfigMap chart', floorCmd, ours));
        if (baseline) {
          const m = paired(`helm ${major} template, production fixture + ${label} vs ${baseline.label}`, `${baseline.label} render`, baseline.cmd, ours);
          results.push(m);
          series.push({ count: env + volumes, ratio: m.ratio });
        } else {
          baseline = { label: label.replace(' env entries, ', '/').replace(' volumes', ''), cmd: ours };
        }
      }
      if (official) {
        results.push(paired(`helm ${major} template ours vs official chart, ${label}`, 'official chart', [helm, 'template', 'retool', official, ...values.official.flatMap((file) => ['-f', file])], ours));
      }
    }
    // Linear growth: what each entry adds is the same at every size, so (ratio - 1) / count stays put.
    if (series.length > 1) {
      const perEntry = series.map((p) => `${p.count}: ${(((p.ratio - 1) / p.count) * 1000).toFixed(2)}`);
      console.log(`helm ${major}: added time per 1,000 entries, × the baseline render (equal if linear) — ${perEntry.join(', ')}`);
    }
  }
  const growth: Measurement[] = [];
  for (const count of ONLY.has('components') ? GROWTH : []) {
    const root = projectWithComponents(work, count);
    growth.push(paired(`retool-chart validate, ${count} extra components`, 'node -e 0', node, ['node', join(root, 'bin/retool-chart.js'), 'validate', '-f', PRODUCTION], root));
    growth.push(paired(`retool-chart generate --check, ${count} extra components`, 'node -e 0', node, ['node', join(root, 'bin/retool-chart.js'), 'generate', '--check'], root));
  }
  const report = { date: new Date().toISOString().slice(0, 10), pairs: PAIRS, node: process.version, results, growth };
  if (process.env.BENCH_ONLY) {
    console.log('\npart of the bench only (BENCH_ONLY): bench/results.json and the README table are left as they are');
  } else {
    writeFileSync(join(PROJECT_ROOT, 'bench/results.json'), `${JSON.stringify(report, null, 2)}\n`);
    updateReadme([...results, ...growth], report.date);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Rewrites the table between the README's performance markers. */
function updateReadme(rows: Measurement[], date: string): void {
  const file = join(PROJECT_ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  if (!text.includes(start) || !text.includes(end)) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  const table = [
    start,
    `Measured ${date} by \`npm run bench\` (${PAIRS} paired runs each; ratio = median of target ÷ floor per pair).`,
    '',
    '| command | × floor | floor | median | peak RSS |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.ratio.toFixed(2)}× | ${r.floor} | ${r.ms.toFixed(0)} ms | ${r.peakRssMiB} MiB |`),
    end,
  ].join('\n');
  writeFileSync(file, text.slice(0, text.indexOf(start)) + table + text.slice(text.indexOf(end) + end.length));
}
