// The inputs of the comparison with Retool's official chart, shared by `npm run bench` (wall time) and
// bench/instructions.bench.ts (instruction counts): the official chart made renderable, and the same
// configuration for both charts at a given size.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/io/project.js';
import { importOfficial } from '../src/import/import-official.js';
import { projectModel } from '../src/project-model.js';

const OFFICIAL_FIXTURE = join(PROJECT_ROOT, 'test/fixtures/official/production.official.yaml');

/**
 * Official-chart values with `env` entries and `extraVolumes`/`extraVolumeMounts` added to the production
 * fixture, and the same configuration for this chart as `retool-chart import` writes it: both charts render
 * the same deployment, so their `helm template` times compare directly.
 */
export function growthValues(dir: string, env: number, volumes: number): { official: string[]; ours: string } {
  // A second values file over the fixture: Helm (and import) merge its env map into the fixture's.
  const lines: string[] = ['{}'];
  if (env) lines.push('env:', ...Array.from({ length: env }, (_, i) => `  BENCH_VAR_${i}: "value ${i}"`));
  if (volumes) {
    lines.push('extraVolumes:', ...Array.from({ length: volumes }, (_, i) => `  - name: bench-${i}\n    emptyDir: {}`));
    lines.push('extraVolumeMounts:', ...Array.from({ length: volumes }, (_, i) => `  - name: bench-${i}\n    mountPath: /mnt/bench-${i}`));
  }
  const growth = join(dir, `official-${env}-${volumes}.yaml`);
  writeFileSync(growth, `${(lines.length > 1 ? lines.slice(1) : lines).join('\n')}\n`);
  const official = [OFFICIAL_FIXTURE, growth];
  const outcome = importOfficial({ files: official, release: 'retool' }, projectModel());
  if (outcome.issues.length) throw new Error(`import of ${growth}: ${outcome.issues.map((i) => i.message).join('; ')}`);
  const ours = join(dir, `ours-${env}-${volumes}.yaml`);
  writeFileSync(ours, outcome.text);
  return { official, ours };
}

/**
 * The official chart as `helm template` can read it: its charts/ lacks the Bitnami postgresql dependency
 * (fetched by `helm dependency build` from the internet), which the compared values switch off anyway
 * (postgresql.enabled: false), so an empty stand-in with its name and version satisfies Helm's check.
 */
export function officialChart(dir: string, checkout: string): string {
  const source = existsSync(join(checkout, 'Chart.yaml')) ? checkout : join(checkout, 'charts/retool');
  const chart = join(dir, 'official-chart');
  cpSync(source, chart, { recursive: true });
  const lock = readFileSync(join(chart, 'Chart.yaml'), 'utf8');
  const version = /name: postgresql\s+version: ([^\s]+)/.exec(lock)?.[1];
  if (version && !existsSync(join(chart, 'charts/postgresql')) && !readdirSync(join(chart, 'charts')).some((f) => f.startsWith('postgresql-'))) {
    mkdirSync(join(chart, 'charts/postgresql'), { recursive: true });
    writeFileSync(join(chart, 'charts/postgresql/Chart.yaml'), `apiVersion: v2\nname: postgresql\nversion: ${version}\n`);
  }
  return chart;
}
