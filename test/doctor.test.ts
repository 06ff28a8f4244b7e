// `retool-chart doctor` against a real PostgreSQL server (started here on 127.0.0.1): the same cases as the
// helm test script, through node-postgres, plus its values-level checks.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { newestStable, releaseFacts, supportEnds } from '../src/schema/releases.js';
import { projectModel } from '../src/project-model.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './support/paths.js';
import type { LocalPostgres } from './support/postgres.js';
import { PASSWORD, PREFLIGHT_CASES, USER, caseConnection, startCaseServer } from './support/preflight-cases.js';
import { externalValues } from './support/preflight.js';
import { parseCpu, parseMemoryGiB } from '../src/preflight/values-advice.js';
import { statusOf } from '../src/preflight/finding.js';
import type { Issue } from '../src/issue.js';
import { isIssueCode } from '../src/issue-codes.js';

/** doctor --output json's findings, each with the status its text line prints; every code is a listed one. */
function findingsOf(stdout: string): Array<Issue & { status: string }> {
  const findings = JSON.parse(stdout).findings as Issue[];
  for (const f of findings) assert.ok(isIssueCode(f.code) && f.code.startsWith('doctor.'), `unlisted code ${f.code}`);
  return findings.map((f) => ({ ...f, status: statusOf(f) }));
}

let pg: LocalPostgres;
const dir = mkdtempSync(join(tmpdir(), 'retool-chart-doctor-'));
let counter = 0;

test.before(async () => {
  pg = await startCaseServer();
});
test.after(() => {
  pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Support windows depend on the day: the suite runs as of the default line's newest patch, when it is supported.
const FACTS = releaseFacts(projectModel().schema);
const DEFAULT_LINE = newestStable(FACTS);
const TODAY = DEFAULT_LINE.latestRelease ?? DEFAULT_LINE.firstRelease;
let env: Record<string, string> = {};

function doctor(values: object, ...extra: string[]) {
  const file = join(dir, `values-${counter++}.yaml`);
  writeFileSync(file, yaml.dump(values));
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), 'doctor', '-f', file, ...extra], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1', RETOOL_CHART_TODAY: TODAY, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

function hasLine(output: string, pattern: RegExp) {
  assert.ok(output.split('\n').some((line) => pattern.test(line)), `expected ${pattern} in:\n${output}`);
}

for (const c of PREFLIGHT_CASES) {
  test(`doctor, ${c.name}: ${c.ok ? 'exit 0' : 'exit 1'} with the same message as the helm test script`, async () => {
    const r = doctor(externalValues(await caseConnection(pg, c)));
    assert.is(r.status, c.ok ? 0 : 1, r.output);
    for (const pattern of c.expect) hasLine(r.stdout, new RegExp(pattern.source.replace('(Connection refused|ECONNREFUSED)', '(Connection refused|ECONNREFUSED)')));
    for (const pattern of c.refuse ?? []) {
      if (pattern.source === 'FAIL') assert.not.ok(/^FAIL {2}database/m.test(r.stdout), r.stdout);
      else assert.not.ok(pattern.test(r.stdout), `${pattern} in:\n${r.stdout}`);
    }
  });
}

test('doctor --output json: findings as data; the verdict matches the exit code', async () => {
  const serializable = PREFLIGHT_CASES.find((c) => c.database === 'retool_serializable')!;
  const r = doctor(externalValues(await caseConnection(pg, serializable)), '--output', 'json');
  assert.is(r.status, 1, r.output);
  const report = JSON.parse(r.stdout);
  assert.is(report.ok, false);
  const failed = findingsOf(r.stdout).filter((f) => f.status === 'fail');
  assert.is(failed.length, 1, r.stdout);
  assert.equal([failed[0].code, failed[0].severity, failed[0].path, failed[0].pointer], ['doctor.database', 'error', 'database', '/database']);
  assert.match(failed[0].message, 'default_transaction_isolation is serializable');
  assert.match(failed[0].fix!, `ALTER DATABASE "${serializable.database}" SET default_transaction_isolation = 'read committed'`);
});

test('doctor: a secretKeyRef password is not readable, so --database-url supplies the connection', async () => {
  const values = externalValues({ host: pg.host, port: pg.port, name: 'retool_good', user: USER, password: 'unused' }) as any;
  values.database.external.password = { secretKeyRef: { name: 'retool-db', key: 'password' } };
  const skipped = doctor(values);
  assert.is(skipped.status, 0, skipped.output);
  hasLine(skipped.stdout, /INFO {2}database: the password is in Secret retool-db \(key password\)/);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${pg.port}/retool_serializable`;
  const checked = doctor(values, '--database-url', url);
  assert.is(checked.status, 1, checked.output);
  hasLine(checked.stdout, /FAIL {2}database: default_transaction_isolation is serializable/);
  hasLine(checked.stdout, /WARN {2}database: --database-url differs from the values: database retool_serializable \(values: retool_good\); the chart will connect where the values say/);
  const same = doctor(values, '--database-url', `postgres://${USER}:${PASSWORD}@${pg.host}:${pg.port}/retool_good`);
  assert.is(same.status, 0, same.output);
  assert.not.match(same.stdout, 'differs from the values');
  const elsewhere = doctor(values, '--database-url', `postgres://other:pw@${pg.host}:${pg.port + 1}/retool_good?sslmode=require`, '--output', 'json');
  const warning = findingsOf(elsewhere.stdout).find((f) => f.status === 'warn' && f.path === 'database');
  assert.ok(warning, elsewhere.stdout);
  assert.is(warning.code, 'doctor.database-url');
  assert.match(warning.message, `port ${pg.port + 1} (values: ${pg.port}), user other (values: ${USER}), ssl true (values: false)`);
  assert.match(warning.fix!, 'database.external.port, database.external.user, database.external.ssl');
  const bad = doctor(values, '--database-url', 'mysql://x@y/z');
  assert.is(bad.status, 2, bad.output);
  assert.match(bad.stderr, 'expected a postgres:// URL');
});

test('doctor: values-level checks need no database (strings under production, small requests, arch, exposure)', () => {
  const values = {
    profile: 'production',
    retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j', baseDomain: 'https://retool.example.com' },
    database: { mode: 'external', external: { host: 'db.example.com', port: 5432, name: 'retool', user: 'retool', password: 'p', ssl: true } },
    podDefaults: { nodeSelector: { 'kubernetes.io/arch': null } },   // null deletes the chart default, as in Helm
    components: {
      api: { resources: { requests: { cpu: '500m', memory: '1Gi' } } }, // below Retool's sizing
      mcp: { enabled: true, oauthIntrospectionAuthToken: 'token' }, // a component's own secret, given as a string
    },
  };
  const r = doctor(values, '--no-database', '--output', 'json');
  assert.is(r.status, 0, r.output);
  const findings = findingsOf(r.stdout);
  const at = (scope: string) => findings.find((f) => f.path === scope);
  for (const secret of ['retool.licenseKey', 'retool.encryptionKey', 'retool.jwtSecret', 'database.external.password', 'components.mcp.oauthIntrospectionAuthToken']) {
    assert.equal([at(secret)?.code, at(secret)?.severity], ['doctor.secrets-in-values', 'warning'], secret);
    assert.is(at(secret)?.pointer, `/${secret.replace(/\./g, '/')}`);
  }
  assert.equal([at('podDefaults.nodeSelector')?.code, at('podDefaults.nodeSelector')?.status], ['doctor.architecture', 'warn']);
  assert.is(at('ingress.enabled')?.status, 'info');
  const resources = at('components.*.resources')!;
  assert.equal([resources.code, resources.status, resources.pointer], ['doctor.resources', 'warn', '/components']);
  assert.match(resources.message, /request [0-9.]+ vCPU \/ [0-9.]+ GiB in total, below Retool's recommendation of 8 vCPU \/ 16 GiB/);
  assert.not.ok(findings.some((f) => f.path === 'database'), 'no database connection attempted');
});

test('doctor: plain HTTP under production is a warning; TLS at the Ingress, an https baseDomain or an HTTPRoute is not', () => {
  const base = {
    profile: 'production',
    retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j' },
    database: { mode: 'external', external: { host: 'db.example.com', port: 5432, name: 'retool', user: 'retool', password: 'p', ssl: true } },
  };
  const exposure = (extra: Record<string, unknown>) => {
    const r = doctor({ ...base, ...extra }, '--no-database', '--output', 'json');
    const findings = findingsOf(r.stdout);
    return findings.find((f) => f.path.startsWith('ingress'))!;
  };
  const plain = exposure({ ingress: { enabled: true, host: 'retool.example.com' } });
  assert.equal([plain.code, plain.status, plain.path], ['doctor.reachability', 'warn', 'ingress.tls.enabled']);
  assert.match(plain.message, /plain HTTP at http:\/\/retool\.example\.com\//);
  assert.is(exposure({ ingress: { enabled: true, host: 'retool.example.com', tls: { enabled: true, secretName: 'retool-tls' } } }).status, 'pass');
  assert.is(exposure({ ingress: { enabled: true, host: 'retool.example.com' }, retool: { ...base.retool, baseDomain: 'https://retool.example.com' } }).status, 'pass');
  const evaluation = doctor({ retool: base.retool, ingress: { enabled: true, host: 'retool.example.com' } }, '--no-database', '--output', 'json');
  assert.is(findingsOf(evaluation.stdout).find((f) => f.path === 'ingress')!.status, 'pass', 'evaluation over HTTP is fine');
});

test('doctor: the chart\'s own sizing (Retool\'s official defaults) draws no resources warning', () => {
  const r = doctor({ retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j' } }, '--no-database', '--output', 'json');
  const findings = findingsOf(r.stdout);
  assert.is(findings.find((f) => f.path === 'components.*.resources')?.status, 'pass', r.stdout);
  assert.not.ok(findings.some((f) => f.status === 'warn' || f.status === 'fail'), r.stdout);
});

function versionFinding(retool: object, today = TODAY) {
  env = { RETOOL_CHART_TODAY: today };
  try {
    const r = doctor({ retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j', ...retool } }, '--no-database', '--output', 'json');
    return findingsOf(r.stdout).find((f) => f.path === 'retool.version')!;
  } finally {
    env = {};
  }
}

test('doctor: the default version is supported on the day of its newest patch, and out of support after its window', () => {
  const supported = versionFinding({});
  assert.equal([supported.code, supported.status, supported.passed], ['doctor.retool-version', 'pass', true], supported.message);
  assert.match(supported.message, `Retool ${DEFAULT_LINE.line} stable is supported until ${supportEnds(DEFAULT_LINE, FACTS.supportMonths)}`);
  const later = versionFinding({}, '2099-01-01');
  assert.is(later.status, 'warn');
  assert.match(later.message, 'gets no more security patches');
});

test('doctor: an old stable line is out of support, an old patch names the newest one, a stale edge release warns', () => {
  const old = versionFinding({ version: '3.75.3' });
  assert.equal([old.status, old.message], ['warn', 'Retool 3.75 stable is older than 3.114, whose support ended 2025-06-03: it gets no more security patches']);
  assert.match(old.fix!, `upgrade to ${DEFAULT_LINE.latest}-stable`);
  const patch = versionFinding({ version: DEFAULT_LINE.first });
  assert.is(patch.status, 'info');
  assert.is(patch.fix, `set retool.version: ${DEFAULT_LINE.latest}`);
  const edge = versionFinding({ version: '3.93.2', channel: 'edge' });
  assert.is(edge.status, 'warn');
  assert.match(edge.message, 'only the newest edge release is supported');
  const unknown = versionFinding({ version: '9.1.0' });
  assert.is(unknown.status, 'info');
  assert.match(unknown.message, 'no release date');
});

test('doctor: the app builder on a 3.x edge build is a warning (validate refuses it on stable)', () => {
  env = { RETOOL_CHART_TODAY: TODAY };
  try {
    const r = doctor({ retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j', version: '3.383.0', channel: 'edge' }, appBuilder: { enabled: true, agentSandbox: { enabled: false } }, blobStorage: { mode: 'embedded' } }, '--no-database', '--output', 'json');
    const finding = findingsOf(r.stdout).find((f) => f.path === 'appBuilder.enabled');
    assert.is(finding?.status, 'warn', r.stdout + r.stderr);
    assert.match(finding!.message, '3.3xx edge builds carry them');
  } finally {
    env = {};
  }
});

test('doctor: the agent sandbox\'s keys: an ES256 pair passes; another key\'s public half, an RSA key and a reused encryption key do not', () => {
  const pair = (options: Parameters<typeof generateKeyPairSync>[1] & object, type: 'ec' | 'rsa' = 'ec') => {
    const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', { ...options, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } } as any);
    return { jwtPrivateKey: String(privateKey), jwtPublicKey: String(publicKey) };
  };
  const encryptionKey = randomBytes(32).toString('hex');
  const sandbox = (keys: object, retool: object = {}) => {
    const r = doctor({
      retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j', ...retool }, appBuilder: { enabled: true, agentSandbox: { encryptionKey, ...keys } }, blobStorage: { mode: 'embedded' },
    }, '--no-database', '--output', 'json');
    return findingsOf(r.stdout).filter((f) => f.code === 'doctor.agent-sandbox-keys');
  };
  const good = pair({ namedCurve: 'prime256v1' });
  assert.equal(sandbox(good).map((f) => f.status), ['pass']);
  const other = pair({ namedCurve: 'prime256v1' });
  const mismatch = sandbox({ ...good, jwtPublicKey: other.jwtPublicKey });
  assert.equal(mismatch.map((f) => [f.status, f.path]), [['fail', 'appBuilder.agentSandbox.jwtPublicKey']]);
  assert.match(mismatch[0].message, 'not the public key of jwtPrivateKey');
  const rsa = sandbox(pair({ modulusLength: 2048 } as any, 'rsa'));
  assert.equal(rsa.map((f) => [f.status, f.path]), [['fail', 'appBuilder.agentSandbox.jwtPrivateKey']]);
  assert.match(rsa[0].message, 'P-256');
  const reused = sandbox(good, { encryptionKey });
  assert.equal(reused.map((f) => f.status), ['pass', 'warn']);
  assert.match(reused[1].message, 'retool.encryptionKey');
  // Off with the app builder: nothing to check.
  const off = doctor({ retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j' } }, '--no-database', '--output', 'json');
  assert.equal(findingsOf(off.stdout).filter((f) => f.code === 'doctor.agent-sandbox-keys'), []);
});

test('doctor: invalid values are reported as validation errors first (exit 1)', () => {
  const r = doctor({ profile: 'staging' });
  assert.is(r.status, 1);
  assert.match(r.stderr, 'profile');
  assert.match(r.stderr, 'fix the values first');
});

test('doctor: resource quantities are read as Kubernetes writes them', () => {
  assert.is(parseCpu('500m'), 0.5);
  assert.is(parseCpu('2'), 2);
  assert.is(parseMemoryGiB('512Mi'), 0.5);
  assert.is(parseMemoryGiB('2Gi'), 2);
  assert.is(parseMemoryGiB('1G'), 1e9 / 2 ** 30);
});

test.run();
