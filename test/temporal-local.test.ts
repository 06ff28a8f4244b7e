import { test } from 'uvu';
import * as assert from 'uvu/assert';
import yaml from 'js-yaml';
import { runHelm } from '../src/io/helm.js';
import { CHART, FIXTURES } from './support/paths.js';
import { MAJORS, byKind, containers, envOf, find, parseManifests, renderFixture, renderFixtures, type K8sObject } from './support/render.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCAL = ['temporal-local', 'temporal-local-external-db', 'temporal-local-production-tls', 'in-cluster'];
const SERVICES = ['temporal-frontend', 'temporal-history', 'temporal-matching', 'temporal-worker'];
const render = (name: string, major: 3 | 4 = 4) => parseManifests(renderFixture(name, major));

// The renders this file reads, side by side up front (once per run: support/helm-cache.ts).
test.before(() => renderFixtures(LOCAL));
const config = (objects: K8sObject[]) => yaml.load(find(objects, 'ConfigMap', '-temporal-config')!.data['docker.yaml'].replace(/\{\{[^}]*\}\}/g, '"x"')) as any;
const setupJob = (objects: K8sObject[]) => byKind(objects, 'Job').find((j) => j.metadata.name.includes('-temporal-setup-'))!;

for (const major of MAJORS) {
  for (const name of LOCAL) {
    test(`${name} (helm ${major}): every Retool container that talks to Temporal points at the frontend Service`, () => {
      const objects = render(name, major);
      const frontend = find(objects, 'Service', '-temporal-frontend')!;
      assert.ok(frontend, 'frontend Service');
      const port = frontend.spec.ports.find((p: any) => p.name === 'grpc').port;
      let clients = 0;
      for (const { container } of containers(objects)) {
        const env = envOf(container);
        if (!env.has('WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_HOST')) continue;
        clients++;
        assert.is(env.get('WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_HOST').value, frontend.metadata.name, container.name);
        assert.is(env.get('WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_PORT').value, String(port), container.name);
        assert.is(env.get('WORKFLOW_TEMPORAL_TLS_ENABLED').value, 'false');
      }
      assert.is(clients, 4, 'api, jobs-runner, workflows-worker and workflows-backend');
      const cfg = config(objects);
      assert.is(cfg.publicClient.hostPort, `${frontend.metadata.name}:${port}`);
      assert.is(cfg.services.frontend.rpc.grpcPort, port);
    });

    test(`${name} (helm ${major}): four Temporal services wait for the schema, read the config and the store password from a secret`, () => {
      const objects = render(name, major);
      for (const service of SERVICES) {
        const d = find(objects, 'Deployment', `-${service}`)!;
        assert.ok(d, service);
        const spec = d.spec.template.spec;
        assert.is(spec.initContainers[0].name, 'wait-for-schema');
        const main = spec.containers[0];
        assert.ok(main.command.includes(service.replace('temporal-', '')), `${service} starts its own role`);
        assert.ok(envOf(main).get('TEMPORAL_STORE_PASSWORD').valueFrom.secretKeyRef);
        assert.ok(main.volumeMounts.some((m: any) => m.mountPath === '/etc/temporal/config'));
        assert.ok(d.spec.template.metadata.annotations['checksum/config'], 'pods roll when the config changes');
      }
    });

    test(`${name} (helm ${major}): the setup Job creates and migrates both databases, then registers the namespace`, () => {
      const objects = render(name, major);
      const job = setupJob(objects);
      assert.ok(job, 'setup Job');
      assert.not.ok(job.metadata.annotations?.['helm.sh/hook'], 'not a hook: it must run after the release creates its database');
      const [wait, schema] = job.spec.template.spec.initContainers;
      assert.is(wait.name, 'wait-for-database');
      const env = envOf(schema);
      const cfg = config(objects);
      assert.is(env.get('DEFAULT_DB').value, cfg.persistence.datastores.default.sql.databaseName);
      assert.is(env.get('VISIBILITY_DB').value, cfg.persistence.datastores.visibility.sql.databaseName);
      const script = schema.command.join('\n');
      for (const db of ['$DEFAULT_DB', '$VISIBILITY_DB']) {
        assert.match(script, `--db "${db}" setup-schema`);
        assert.match(script, `--db "${db}" update-schema`);
      }
      assert.match(script, 'create-database');
      assert.ok(env.get('SQL_PASSWORD').valueFrom.secretKeyRef);
      const register = job.spec.template.spec.containers[0];
      assert.match(register.command.join('\n'), 'temporal operator namespace create');
      assert.is(envOf(register).get('NAMESPACE').value, name === 'temporal-local' ? 'retool-workflows' : 'workflows');
      assert.ok(job.spec.backoffLimit >= 5, 'the Job retries');
    });
  }
}

test('persistence on the storage database reuses its server, user and password', () => {
  const objects = render('temporal-local');
  const sql = config(objects).persistence.datastores.default.sql;
  assert.is(sql.connectAddr, 'prod-retool-storage-postgresql:5432');
  assert.is(sql.user, 'retool');
  const pw = envOf(find(objects, 'Deployment', '-temporal-history')!.spec.template.spec.containers[0]).get('TEMPORAL_STORE_PASSWORD');
  assert.equal(pw.valueFrom.secretKeyRef, { name: 'prod-retool', key: 'postgres-password' });
});

test('persistence on its own external PostgreSQL, TLS off and on', () => {
  const plain = render('temporal-local-external-db');
  const sql = config(plain).persistence.datastores.default.sql;
  assert.is(sql.connectAddr, 'temporal-db.example.com:5432');
  assert.is(sql.databaseName, 'retool_temporal');
  assert.is(sql.tls.enabled, false);
  assert.is(config(plain).persistence.numHistoryShards, 512);
  assert.is(find(plain, 'Deployment', '-temporal-history')!.spec.replicas, 3);
  assert.ok(find(plain, 'PodDisruptionBudget', '-temporal-history'), 'replicated Temporal service has a PDB');
  const secret = byKind(plain, 'Secret')[0];
  assert.is(Buffer.from(secret.data['temporal-db-password'], 'base64').toString(), 'temporal-db-password-value');
  const tls = render('temporal-local-production-tls');
  const tlsSql = config(tls).persistence.datastores.visibility.sql;
  assert.is(tlsSql.tls.enabled, true);
  assert.is(tlsSql.connectAddr, '10.1.2.4:5433');
  const job = setupJob(tls);
  assert.is(envOf(job.spec.template.spec.initContainers[1]).get('SQL_TLS').value, 'true');
  assert.is(envOf(job.spec.template.spec.initContainers[0]).get('PGSSLMODE').value, 'require');
  assert.equal(envOf(job.spec.template.spec.initContainers[1]).get('SQL_PASSWORD').valueFrom.secretKeyRef, { name: 'temporal-db', key: 'password' });
  const policy = find(tls, 'NetworkPolicy', '-temporal-history')!;
  assert.ok(policy.spec.egress.some((r: any) => r.to?.some((p: any) => p.ipBlock?.cidr === '10.1.2.4/32') && r.ports[0].port === 5433), 'egress narrowed to the database host');
});

test('the full in-cluster topology: both embedded databases, local Temporal and its Web UI', () => {
  const objects = render('in-cluster');
  assert.ok(find(objects, 'StatefulSet', '-storage-postgresql'));
  assert.ok(find(objects, 'StatefulSet', '-retooldb-postgresql'));
  assert.ok(find(objects, 'Deployment', '-temporal-web'));
  assert.is(envOf(find(objects, 'Deployment', '-temporal-web')!.spec.template.spec.containers[0]).get('TEMPORAL_ADDRESS').value, 'prod-retool-temporal-frontend:7233');
  const retooldb = envOf(containers(objects).find(({ container }) => container.name === 'api')!.container);
  assert.is(retooldb.get('RETOOLDB_POSTGRES_HOST').value, 'prod-retool-retooldb-postgresql');
  // The two embedded servers come from one data-driven template: same shape, different names.
  const [a, b] = byKind(objects, 'StatefulSet');
  assert.equal(Object.keys(a.spec.template.spec).sort(), Object.keys(b.spec.template.spec).sort());
});

test('no Temporal objects outside local mode', () => {
  for (const name of ['evaluation', 'production-external', 'temporal-retool-managed']) {
    const objects = render(name);
    assert.not.ok(objects.some((o) => o.metadata.name.includes('temporal')), name);
  }
});

test('the in-cluster fixture is the evaluation example (so its golden file covers what npm start shows)', () => {
  const example = readFileSync(join(FIXTURES, '..', '..', 'examples', 'evaluation.values.yaml'), 'utf8');
  assert.is(readFileSync(join(FIXTURES, 'in-cluster.values.yaml'), 'utf8'), example.split('\n').slice(1).join('\n'));
});

test('the evaluation example (npm start) renders the complete in-cluster topology', () => {
  const r = runHelm(['template', 'retool', CHART, '-f', join(FIXTURES, '..', '..', 'examples', 'evaluation.values.yaml')]);
  assert.is(r.status, 0, r.stderr);
  const objects = parseManifests(r.stdout);
  for (const name of ['retool-temporal-frontend', 'retool-retooldb-postgresql', 'retool-storage-postgresql', 'retool-blob-storage', 'retool-api']) {
    assert.ok(objects.some((o) => o.metadata.name === name), name);
  }
});

test('numHistoryShards is recorded so that an upgrade changing it is refused', () => {
  const objects = render('temporal-local-external-db');
  assert.is(find(objects, 'ConfigMap', '-temporal-config')!.data.numHistoryShards, '512');
  // The guard itself needs a cluster (lookup); its message is part of the chart.
  const source = readFileSync(join(CHART, 'templates/temporal-config.yaml'), 'utf8');
  assert.match(source, /lookup "v1" "ConfigMap"/);
  assert.match(source, 'cannot change');
});

test.run();
