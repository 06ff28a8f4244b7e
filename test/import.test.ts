// retool-chart import: official-style values (test/fixtures/official, written for these tests) -> golden imported
// values (test/golden/import) -> rendered by this chart -> the facts the official chart 6.11.21 would have
// produced for the same values (env names, secret references, literal env, replicas, images), encoded below
// from reading its templates. The official chart itself is never rendered here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detectCapabilities, type Capability } from '../src/import/capabilities.js';
import { importOfficial } from '../src/import/import-official.js';
import { mapOfficialValues } from '../src/import/map-values.js';
import { OFFICIAL_DEFAULTS } from '../src/import/official-chart.js';
import { loadSources } from '../src/validate/values-sources.js';
import { validateSources } from '../src/validate/validate-values.js';
import { runHelm } from '../src/io/helm.js';
import { projectModel } from '../src/project-model.js';
import { assertGolden } from './support/golden.js';
import { objectLabel, validateK8sObject } from './support/k8s-validate.js';
import { CHART, FIXTURES, GOLDEN, NAMESPACE, RELEASE, ROOT } from './support/paths.js';
import { envOf, jobTemplates, parseManifests, type K8sObject } from './support/render.js';

const OFFICIAL = join(FIXTURES, 'official');
const IMPORTED = join(GOLDEN, 'import');
const model = projectModel();
const capabilities = detectCapabilities(model.schema, model.defaults);
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/retool-chart.js'), ...args], { encoding: 'utf8', cwd: ROOT });

const imports = new Map<string, ReturnType<typeof importOfficial>>();
/** What import wrote, as a values file in `dir`, rendered by Helm 4: the objects (the render must succeed). */
function renderWritten(dir: string, outcome: { text: string }) {
  writeFileSync(join(dir, 'ours.values.yaml'), outcome.text);
  const result = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', join(dir, 'ours.values.yaml')], { major: 4 });
  assert.is(result.status, 0, result.stderr);
  return parseManifests(result.stdout);
}

const importFixture = (name: string) => {
  if (!imports.has(name)) imports.set(name, importOfficial({ files: [join(OFFICIAL, `${name}.official.yaml`)], release: RELEASE, cwd: ROOT }, model));
  return imports.get(name)!;
};

// ------------------------------------------------------------------------------------------------------------
// Facts of the official chart.

type Role = 'api' | 'jobs-runner' | 'workflows-backend' | 'workflows-worker' | 'code-executor';

/** Env the official chart sets that carry no configuration (its own bookkeeping), never expected here. */
const OFFICIAL_BOOKKEEPING = ['DEPLOYMENT_TEMPLATE_TYPE', 'DEPLOYMENT_TEMPLATE_VERSION'];

/** Where this chart differs from the official one on purpose. */
const DELIBERATE: Record<string, string> = {
  'code-executor:BASE_DOMAIN': 'retool.baseDomain reaches the backend-image containers, the ones that build links',
  'jobs-runner:RETOOLDB_POSTGRES_HOST': 'Retool Database env only reaches the components that use it (api and the workflow containers)',
  'jobs-runner:RETOOLDB_POSTGRES_DB': 'Retool Database env only reaches the components that use it',
  'jobs-runner:RETOOLDB_POSTGRES_USER': 'Retool Database env only reaches the components that use it',
  'jobs-runner:RETOOLDB_POSTGRES_PORT': 'Retool Database env only reaches the components that use it',
  'jobs-runner:RETOOLDB_POSTGRES_PASSWORD': 'Retool Database env only reaches the components that use it',
};
const skipped = (role: string, envName: string) => OFFICIAL_BOOKKEEPING.includes(envName) || `${role}:${envName}` in DELIBERATE;

const DB = ['POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_SSL_ENABLED', 'POSTGRES_PASSWORD'];
const SECRETS = ['LICENSE_KEY', 'JWT_SECRET', 'ENCRYPTION_KEY'];
/** Every official backend-image container (main, jobs, workflow backend and worker). */
const BACKEND = ['NODE_ENV', 'SERVICE_TYPE', 'COOKIE_INSECURE', ...DB, ...SECRETS];
const WORKFLOW_WIRING = ['WORKFLOW_BACKEND_HOST', 'CODE_EXECUTOR_INGRESS_DOMAIN'];
const WORKFLOW_TUNING = ['DBCONNECTOR_POSTGRES_POOL_MAX_SIZE', 'DBCONNECTOR_QUERY_TIMEOUT_MS', 'DISABLE_DATABASE_MIGRATIONS'];
const TEMPORAL = ['WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_HOST', 'WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_PORT', 'WORKFLOW_TEMPORAL_CLUSTER_NAMESPACE'];
const MTLS = ['WORKFLOW_TEMPORAL_TLS_ENABLED', 'WORKFLOW_TEMPORAL_TLS_CRT', 'WORKFLOW_TEMPORAL_TLS_KEY'];

/** The official env names of each container of a configuration with workflows on. */
function officialEnv(extra: { all?: string[]; backendImage?: string[]; temporal?: string[] } = {}): Record<Role, string[]> {
  const b = [...BACKEND, ...(extra.all ?? []), ...(extra.backendImage ?? [])];
  const t = extra.temporal ?? [];
  return {
    api: [...b, 'DBCONNECTOR_POSTGRES_POOL_MAX_SIZE', ...WORKFLOW_WIRING, ...t],
    'jobs-runner': [...b, ...t],
    'workflows-backend': [...b, ...WORKFLOW_TUNING, ...WORKFLOW_WIRING, ...t],
    'workflows-worker': [...b, 'NODE_OPTIONS', 'WORKFLOW_WORKER_HEALTHCHECK_PORT', ...WORKFLOW_TUNING, ...WORKFLOW_WIRING, ...t],
    'code-executor': ['NODE_ENV', 'NODE_OPTIONS', ...(extra.all ?? [])],
  };
}

interface Facts {
  /** Pods per official workload (absent: the official chart renders none). */
  replicas: Partial<Record<Role, number>>;
  images: Partial<Record<Role, string>>;
  env: Partial<Record<Role, string[]>>;
  /** Literal env values the official chart renders, per container ('*': every backend-image container). */
  values: Partial<Record<Role | '*', Record<string, string>>>;
  /** env -> "secret/key" the official chart reads, on every backend-image container. */
  secretRefs: Record<string, string>;
  /** Where this chart deliberately reads a secret from elsewhere, and why. */
  movedSecrets?: Record<string, { ours: string; why: string }>;
  /** Facts that hold only once this chart's schema has a capability; otherwise the key must be reported dropped. */
  needs?: Array<{ capability: Capability; dropped: string; env?: Partial<Record<Role, string[]>>; secretRefs?: Record<string, string>; ours?: Record<string, unknown> }>;
  /** Official keys the import must report as dropped, and whether each blocks without --allow-dropped. */
  dropped: Record<string, boolean>;
  /** Our values the import must set (dotted path -> value). */
  ours?: Record<string, unknown>;
}

const BACKEND_ROLES: Role[] = ['api', 'jobs-runner', 'workflows-backend', 'workflows-worker'];

const FACTS: Record<string, Facts> = {
  defaults: {
    replicas: { api: 2, 'jobs-runner': 1, 'workflows-backend': 1, 'workflows-worker': 1, 'code-executor': 1 },
    images: { api: 'tryretool/backend:3.75.3-stable', 'code-executor': 'tryretool/code-executor-service:3.75.3-stable' },
    env: officialEnv(),
    values: {
      api: { SERVICE_TYPE: 'MAIN_BACKEND,JAVA_DBCONNECTOR,DB_CONNECTOR,DB_SSH_CONNECTOR', DBCONNECTOR_POSTGRES_POOL_MAX_SIZE: '10' },
      'jobs-runner': { SERVICE_TYPE: 'JOBS_RUNNER' },
      'workflows-backend': { SERVICE_TYPE: 'WORKFLOW_BACKEND,JAVA_DBCONNECTOR,DB_CONNECTOR,DB_SSH_CONNECTOR', DBCONNECTOR_POSTGRES_POOL_MAX_SIZE: '100', DBCONNECTOR_QUERY_TIMEOUT_MS: '5400000', DISABLE_DATABASE_MIGRATIONS: 'true' },
      'workflows-worker': { SERVICE_TYPE: 'WORKFLOW_TEMPORAL_WORKER', NODE_OPTIONS: '--max_old_space_size=1024', DBCONNECTOR_POSTGRES_POOL_MAX_SIZE: '100', DBCONNECTOR_QUERY_TIMEOUT_MS: '5400000' },
      'code-executor': { NODE_ENV: 'production', NODE_OPTIONS: '--max_old_space_size=1024' },
      '*': { NODE_ENV: 'production', COOKIE_INSECURE: 'false', POSTGRES_PORT: '5432', POSTGRES_DB: 'hammerhead_production', POSTGRES_SSL_ENABLED: 'false' },
    },
    secretRefs: { LICENSE_KEY: 'prod-retool/license-key', ENCRYPTION_KEY: 'prod-retool/encryption-key' },
    movedSecrets: {
      JWT_SECRET: { ours: 'prod-retool-imported/jwt-secret', why: 'generated by the official chart; the import asks to copy it out first' },
      POSTGRES_PASSWORD: { ours: 'prod-retool/postgres-password', why: "this chart's own embedded database replaces the Bitnami one (data moved by hand)" },
    },
    dropped: { 'postgresql.enabled': true },
  },

  production: {
    replicas: { api: 3, 'jobs-runner': 1, 'workflows-backend': 2, 'workflows-worker': 3, 'code-executor': 2 },
    images: { api: 'tryretool/backend:3.89.2-stable', 'workflows-worker': 'tryretool/backend:3.89.2-stable', 'code-executor': 'tryretool/code-executor-service:3.89.2-stable' },
    env: officialEnv({
      all: ['BASE_DOMAIN', 'DISABLE_USER_PASS_LOGIN'],
      backendImage: ['RETOOLDB_POSTGRES_HOST', 'RETOOLDB_POSTGRES_DB', 'RETOOLDB_POSTGRES_USER', 'RETOOLDB_POSTGRES_PORT', 'RETOOLDB_POSTGRES_PASSWORD'],
      temporal: [...TEMPORAL, ...MTLS],
    }),
    values: {
      '*': {
        POSTGRES_HOST: 'retool-db.internal.example.com', POSTGRES_DB: 'retool', POSTGRES_USER: 'retool', POSTGRES_SSL_ENABLED: 'true',
        BASE_DOMAIN: 'https://retool.example.com', RETOOLDB_POSTGRES_HOST: 'retooldb.internal.example.com',
      },
      api: { DBCONNECTOR_QUERY_TIMEOUT_MS: '180000', WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_HOST: 'temporal-frontend.temporal.svc.cluster.local', WORKFLOW_TEMPORAL_CLUSTER_NAMESPACE: 'retool-workflows', WORKFLOW_TEMPORAL_TLS_ENABLED: 'true' },
      'workflows-worker': { DBCONNECTOR_QUERY_TIMEOUT_MS: '180000' },
    },
    secretRefs: {
      LICENSE_KEY: 'retool-license/license', ENCRYPTION_KEY: 'retool-keys/encryption-key', JWT_SECRET: 'retool-keys/jwt-secret',
      POSTGRES_PASSWORD: 'retool-db/password', WORKFLOW_TEMPORAL_TLS_KEY: 'temporal-mtls/tls.key', RETOOLDB_POSTGRES_PASSWORD: 'retooldb/password',
    },
    movedSecrets: { WORKFLOW_TEMPORAL_TLS_CRT: { ours: 'prod-retool/temporal-client-cert', why: 'a literal value in the official chart; this chart passes certificates through its Secret' } },
    needs: [
      { capability: 'envSecretRefs', dropped: 'environmentSecrets[0]', env: { api: ['SCIM_AUTH_TOKEN'] }, secretRefs: { SCIM_AUTH_TOKEN: 'retool-scim/token' } },
      { capability: 'envSecretRefs', dropped: 'environmentVariables[0]', env: { api: ['GITHUB_APP_PRIVATE_KEY'] }, secretRefs: { GITHUB_APP_PRIVATE_KEY: 'retool-github-app/private-key' } },
    ],
    dropped: {},
    ours: {
      'ingress.host': 'retool.example.com', 'ingress.className': 'nginx', 'ingress.tls.secretName': 'retool-example-com-tls',
      'images.pullSecrets': ['dockerhub-mirror'], 'temporal.mode': 'external',
      'serviceAccount.annotations': { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/retool' },
    },
  },

  'temporal-subchart': {
    replicas: { api: 2, 'jobs-runner': 1, 'workflows-backend': 1, 'workflows-worker': 2, 'code-executor': 1 },
    images: { api: 'tryretool/backend:3.52.1-stable', 'code-executor': 'tryretool/code-executor-service:3.52.1-stable' },
    env: officialEnv({ temporal: TEMPORAL }),
    values: {
      api: { WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_PORT: '7233', WORKFLOW_TEMPORAL_CLUSTER_NAMESPACE: 'workflows' },
      'workflows-worker': { DBCONNECTOR_POSTGRES_POOL_MAX_SIZE: '50', NODE_OPTIONS: '--max_old_space_size=2048' },
      '*': { POSTGRES_HOST: 'pg.example.com', POSTGRES_PORT: '5432' },
    },
    secretRefs: { LICENSE_KEY: 'prod-retool/license-key', ENCRYPTION_KEY: 'prod-retool/encryption-key', JWT_SECRET: 'prod-retool/jwt-secret' },
    movedSecrets: { POSTGRES_PASSWORD: { ours: 'prod-retool/postgres-password', why: 'same Secret, this chart names the key postgres-password (official: postgresql-password)' } },
    dropped: {},
    ours: { 'temporal.mode': 'local', 'temporal.local.numHistoryShards': 256, 'temporal.local.persistence.external.host': 'temporal-pg.example.com', 'temporal.local.web.enabled': true },
  },

  'secret-forms': {
    replicas: { api: 2, 'jobs-runner': 1, 'workflows-backend': 1, 'workflows-worker': 1, 'code-executor': 1 },
    images: { api: 'tryretool/backend:3.75.3-stable' },
    env: officialEnv({ all: ['STRINGVAR', 'BOOLVAR', 'INTVAR'], backendImage: ['CLIENT_ID'], temporal: [...TEMPORAL, ...MTLS] }),
    values: { '*': { COOKIE_INSECURE: 'true', BOOLVAR: 'true', INTVAR: '1000', CLIENT_ID: '1234.apps.googleusercontent.com' }, 'code-executor': { STRINGVAR: 'mystring' } },
    secretRefs: { LICENSE_KEY: 'prod-retool/license-key', ENCRYPTION_KEY: 'prod-retool/encryption-key' },
    movedSecrets: {
      JWT_SECRET: { ours: 'prod-retool-imported/jwt-secret', why: 'generated by the official chart; copied out first' },
      POSTGRES_PASSWORD: { ours: 'prod-retool/postgres-password', why: 'this chart names the key postgres-password' },
      WORKFLOW_TEMPORAL_TLS_CRT: { ours: 'prod-retool/temporal-client-cert', why: 'a literal in the official chart' },
      WORKFLOW_TEMPORAL_TLS_KEY: { ours: 'prod-retool/temporal-client-key', why: 'this chart names the key temporal-client-key' },
    },
    needs: [
      { capability: 'envSecretRefs', dropped: 'env.FROM_SECRET', env: { api: ['FROM_SECRET'] }, secretRefs: { FROM_SECRET: 'mysecret/mysecret-key' } },
      { capability: 'envSecretRefs', dropped: 'config.auth.google.clientSecretSecretName', env: { api: ['CLIENT_SECRET'] }, secretRefs: { CLIENT_SECRET: 'google-sso/google-client-secret' } },
      { capability: 'seccompSandbox', dropped: 'codeExecutor.useSeccompProfile', ours: { 'components.codeExecutor.sandbox': 'seccomp' } },
    ],
    dropped: {},
  },

  'external-secrets': {
    replicas: { api: 2, 'jobs-runner': 1 },
    images: { api: 'tryretool/backend:3.93.1-edge' },
    env: { api: [...BACKEND.filter((n) => !SECRETS.includes(n) && n !== 'POSTGRES_PASSWORD'), 'DISABLE_JAVA_DBCONNECTOR', 'DBCONNECTOR_POSTGRES_POOL_MAX_SIZE'] },
    values: { api: { SERVICE_TYPE: 'MAIN_BACKEND,DB_CONNECTOR,DB_SSH_CONNECTOR', DISABLE_JAVA_DBCONNECTOR: 'true' }, '*': { POSTGRES_HOST: 'db.internal' } },
    secretRefs: {},
    movedSecrets: {
      LICENSE_KEY: { ours: 'retool-config/LICENSE_KEY', why: 'the official chart read it through envFrom retool-config' },
      POSTGRES_PASSWORD: { ours: 'retool-config/POSTGRES_PASSWORD', why: 'the official chart read it through envFrom retool-config' },
    },
    needs: [{ capability: 'extraEnvFrom', dropped: 'externalSecrets.enabled' }],
    dropped: { 'securityContext.extraContainerLevelSecurityContext.allowPrivilegeEscalation': false },
    ours: { 'components.telemetry.enabled': true, 'workflows.enabled': false, 'podDefaults.podSecurityContext': { runAsUser: 1001, fsGroup: 2001, runAsNonRoot: true }, 'ingress.host': 'retool.internal' },
  },

  'ingress-tls': {
    // One official api pod ran the jobs in-process; this chart always adds one jobs-runner pod (a note says so).
    replicas: { api: 1, 'workflows-backend': 1, 'workflows-worker': 1, 'code-executor': 1 },
    images: { 'code-executor': 'tryretool/code-executor-service:3.75.3-stable' },
    env: { api: [...BACKEND, 'BASE_DOMAIN'], 'code-executor': ['NODE_ENV', 'NODE_OPTIONS', 'BASE_DOMAIN'] },
    values: { '*': { BASE_DOMAIN: 'https://retool.example.com' } },
    secretRefs: { LICENSE_KEY: 'prod-retool/license-key', JWT_SECRET: 'prod-retool/jwt-secret', ENCRYPTION_KEY: 'prod-retool/encryption-key' },
    movedSecrets: { POSTGRES_PASSWORD: { ours: 'prod-retool/postgres-password', why: "this chart's embedded database" } },
    dropped: { 'postgresql.enabled': true, 'ingress.hosts[1]': true },
    ours: {
      'ingress.host': 'retool.example.com', 'ingress.className': 'alb', 'ingress.tls.secretName': 'retool-tls',
      'components.codeExecutor.sandbox': 'none', 'components.api.replicas': 1,
    },
  },
};

// ------------------------------------------------------------------------------------------------------------

const ROLE_OF: Record<string, Role> = { api: 'api', 'jobs-runner': 'jobs-runner', 'workflows-backend': 'workflows-backend', 'workflows-worker': 'workflows-worker', 'code-executor': 'code-executor' };

const renders = new Map<string, Map<Role, { owner: K8sObject; container: any }>>();
function rendered(name: string, major: 3 | 4 = 4): Map<Role, { owner: K8sObject; container: any }> {
  const key = `${name}|${major}`;
  if (!renders.has(key)) renders.set(key, renderImported(name, major));
  return renders.get(key)!;
}

const objectsOf = new Map<string, K8sObject[]>();
function renderImported(name: string, major: 3 | 4): Map<Role, { owner: K8sObject; container: any }> {
  const result = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', join(IMPORTED, `${name}.values.yaml`)], { major });
  if (result.status !== 0) throw new Error(`helm ${major} template of imported ${name} failed:\n${result.stderr}`);
  const out = new Map<Role, { owner: K8sObject; container: any }>();
  const objects = parseManifests(result.stdout);
  objectsOf.set(`${name}|${major}`, objects);
  for (const owner of objects) {
    if (owner.kind !== 'Deployment') continue;
    for (const container of owner.spec.template.spec.containers) {
      const role = ROLE_OF[container.name];
      if (role) out.set(role, { owner, container });
    }
  }
  return out;
}

const refOf = (entry: any) => entry?.valueFrom?.secretKeyRef ? `${entry.valueFrom.secretKeyRef.name}/${entry.valueFrom.secretKeyRef.key}` : undefined;

function valueAt(values: unknown, path: string): unknown {
  return path.split('.').reduce<any>((cursor, key) => (cursor === undefined || cursor === null ? undefined : cursor[key]), values);
}

for (const [name, facts] of Object.entries(FACTS)) {
  test(`${name}: imported values match test/golden/import/${name}.values.yaml and pass validate`, () => {
    const outcome = importFixture(name);
    assert.equal(outcome.issues, [], 'the import must always produce valid values');
    assertGolden(join(IMPORTED, `${name}.values.yaml`), outcome.text);
    const { issues } = validateSources({ schema: model.schema, defaults: model.defaults, files: [join(IMPORTED, `${name}.values.yaml`)] });
    assert.equal(issues, [], 'the golden file passes validate');
  });

  test(`${name}: dropped keys are reported with whether they change behaviour`, () => {
    const outcome = importFixture(name);
    const dropped = new Map(outcome.dropped.map((d) => [d.path, d.changesBehaviour]));
    for (const [path, blocks] of Object.entries(facts.dropped)) {
      assert.ok(dropped.has(path), `${path} must be reported; got ${[...dropped.keys()].join(', ')}`);
      assert.is(dropped.get(path), blocks, `${path} changesBehaviour`);
    }
    for (const need of facts.needs ?? []) {
      assert.is(dropped.has(need.dropped), !capabilities.has(need.capability), `${need.dropped} is dropped exactly when the schema lacks ${need.capability}`);
      if (capabilities.has(need.capability)) for (const [path, value] of Object.entries(need.ours ?? {})) assert.equal(valueAt(outcome.values, path), value, path);
    }
    const expectedBlocking = Object.entries(facts.dropped).filter(([, b]) => b).map(([p]) => p);
    const needBlocking = (facts.needs ?? []).filter((n) => !capabilities.has(n.capability)).map((n) => n.dropped);
    assert.equal(outcome.dropped.filter((d) => d.changesBehaviour).map((d) => d.path).sort(), [...new Set([...expectedBlocking, ...needBlocking])].sort(), 'no other behaviour-changing drops');
    for (const [path, value] of Object.entries(facts.ours ?? {})) assert.equal(valueAt(outcome.values, path), value, path);
  });

  test(`${name}: rendered by this chart, env names, secret refs, values, replicas and images are the official chart's`, () => {
    const pods = rendered(name);
    for (const [role, replicas] of Object.entries(facts.replicas) as Array<[Role, number]>) {
      assert.ok(pods.has(role), `${role} is rendered`);
      assert.is(pods.get(role)!.owner.spec.replicas, replicas, `${role} replicas`);
    }
    if (!facts.replicas['workflows-worker']) assert.not.ok(pods.has('workflows-worker'), 'no workflows when the official chart had none');
    for (const [role, image] of Object.entries(facts.images) as Array<[Role, string]>) assert.is(pods.get(role)!.container.image, image, `${role} image`);

    const envNames = { ...facts.env };
    const refs = { ...facts.secretRefs };
    for (const need of facts.needs ?? []) {
      if (!capabilities.has(need.capability)) continue;
      for (const [role, names] of Object.entries(need.env ?? {}) as Array<[Role, string[]]>) envNames[role] = [...(envNames[role] ?? []), ...names];
      Object.assign(refs, need.secretRefs);
    }
    for (const [role, names] of Object.entries(envNames) as Array<[Role, string[]]>) {
      const env = envOf(pods.get(role)!.container);
      for (const envName of names) {
        if (skipped(role, envName)) continue;
        assert.ok(env.has(envName), `${role} lacks ${envName}, which the official chart sets`);
      }
    }
    for (const [role, values] of Object.entries(facts.values) as Array<[Role | '*', Record<string, string>]>) {
      const roles = role === '*' ? BACKEND_ROLES.filter((r) => pods.has(r)) : [role];
      for (const r of roles) {
        const env = envOf(pods.get(r)!.container);
        for (const [envName, value] of Object.entries(values)) if (!skipped(r, envName)) assert.is(env.get(envName)?.value, value, `${r} ${envName}`);
      }
    }
    for (const role of BACKEND_ROLES.filter((r) => pods.has(r))) {
      const env = envOf(pods.get(role)!.container);
      for (const [envName, ref] of Object.entries(refs)) {
        if (skipped(role, envName)) continue;
        if (!env.has(envName) && !(facts.env[role] ?? []).includes(envName) && !Object.values(facts.needs ?? []).some((n) => n.env?.[role]?.includes(envName))) continue;
        assert.is(refOf(env.get(envName)), ref, `${role} ${envName} secret reference`);
      }
      for (const [envName, moved] of Object.entries(facts.movedSecrets ?? {})) {
        if (skipped(role, envName)) continue;
        assert.is(refOf(env.get(envName)), moved.ours, `${role} ${envName}: ${moved.why}`);
      }
    }
  });
}

test('external-secrets: the official envFrom Secrets reach the backend containers, not the code executor', () => {
  if (!capabilities.has('extraEnvFrom')) return assert.ok(importFixture('external-secrets').dropped.some((d) => d.path === 'externalSecrets.enabled'));
  const pods = rendered('external-secrets');
  for (const role of ['api', 'jobs-runner'] as Role[]) {
    assert.equal(pods.get(role)!.container.envFrom, [{ secretRef: { name: 'retool-config' } }, { secretRef: { name: 'retool-extra' } }], role);
  }
  const secretsOnly = rendered('production');
  assert.not.ok(secretsOnly.get('code-executor')!.container.envFrom, 'no envFrom where the official chart had none');
});

test('every imported render is valid Kubernetes (API types, strict unknown-field check)', () => {
  for (const name of Object.keys(FACTS)) {
    rendered(name);
    const objects = objectsOf.get(`${name}|4`)!;
    assert.ok(objects.some((o) => o.kind === "Deployment"), `${name} renders the release`);
    for (const object of objects) {
      assert.equal(validateK8sObject(object), [], `${name}: ${objectLabel(object)}`);
    }
  }
});

test('production: Helm 3 renders the imported values to the same facts', () => {
  const four = rendered('production', 4);
  const three = rendered('production', 3);
  for (const [role, { container }] of four) assert.equal(three.get(role)!.container.env, container.env, role);
});

test('every key the import writes carries a comment saying where it came from', () => {
  for (const name of Object.keys(FACTS)) {
    const outcome = importFixture(name);
    const lines = outcome.text.split('\n');
    lines.forEach((line, i) => {
      if (!/^\s*[^#\s][^:]*:/.test(line) || line.trimStart().startsWith('- ')) return;
      const indent = line.length - line.trimStart().length;
      const block = /:\s*$/.test(line) && (lines[i + 1] ?? '').length - (lines[i + 1] ?? '').trimStart().length > indent;
      let first = i;
      while (first > 0 && (lines[first - 1] ?? '').trimStart().startsWith('#') && (lines[first - 1].length - lines[first - 1].trimStart().length) === indent) first--;
      if (block && first === i) return; // a parent whose children are commented
      assert.ok(first < i && lines[first].trimStart().startsWith('# from '), `${name}: line ${i + 1} "${line.trim()}" has no origin comment`);
    });
  }
});

test('import is deterministic and names the source file and line of each value', () => {
  const a = importFixture('production').text;
  assert.is(importOfficial({ files: [join(OFFICIAL, 'production.official.yaml')], release: RELEASE, cwd: ROOT }, model).text, a);
  assert.match(a, /# from config\.licenseKeySecretName, config\.licenseKeySecretKey\s*(?:#\s*)?\(test\/fixtures\/official\/production\.official\.yaml:4\)\n\s+licenseKey: /);
});

test('keys the official chart never reads are listed as harmless; inert ones behind an off switch are not listed', () => {
  const outcome = importFixture('defaults');
  const paths = outcome.dropped.map((d) => d.path);
  assert.not.ok(paths.some((p) => p.startsWith('multiplayer.') || p.startsWith('rr.') || p.startsWith('telemetry.')), paths.join(', '));
  const external = importFixture('external-secrets').dropped.find((d) => d.path.startsWith('securityContext.extraContainerLevelSecurityContext'));
  assert.ok(external && !external.changesBehaviour && /unknown to the official chart/.test(external.reason));
});

test('CLI: exit 5 and nothing written when behaviour-changing keys are dropped; --allow-dropped writes atomically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-'));
  try {
    const out = join(dir, 'ours.values.yaml');
    const refused = cli('import', '-f', join(OFFICIAL, 'defaults.official.yaml'), '--release', RELEASE, '-o', out);
    assert.is(refused.status, 5, refused.stderr);
    assert.match(refused.stderr, /dropped: postgresql\.enabled: /);
    assert.match(refused.stderr, /action: Copy jwt-secret out of the official chart's Secret prod-retool/);
    const inNamespace = cli('import', '-f', join(OFFICIAL, 'defaults.official.yaml'), '--release', RELEASE, '-n', 'retool-prod', '--set', 'fullnameOverride=acme');
    assert.match(inNamespace.stderr, /kubectl -n retool-prod create secret generic acme-imported --from-literal=jwt-secret="\$\(kubectl -n retool-prod get secret acme /);
    assert.not.ok(existsSync(out), 'nothing written');
    const allowed = cli('import', '-f', join(OFFICIAL, 'defaults.official.yaml'), '--release', RELEASE, '-o', out, '--allow-dropped');
    assert.is(allowed.status, 0, allowed.stderr);
    assert.is(readFileSync(out, 'utf8'), importOfficial({ files: [join(OFFICIAL, 'defaults.official.yaml')], release: RELEASE, cwd: ROOT }, model).text);
    const clean = cli('import', '-f', join(OFFICIAL, 'temporal-subchart.official.yaml'), '--release', RELEASE, '-o', out);
    assert.is(clean.status, 0, clean.stderr);
    assert.match(readFileSync(out, 'utf8'), /^# Imported by retool-chart import/);
    const validated = cli('validate', '-f', out);
    assert.is(validated.status, 0, `retool-chart validate accepts what import wrote: ${validated.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: --set overrides the official files like Helm, and bad input is a clear error', () => {
  const r = cli('import', '-f', join(OFFICIAL, 'temporal-subchart.official.yaml'), '--set', 'replicaCount=4', '--release', RELEASE);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /# from replicaCount \(--set:1\)\n\s+replicas: 4/);
  const named = cli('import', '-f', join(OFFICIAL, 'temporal-subchart.official.yaml'), '--set', 'fullnameOverride=acme');
  assert.match(named.stdout, /# from fullnameOverride \(--set:1\)\nfullnameOverride: acme/, 'object names stay aligned');
  const missing = cli('import', '-f', join(ROOT, 'no-such.official.yaml'));
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /no-such\.official\.yaml.*file not found/);
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-'));
  try {
    writeFileSync(join(dir, 'bad.yaml'), 'config:\n  licenseKey: [unclosed\n');
    const bad = cli('import', '-f', join(dir, 'bad.yaml'));
    assert.is(bad.status, 1);
    assert.match(bad.stderr, /bad\.yaml:\d+:\d+ .*invalid YAML/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.is(cli('import').status, 2, 'no input is a usage error');
});

test('official values this chart refuses are dropped with the key they came from; the rest still validates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-'));
  try {
    const file = join(dir, 'odd.yaml');
    writeFileSync(file, [
      'image: { tag: 3.75.3-stable }',
      'config: { encryptionKey: e, jwtSecret: j, postgresql: { host: db.example.com, user: retool, password: p } }',
      'postgresql: { enabled: false }',
      'env: { "BAD-NAME": x, GOOD_NAME: fine }', // (a plain y would be the boolean true: Helm reads values as YAML 1.1)
      'resources: { requests: { cpu: lots } }',
    ].join('\n'));
    const outcome = importOfficial({ files: [file], release: RELEASE, cwd: dir }, model);
    assert.equal(outcome.issues, []);
    const dropped = new Map(outcome.dropped.map((d) => [d.path, d]));
    assert.match(dropped.get('env.BAD-NAME')!.reason, 'podDefaults.env.BAD-NAME');
    assert.ok(dropped.get('resources')!.changesBehaviour);
    assert.is(valueAt(outcome.values, 'podDefaults.env.GOOD_NAME'), 'fine');
    const written = join(dir, 'ours.yaml');
    writeFileSync(written, outcome.text);
    assert.equal(validateSources({ schema: model.schema, defaults: model.defaults, files: [written] }).issues, []);

    writeFileSync(file, 'image: { tag: 3.75.3-stable }\nconfig: { encryptionKey: e, jwtSecret: j }\npostgresql: { enabled: false }\n');
    const missing = importOfficial({ files: [file], release: RELEASE, cwd: dir }, model);
    assert.ok(missing.issues.some((i) => i.path === 'database.external.host' && /official values do not give it/.test(i.message)), JSON.stringify(missing.issues));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('volumes, config-map mounts, init containers and the official PVC become typed escape hatches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-'));
  try {
    const file = join(dir, 'volumes.yaml');
    writeFileSync(file, [
      'image: { tag: 3.75.3-stable }',
      'config: { encryptionKey: e, jwtSecret: j }',
      'persistentVolumeClaim: { enabled: true }',
      'extraConfigMapMounts: [{ name: ca, configMap: corp-ca, mountPath: /etc/ssl/corp, subPath: ca.pem }]',
      'initContainers: { wait-for-proxy: { image: "busybox:1.37", command: [sh, -c, "true"] } }',
    ].join('\n'));
    const outcome = importOfficial({ files: [file], release: RELEASE, cwd: dir }, model);
    assert.equal(outcome.issues, []);
    assert.equal(valueAt(outcome.values, 'components.jobsRunner.extraVolumes'), [{ name: 'retool-pv', persistentVolumeClaim: { claimName: 'prod-retool' } }]);
    assert.equal(valueAt(outcome.values, 'components.api.extraVolumeMounts'), [{ name: 'retool-pv', mountPath: '/retool_backend/pv-data' }]);
    assert.equal(valueAt(outcome.values, 'podDefaults.extraVolumes'), [{ name: 'ca', configMap: { name: 'corp-ca' } }]);
    assert.equal(valueAt(outcome.values, 'podDefaults.extraVolumeMounts'), [{ name: 'ca', mountPath: '/etc/ssl/corp', subPath: 'ca.pem' }]);
    assert.equal(valueAt(outcome.values, 'podDefaults.initContainers'), [{ name: 'wait-for-proxy', image: 'busybox:1.37', command: ['sh', '-c', 'true'] }]);
    assert.ok(outcome.actions.some((a) => a.steps.some((s) => s.includes('kubectl annotate pvc prod-retool helm.sh/resource-policy=keep'))), 'the official PVC must be kept before switching');
    const written = join(dir, 'ours.yaml');
    writeFileSync(written, outcome.text);
    const r = runHelm(['template', RELEASE, CHART, '-f', written], { major: 4 });
    assert.is(r.status, 0, r.stderr);
    const api = parseManifests(r.stdout).find((o) => o.kind === 'Deployment' && o.metadata.name === 'prod-retool-api')!;
    assert.ok(api.spec.template.spec.volumes.some((v: any) => v.persistentVolumeClaim?.claimName === 'prod-retool'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the optional services the official chart renders are carried: agents, multiplayer, dbconnector (replicas, resources, labels, env)', () => {
  const outcome = importFixture('services');
  assert.equal(outcome.issues, [], JSON.stringify(outcome.issues));
  const values = outcome.values as any;
  assert.is(values.agents.enabled, true);
  assert.is(values.workflows.enabled, true, 'agents need workflows');
  assert.is(values.components.agentWorker.replicas, 3);
  assert.equal(values.components.agentWorker.resources, { requests: { cpu: '1000m', memory: '2048Mi' }, limits: { cpu: '2000m', memory: '4096Mi' } });
  assert.is(values.components.agentEvalWorker.replicas, 2);
  assert.equal(values.components.agentEvalWorker.podLabels, { team: 'ai' });
  assert.is(values.components.multiplayerWs.enabled, true);
  assert.is(values.components.multiplayerWs.replicas, 2);
  assert.is(values.components.multiplayerWs.env.WEBSOCKET_ALLOWED_ORIGIN, 'retool.example.com');
  assert.is(values.components.dbConnector.enabled, true);
  assert.is(values.components.dbConnector.replicas, 2);
  const paths = outcome.dropped.map((d) => d.path);
  assert.not.ok(paths.some((p) => p.startsWith('agents.') || p.startsWith('multiplayer.') || p.startsWith('dbconnector.')), paths.join(', '));
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-services-'));
  try {
    const objects = renderWritten(dir, outcome);
    for (const name of ['agent-worker', 'agent-eval-worker', 'multiplayer-ws', 'dbconnector']) assert.ok(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-${name}`), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('official probe settings a user changed reach every component whose official template reads them; hosts and a turned-off probe are reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-probes-'));
  try {
    const file = join(dir, 'probes.yaml');
    writeFileSync(file, [
      readFileSync(join(OFFICIAL, 'services.official.yaml'), 'utf8'),
      'livenessProbe: { initialDelaySeconds: 45, periodSeconds: 20, failureThreshold: 6, host: 127.0.0.1, scheme: HTTP }',
      'readinessProbe: { successThreshold: 2, path: /custom }',
      'startupProbe: { enabled: false, initialDelaySeconds: 90 }',
    ].join('\n'));
    const outcome = importOfficial({ files: [file], release: RELEASE, cwd: dir }, model);
    assert.equal(outcome.issues, [], JSON.stringify(outcome.issues));
    const probes = (key: string) => valueAt(outcome.values, `components.${key}.probes`);
    // deployment_backend.yaml reads every timing; the workers, workflows-backend, code-executor and dbconnector
    // leave the liveness period to Kubernetes; jobs-runner and multiplayer-ws fix their timings (scheme only).
    assert.equal(probes('api'), { liveness: { initialDelaySeconds: 45, periodSeconds: 20, failureThreshold: 6, scheme: 'HTTP' }, readiness: { successThreshold: 2 } });
    for (const key of ['workflowsWorker', 'workflowsBackend', 'codeExecutor', 'dbConnector', 'agentWorker']) {
      assert.equal(probes(key), { liveness: { initialDelaySeconds: 45, failureThreshold: 6, scheme: 'HTTP' }, readiness: { successThreshold: 2 } }, key);
    }
    for (const key of ['jobsRunner', 'multiplayerWs']) assert.equal(probes(key), { liveness: { scheme: 'HTTP' } }, key);
    assert.is(probes('r2AgentWorker'), undefined, 'a component that does not run gets nothing');
    const dropped = new Map(outcome.dropped.map((d) => [d.path, d]));
    assert.ok(dropped.get('livenessProbe.host')?.changesBehaviour, 'a probe host changes where the kubelet dials');
    assert.is(dropped.get('readinessProbe.path')?.changesBehaviour, false);
    assert.not.ok([...dropped.keys()].some((p) => p.startsWith('startupProbe')), 'the official startup probe is off: its timings are inert');
    const written = join(dir, 'ours.yaml');
    writeFileSync(written, outcome.text);
    const r = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', written], { major: 4 });
    assert.is(r.status, 0, r.stderr);
    const container = (name: string) => parseManifests(r.stdout).find((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-${name}`)!.spec.template.spec.containers[0];
    assert.is(container('api').livenessProbe.initialDelaySeconds, 45);
    assert.is(container('api').livenessProbe.periodSeconds, 20);
    assert.is(container('api').readinessProbe.successThreshold, 2);
    assert.is(container('workflows-worker').livenessProbe.failureThreshold, 6);
    assert.is.not(container('workflows-worker').livenessProbe.periodSeconds, 20);

    writeFileSync(file, `${readFileSync(join(OFFICIAL, 'services.official.yaml'), 'utf8')}\nreadinessProbe: { enabled: false }\nstartupProbe: { enabled: true, successThreshold: 3, periodSeconds: 5 }\n`);
    const off = importOfficial({ files: [file], release: RELEASE, cwd: dir }, model);
    const offDropped = new Map(off.dropped.map((d) => [d.path, d]));
    assert.ok(offDropped.get('readinessProbe.enabled')?.changesBehaviour, 'this chart cannot turn a probe off');
    assert.ok(offDropped.has('startupProbe.successThreshold'), 'Kubernetes requires 1 on a startup probe');
    assert.equal(valueAt(off.values, 'components.api.probes.startup'), { periodSeconds: 5 });
    assert.is(valueAt(off.values, 'components.workflowsWorker.probes'), undefined, 'only the official backend Deployment reads startupProbe');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Retool 4.x: rr.enabled turns the app builder on, rr.blobStorage becomes blobStorage.external, rr.agent carries to r2-agent-worker', () => {
  const outcome = importFixture('rr');
  assert.equal(outcome.issues, [], JSON.stringify(outcome.issues));
  const values = outcome.values as any;
  assert.is(values.appBuilder.enabled, true);
  assert.is(values.retool.version, '4.0.7');
  assert.equal(values.blobStorage, {
    mode: 'external',
    external: { provider: 's3', s3: { bucket: 'retool-rr', region: 'eu-west-1', endpoint: 'https://objects.example.com:9000', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: { secretKeyRef: { name: 'retool-rr-blob', key: 'secret-access-key' } } } },
  });
  assert.is(values.components.r2AgentWorker.replicas, 2);
  assert.equal(values.components.r2AgentWorker.podLabels, { team: 'rr' });
  const sandboxRef = (key: string) => ({ secretKeyRef: { name: 'retool-agent-sandbox', key } });
  const { nodeSetup, ...keys } = values.appBuilder.agentSandbox;
  assert.equal(keys, { jwtPublicKey: sandboxRef('jwt-public-key'), jwtPrivateKey: sandboxRef('jwt-private-key'), encryptionKey: sandboxRef('encryption-key') }, 'the keys of rr.agentSandbox.externalSecret');
  // The official chart runs its device plugin (deployDaemonSet), prepuller and seccomp installer with the sandbox,
  // on the host network; the installer needs Retool's profile, which only a step of the operator's can give.
  assert.equal(nodeSetup, { devicePlugin: { enabled: true }, imagePrepuller: { enabled: true }, hostNetwork: true });
  const step = outcome.actions.find((a) => a.title.includes('seccomp installer'));
  assert.ok(step, outcome.actions.map((a) => a.title).join('; '));
  assert.match(step!.steps.join(' '), '--set-file appBuilder.agentSandbox.nodeSetup.seccompInstaller.profile=');
  assert.is(values.components.agentSandboxController.env.PREWARM_POOL_SIZE, '2');
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-rr-'));
  try {
    const objects = renderWritten(dir, outcome);
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-api`)!;
    const env = api.spec.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: any }>;
    assert.match(String(env.find((e) => e.name === 'SERVICE_TYPE')?.value), /RR_GIT_SERVER$/);
    assert.is(env.find((e) => e.name === 'RR_DEFAULT_S3_ENDPOINT')?.value, 'https://objects.example.com:9000');
    assert.ok(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-r2-agent-worker`));
    assert.ok(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === `${RELEASE}-retool-agent-sandbox-job-template`), 'the agent sandbox runs with rr.enabled');
    assert.is(env.find((e) => e.name === 'AGENT_SANDBOX_JWT_PRIVATE_KEY')?.valueFrom?.secretKeyRef?.name, 'retool-agent-sandbox');
    const daemonSets = objects.filter((o) => o.kind === 'DaemonSet');
    assert.equal(daemonSets.map((o) => o.metadata.name).sort(), [`${RELEASE}-retool-agent-sandbox-device-plugin`, `${RELEASE}-retool-agent-sandbox-image-prepuller`]);
    assert.ok(daemonSets.every((o) => o.spec.template.spec.hostNetwork === true && o.spec.template.spec.dnsPolicy === 'ClusterFirstWithHostNet'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Retool 4.x: rr.gitServer.separate carries to the git-server component, only while the git server is on', () => {
  const outcome = importFixture('rr-services');
  assert.equal(outcome.issues, [], JSON.stringify(outcome.issues));
  const values = outcome.values as any;
  assert.is(values.appBuilder.enabled, true);
  assert.is(values.appBuilder.gitServer.separate, true);
  assert.is(values.components.gitServer.replicas, 2);
  assert.equal(values.components.gitServer.resources, { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } });
  assert.equal(values.components.gitServer.podLabels, { team: 'git' });
  const dropped = new Map(outcome.dropped.map((d) => [d.path, d.changesBehaviour]));
  const service = [...dropped.keys()].find((path) => path.startsWith('rr.gitServer.separate.service.annotations'));
  assert.ok(service, [...dropped.keys()].join(', '));
  assert.is(dropped.get(service!), false, 'Service annotations change no behaviour');
  assert.equal([...dropped.entries()].filter(([path, blocks]) => blocks && path.startsWith('rr.')), [], 'nothing else of rr is lost');
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-rr-services-'));
  try {
    writeFileSync(join(dir, 'ours.values.yaml'), outcome.text);
    const { issues } = validateSources({ schema: model.schema, defaults: model.defaults, files: [join(dir, 'ours.values.yaml')] });
    assert.equal(issues, [], 'validate accepts what import wrote');
    // rr.gitServer.enabled: false overrides rr.enabled for the git server: separate is inert in the official chart.
    const off = join(dir, 'off.yaml');
    writeFileSync(off, 'config:\n  licenseKey: l\n  encryptionKey: e\n  jwtSecret: j\nrr:\n  enabled: true\n  gitServer:\n    enabled: false\n    separate:\n      enabled: true\n      replicaCount: 3\n');
    const inert = importOfficial({ files: [off], release: RELEASE, cwd: dir }, model).values as any;
    assert.is(inert.appBuilder?.gitServer?.separate, undefined);
    assert.is(inert.components?.gitServer, undefined);
    const result = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', join(dir, 'ours.values.yaml')], { major: 4 });
    assert.is(result.status, 0, result.stderr);
    const objects = parseManifests(result.stdout);
    const git = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-git-server`)!;
    assert.ok(git, 'git-server Deployment');
    assert.is(git.spec.replicas, 2);
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-api`)!;
    const env = api.spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
    assert.not.match(String(env.find((e) => e.name === 'SERVICE_TYPE')?.value), /RR_GIT_SERVER/);
    assert.is(env.find((e) => e.name === 'RR_GIT_SERVER_HOST')?.value, `${RELEASE}-retool-git-server`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Imports official values with the rr stack on (external database, workflows, an S3 bucket) plus `rr` lines of a test's own. */
function importRr(dir: string, rr: string) {
  const file = join(dir, 'official.yaml');
  writeFileSync(file, `config:\n  licenseKey: l\n  encryptionKey: e\n  jwtSecret: j\n  postgresql: { host: db.internal, port: 5432, db: retool, user: retool, password: p }\nimage:\n  tag: 4.0.7-stable\npostgresql:\n  enabled: false\nworkflows:\n  enabled: true\nrr:\n  enabled: true\n${rr}  blobStorage:\n    s3: { bucket: retool-rr, region: eu-west-1 }\n`);
  return importOfficial({ files: [file], release: RELEASE, cwd: dir }, model);
}

test('Retool 4.x: rr.jsExecutor.enabled / rr.agent.enabled false leave that service out of the app builder here too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-rr-off-'));
  try {
    const outcome = importRr(dir, '  jsExecutor:\n    enabled: false\n  agent:\n    enabled: false\n  agentSandbox:\n    enabled: false\n');
    const values = outcome.values as any;
    assert.is(values.appBuilder.enabled, true);
    assert.equal([values.components.jsExecutor.enabled, values.components.r2AgentWorker.enabled, values.appBuilder.agentSandbox.enabled], [false, false, false]);
    assert.equal(outcome.dropped.filter((d) => d.path.startsWith('rr.')), [], JSON.stringify(outcome.dropped));
    const objects = renderWritten(dir, outcome);
    const names = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    assert.not.ok(names.some((n) => n.endsWith('-js-executor') || n.endsWith('-r2-agent-worker') || n.includes('-agent-sandbox')), names.join(', '));
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-api`)!;
    const env = api.spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
    assert.not.ok(env.some((e) => e.name === 'JS_EXECUTOR_INGRESS_DOMAIN'), 'api is not told of a js-executor that is off');
    assert.match(String(env.find((e) => e.name === 'SERVICE_TYPE')?.value), /RR_GIT_SERVER/, 'the rest of the app builder runs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Retool 4.x: rr.gitServer.enabled false runs the app builder without its git server, here too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-rr-git-off-'));
  try {
    const outcome = importRr(dir, '  gitServer:\n    enabled: false\n  agentSandbox:\n    enabled: false\n');
    assert.is((outcome.values as any).appBuilder.gitServer.enabled, false);
    const objects = renderWritten(dir, outcome);
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-api`)!;
    const env = api.spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
    assert.not.match(String(env.find((e) => e.name === 'SERVICE_TYPE')?.value), /RR_GIT_SERVER/, 'api runs no git server');
    assert.ok(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-r2-agent-worker`), 'the rest of the app builder runs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Retool 4.x: the agent sandbox\'s snapshot storage and npm registry carry as the env Retool\'s chart sets; node DaemonSet keys carry to nodeSetup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-rr-sandbox-env-'));
  try {
    const rr = [
      '  agentSandbox:',
      '    externalSecret: { name: sandbox-keys }',
      '    hostNetwork: false',
      '    seccompProfile: custom/gvisor.json',
      '    initImage: { repository: registry.example.com/busybox, tag: 1.37.0, digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000" }',
      '    sandboxNetwork: { deployDaemonSet: false }',
      '    snapshotStorage: { s3Bucket: sandbox-snapshots, s3Endpoint: "https://s3.example.com", s3Region: eu-west-1, credentialsSecretName: snapshot-creds }',
      '    proxy:',
      '      npmRegistry: { url: "https://npm.internal.example.com", authMode: bearer, authTokenSecret: { name: npm-token, key: token }, authTokenTtlMs: 60000 }',
      '',
    ].join('\n');
    const outcome = importRr(dir, rr);
    assert.equal(outcome.issues, [], JSON.stringify(outcome.issues));
    const values = outcome.values as any;
    assert.equal(values.components.agentSandbox.env, {
      S3_BUCKET: 'sandbox-snapshots', S3_ENDPOINT: 'https://s3.example.com', S3_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'snapshot-creds', key: 'awsAccessKeyId' } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'snapshot-creds', key: 'awsSecretAccessKey' } },
    });
    assert.is(values.components.agentSandbox.seccompProfile, 'custom/gvisor.json');
    const proxy = values.components.agentSandboxProxy.env;
    assert.is(proxy.NPM_PUBLIC_REGISTRY_URL, 'https://npm.internal.example.com');
    assert.is(proxy.NPM_PUBLIC_REGISTRY_AUTH_MODE, 'bearer');
    assert.equal(proxy.NPM_PUBLIC_REGISTRY_AUTH_TOKEN, { secretKeyRef: { name: 'npm-token', key: 'token' } });
    assert.is(proxy.NPM_PUBLIC_REGISTRY_AUTH_TOKEN_TTL_MS, '60000');
    // deployDaemonSet: false and hostNetwork: false: only the prepuller, on the pod network, in the mirrored init image.
    assert.equal(values.appBuilder.agentSandbox.nodeSetup, { imagePrepuller: { enabled: true } });
    assert.equal(values.images.nodeInit, { repository: 'registry.example.com/busybox', digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000' });
    assert.equal(outcome.dropped.filter((d) => d.path.startsWith('rr.agentSandbox') && d.changesBehaviour), [], JSON.stringify(outcome.dropped));
    const objects = renderWritten(dir, outcome);
    const job = jobTemplates(objects).find((j) => j.metadata.labels?.['app.kubernetes.io/component'] === 'agent-sandbox')!;
    const env = job.spec.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: any }>;
    assert.is(env.find((e) => e.name === 'S3_BUCKET')?.value, 'sandbox-snapshots', 'the sandboxes get the snapshot bucket');
    assert.is(env.find((e) => e.name === 'AWS_SECRET_ACCESS_KEY')?.valueFrom?.secretKeyRef?.name, 'snapshot-creds');
    assert.equal(objects.filter((o) => o.kind === 'DaemonSet').map((o) => o.spec.template.spec.containers[0].image), ['registry.example.com/busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000']);
    // An inline token is refused with the way to give it; without url, nothing of npmRegistry is written.
    const inline = importRr(dir, '  agentSandbox:\n    externalSecret: { name: sandbox-keys }\n    proxy:\n      npmRegistry: { url: "https://npm.internal.example.com", authToken: s3cr3t }\n');
    assert.ok(inline.dropped.some((d) => d.path === 'rr.agentSandbox.proxy.npmRegistry.authToken' && d.changesBehaviour));
    assert.not.ok(JSON.stringify(inline.values).includes('s3cr3t'), 'the token is written nowhere');
    const none = importRr(dir, '  agentSandbox:\n    externalSecret: { name: sandbox-keys }\n');
    assert.is((none.values as any).components?.agentSandboxProxy?.env?.NPM_PUBLIC_REGISTRY_AUTH_MODE, undefined, 'no auth mode without a registry');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Retool 4.x: rr.jsExecutor.* carries to js-executor: image, seccomp profile path, grace period, environmentSecrets and environmentVariables', () => {
  const outcome = importFixture('rr-js-executor');
  assert.equal(outcome.issues, [], JSON.stringify(outcome.issues));
  assert.equal(outcome.dropped, [], JSON.stringify(outcome.dropped));
  const values = outcome.values as any;
  assert.equal(values.components.jsExecutor, {
    seccompProfile: 'profiles/custom-nsjail.json', terminationGracePeriodSeconds: 120,
    env: { JSE_API_TOKEN: { secretKeyRef: { name: 'retool-jse', key: 'api-token' } }, JSE_LOG_LEVEL: 'debug' },
  });
  assert.equal(values.images.jsExecutor, { repository: 'registry.example.com/tryretool/js-executor-service', tag: '4.0.7-stable-custom' });
});

test('MCP: mcp.* carries to components.mcp (token reference, config keys as env, resources, labels); the official MCP routes are not needed', () => {
  const outcome = importFixture('mcp');
  assert.equal(outcome.issues, [], JSON.stringify(outcome.issues));
  const mcp = (outcome.values as any).components.mcp;
  assert.is(mcp.enabled, true);
  assert.equal(mcp.oauthIntrospectionAuthToken, { secretKeyRef: { name: 'retool-mcp-oauth', key: 'token' } });
  assert.equal(mcp.env, {
    RETOOL_TOOLSETS: 'apps,resources', MCP_MAX_TRANSPORT_SESSIONS: '500',
    // mcp.environmentVariables: a Kubernetes env list, each entry carried (a secretKeyRef as one)
    MCP_SESSION_IDLE_TIMEOUT_MS: '900000', RETOOL_TOOLSETS_EXTRA: { secretKeyRef: { name: 'retool-mcp-extra', key: 'toolsets' } },
  });
  assert.equal(mcp.resources, { requests: { cpu: '300m', memory: '512Mi' }, limits: { memory: '2Gi' } });
  assert.equal(mcp.podLabels, { team: 'ai' });
  assert.equal(outcome.dropped, [], 'nothing of mcp is lost');
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-mcp-'));
  try {
    const objects = renderWritten(dir, outcome);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${RELEASE}-retool-mcp`)!;
    const env = deployment.spec.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: any }>;
    assert.is(env.find((e) => e.name === 'OAUTH_MAIN_DOMAIN')?.value, 'retool.example.com', 'BASE_DOMAIN without its scheme, as the official chart');
    assert.equal(env.find((e) => e.name === 'OAUTH_INTROSPECTION_AUTH_TOKEN')?.valueFrom, { secretKeyRef: { name: 'retool-mcp-oauth', key: 'token' } });
    // No token given: the official chart generated one into its Secret; the import points at a copy and says how to make it.
    const generated = join(dir, 'generated.yaml');
    writeFileSync(generated, 'config:\n  licenseKey: l\n  encryptionKey: e\n  jwtSecret: j\nimage:\n  tag: 4.0.7-stable\nenv:\n  BASE_DOMAIN: https://retool.example.com\nmcp:\n  enabled: true\n  replicaCount: 2\n');
    const copied = importOfficial({ files: [generated], release: RELEASE, cwd: dir }, model);
    assert.equal((copied.values as any).components.mcp.oauthIntrospectionAuthToken, { secretKeyRef: { name: `${RELEASE}-retool-imported`, key: 'oauthIntrospectionAuthToken' } });
    assert.ok(copied.actions.some((a) => a.title.includes('oauthIntrospectionAuthToken')), JSON.stringify(copied.actions));
    assert.equal(copied.dropped.filter((d) => d.path.startsWith('mcp.')).map((d) => [d.path, d.changesBehaviour]), [['mcp.replicaCount', true]], 'one pod only: said, not hidden');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Retool 4.x: the pre-rename rr keys are refused as the official chart refuses them, each with its new place, file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-import-legacy-'));
  try {
    const file = join(dir, 'old.yaml');
    writeFileSync(file, 'config:\n  licenseKey: l\n  encryptionKey: e\n  jwtSecret: j\nr2:\n  enabled: true\nblobStorage:\n  s3: { bucket: b }\nrr:\n  rrAgent: {}\n');
    const outcome = importOfficial({ files: [file], release: RELEASE, cwd: dir }, model);
    assert.equal(outcome.issues.map((i) => [i.path, i.line]), [['r2', 5], ['blobStorage', 7], ['rr.rrAgent', 10]]);
    assert.match(outcome.issues[0].message, 'move it to rr ');
    assert.match(outcome.issues[1].message, 'move it to rr.blobStorage');
    assert.match(outcome.issues[2].message, 'move it to rr.agent');
    const r = cli('import', '-f', file, '-o', join(dir, 'ours.yaml'));
    assert.is(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, 'old.yaml:5');
    assert.not.ok(existsSync(join(dir, 'ours.yaml')), 'nothing written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the mapping never mutates the official values it reads', () => {
  const official = loadSources({ files: [join(OFFICIAL, 'production.official.yaml')], defaults: OFFICIAL_DEFAULTS }).merged.values;
  const before = structuredClone(official);
  const ctx = mapOfficialValues(official, { release: RELEASE, capabilities }, { podSecurityContextKeys: [], containerSecurityContextKeys: [], defaultVersion: '3.75.3', builtInEnv: {}, javaDbConnectorComponents: [], components: [] });
  assert.equal(official, before);
  assert.is(ctx.get('components.api.replicas'), 3);
});

test.run();
