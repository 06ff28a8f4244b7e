// The helm test Pod as rendered for every fixture: a test hook, the chart's own security settings, image and
// connection env, secrets only through secretKeyRef.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runHelm } from '../src/io/helm.js';
import { CHART, FIXTURES, fixtureNames, NAMESPACE, RELEASE } from './support/paths.js';
import { MAJORS, byKind, find, parseManifests, renderFixture, renderFixtures, type K8sObject } from './support/render.js';
import { join } from 'node:path';

const fixtures = fixtureNames(FIXTURES);

// The renders this file reads, side by side up front (once per run: support/helm-cache.ts).
test.before(() => renderFixtures(fixtureNames(FIXTURES)));
const testPod = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Pod' && o.metadata.annotations?.['helm.sh/hook'] === 'test');

for (const major of MAJORS) {
  for (const name of fixtures) {
    test(`${name} (helm ${major}): the helm test Pod is a test hook with the chart's security, image and connection env`, () => {
      const objects = parseManifests(renderFixture(name, major));
      const pod = testPod(objects);
      assert.ok(pod, 'a helm test Pod is rendered by default');
      assert.ok(pod!.metadata.name.endsWith('-preflight') && pod!.metadata.name.length <= 63, pod!.metadata.name);
      assert.is(pod!.metadata.labels?.['app.kubernetes.io/component'], 'preflight');
      assert.is(pod!.metadata.annotations!['helm.sh/hook-delete-policy'], 'before-hook-creation');
      assert.is(pod!.spec.restartPolicy, 'Never');
      assert.is(pod!.spec.automountServiceAccountToken, false);

      // api: the storage database and Temporal env Retool gets.
      const reference = find(objects, 'Deployment', '-api')!.spec.template.spec;
      assert.equal(pod!.spec.nodeSelector, reference.nodeSelector);
      assert.equal(pod!.spec.serviceAccountName, reference.serviceAccountName);
      const [container] = pod!.spec.containers;
      // The chart's own pods' baseline (Pod Security Standards restricted), like the Temporal setup Job.
      assert.is(pod!.spec.securityContext.runAsNonRoot, true);
      assert.equal(pod!.spec.securityContext.seccompProfile, { type: 'RuntimeDefault' });
      assert.ok(pod!.spec.securityContext.runAsUser > 0);
      assert.is(container.securityContext.allowPrivilegeEscalation, false);
      assert.is(container.securityContext.readOnlyRootFilesystem, true);
      assert.equal(container.securityContext.capabilities, { drop: ['ALL'] });
      const setup = objects.find((o) => o.kind === 'Job' && /-temporal-setup-/.test(o.metadata.name));
      if (setup) {
        assert.equal(pod!.spec.securityContext, setup.spec.template.spec.securityContext, 'as the Temporal setup Job');
        assert.equal(container.securityContext, setup.spec.template.spec.initContainers[0].securityContext, 'as its postgres container');
        assert.is(container.image, setup.spec.template.spec.initContainers[0].image, 'the same postgres image');
      }
      assert.match(container.image, /(^|\/)postgres[:@]/, 'the postgres image the chart already uses');
      assert.ok(container.resources?.requests && container.resources?.limits);
      assert.equal(container.command.slice(0, 2), ['bash', '-c']);

      // Same connection env as Retool's own containers, entry for entry.
      const retoolEnv = new Map((reference.containers[0].env as any[]).map((e) => [e.name, e]));
      for (const entry of container.env as any[]) {
        if (/^(POSTGRES_|WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_)/.test(entry.name)) assert.equal(entry, retoolEnv.get(entry.name), entry.name);
      }
      for (const key of [...retoolEnv.keys()].filter((k) => /^POSTGRES_/.test(k))) assert.ok(container.env.some((e: any) => e.name === key), `${key} given`);

      // No secret value in the Pod spec: passwords only by secretKeyRef, and no stored secret appears anywhere.
      for (const entry of container.env as any[]) {
        if (/PASSWORD$/.test(entry.name)) assert.ok(entry.valueFrom?.secretKeyRef && !('value' in entry), `${entry.name} by secretKeyRef`);
      }
      const text = JSON.stringify(pod);
      for (const secret of byKind(objects, 'Secret')) {
        for (const value of Object.values(secret.data ?? {}) as string[]) {
          assert.not.ok(text.includes(Buffer.from(value, 'base64').toString('utf8')), `a value of Secret ${secret.metadata.name} appears in the Pod`);
        }
      }
    });
  }
}

test('the helm test Pod checks the Retool Database only when enabled, and Temporal unless Retool-managed', () => {
  const script = (name: string) => testPod(parseManifests(renderFixture(name, 4)))!.spec.containers[0].command[2] as string;
  assert.match(script('retooldb-external'), /^check_database retoolDatabase RETOOLDB_POSTGRES_$/m);
  assert.not.match(script('production-external'), 'check_database retoolDatabase');
  assert.match(script('production-external'), /^check_database database POSTGRES_$/m);
  assert.match(script('temporal-local'), /^check_tcp temporal /m);
  assert.not.match(script('temporal-retool-managed'), /^check_tcp temporal/m);
  assert.match(script('temporal-retool-managed'), /^echo "INFO  temporal: retoolManaged/m);
});

test('tests.enabled: false renders no test Pod (Helm 3 and 4)', () => {
  for (const major of MAJORS) {
    const r = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', join(FIXTURES, 'evaluation.values.yaml'), '--set', 'tests.enabled=false'], { major });
    assert.is(r.status, 0, r.stderr);
    assert.not.ok(testPod(parseManifests(r.stdout)), `helm ${major}`);
  }
});

test('NetworkPolicies let the test Pod reach the in-release databases and Temporal frontend', () => {
  const objects = parseManifests(renderFixture('autoscaling-networkpolicy', 4));
  const policies = byKind(objects, 'NetworkPolicy');
  if (!policies.length) throw new Error('fixture renders no NetworkPolicy');
  const embedded = parseManifests(renderFixture('temporal-local', 4, ['--set', 'networkPolicy.enabled=true']));
  const db = embedded.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-postgresql'))!;
  assert.ok(JSON.stringify(db.spec.ingress).includes('"preflight"'), 'postgresql admits the preflight Pod');
  const frontend = embedded.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-temporal-frontend'))!;
  assert.ok(JSON.stringify(frontend.spec.ingress).includes('preflight'), 'the Temporal frontend admits the preflight Pod');
});

test('NOTES (helm 4 install --dry-run=client): autoscaled components as min–max, and the next steps', () => {
  const r = runHelm(['install', RELEASE, CHART, '--namespace', NAMESPACE, '--dry-run=client', '-f', join(FIXTURES, 'autoscaling-networkpolicy.values.yaml')], { major: 4 });
  assert.is(r.status, 0, r.stderr);
  const notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
  assert.not.match(notes, /0 replica/);
  assert.match(notes, /- api: \d+–\d+ replicas \(autoscaled\)/);
  assert.match(notes, `helm test ${RELEASE} --namespace ${NAMESPACE} --logs`);
  assert.match(notes, /Secrets:/);
  const fixed = runHelm(['install', RELEASE, CHART, '--namespace', NAMESPACE, '--dry-run=client', '-f', join(FIXTURES, 'production-external.values.yaml')], { major: 4 });
  assert.match(fixed.stdout, '- api: 3 replica(s)');
  assert.match(fixed.stdout, /read from your own Secrets: .*retool-db\/password/);
});

test.run();
