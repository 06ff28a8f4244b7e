// The operator-facing CLI: --help/--version/exit codes, validate --output json, init and explain.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerRules, askAnswers } from '../src/cli/init-command.js';
import { COMMAND_SPECS, EXIT, EXIT_CODES, cliReferenceMarkdown } from '../src/cli/specs.js';
import { describeDeployment, formatDeploymentMermaid } from '../src/model/deployment.js';
import { runHelm } from '../src/io/helm.js';
import { projectModel } from '../src/project-model.js';
import { FIXTURES, INVALID_FIXTURES, ROOT } from './support/paths.js';

const BIN = join(ROOT, 'bin/retool-chart.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
const dir = mkdtempSync(join(tmpdir(), 'retool-chart-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('--help on every command: usage, each option of its spec, an example; exit 0', () => {
  for (const spec of COMMAND_SPECS) {
    for (const flag of spec.name === 'doctor' ? ['--help', '-h'] : ['--help']) {
      const r = cli(spec.name, flag);
      assert.is(r.status, 0, `${spec.name} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, `Usage: ${spec.usage}`);
      for (const option of spec.options) assert.match(r.stdout, `--${option.name}`, `${spec.name} documents --${option.name}`);
      assert.match(r.stdout, 'Examples:');
    }
  }
  const helmArgs = cli('helm', '--', '--help');
  assert.match(helmArgs.stdout, /helm/i, 'after --, --help belongs to helm');
  assert.not.match(helmArgs.stdout, 'Usage: retool-chart');
});

test('--version prints the package version; bare command shows usage with exit 2', () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const r = cli('--version');
  assert.is(r.status, 0);
  assert.is(r.stdout.trim(), `retool-chart ${version}`);
  const bare = cli();
  assert.is(bare.status, 2);
  for (const spec of COMMAND_SPECS) assert.match(bare.stderr, spec.name);
  assert.match(bare.stderr, 'Exit codes:');
});

test('usage errors exit 2 and suggest the nearest option or command', () => {
  const option = cli('validate', '--valuse', 'x.yaml');
  assert.is(option.status, 2);
  assert.match(option.stderr, 'unknown option "--valuse"; did you mean --values?');
  assert.match(option.stderr, 'retool-chart validate --help');
  const command = cli('valdate');
  assert.is(command.status, 2);
  assert.match(command.stderr, 'did you mean "validate"?');
  const choice = cli('explain', '--format', 'svg');
  assert.is(choice.status, 2);
  assert.match(choice.stderr, '--format must be one of text, mermaid, json');
  assert.is(cli('validate', '-f').status, 2, 'missing value');
});

test('exit code 3 when helm itself fails', () => {
  assert.is(EXIT.toolFailed, 3);
  const r = spawnSync(process.execPath, [BIN, 'render', '-f', join(ROOT, 'examples/evaluation.values.yaml')], {
    encoding: 'utf8', cwd: ROOT, env: { ...process.env, HELM_BIN: '/bin/false' },
  });
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, '/bin/false template failed');
});

test('validate --output json: issues as data with file, line, column; exit code kept', () => {
  const file = join(INVALID_FIXTURES, 'bad-enum-profile.values.yaml');
  const bad = cli('validate', '-f', file, '--output', 'json');
  assert.is(bad.status, 1);
  const report = JSON.parse(bad.stdout);
  assert.is(report.valid, false);
  assert.equal(report.files, [file]);
  const issue = report.issues.find((i: any) => i.path === 'profile');
  assert.ok(issue, bad.stdout);
  assert.is(issue.file, file);
  assert.type(issue.line, 'number');
  assert.type(issue.column, 'number');
  const good = cli('validate', '-f', join(ROOT, 'examples/evaluation.values.yaml'), '--output', 'json');
  assert.is(good.status, 0);
  assert.equal(JSON.parse(good.stdout), { valid: true, files: [join(ROOT, 'examples/evaluation.values.yaml')], issues: [] });
});

test('no colour when piped or with NO_COLOR', () => {
  const r = spawnSync(process.execPath, [BIN, 'validate', '-f', join(INVALID_FIXTURES, 'bad-enum-profile.values.yaml')], { encoding: 'utf8', cwd: ROOT });
  assert.not.match(r.stderr, '\u001b[');
});

for (const profile of ['evaluation', 'production'] as const) {
  test(`init --profile ${profile}: a commented starter that passes validate and renders`, () => {
    const out = join(dir, `${profile}.yaml`);
    const secret = join(dir, `${profile}-secret.yaml`);
    const r = cli('init', '--profile', profile, '--ingress-host', 'retool.example.com', '-o', out, '--secret-manifest', secret);
    assert.is(r.status, 0, r.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^# yaml-language-server: \$schema=.*charts\/retool\/values\.editor\.schema\.json$/m);
    assert.match(text, '# Retool\'s storage database', 'keys carry the schema\'s descriptions');
    assert.is(cli('validate', '-f', out).status, 0);
    assert.is(cli('render', '-f', out).status, 0);
    const values = yaml.load(text) as any;
    assert.is(values.profile, profile);
    assert.is(values.ingress.host, 'retool.example.com');
    assert.equal(values.retool.encryptionKey, { secretKeyRef: { name: 'retool-secrets', key: 'encryption-key' } });
    const manifest = yaml.load(readFileSync(secret, 'utf8')) as any;
    assert.is(manifest.kind, 'Secret');
    assert.is(manifest.metadata.name, 'retool-secrets');
    assert.match(manifest.stringData['encryption-key'], /^[A-Za-z0-9+/]{43}=$/, '32 random bytes, base64');
    assert.is.not(manifest.stringData['encryption-key'], manifest.stringData['jwt-secret']);
    assert.is(statSync(secret).mode & 0o777, 0o600, 'only the owner may read the keys');
    assert.match(r.stderr, 'secret manager');
    assert.ok(manifest.stringData['database-password']);
    if (profile === 'production') assert.is(values.database.mode, 'external');
    else assert.equal(values.database.embedded.password, { secretKeyRef: { name: 'retool-secrets', key: 'database-password' } });
  });
}

test('init: fresh keys on every run; refuses to overwrite without --force; bad combinations write nothing', () => {
  const a = cli('init', '--profile', 'evaluation').stdout;
  const b = cli('init', '--profile', 'evaluation').stdout;
  const key = (text: string) => (yaml.load(text) as any).retool.encryptionKey;
  assert.is.not(key(a), key(b));
  const out = join(dir, 'exists.yaml');
  writeFileSync(out, 'keep: me\n');
  const refused = cli('init', '-o', out);
  assert.is(refused.status, 2);
  assert.match(refused.stderr, '--force');
  assert.is(readFileSync(out, 'utf8'), 'keep: me\n');
  assert.is(cli('init', '-o', out, '--force').status, 0);
  const target = join(dir, 'bad.yaml');
  const bad = cli('init', '--profile', 'production', '--database', 'embedded', '-o', target);
  assert.is(bad.status, 2, 'a contradiction between flags is a usage error, said before anything is asked');
  assert.match(bad.stderr, 'nothing written');
  assert.not.ok(existsSync(target));
  const host = cli('init', '--ingress-host', 'bad host', '-o', target);
  assert.is(host.status, 2);
  assert.match(host.stderr, '--ingress-host: Expected a DNS host name');
  assert.not.ok(existsSync(target));
});

test('init: ingress TLS and Temporal mTLS from flags make values that validate', () => {
  const out = join(dir, 'tls.yaml');
  const r = cli('init', '--profile', 'production', '--temporal', 'external', '--temporal-mtls-secret', 'temporal-mtls', '--temporal-ca',
    '--ingress-host', 'retool.example.com', '--ingress-tls-secret', 'retool-tls', '-o', out);
  assert.is(r.status, 0, r.stderr);
  const values = yaml.load(readFileSync(out, 'utf8')) as any;
  assert.equal(values.ingress.tls, { enabled: true, secretName: 'retool-tls' });
  assert.equal(values.temporal.external.tls, {
    enabled: true,
    clientCert: { secretKeyRef: { name: 'temporal-mtls', key: 'tls.crt' } },
    clientKey: { secretKeyRef: { name: 'temporal-mtls', key: 'tls.key' } },
    caCert: { secretKeyRef: { name: 'temporal-mtls', key: 'ca.crt' } },
  });
  assert.match(r.stderr, 'Temporal mTLS Secret');
  assert.is(cli('validate', '-f', out).status, 0);
  const misplaced = cli('init', '--temporal', 'local', '--temporal-mtls-secret', 'x');
  assert.is(misplaced.status, 2);
});

test('init: blob storage from flags (s3, azure with the pods\' identity); contradictions are usage errors that write nothing', () => {
  const out = join(dir, 'blob.yaml');
  const s3 = cli('init', '--profile', 'production', '--blob-storage', 's3', '--blob-bucket', 'retool-blobs', '-o', out);
  assert.is(s3.status, 0, s3.stderr);
  const text = readFileSync(out, 'utf8');
  assert.equal((yaml.load(text) as any).blobStorage, { mode: 'external', external: { provider: 's3', s3: { bucket: 'retool-blobs' } } });
  assert.match(text, 'eks.amazonaws.com/role-arn', 'says how the pods get their AWS identity');
  assert.is(cli('validate', '-f', out).status, 0);
  const azure = join(dir, 'blob-azure.yaml');
  assert.is(cli('init', '--profile', 'production', '--blob-storage', 'azure', '--blob-bucket', 'retool', '--blob-account-url', 'https://acme.blob.core.windows.net', '-o', azure).status, 0);
  assert.is(cli('validate', '-f', azure).status, 0);
  const none = cli('init', '--profile', 'production', '-o', join(dir, 'blob-none.yaml'));
  assert.is(none.status, 0, none.stderr);
  assert.match(none.stderr, 'no blob storage', 'the 4.x requirement is pointed out');
  const target = join(dir, 'blob-bad.yaml');
  for (const bad of [
    ['--profile', 'production', '--blob-storage', 'embedded'],
    ['--profile', 'evaluation', '--blob-storage', 'embedded', '--secret-manifest', join(dir, 'blob-bad-secret.yaml')],
    ['--blob-storage', 's3'],
    ['--blob-storage', 'azure', '--blob-bucket', 'retool'],
    ['--blob-bucket', 'retool'],
    ['--blob-storage', 'gcs', '--blob-bucket', 'Not A Bucket'],
  ]) {
    const r = cli('init', '--no-input', ...bad, '-o', target);
    assert.is(r.status, 2, `${bad.join(' ')}: ${r.stderr}`);
    assert.not.ok(existsSync(target), bad.join(' '));
  }
});

test('init asks for what the flags leave open, with defaults, prefixes and re-asking on a wrong answer', async () => {
  const rules = answerRules(projectModel().schema);
  const answers = ['staging', 'prod', 'ext', 'Bad_Name', 'temporal-mtls', 'yes', 'bad host', 'retool.example.com', 'retool-tls', 'y', '', 'emb', 's3', 'Bad_Bucket', 'retool-blobs'];
  const asked: string[] = [];
  const result = await askAnswers({}, undefined, async (q) => { asked.push(q); return answers.shift()!; }, rules);
  assert.equal(result.answers, {
    profile: 'production', database: 'external', temporal: 'external', temporalTlsSecret: 'temporal-mtls', temporalTlsCa: true,
    ingressHost: 'retool.example.com', ingressTlsSecret: 'retool-tls', blobStorage: 's3', blobBucket: 'retool-blobs',
  });
  assert.is(answers.length, 0, 'every answer was read');
  assert.is(result.secretFile, 'retool-secret.yaml');
  assert.is(asked.filter((q) => q.startsWith('Profile')).length, 2, 'asked again after "staging"; "prod" is production');
  assert.not.ok(asked.some((q) => q.startsWith('Storage database')), 'production has one storage database choice: it is not offered');
  assert.is(asked.filter((q) => q.startsWith('Temporal mTLS')).length, 2, 'an invalid Secret name is asked again');
  assert.is(asked.filter((q) => q.startsWith('Ingress host')).length, 2, 'an invalid host is asked again');
  const blob = asked.find((q) => q.startsWith('Blob storage ('))!;
  assert.match(blob, '[s3/gcs/azure/disabled] (disabled)', 'production is not offered the in-release store');
  assert.is(asked.filter((q) => q.startsWith('Blob storage (')).length, 2, '"emb" is not a choice under production: asked again');
  assert.is(asked.filter((q) => q.startsWith('Blob storage: the bucket')).length, 2, 'an invalid bucket name is asked again');
  const storage = ['e', 'ext'];
  const evaluation = await askAnswers({ profile: 'evaluation' }, 'x.yaml', async (q) => (q.startsWith('Storage') ? storage.shift()! : ''), rules);
  assert.is(storage.length, 0, '"e" is ambiguous (embedded, external): asked again');
  assert.is(evaluation.answers.database, 'external');
  assert.is(evaluation.answers.blobStorage, 'disabled', 'keys in a Secret: the in-release store (keys derived from an inline encryptionKey) is not the default');
  const inline = await askAnswers({ profile: 'evaluation' }, '', async (q) => (q.startsWith('Blob storage (') ? (assert.match(q, '[embedded/s3/gcs/azure/disabled] (embedded)'), '') : ''), rules);
  assert.is(inline.answers.blobStorage, 'embedded');
  const flagsOnly = await askAnswers({ profile: 'evaluation', database: 'embedded', temporal: 'retoolManaged', ingressHost: '', blobStorage: 'disabled' }, 'x.yaml', async () => { throw new Error('asked'); });
  assert.is(flagsOnly.secretFile, 'x.yaml');
});

test('init on a terminal (a real pty through script(1)): questions answered line by line', () => {
  const which = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' });
  if (which.status !== 0) throw new Error('script(1) from util-linux is needed for this test');
  const out = join(dir, 'tty.yaml');
  const command = `${process.execPath} ${BIN} init -o ${out}`;
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { input: 'evaluation\n\nexternal\n\n\nn\n\n', encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, 'Profile [evaluation/production]');
  const values = yaml.load(readFileSync(out, 'utf8')) as any;
  assert.is(values.temporal.mode, 'external');
  assert.is(values.database.mode, 'embedded');
  assert.is(values.blobStorage.mode, 'embedded', 'evaluation with inline keys: the in-release store by default');
  assert.is(cli('validate', '-f', out).status, 0);
  // production by prefix: the storage database is not offered, TLS is asked for, and the file is written.
  const prod = join(dir, 'tty-prod.yaml');
  const p = spawnSync('script', ['-qec', `${process.execPath} ${BIN} init -o ${prod}`, '/dev/null'], {
    input: 'prod\n\nretool.example.com\nretool-tls\nn\ngcs\nretool-blobs\n', encoding: 'utf8', timeout: 30_000,
  });
  assert.is(p.status, 0, p.stdout + p.stderr);
  assert.match(p.stdout, 'Storage database: external');
  assert.not.match(p.stdout, 'Storage database [');
  assert.match(p.stdout, 'Ingress TLS');
  const prodValues = yaml.load(readFileSync(prod, 'utf8')) as any;
  assert.is(prodValues.profile, 'production');
  assert.equal(prodValues.ingress.tls, { enabled: true, secretName: 'retool-tls' });
  assert.equal(prodValues.blobStorage, { mode: 'external', external: { provider: 'gcs', gcs: { bucket: 'retool-blobs' } } });
  assert.is(cli('validate', '-f', prod).status, 0);
});

test('npm run cli from a subdirectory writes relative to the caller (INIT_CWD); hints print a command that works', () => {
  const sub = mkdtempSync(join(dir, 'sub-'));
  const r = spawnSync('npm', ['--prefix', ROOT, 'run', '--silent', 'cli', '--', 'init', '--no-input', '-o', 'here.yaml'], { cwd: sub, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.is(r.status, 0, r.stderr);
  assert.ok(existsSync(join(sub, 'here.yaml')), 'written in the caller\'s directory');
  assert.not.ok(existsSync(join(ROOT, 'here.yaml')), 'not in the repository root');
  assert.match(r.stderr, 'check it: npm run cli -- validate -f here.yaml');
  const usage = spawnSync('npm', ['--prefix', ROOT, 'run', '--silent', 'cli', '--', 'validate', '--valuse'], { cwd: sub, encoding: 'utf8' });
  assert.is(usage.status, 2);
  assert.match(usage.stderr, '(npm run cli -- validate --help for every option)');
});

test('exit codes: one per outcome, listed in --help; missing required options are usage errors', () => {
  const help = cli('--help').stdout;
  for (const [code, text] of EXIT_CODES) assert.ok(help.includes(`  ${code}  ${text}`), `--help lists exit code ${code}`);
  assert.is(new Set(EXIT_CODES.map(([code]) => code)).size, EXIT_CODES.length);
  assert.equal(Object.values(EXIT).sort(), EXIT_CODES.map(([code]) => code).sort());
  const noValues = cli('import');
  assert.is(noValues.status, EXIT.usage, noValues.stderr);
  assert.match(noValues.stderr, 'give the official values with -f FILE');
  assert.is(cli('diff', '-f', join(ROOT, 'examples/evaluation.values.yaml')).status, EXIT.usage);
  assert.is(cli('package', '--sign').status, EXIT.usage);
  // "no helm found" (EXIT.noHelm) needs a machine without the bundled helm: npm-package.test.ts proves it from the installed package.
});

test('explain: components, databases, Temporal, edges and exposure from the values', () => {
  const r = cli('explain', '-f', join(FIXTURES, 'autoscaling-networkpolicy.values.yaml'));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /api\s+3–12 replicas \(autoscaled\)/);
  assert.match(r.stdout, /jobs-runner\s+1 replica \(never more\)/);
  assert.match(r.stdout, 'code-executor -> api :3000');
  assert.match(r.stdout, 'api -> database 10.20.30.40/retool (SSL) :5433');
  assert.match(r.stdout, 'Exposed:');
  const json = JSON.parse(cli('explain', '-f', join(FIXTURES, 'production-external.values.yaml'), '--format', 'json').stdout);
  assert.equal(json.databases.find((d: any) => d.key === 'database'), { key: 'database', mode: 'external', endpoint: 'retool-db.internal.example.com:5432/retool (SSL)', inRelease: false });
  assert.equal(json.temporal, { mode: 'external', endpoint: 'temporal-frontend.temporal.svc.cluster.local:7233', namespace: 'retool-workflows', tls: true, services: [] });
  assert.ok(json.edges.some((e: any) => e.from === 'workflows-worker' && e.note === 'mTLS'));
  assert.match(json.components.find((c: any) => c.key === 'api').image, 'tryretool/backend@sha256:0123');
  assert.type(json.components.find((c: any) => c.key === 'api').replicas, 'number', 'replicas is a number, not text');
  assert.equal(json.components.find((c: any) => c.key === 'jobsRunner').replicas, 1);
  assert.is(json.components.find((c: any) => c.key === 'jobsRunner').single, true);
  const scaled = JSON.parse(cli('explain', '-f', join(FIXTURES, 'autoscaling-networkpolicy.values.yaml'), '--format', 'json').stdout).components.find((c: any) => c.key === 'api');
  assert.equal([scaled.replicas, scaled.autoscaling], [3, { minReplicas: 3, maxReplicas: 12 }]);
  const off = JSON.parse(cli('explain', '-f', join(FIXTURES, 'workflows-disabled.values.yaml'), '--format', 'json').stdout);
  assert.not.ok(off.edges.some((e: any) => e.from === 'code-executor' || e.to === 'code-executor'), 'disabled components have no edges');
  const invalid = cli('explain', '-f', join(INVALID_FIXTURES, 'bad-enum-profile.values.yaml'));
  assert.is(invalid.status, 1);
});

test('explain --format mermaid: a flowchart with the release as a subgraph; the chart README embeds the default one', () => {
  const r = cli('explain', '-f', join(ROOT, 'examples/evaluation.values.yaml'), '--format', 'mermaid');
  assert.is(r.status, 0);
  assert.match(r.stdout, /^flowchart LR\n {2}subgraph release\["Helm release"\]/);
  assert.match(r.stdout, /n\d+\["temporal-frontend"\]/);
  const model = projectModel();
  const readme = readFileSync(join(ROOT, 'charts/retool/README.md'), 'utf8');
  assert.ok(readme.includes(`\`\`\`mermaid\n${formatDeploymentMermaid(describeDeployment(model, model.defaults))}\`\`\``));
});

test('helm show values starts with a header that says where the file comes from and that a copy may be edited', () => {
  const shown = runHelm(['show', 'values', join(ROOT, 'charts/retool')], { major: 4 });
  assert.is(shown.status, 0, shown.stderr);
  const header = shown.stdout.split('\n').slice(0, 6).join('\n');
  assert.not.match(header, /do not edit/i);
  assert.match(header, 'generated from its values schema');
  assert.match(header, 'Safe to copy and edit');
});

test('README CLI reference is the one generated from the option specs', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.ok(readme.includes(cliReferenceMarkdown()), 'README.md section between the cli-reference markers is current (npm run generate)');
});

test.run();
