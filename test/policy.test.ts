import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { POLICY_EXCEPTIONS, exceptionFor, type PolicyException } from './policy-exceptions.js';
import { FIXTURES, fixtureNames } from './support/paths.js';
import { formatFinding, policyFindings, policyRun, type Finding, type PolicyRun } from './support/policy.js';
import { parseManifests, renderFixture, renderFixtures, type K8sObject } from './support/render.js';

// Network tripwire: the policy checks must work offline. Any socket, DNS lookup or fetch attempted
// in this process is recorded and refused, and a test below asserts there were none.
const networkAttempts: string[] = [];
const refuse = (what: string) => {
  networkAttempts.push(what);
  return new Error(`network access attempted during policy checks: ${what}`);
};
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: any[]) {
  // net.connect()/http pass their normalized [options, callback] pair as the first argument.
  const target = Array.isArray(args[0]) ? args[0][0] : args[0];
  const ipc = typeof target === 'string' ||
    (typeof target === 'object' && target !== null && typeof target.path === 'string' && target.port == null && target.host == null);
  if (ipc) return (originalConnect as any).apply(this, args); // local IPC (unix socket / pipe) only, e.g. tsx
  throw refuse(`socket connect ${typeof target === 'object' && target !== null ? `${target.host ?? ''}:${target.port ?? ''}` : String(target)}`);
} as typeof net.Socket.prototype.connect;
dns.lookup = ((hostname: string) => {
  throw refuse(`dns lookup ${hostname}`);
}) as unknown as typeof dns.lookup;
globalThis.fetch = (async (input: unknown) => {
  throw refuse(`fetch ${String(input)}`);
}) as typeof fetch;

const fixtures = fixtureNames(FIXTURES);
// The renders this file reads, side by side up front (once per run: support/helm-cache.ts).
test.before(() => renderFixtures(fixtures, [4]));

interface FixtureResult {
  name: string;
  run: PolicyRun;
  accepted: Array<{ finding: Finding; exception: PolicyException }>;
  remaining: Finding[];
}

/** Policy results of one fixture's fresh render (never the committed golden file: a stale golden would hide a change). */
async function fixtureResult(name: string): Promise<FixtureResult> {
  const text = renderFixture(name, 4);
  const objects = new Map<string, K8sObject>(parseManifests(text).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  const run = await policyRun(text, `${name}.yaml`);
  const accepted: FixtureResult['accepted'] = [];
  const remaining: Finding[] = [];
  for (const finding of run.findings) {
    const exception = exceptionFor(finding, objects.get(finding.object));
    if (exception) accepted.push({ finding, exception });
    else remaining.push(finding);
  }
  return { name, run, accepted, remaining };
}

type Outcome = { name: string; result?: FixtureResult; error?: unknown };
let memo: Promise<Outcome[]> | undefined;
/** Every fixture's outcome, computed once; one broken fixture does not hide the others. */
function allOutcomes(): Promise<Outcome[]> {
  memo ??= (async () => {
    const outcomes: Outcome[] = [];
    for (const name of fixtures) {
      try {
        outcomes.push({ name, result: await fixtureResult(name) });
      } catch (error) {
        outcomes.push({ name, error });
      }
    }
    return outcomes;
  })();
  return memo;
}

async function allResults(): Promise<FixtureResult[]> {
  return (await allOutcomes()).flatMap((o) => (o.result ? [o.result] : []));
}

/** Fails with a multi-line message printed once (no stack trace repeating it). */
function fail(message: string): never {
  throw Object.assign(new Error(message), { stack: 'Error' });
}

// ---------------------------------------------------------------------------------------------
// The checks really run (negative and positive controls).

const BAD_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  selector:
    matchLabels: { app: bad }
  template:
    metadata:
      labels: { app: bad }
    spec:
      containers:
        - name: web
          image: nginx:latest
          securityContext:
            privileged: true
`;

test('negative control: a privileged, unpinned, unlimited Deployment is reported by both plugins', async () => {
  const findings = await policyFindings(BAD_DEPLOYMENT, 'bad.yaml');
  const rules = new Set(findings.map((f) => f.rule));
  const expected = {
    PSS103: 'privileged container (PSS baseline)',
    PSS202: 'allowPrivilegeEscalation not false (PSS restricted)',
    PSS203: 'runAsNonRoot missing (PSS restricted)',
    PSS206: 'capabilities not dropping ALL (PSS restricted)',
    PSS205: 'no seccomp profile (PSS restricted)',
    KBP001: 'image uses the latest tag',
    KBP002: 'no CPU request',
    KBP003: 'no CPU limit',
    KBP004: 'no memory request',
    KBP005: 'no memory limit',
    KBP102: 'root file system writable',
    KBP103: 'capabilities not dropping ALL',
    KBP104: 'low (unset) user id',
  };
  for (const [rule, what] of Object.entries(expected)) {
    assert.ok(rules.has(rule), `expected ${rule} (${what}); got:\n${findings.map(formatFinding).join('\n')}`);
  }
  for (const f of findings) {
    assert.is(f.object, 'Deployment/bad');
    assert.ok(f.rule.startsWith('PSS') || f.rule.startsWith('KBP'), f.rule);
  }
  const privileged = findings.find((f) => f.rule === 'PSS103')!;
  assert.is(privileged.ruleName, 'privileged-containers');
  assert.is(privileged.container, 'web');
  assert.is(privileged.path, 'spec.template.spec.containers.0.securityContext.privileged');
});

const GOOD_DEPLOYMENT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: good
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: good
spec:
  selector:
    matchLabels: { app: good }
  template:
    metadata:
      labels: { app: good }
    spec:
      serviceAccountName: good
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile: { type: RuntimeDefault }
      containers:
        - name: web
          image: nginx:1.27.0
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          securityContext:
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: { drop: [ALL] }
`;

test('positive control: a hardened Deployment has no findings, so zero is reachable', async () => {
  const run = await policyRun(GOOD_DEPLOYMENT, 'good.yaml');
  assert.is(run.objects, 2);
  assert.equal(run.findings.map(formatFinding), []);
});

test('every rule of both offline plugins is enabled', async () => {
  const { rules } = await policyRun(GOOD_DEPLOYMENT, 'good.yaml');
  assert.ok(rules.filter((r) => r.startsWith('PSS')).length >= 17, rules.join(','));
  assert.ok(rules.filter((r) => r.startsWith('KBP')).length >= 22, rules.join(','));
  assert.equal(rules.filter((r) => !/^(PSS|KBP)\d{3}$/.test(r)), []);
});

test('a crashing rule fails the run instead of silently reporting nothing', async () => {
  // A pod spec without containers makes monokle's rules throw; monokle itself would swallow that.
  const broken = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: broken }\nspec:\n  template:\n    spec: {}\n';
  try {
    await policyFindings(broken, 'broken.yaml');
  } catch (error) {
    assert.match(String(error), /did not run cleanly[\s\S]*rule_failed/);
    return;
  }
  assert.unreachable('policyFindings accepted a run where rules crashed');
});

// ---------------------------------------------------------------------------------------------
// Fresh renders of every fixture.

test('the policy run sees every object of every render', async () => {
  for (const { name, run } of await allResults()) {
    assert.is(run.objects, parseManifests(renderFixture(name, 4)).length, name);
  }
});

for (const name of fixtures) {
  test(`${name}: render has no policy findings beyond test/policy-exceptions.ts`, async () => {
    const outcome = (await allOutcomes()).find((o) => o.name === name)!;
    if (outcome.error !== undefined) throw outcome.error;
    const result = outcome.result!;
    if (result.remaining.length > 0) {
      fail(`${result.remaining.length} policy finding(s) in test/golden/${name}.yaml:\n` +
        result.remaining.map((f) => `      ${name}: ${formatFinding(f)}`).join('\n'));
    }
  });
}

test('podSecurity: restricted renders need no security exception (only the secrets-from-env baseline)', async () => {
  const restricted = fixtures.filter((name) => /^podSecurity: restricted$/m.test(readFileSync(join(FIXTURES, `${name}.values.yaml`), 'utf8')));
  assert.ok(restricted.length >= 2, `restricted fixtures: ${restricted.join(', ')}`);
  for (const result of (await allResults()).filter((r) => restricted.includes(r.name))) {
    const used = result.accepted.filter((a) => !['KBP111', 'KBP112'].includes(a.finding.rule));
    assert.equal(used.map((a) => formatFinding(a.finding)), [], `${result.name} relies on exceptions`);
  }
});

test('every policy exception is used by at least one fixture', async () => {
  const used = new Set((await allResults()).flatMap((r) => r.accepted.map((a) => a.exception)));
  const stale = POLICY_EXCEPTIONS.filter((e) => !used.has(e));
  const failed = (await allOutcomes()).filter((o) => o.error !== undefined).map((o) => o.name);
  if (stale.length > 0 && failed.length > 0) assert.unreachable(`cannot tell whether exceptions are stale: fixtures failed: ${failed.join(', ')}`);
  assert.equal(stale.map((e) => `${e.rule} ${String(e.object)}${e.container ? ` container ${e.container}` : ''}`), [], 'stale exceptions');
});

test('no network access was attempted', async () => {
  await allResults();
  assert.equal(networkAttempts, []);
});

test('summary', async () => {
  const results = await allResults();
  const failed = (await allOutcomes()).length - results.length;
  const objects = results.reduce((n, r) => n + r.run.objects, 0);
  const before = results.reduce((n, r) => n + r.run.findings.length, 0);
  const after = results.reduce((n, r) => n + r.remaining.length, 0);
  console.log(`policy: ${results.length} golden renders, ${objects} objects checked, ${before} findings before exceptions, ${after} after${failed ? ` (${failed} fixture(s) could not be checked)` : ''}`);
});

test.run();
