// `retool-chart package` end to end: reproducible archives Helm 3 and 4 accept, an index merged without
// rewriting history, provenance both majors verify, and a classic chart repository served over HTTP on
// 127.0.0.1 that both majors add, search, pull (verified) and render from.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runHelm, type HelmMajor } from '../src/io/helm.js';
import { readTgz } from './support/archive.js';
import { makeTestKey, type TestKey } from './support/gpg.js';
import { CHART, FIXTURES, GOLDEN, NAMESPACE, RELEASE, ROOT } from './support/paths.js';
import { MAJORS } from './support/render.js';
import { httpGet, startStaticServer, type Server } from './support/servers.js';

const EPOCH = '1767225600'; // 2026-01-01T00:00:00Z
const EXAMPLE = join(ROOT, 'examples/evaluation.values.yaml');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const tmp = mkdtempSync(join(tmpdir(), 'retool-chart-publish-'));
const repoDir = join(tmp, 'repo');
let server: Server;
let key: TestKey;

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), 'package', ...args], {
    encoding: 'utf8', cwd: tmp, env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH, ...env },
  });
}

function packageOk(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = cli(args, env);
  if (r.status !== 0) throw new Error(`package ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** A copy of the generated chart with another version (a second release of the same chart). */
function chartCopy(version: string, edit: (files: { chartYaml: string }) => void = () => {}): string {
  const dir = join(tmp, `chart-${version}-${Math.random().toString(36).slice(2)}`);
  cpSync(CHART, dir, { recursive: true });
  const files = { chartYaml: readFileSync(join(dir, 'Chart.yaml'), 'utf8').replace(/^version: .*$/m, `version: ${version}`) };
  edit(files);
  writeFileSync(join(dir, 'Chart.yaml'), files.chartYaml);
  return dir;
}

/** Isolated Helm homes, so repo add and caches never touch the user's or another test's. */
function helm(major: HelmMajor, args: string[]) {
  const home = join(tmp, `helm-home-${major}`);
  return runHelm(args, { major, env: { HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') } });
}

const Package = suite('package');

Package.before(async () => {
  mkdirSync(repoDir);
  server = await startStaticServer(repoDir);
  key = makeTestKey(tmp);
  packageOk(['--out', repoDir, '--repo-url', server.url, '--sign', '--key', key.name, '--keyring', key.secring]);
});

Package.after(() => {
  server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

Package('the archive is byte-identical across runs and chart copies, with fixed modes, owners and mtimes', () => {
  const outputs = [join(tmp, 'a'), join(tmp, 'b'), join(tmp, 'c')];
  packageOk(['--out', outputs[0], '--repo-url', 'https://charts.example.com']);
  packageOk(['--out', outputs[1], '--repo-url', 'https://charts.example.com']);
  // A copy made now has other file mtimes and another path: nothing of that reaches the archive.
  packageOk(['--out', outputs[2], '--repo-url', 'https://charts.example.com', '--chart', chartCopy('0.1.0')]);
  const sums = outputs.map((dir) => sha256(join(dir, 'retool-0.1.0.tgz')));
  assert.equal(new Set(sums).size, 1, sums.join(' '));
  const entries = readTgz(join(outputs[0], 'retool-0.1.0.tgz'));
  assert.equal(entries.slice(0, 3).map((e) => e.path), ['retool/Chart.yaml', 'retool/values.yaml', 'retool/values.schema.json']);
  const rest = entries.slice(3).map((e) => e.path);
  assert.equal(rest, [...rest].sort(), 'the other entries are sorted');
  for (const e of entries) {
    assert.equal([e.mode, e.uid, e.gid, e.mtime], [0o644, 0, 0, Number(EPOCH)], e.path);
  }
  for (const file of ['retool/LICENSE', 'retool/README.md', 'retool/ci/evaluation-values.yaml', 'retool/templates/api.yaml']) {
    assert.ok(rest.includes(file), `${file} is packaged`);
  }
});

Package('without SOURCE_DATE_EPOCH the archive is dated by the chart directory\'s last commit', () => {
  const commit = spawnSync('git', ['log', '-1', '--format=%ct', '--', 'charts/retool'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const env = { ...process.env };
  delete env.SOURCE_DATE_EPOCH;
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), 'package', '--out', join(tmp, 'dated')], { encoding: 'utf8', cwd: tmp, env });
  assert.is(r.status, 0, r.stderr);
  assert.ok(/^\d+$/.test(commit), 'the chart is committed');
  for (const e of readTgz(join(tmp, 'dated/retool-0.1.0.tgz'))) assert.is(e.mtime, Number(commit), e.path);
});

Package('helm 3 and helm 4 lint, template and show the archive; helm 4 installs it with --dry-run', () => {
  const tgz = join(repoDir, 'retool-0.1.0.tgz');
  const golden = readFileSync(join(GOLDEN, 'evaluation.yaml'), 'utf8');
  for (const major of MAJORS) {
    const lint = helm(major, ['lint', '--strict', tgz, '-f', EXAMPLE]);
    assert.is(lint.status, 0, lint.stdout + lint.stderr);
    const rendered = helm(major, ['template', RELEASE, tgz, '--namespace', NAMESPACE, '-f', join(FIXTURES, 'evaluation.values.yaml')]);
    assert.is(rendered.status, 0, rendered.stderr);
    assert.ok(rendered.stdout === golden, `helm ${major}: the packaged chart renders test/golden/evaluation.yaml`);
    const chart = yaml.load(helm(major, ['show', 'chart', tgz]).stdout) as { annotations: Record<string, string> };
    assert.match(chart.annotations['artifacthub.io/signKey'], key.fingerprint);
  }
  const install = helm(4, ['install', 'retool', tgz, '-f', EXAMPLE, '--dry-run=client']);
  assert.is(install.status, 0, install.stderr);
  assert.match(install.stdout, 'kind: Deployment');
  const bad = helm(4, ['install', 'retool', tgz, '--dry-run=client', '--set', 'profile=staging']);
  assert.is.not(bad.status, 0, 'the packaged schema still rejects bad values');
});

Package('the packaged schemas have versioned $ids, published at those URLs, and values.yaml points at the editor schema', () => {
  const id = `${server.url}/schema/0.1.0/values.schema.json`;
  const editorId = `${server.url}/schema/0.1.0/values.editor.schema.json`;
  const files = new Map(readTgz(join(repoDir, 'retool-0.1.0.tgz')).map((e) => [e.path, e.content.toString('utf8')]));
  const schema = files.get('retool/values.schema.json')!;
  assert.is(JSON.parse(schema).$id, id);
  const served = httpGet(id);
  assert.is(served.status, 200);
  assert.is(served.body, schema, 'the URL serves the packaged schema');
  assert.is(httpGet(`${server.url}/schema/latest/values.schema.json`).body, schema);
  // The editor schema is published at its URL, not archived (.helmignore: Helm would keep it in every revision).
  assert.not.ok(files.has('retool/values.editor.schema.json'), 'the archive leaves the editor schema out');
  const editor = httpGet(editorId);
  assert.is(editor.status, 200);
  assert.is(JSON.parse(editor.body).$id, editorId);
  assert.equal({ ...JSON.parse(editor.body), $id: undefined }, { ...JSON.parse(readFileSync(join(CHART, 'values.editor.schema.json'), 'utf8')), $id: undefined }, 'the URL serves the generated editor schema with its $id');
  assert.is(httpGet(`${server.url}/schema/latest/values.editor.schema.json`).body, editor.body);
  for (const major of MAJORS) {
    assert.ok(helm(major, ['show', 'values', join(repoDir, 'retool-0.1.0.tgz')]).stdout.startsWith(`# yaml-language-server: $schema=${editorId}\n`), `helm ${major} show values`);
  }
  // Only the packaged copy changes: the schema itself is the generated one plus $id.
  const generated = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
  const { $id: _, ...rest } = JSON.parse(schema);
  assert.equal(rest, generated);
});

Package('.helmignore: helm package (3 and 4) leaves out the same files as our archive, and Helm loads the directory without them', () => {
  const ours = readTgz(join(repoDir, 'retool-0.1.0.tgz')).map((e) => e.path).sort();
  for (const major of MAJORS) {
    const out = mkdtempSync(join(tmp, `helm-package-${major}-`));
    const packaged = helm(major, ['package', CHART, '-d', out]);
    assert.is(packaged.status, 0, packaged.stderr);
    const theirs = readTgz(join(out, 'retool-0.1.0.tgz')).map((e) => e.path).sort();
    assert.equal(ours, theirs, `helm ${major} package and retool-chart package archive the same files`);
    assert.not.ok(theirs.includes('retool/values.editor.schema.json'));
  }
});

Package('Chart.yaml carries the Artifact Hub metadata generated from project data', () => {
  const chart = yaml.load(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, any>;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.ok(!String(chart.home).includes('tryretool') && !chart.sources.some((s: string) => s.includes('tryretool')), 'home and sources are this project');
  assert.is(chart.home, pkg.homepage);
  assert.ok(chart.icon.startsWith('https://'));
  assert.ok(chart.maintainers.length > 0);
  const images = yaml.load(chart.annotations['artifacthub.io/images']) as Array<{ name: string; image: string }>;
  assert.ok(images.some((i) => i.image === `tryretool/backend:${chart.appVersion}-stable`), JSON.stringify(images));
  assert.ok(images.some((i) => i.image.startsWith('temporalio/server:')));
  const changes = yaml.load(chart.annotations['artifacthub.io/changes']) as Array<{ kind: string; description: string }>;
  const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
  assert.ok(changes.length > 0 && changes.every((c) => changelog.includes(c.description)), 'changes come from CHANGELOG.md');
  assert.is(chart.annotations['artifacthub.io/license'], pkg.license);
  assert.ok((yaml.load(chart.annotations['artifacthub.io/links']) as unknown[]).length > 0);
  assert.is(readFileSync(join(CHART, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
});

Package('the chart-testing values in ci/ lint with --strict under both majors (what ct lint and Artifact Hub render)', () => {
  const files = readdirSync(join(CHART, 'ci'));
  assert.equal(files, readdirSync(join(ROOT, 'examples')).map((f) => f.replace('.values.yaml', '-values.yaml')).sort());
  for (const file of files) {
    for (const major of MAJORS) {
      const lint = helm(major, ['lint', '--strict', CHART, '-f', join(CHART, 'ci', file)]);
      assert.is(lint.status, 0, `helm ${major} lint ci/${file}: ${lint.stdout}${lint.stderr}`);
    }
  }
});

Package('a chart that drifted from the schema is refused before anything is written', () => {
  // A copy of the project (compiled CLI included) whose generated chart was edited by hand.
  const copy = join(tmp, 'project-copy');
  for (const entry of ['package.json', 'schema', 'chart-templates', 'charts', 'examples', 'CHANGELOG.md', 'LICENSE', 'bin', 'dist']) {
    cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  writeFileSync(join(copy, 'charts/retool/README.md'), 'edited by hand\n');
  const r = spawnSync(process.execPath, [join(copy, 'bin/retool-chart.js'), 'package', '--out', join(tmp, 'drifted')], {
    encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH },
  });
  assert.is(r.status, 1, r.stdout);
  assert.match(r.stderr, 'charts/retool is out of date with the schema');
  assert.match(r.stderr, 'charts/retool/README.md');
  assert.not.ok(spawnSync('ls', [join(tmp, 'drifted')]).status === 0, 'nothing written');
});

Package('a second version joins the index without rewriting the first entry', () => {
  const before = yaml.load(readFileSync(join(repoDir, 'index.yaml'), 'utf8')) as any;
  packageOk(['--out', repoDir, '--repo-url', server.url, '--chart', chartCopy('0.2.0'), '--sign', '--key', key.name, '--keyring', key.secring], { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 86400) });
  const after = yaml.load(readFileSync(join(repoDir, 'index.yaml'), 'utf8')) as any;
  assert.equal(after.entries.retool.map((e: any) => e.version), ['0.2.0', '0.1.0']);
  assert.equal(after.entries.retool[1], before.entries.retool[0], 'the 0.1.0 entry is untouched (created, digest, urls)');
  assert.is(after.entries.retool[0].digest, sha256(join(repoDir, 'retool-0.2.0.tgz')));
  assert.is(JSON.parse(readFileSync(join(repoDir, 'schema/latest/values.schema.json'), 'utf8')).$id, `${server.url}/schema/0.2.0/values.schema.json`);
  assert.is(JSON.parse(readFileSync(join(repoDir, 'schema/0.1.0/values.schema.json'), 'utf8')).$id, `${server.url}/schema/0.1.0/values.schema.json`);
  assert.ok(readFileSync(join(repoDir, 'artifacthub-repo.yml'), 'utf8').startsWith('# Artifact Hub'));
});

Package('a published version never changes: same bytes are a no-op, other bytes are refused and nothing is written', () => {
  const index = readFileSync(join(repoDir, 'index.yaml'), 'utf8');
  const same = packageOk(['--out', repoDir, '--repo-url', server.url, '--sign', '--key', key.name, '--keyring', key.secring]);
  assert.match(same, 'already listed with this digest');
  assert.is(readFileSync(join(repoDir, 'index.yaml'), 'utf8'), index);
  const tgz = sha256(join(repoDir, 'retool-0.1.0.tgz'));
  const changed = chartCopy('0.1.0', (f) => { f.chartYaml = f.chartYaml.replace(/^description: .*$/m, 'description: changed'); });
  const r = cli(['--out', repoDir, '--repo-url', server.url, '--chart', changed]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /retool 0\.1\.0 is already in the index with digest [0-9a-f]{64}.*bump the chart version/);
  assert.is(readFileSync(join(repoDir, 'index.yaml'), 'utf8'), index);
  assert.is(sha256(join(repoDir, 'retool-0.1.0.tgz')), tgz);
});

Package('signing: helm 3 and helm 4 verify the .prov; a changed archive fails verification', () => {
  for (const major of MAJORS) {
    const ok = helm(major, ['verify', join(repoDir, 'retool-0.1.0.tgz'), '--keyring', key.pubring]);
    assert.is(ok.status, 0, `helm ${major} verify: ${ok.stderr}`);
    assert.match(ok.stdout, key.fingerprint);
  }
  const tampered = join(tmp, 'tampered');
  mkdirSync(tampered);
  writeFileSync(join(tampered, 'retool-0.1.0.tgz'), Buffer.concat([readFileSync(join(repoDir, 'retool-0.1.0.tgz')), Buffer.alloc(1)]));
  cpSync(join(repoDir, 'retool-0.1.0.tgz.prov'), join(tampered, 'retool-0.1.0.tgz.prov'));
  for (const major of MAJORS) {
    const bad = helm(major, ['verify', join(tampered, 'retool-0.1.0.tgz'), '--keyring', key.pubring]);
    assert.is.not(bad.status, 0, `helm ${major} rejects a changed archive`);
    assert.match(bad.stderr, /sha256|digest|hash/i);
  }
  assert.match(readFileSync(join(repoDir, 'pgp-public-key.asc'), 'utf8'), 'BEGIN PGP PUBLIC KEY BLOCK');
});

Package('bad options are refused before anything is written', () => {
  const out = join(tmp, 'refused');
  // Usage errors (a missing or misplaced option) exit 2; a key that cannot be used is bad input (1).
  for (const [args, message, status] of [
    [['--sign'], '--sign needs --key', 2],
    [['--key', 'x'], 'only apply with --sign', 2],
    [['--repo-url', 'charts.example.com'], '--repo-url must be an http(s) URL', 2],
    [['--sign', '--key', 'nobody', '--keyring', key.secring], 'no secret key matches "nobody"', 1],
    [['--sign', '--key', 'x', '--keyring', join(tmp, 'missing.gpg')], 'gpg', 1],
  ] as const) {
    const r = cli(['--out', out, ...args]);
    assert.is(r.status, status, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.not.ok(spawnSync('ls', [out]).status === 0, 'no output directory');
});

for (const major of MAJORS) {
  Package(`classic repository over HTTP, helm ${major}: repo add, search, pull --verify, template equals the golden output`, () => {
    const add = helm(major, ['repo', 'add', 'local', server.url, '--force-update']);
    assert.is(add.status, 0, add.stderr);
    const search = helm(major, ['search', 'repo', 'local/retool', '--versions', '-o', 'json']);
    assert.equal((JSON.parse(search.stdout) as Array<{ version: string }>).map((c) => c.version), ['0.2.0', '0.1.0']);
    const dest = join(tmp, `pulled-${major}`);
    mkdirSync(dest);
    const pull = helm(major, ['pull', 'local/retool', '--version', '0.1.0', '-d', dest, '--verify', '--keyring', key.pubring]);
    assert.is(pull.status, 0, pull.stderr);
    assert.is(sha256(join(dest, 'retool-0.1.0.tgz')), sha256(join(repoDir, 'retool-0.1.0.tgz')));
    const rendered = helm(major, ['template', RELEASE, 'local/retool', '--version', '0.1.0', '--namespace', NAMESPACE, '-f', join(FIXTURES, 'evaluation.values.yaml')]);
    assert.is(rendered.status, 0, rendered.stderr);
    assert.ok(rendered.stdout === readFileSync(join(GOLDEN, 'evaluation.yaml'), 'utf8'), 'equals test/golden/evaluation.yaml');
  });
}

Package.run();
