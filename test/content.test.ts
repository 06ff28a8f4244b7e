import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectModel } from '../src/project-model.js';
import { FIXTURES, fixtureNames } from './support/paths.js';
import { MAJORS, byKind, containers, envOf, find, jobTemplates, parseManifests, renderFixture, renderFixtures, type K8sObject } from './support/render.js';

const fixtures = fixtureNames(FIXTURES);
const render = (name: string, major: 3 | 4 = 4) => parseManifests(renderFixture(name, major));
const SECRET_ENV = /(PASSWORD|LICENSE_KEY|ENCRYPTION_KEY|JWT_SECRET|TLS_CRT|TLS_KEY)$/;
const TEMPORAL_ENV = /^WORKFLOW_TEMPORAL_/;

// The renders this file reads, side by side up front (once per run: support/helm-cache.ts).
test.before(() => renderFixtures(fixtureNames(FIXTURES)));

for (const major of MAJORS) {
  for (const name of fixtures) {
    const objects = () => render(name, major);

    test(`${name} (helm ${major}): jobs-runner is exactly one pod with the Recreate strategy`, () => {
      const jobs = find(objects(), 'Deployment', '-jobs-runner')!;
      assert.ok(jobs, 'jobs-runner Deployment rendered');
      assert.is(jobs.spec.replicas, 1);
      assert.equal(jobs.spec.strategy, { type: 'Recreate' });
    });

    test(`${name} (helm ${major}): secrets reach containers only through secretKeyRef`, () => {
      for (const { owner, container } of containers(objects())) {
        for (const [envName, entry] of envOf(container)) {
          if (!SECRET_ENV.test(envName)) continue;
          assert.not.ok('value' in entry, `${owner.metadata.name}/${container.name} ${envName} is a literal`);
          assert.ok(entry.valueFrom?.secretKeyRef?.name && entry.valueFrom.secretKeyRef.key, `${envName} has a secretKeyRef`);
        }
      }
    });

    test(`${name} (helm ${major}): every secretKeyRef to the chart's Secret names a key it holds`, () => {
      const all = objects();
      const secret = byKind(all, 'Secret')[0];
      for (const { container } of containers(all)) {
        for (const [, entry] of envOf(container)) {
          const ref = entry.valueFrom?.secretKeyRef;
          if (ref && secret && ref.name === secret.metadata.name) assert.ok(ref.key in secret.data, `chart Secret lacks ${ref.key}`);
        }
      }
    });

    test(`${name} (helm ${major}): long-running containers have readiness and liveness probes; every container has resources`, () => {
      for (const { owner, container } of containers(objects())) {
        const where = `${owner.kind} ${owner.metadata.name}/${container.name}`;
        assert.ok(container.resources?.requests?.cpu && container.resources?.requests?.memory, `${where} requests`);
        assert.ok(container.resources?.limits?.memory, `${where} memory limit`);
        // The node DaemonSets (x-retool-node-daemonset) serve nothing a probe could ask, and Retool's manifests give them none.
        const longRunning = owner.kind !== 'Job' && owner.kind !== 'DaemonSet' && owner.spec.template.spec.containers.includes(container);
        if (!longRunning || NO_LISTENER.has(container.name)) continue;
        assert.ok(container.readinessProbe, `${where} readinessProbe`);
        assert.ok(container.livenessProbe, `${where} livenessProbe`);
        assert.not.equal(container.readinessProbe, container.livenessProbe, `${where} probes differ`);
      }
    });

    test(`${name} (helm ${major}): names fit in 63 characters and selectors match their pods`, () => {
      const all = objects();
      for (const o of all) assert.ok(o.metadata.name.length <= 63, `${o.kind} ${o.metadata.name} is too long`);
      for (const workload of all.filter((o) => o.spec?.template && o.kind !== 'Job')) {
        const podLabels = workload.spec.template.metadata.labels;
        for (const [k, v] of Object.entries(workload.spec.selector.matchLabels)) assert.is(podLabels[k], v, `${workload.metadata.name} selector ${k}`);
      }
      // The pods a controller creates from a job template are selected too (the headless Service of the agent sandbox).
      const workloads = [...all, ...jobTemplates(all)];
      for (const service of byKind(all, 'Service')) {
        const matches = workloads.filter((w) => w.spec?.template && Object.entries(service.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
        assert.is(matches.length, 1, `Service ${service.metadata.name} selects exactly one workload`);
      }
    });

    test(`${name} (helm ${major}): backend containers run as their SERVICE_TYPE with NODE_ENV=production`, () => {
      for (const { container } of containers(objects())) {
        if (!container.image.includes('/backend')) continue;
        const env = envOf(container);
        assert.is(env.get('NODE_ENV')?.value, 'production');
        assert.ok(env.get('SERVICE_TYPE')?.value, `${container.name} SERVICE_TYPE`);
      }
    });
  }
}

/**
 * Long-running containers with nothing to probe: Temporal's worker service opens no gRPC listener, and every
 * component whose annotation carries a probeNote (its documented reason) instead of a probe.
 */
const NO_LISTENER = new Set(['temporal-worker', ...projectModel().components.filter((c) => !c.probe).map((c) => c.name)]);

test('a component without a probe documents why (probeNote), and only then', () => {
  for (const c of projectModel().components) {
    assert.is(Boolean(c.probe), !c.probeNote, `${c.name}: exactly one of probe and probeNote`);
    if (c.probeNote) assert.ok(c.probeNote.length >= 30 && /tryretool\//.test(c.probeNote), `${c.name} probeNote names its source: ${c.probeNote}`);
  }
});

const containerNamed = (objects: K8sObject[], name: string) => containers(objects).find(({ container }) => container.name === name)?.container;

test('evaluation: api, jobs-runner, workflows and code-executor wired as in the reference topology', () => {
  const objects = render('evaluation');
  const expected: Record<string, string | undefined> = {
    // Retool 4.0 (>= 3.93): the Java database connector is on by default, no role of its own.
    api: 'MAIN_BACKEND,DB_CONNECTOR,DB_SSH_CONNECTOR',
    'jobs-runner': 'JOBS_RUNNER',
    'workflows-worker': 'WORKFLOW_TEMPORAL_WORKER',
    'workflows-backend': 'WORKFLOW_BACKEND,DB_CONNECTOR,DB_SSH_CONNECTOR',
    'code-executor': undefined,
  };
  for (const [name, serviceType] of Object.entries(expected)) {
    const c = containerNamed(objects, name);
    assert.ok(c, `${name} container`);
    assert.is(envOf(c).get('SERVICE_TYPE')?.value, serviceType, `${name} SERVICE_TYPE`);
  }
  const api = envOf(containerNamed(objects, 'api'));
  assert.is(api.get('CODE_EXECUTOR_INGRESS_DOMAIN')?.value, 'http://prod-retool-code-executor:3004');
  assert.is(api.get('WORKFLOW_BACKEND_HOST')?.value, 'http://prod-retool-workflows-backend:3000');
  assert.is(api.get('POSTGRES_HOST')?.value, 'prod-retool-storage-postgresql');
  for (const name of ['workflows-worker', 'workflows-backend']) {
    assert.is(envOf(containerNamed(objects, name)).get('DISABLE_DATABASE_MIGRATIONS')?.value, 'true');
  }
  assert.not.ok(envOf(containerNamed(objects, 'jobs-runner')).has('DISABLE_DATABASE_MIGRATIONS'));
  assert.is(containerNamed(objects, 'code-executor').securityContext.privileged, true, 'nsjail needs privileges');
  assert.is(find(objects, 'Deployment', '-api')!.spec.replicas, 2);
});

test('evaluation: the embedded PostgreSQL is a StatefulSet with a volume claim and uuid-ossp at init', () => {
  const objects = render('evaluation');
  const sts = find(objects, 'StatefulSet', '-storage-postgresql')!;
  assert.ok(sts);
  assert.is(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '60Gi');
  const init = find(objects, 'ConfigMap', '-postgresql-init')!;
  assert.match(init.data['init.sql'], 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp"');
  const server = envOf(sts.spec.template.spec.containers[0]);
  const client = envOf(containerNamed(objects, 'api'));
  assert.equal(server.get('POSTGRES_PASSWORD'), client.get('POSTGRES_PASSWORD'), 'server and clients share one password ref');
  assert.is(server.get('POSTGRES_USER').value, client.get('POSTGRES_USER').value);
  assert.is(server.get('POSTGRES_DB').value, client.get('POSTGRES_DB').value);
});

test('retoolManaged Temporal: no Temporal env anywhere', () => {
  for (const name of ['evaluation', 'temporal-retool-managed', 'workflows-disabled']) {
    for (const { container } of containers(render(name))) {
      for (const envName of envOf(container).keys()) assert.not.match(envName, TEMPORAL_ENV, `${name} ${container.name}`);
    }
  }
});

test('external Temporal with mTLS: host, port, namespace and certificates from secretKeyRefs', () => {
  const objects = render('production-external');
  // jobs-runner too: the official chart gives it the Temporal connection whenever Temporal is configured.
  for (const name of ['api', 'jobs-runner', 'workflows-worker', 'workflows-backend']) {
    const env = envOf(containerNamed(objects, name));
    assert.is(env.get('WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_HOST').value, 'temporal-frontend.temporal.svc.cluster.local');
    assert.is(env.get('WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_PORT').value, '7233');
    assert.is(env.get('WORKFLOW_TEMPORAL_CLUSTER_NAMESPACE').value, 'retool-workflows');
    assert.is(env.get('WORKFLOW_TEMPORAL_TLS_ENABLED').value, 'true');
    assert.equal(env.get('WORKFLOW_TEMPORAL_TLS_CRT').valueFrom.secretKeyRef, { name: 'temporal-mtls', key: 'tls.crt' });
    assert.equal(env.get('WORKFLOW_TEMPORAL_TLS_KEY').valueFrom.secretKeyRef, { name: 'temporal-mtls', key: 'tls.key' });
    assert.is(env.get('NODE_EXTRA_CA_CERTS').value, '/etc/retool/temporal-ca/ca.crt');
  }
  const api = find(objects, 'Deployment', '-api')!;
  const ca = api.spec.template.spec.volumes.find((v: any) => v.name === 'temporal-ca');
  assert.equal(ca.secret, { secretName: 'temporal-mtls', items: [{ key: 'ca.crt', path: 'ca.crt' }] });
  assert.ok(api.spec.template.spec.containers[0].volumeMounts.some((m: any) => m.name === 'temporal-ca' && m.readOnly));
});

test('blob storage: embedded is one Garage node whose bucket and derived keys api, jobs-runner and the workers share; never workflows-backend', () => {
  const objects = parseManifests(renderFixture('evaluation', 4, ['--set', 'blobStorage.mode=embedded', '--set', 'networkPolicy.enabled=true']));
  const store = find(objects, 'StatefulSet', '-blob-storage')!;
  const garage = store.spec.template.spec.containers[0];
  assert.equal(garage.command.slice(-3), ['server', '--single-node', '--default-bucket']);
  const garageEnv = envOf(garage);
  const endpoint = `http://${store.metadata.name}:3900`;
  for (const name of ['api', 'jobs-runner', 'workflows-worker']) {
    const env = envOf(containerNamed(objects, name));
    assert.is(env.get('RR_BLOB_STORAGE_PROVIDER')?.value, 's3', name);
    assert.is(env.get('RR_DEFAULT_S3_ENDPOINT')?.value, endpoint, name);
    assert.is(env.get('AWS_ENDPOINT_URL')?.value, endpoint, name);
    assert.is(env.get('RR_DEFAULT_S3_BUCKET')?.value, garageEnv.get('GARAGE_DEFAULT_BUCKET')?.value, name);
    // The same Secret keys on both sides: the key Garage creates is the key Retool signs with.
    assert.equal(env.get('RR_DEFAULT_S3_ACCESS_KEY_ID')?.valueFrom, garageEnv.get('GARAGE_DEFAULT_ACCESS_KEY')?.valueFrom, name);
    assert.equal(env.get('RR_DEFAULT_S3_SECRET_ACCESS_KEY')?.valueFrom, garageEnv.get('GARAGE_DEFAULT_SECRET_KEY')?.valueFrom, name);
  }
  for (const name of ['workflows-backend', 'code-executor']) assert.not.ok(envOf(containerNamed(objects, name)).has('RR_BLOB_STORAGE_PROVIDER'), name);
  const secret = byKind(objects, 'Secret')[0];
  const decoded = (key: string) => Buffer.from(secret.data[key], 'base64').toString();
  assert.match(decoded('blob-access-key-id'), /^GK[0-9a-f]{24}$/);
  assert.match(decoded('blob-secret-access-key'), /^[0-9a-f]{64}$/);
  assert.match(decoded('blob-rpc-secret'), /^[0-9a-f]{64}$/);
  assert.is.not(decoded('blob-secret-access-key'), decoded('blob-rpc-secret'));
  // Rendering again gives the same keys (derived, never random).
  const again = parseManifests(renderFixture('evaluation', 3, ['--set', 'blobStorage.mode=embedded', '--set', 'networkPolicy.enabled=true']));
  assert.equal(byKind(again, 'Secret')[0].data, secret.data);
  const policy = find(objects, 'NetworkPolicy', '-blob-storage')!;
  const callers = policy.spec.ingress[0].from.map((p: any) => p.podSelector.matchLabels['app.kubernetes.io/component']);
  for (const name of ['api', 'jobs-runner', 'workflows-worker']) assert.ok(callers.includes(name), name);
  assert.not.ok(callers.includes('workflows-backend'));
  assert.equal(policy.spec.egress.length, 1, 'DNS only');
});

test('blob storage: disabled by default, nothing rendered and no env', () => {
  const objects = render('evaluation');
  assert.not.ok(find(objects, 'StatefulSet', '-blob-storage'));
  assert.not.ok(envOf(containerNamed(objects, 'api')).has('RR_BLOB_STORAGE_PROVIDER'));
});

test('production-external: external DB over TLS, no chart Secret, no embedded database, image digest', () => {
  const objects = render('production-external');
  assert.is(byKind(objects, 'Secret').length, 0, 'every secret is a reference');
  assert.is(byKind(objects, 'StatefulSet').length, 0);
  const env = envOf(containerNamed(objects, 'api'));
  assert.is(env.get('POSTGRES_HOST').value, 'retool-db.internal.example.com');
  assert.is(env.get('POSTGRES_SSL_ENABLED').value, 'true');
  assert.equal(env.get('POSTGRES_PASSWORD').valueFrom.secretKeyRef, { name: 'retool-db', key: 'password' });
  assert.match(containerNamed(objects, 'api').image, /^tryretool\/backend@sha256:[0-9a-f]{64}$/);
  assert.is(containerNamed(objects, 'code-executor').image, 'tryretool/code-executor-service:4.0.7-stable');
  assert.is(find(objects, 'Deployment', '-api')!.spec.replicas, 3);
});

test('ingress: every host gets the extra paths first, then the components\' routes; TLS lists every host', () => {
  const objects = render('ingress-hosts-paths');
  const ingress = byKind(objects, 'Ingress')[0];
  assert.equal(ingress.spec.tls, [{ hosts: ['retool.example.com', 'retool.example.org'], secretName: 'retool-tls' }]);
  assert.equal(ingress.spec.rules.map((r: any) => r.host), ['retool.example.com', 'retool.example.org']);
  for (const rule of ingress.spec.rules) {
    assert.equal(rule.http.paths.map((p: any) => p.path), ['/healthz', '/']);
    assert.equal(rule.http.paths[0].backend.service, { name: 'edge-health', port: { number: 9000 } });
    assert.is(rule.http.paths[1].backend.service.name, find(objects, 'Service', '-api')!.metadata.name);
  }
});

test('ingress.kind: HTTPRoute attaches to the Gateway with every host; the api gets https BASE_DOMAIN and secure cookies', () => {
  const objects = render('ingress-httproute');
  assert.is(byKind(objects, 'Ingress').length, 0, 'no Ingress');
  const route = byKind(objects, 'HTTPRoute')[0];
  assert.is(route.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.equal(route.spec.parentRefs, [{ name: 'shared-gateway', namespace: 'gateway-system', sectionName: 'https' }]);
  assert.equal(route.spec.hostnames, ['retool.example.com', 'retool.internal.example.com']);
  assert.equal(route.spec.rules[0], { matches: [{ path: { type: 'Exact', value: '/status' } }], backendRefs: [{ name: 'status-page', port: 8080 }] });
  const api = find(objects, 'Service', '-api')!;
  assert.equal(route.spec.rules.at(-1).backendRefs, [{ name: api.metadata.name, port: api.spec.ports[0].port }]);
  const env = envOf(containerNamed(objects, 'api'));
  assert.is(env.get('BASE_DOMAIN').value, 'https://retool.example.com');
  assert.is(env.get('COOKIE_INSECURE').value, 'false');
});

test('multiplayer-ws: /api/multiplayer routed before /, its Service on 3001, the ingress controller admitted on 3001', () => {
  const objects = render('multiplayer');
  const paths = byKind(objects, 'Ingress')[0].spec.rules[0].http.paths;
  assert.equal(paths.map((p: any) => [p.path, p.backend.service.name]), [['/api/multiplayer', 'prod-retool-multiplayer-ws'], ['/', 'prod-retool-api']]);
  assert.equal(find(objects, 'Service', '-multiplayer-ws')!.spec.ports.map((p: any) => p.port), [3001]);
  const policy = byKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'prod-retool-multiplayer-ws')!;
  assert.ok(policy.spec.ingress.some((r: any) => r.ports.some((p: any) => p.port === 3001) && !r.from.some((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'])), 'ingress controller peers on 3001');
  assert.equal(find(objects, 'PodDisruptionBudget', '-multiplayer-ws')!.spec.maxUnavailable, 1);
  assert.not.ok(render('evaluation').some((o) => o.metadata.name.endsWith('-multiplayer-ws')), 'off by default');
});

test('agents: both workers render with their own replicas and PDB/HPA; callees admit them only while agents.enabled', () => {
  const objects = render('agents');
  assert.is(find(objects, 'Deployment', '-agent-worker')!.spec.replicas, 2);
  assert.is(find(objects, 'HorizontalPodAutoscaler', '-agent-eval-worker')!.spec.minReplicas, 2);
  const executor = byKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'prod-retool-code-executor')!;
  const admitted = executor.spec.ingress.flatMap((r: any) => r.from.map((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component']));
  assert.ok(admitted.includes('agent-worker') && admitted.includes('agent-eval-worker'));
  const off = byKind(render('autoscaling-networkpolicy'), 'NetworkPolicy').find((p) => p.metadata.name.endsWith('-code-executor'))!;
  assert.not.ok(JSON.stringify(off.spec.ingress).includes('agent-worker'), 'no agent peers while agents are off');
});

test('workflows disabled: only the components nothing switches on or off, and api is not told about workflow services', () => {
  const objects = render('workflows-disabled');
  const alwaysOn = projectModel().components.filter((c) => !c.enabledBy).map((c) => `prod-retool-${c.name}`).sort();
  assert.ok(alwaysOn.includes('prod-retool-api') && alwaysOn.includes('prod-retool-jobs-runner'));
  assert.equal(byKind(objects, 'Deployment').map((d) => d.metadata.name).sort(), alwaysOn);
  const api = envOf(containerNamed(objects, 'api'));
  assert.not.ok(api.has('CODE_EXECUTOR_INGRESS_DOMAIN'));
  assert.not.ok(api.has('WORKFLOW_BACKEND_HOST'));
});

test('code-executor without sandbox: unprivileged, CONTAINER_UNPRIVILEGED_MODE=true', () => {
  const c = containerNamed(render('code-executor-unsandboxed'), 'code-executor');
  assert.is(envOf(c).get('CONTAINER_UNPRIVILEGED_MODE').value, 'true');
  assert.not.ok(c.securityContext.privileged);
  assert.is(c.securityContext.allowPrivilegeEscalation, false);
});

test('Retool Database: RETOOLDB_POSTGRES_* only when enabled, on api and the workflow containers', () => {
  assert.not.ok(envOf(containerNamed(render('evaluation'), 'api')).has('RETOOLDB_POSTGRES_HOST'));
  const external = render('retooldb-external');
  for (const name of ['api', 'workflows-worker', 'workflows-backend']) {
    const env = envOf(containerNamed(external, name));
    assert.is(env.get('RETOOLDB_POSTGRES_HOST').value, 'retooldb.internal.example.com');
    assert.is(env.get('RETOOLDB_POSTGRES_PORT').value, '6432');
    assert.equal(env.get('RETOOLDB_POSTGRES_PASSWORD').valueFrom.secretKeyRef, { name: 'retooldb', key: 'password' });
  }
  assert.not.ok(envOf(containerNamed(external, 'jobs-runner')).has('RETOOLDB_POSTGRES_HOST'));
  const embedded = render('retooldb-embedded');
  const sts = find(embedded, 'StatefulSet', '-retooldb-postgresql')!;
  assert.ok(sts, 'embedded Retool Database StatefulSet');
  assert.is(sts.spec.volumeClaimTemplates[0].spec.storageClassName, 'fast-ssd');
  assert.is(envOf(containerNamed(embedded, 'api')).get('RETOOLDB_POSTGRES_HOST').value, 'prod-retool-retooldb-postgresql');
});

test('ingress with TLS routes the host to the api Service port', () => {
  const objects = render('ingress-tls');
  const ingress = byKind(objects, 'Ingress')[0];
  assert.is(ingress.spec.ingressClassName, 'nginx');
  assert.equal(ingress.spec.tls, [{ hosts: ['retool.example.com'], secretName: 'retool-example-com-tls' }]);
  const backend = ingress.spec.rules[0].http.paths[0].backend.service;
  const service = find(objects, 'Service', '-api')!;
  assert.is(backend.name, service.metadata.name);
  assert.is(service.spec.ports[0].port, 80);
  assert.is(byKind(render('evaluation'), 'Ingress').length, 0, 'no Ingress by default');
});

test('secret forms: inline values live only in the chart Secret, references render nothing', () => {
  const text = renderFixture('secret-forms', 4);
  for (const inline of ['license-key-value', 'inline-db-password', 'inline-client-cert-base64', 'inline-ca-pem']) {
    assert.not.ok(text.includes(inline), `${inline} appears in clear text`);
  }
  const secret = byKind(parseManifests(text), 'Secret')[0];
  assert.equal(Object.keys(secret.data).sort(), ['jwt-secret', 'license-key', 'postgres-password', 'temporal-ca-cert', 'temporal-client-cert']);
  assert.is(Buffer.from(secret.data['jwt-secret'], 'base64').toString(), 'jwt: a value with: colons, quotes " and spaces');
  const api = envOf(containerNamed(parseManifests(text), 'api'));
  assert.equal(api.get('ENCRYPTION_KEY').valueFrom.secretKeyRef, { name: 'retool-keys', key: 'encryption-key' });
  assert.equal(api.get('LICENSE_KEY').valueFrom.secretKeyRef, { name: 'prod-retool', key: 'license-key' });
  assert.equal(api.get('RETOOLDB_POSTGRES_PASSWORD').valueFrom.secretKeyRef, { name: 'retooldb-credentials', key: 'password' });
  assert.equal(api.get('WORKFLOW_TEMPORAL_TLS_KEY').valueFrom.secretKeyRef, { name: 'temporal-client', key: 'tls.key' });
});

test('embedded database password: derived deterministically, or taken from a reference', () => {
  const secret = byKind(render('evaluation'), 'Secret')[0];
  const derived = Buffer.from(secret.data['postgres-password'], 'base64').toString();
  assert.match(derived, /^[0-9a-f]{64}$/);
  assert.is.not(derived, 'CHANGE-ME-encryption-key');
  const ref = render('embedded-db-ref-password');
  assert.equal(envOf(find(ref, 'StatefulSet', '-storage-postgresql')!.spec.template.spec.containers[0]).get('POSTGRES_PASSWORD').valueFrom.secretKeyRef,
    { name: 'retool-postgres', key: 'password' });
});

test('pod options: podDefaults apply everywhere, a component\'s own values win, selectors stay intact', () => {
  const objects = render('pod-options');
  const api = find(objects, 'Deployment', '-api')!.spec.template;
  const jobs = find(objects, 'Deployment', '-jobs-runner')!.spec.template;
  assert.is(api.spec.priorityClassName, 'retool-critical');
  assert.is(jobs.spec.priorityClassName, 'retool-default');
  assert.is(api.spec.terminationGracePeriodSeconds, 120);
  assert.is(jobs.spec.terminationGracePeriodSeconds, 60);
  assert.equal(jobs.spec.nodeSelector, { 'kubernetes.io/arch': 'amd64', 'node-pool': 'retool-jobs' });
  assert.equal(jobs.spec.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'retool', effect: 'NoSchedule' }]);
  assert.is(jobs.metadata.labels['app.kubernetes.io/component'], 'jobs-runner', 'podLabels never replace selector labels');
  assert.is(api.metadata.labels.team, 'platform');
  assert.is(api.spec.topologySpreadConstraints[0].labelSelector.matchLabels['app.kubernetes.io/component'], 'api');
  const apiEnv = envOf(api.spec.containers[0]);
  assert.is(apiEnv.get('SHARED_FLAG').value, 'from-api');
  assert.is(envOf(jobs.spec.containers[0]).get('SHARED_FLAG').value, 'from-pod-defaults');
  assert.is(apiEnv.get('DBCONNECTOR_QUERY_TIMEOUT_MS').value, '180000');
  assert.is(api.spec.containers[0].image, 'registry.example.com/mirror/tryretool/backend:3.80.1-edge');
  assert.equal(api.spec.imagePullSecrets, [{ name: 'registry-credentials' }]);
  assert.is(api.spec.serviceAccountName, 'retool-runtime');
  assert.equal(api.spec.containers[0].resources.limits, { cpu: 4, memory: '8Gi' });
});

test('every pod runs as the chart ServiceAccount without a mounted token, but a component that reads the Kubernetes API (x-retool-component kubernetesApi)', () => {
  const readers = new Set(projectModel().components.filter((c) => c.kubernetesApi).map((c) => c.name));
  for (const name of fixtures) {
    const objects = render(name);
    const accounts = byKind(objects, 'ServiceAccount');
    const sa = accounts.find((a) => !readers.has(a.metadata.labels?.['app.kubernetes.io/component'] ?? ''))!;
    assert.is(sa.automountServiceAccountToken, false);
    for (const w of objects.filter((o) => o.spec?.template)) {
      const component = w.spec.template.metadata?.labels?.['app.kubernetes.io/component'];
      if (readers.has(component)) {
        const own = accounts.find((a) => a.metadata.name === w.spec.template.spec.serviceAccountName);
        assert.ok(own && own.metadata.labels?.['app.kubernetes.io/component'] === component, `${component} runs as its own ServiceAccount`);
        assert.is(w.spec.template.spec.automountServiceAccountToken, true, `${component} mounts its token`);
        const binding = [...byKind(objects, 'ClusterRoleBinding'), ...byKind(objects, 'RoleBinding')].find((b) => b.subjects.some((s: any) => s.name === own!.metadata.name));
        assert.ok(binding, `${component}'s ServiceAccount is bound to its ClusterRole (Role, when namespaced)`);
        continue;
      }
      assert.is(w.spec.template.spec.serviceAccountName, sa.metadata.name);
      assert.is(w.spec.template.spec.automountServiceAccountToken, false);
    }
    // Nothing but the readers gets RBAC.
    for (const b of [...byKind(objects, 'ClusterRoleBinding'), ...byKind(objects, 'RoleBinding')]) assert.ok(readers.has(b.metadata.labels?.['app.kubernetes.io/component'] ?? ''), `${b.kind} ${b.metadata.name}`);
  }
});

test.run();

test('env values reach the manifests as written, whatever YAML would read differently unquoted', () => {
  // retool.env.entries prints names and values with Go's %q, not toYaml: these are the strings that %q and
  // YAML's double-quoted scalars could disagree on (escapes, line separators, astral characters) and the ones
  // an unquoted scalar would turn into another type (NO and ON as booleans, 0123 as a number).
  const env: Record<string, string> = {
    NO: 'ON', TAB_AND_NEWLINE: 'a\tb\nc', QUOTES: 'say "hi" \\ back', UNICODE: 'é ✓ \u2028 \u0085 \ufeff 😀',
    NUMBER_LIKE: '0123', BOOL_LIKE: 'yes', EMPTY: '', COMMENT_LIKE: 'a: b # c', FLOW_LIKE: '[x, {y: z}]',
  };
  for (const major of MAJORS) {
    const api = envOf(containerNamed(parseManifests(renderFixture('evaluation', major, ['--set-json', `retool.env=${JSON.stringify(env)}`])), 'api'));
    for (const [name, value] of Object.entries(env)) assert.is(api.get(name)?.value, value, `helm ${major}: ${name}`);
  }
});
