// Where a render's template time goes, template by template (run by hand, needs Go and the Go module proxy:
// `npx tsx bench/template-profile.bench.ts [-f values.yaml ...]`). Helm has no per-template profile, so this
// fetches the bundled Helm 4's own module through `go mod download`, copies its pkg/engine into a scratch
// module in the local cache, adds three timing hooks (each `include`, each file's parse, each file's
// execution: bench/template-profile/profiler.go) and renders the chart with it RUNS times in one process.
// Nothing of Helm's is committed; the patch fails loudly when an anchor is not found in a newer Helm.
// Reported, never asserted. Env: CHART (default charts/retool), RUNS (100), TOP (40).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmBinary } from '../src/io/helm.js';
import { PROJECT_ROOT } from '../src/io/project.js';

const CHART = process.env.CHART ?? join(PROJECT_ROOT, 'charts/retool');
const RUNS = process.env.RUNS ?? '100';
const TOP = process.env.TOP ?? '40';
const valueFiles = process.argv.slice(2).flatMap((arg, i, all) => (all[i - 1] === '-f' ? [arg] : []));
const files = valueFiles.length ? valueFiles : [join(PROJECT_ROOT, 'examples/production.values.yaml')];

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' }, maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr || result.error}`);
  return result.stdout;
}

/** `anchor` replaced by `replacement` exactly once, or a clear failure naming what moved. */
function patch(text: string, anchor: string, replacement: string, what: string): string {
  const at = text.indexOf(anchor);
  if (at < 0 || text.indexOf(anchor, at + 1) >= 0) throw new Error(`Helm's engine.go changed: the ${what} anchor is not found once; update bench/template-profile.bench.ts`);
  return text.slice(0, at) + replacement + text.slice(at + anchor.length);
}

const version = run(helmBinary(4), ['version', '--template', '{{.Version}}'], PROJECT_ROOT).trim();
const DRIVER = ['main.go', 'profiler.go'].map((name) => join(PROJECT_ROOT, 'bench/template-profile', name));
const driverHash = createHash('sha256').update(readFileSync(new URL(import.meta.url))).update(DRIVER.map((f) => readFileSync(f, 'utf8')).join('\0')).digest('hex').slice(0, 12);
// One build per Helm version and driver source, kept in the local cache.
const work = join(PROJECT_ROOT, 'node_modules/.cache/retool-chart', `template-profile-${version}-${driverHash}`);
const binary = join(work, 'profile');
if (!existsSync(binary)) {
  mkdirSync(join(work, 'engine'), { recursive: true });
  writeFileSync(join(work, 'go.mod'), `module harness\n\ngo 1.24\n\nrequire helm.sh/helm/v4 ${version}\n`);
  run('go', ['mod', 'download', `helm.sh/helm/v4@${version}`], work);
  const engine = join(run('go', ['env', 'GOMODCACHE'], work).trim(), `helm.sh/helm/v4@${version}/pkg/engine`);
  for (const name of readdirSync(engine).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'))) {
    let text = readFileSync(join(engine, name), 'utf8');
    if (name === 'engine.go') {
      text = patch(text, '\t\terr := t.ExecuteTemplate(&buf, name, data)\n', '\t\tProf.Push(name)\n\t\terr := t.ExecuteTemplate(&buf, name, data)\n\t\tProf.Pop()\n', 'include');
      text = patch(text, '\t\tif _, err := t.New(filename).Parse(r.tpl); err != nil {', '\t\tProf.Push("PARSE " + filename)\n\t\t_, parseErr := t.New(filename).Parse(r.tpl)\n\t\tProf.Pop()\n\t\tif err := parseErr; err != nil {', 'parse');
      text = patch(text, '\t\tif err := t.ExecuteTemplate(&buf, filename, vals); err != nil {', '\t\tProf.Push("FILE " + filename)\n\t\texecErr := t.ExecuteTemplate(&buf, filename, vals)\n\t\tProf.Pop()\n\t\tif err := execErr; err != nil {', 'file');
    }
    writeFileSync(join(work, 'engine', name), text);
  }
  copyFileSync(join(PROJECT_ROOT, 'bench/template-profile/profiler.go'), join(work, 'engine/profiler.go'));
  copyFileSync(join(PROJECT_ROOT, 'bench/template-profile/main.go'), join(work, 'main.go'));
  run('go', ['mod', 'tidy'], work);
  run('go', ['build', '-o', binary, '.'], work);
}
process.stdout.write(`helm ${version} engine, ${CHART}, values ${files.join(' ')}\n`);
process.stdout.write(run(binary, [CHART, RUNS, TOP, ...files], PROJECT_ROOT));
