import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectModel } from '../src/project-model.js';
import { FIXTURES, fixtureNames } from './support/paths.js';
import { byKind, envOf, jobTemplates, parseManifests, renderFixture, type K8sObject } from './support/render.js';

/**
 * The runtime contract of Retool's containers, written here independently of the schema annotations that
 * generate the chart, so a regression anywhere (schema, model, template) is caught by name. Every fact is
 * what Retool's own manifests do: tryretool/retool-helm 6.11.21 (charts/retool/templates/deployment_backend.yaml,
 * deployment_jobs.yaml, _workers.tpl, deployment_workflows.yaml, deployment_code_executor.yaml) and
 * tryretool/retool-onpremise (kubernetes/retool-container.yaml, compose.yaml).
 */
const BACKEND_START = ['bash', '-c', './docker_scripts/wait-for-it.sh -t 0 $POSTGRES_HOST:$POSTGRES_PORT; ./docker_scripts/start_api.sh'];

interface Role {
  /** Container args; undefined: the image's own start (no args, no command). */
  args?: string[];
  /** Container command (ENTRYPOINT); undefined: the image's. */
  command?: string[];
  /** Health check: an HTTP GET of path, or (tcp) a TCP connect, on port; null: none at all (Retool's manifest has none). */
  probe: { path?: string; readinessPath?: string; tcp?: true; port: number } | null;
  /** Ports declared UDP (every other port is TCP). */
  udp?: number[];
  /** The Kubernetes API rules its own ServiceAccount is bound to (with the token mounted); undefined: no token, no RBAC. */
  rbac?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  /** Probe timings Retool's manifests write (fields they leave out are Kubernetes' defaults there; ours may differ). */
  timings?: Partial<Record<'readinessProbe' | 'livenessProbe', Record<string, number>>>;
  /** Every port the container must declare. */
  ports: number[];
  /** Env names it must get, and the default value where one is fixed (null: any value). */
  env: Record<string, string | null>;
  serviceTypeStartsWith?: string;
  /** Roles SERVICE_TYPE must hold, in any order (Retool's chart appends JAVA_DBCONNECTOR to the dbconnector's). */
  serviceTypeHas?: string[];
}

const SECRETS = { LICENSE_KEY: null, ENCRYPTION_KEY: null, JWT_SECRET: null };
const STORAGE = { POSTGRES_HOST: null, POSTGRES_PORT: null, POSTGRES_DB: null, POSTGRES_USER: null, POSTGRES_PASSWORD: null };
const BACKEND = { ...SECRETS, ...STORAGE, NODE_ENV: 'production', COOKIE_INSECURE: null };
/** What every Temporal worker of the backend image gets (retool-helm 6.11.21 _workers.tpl), beside its health port. */
const WORKER = {
  ...BACKEND, NODE_OPTIONS: '--max_old_space_size=1024', DBCONNECTOR_POSTGRES_POOL_MAX_SIZE: '100', DBCONNECTOR_QUERY_TIMEOUT_MS: '5400000',
  DISABLE_DATABASE_MIGRATIONS: 'true', WORKFLOW_BACKEND_HOST: null, CODE_EXECUTOR_INGRESS_DOMAIN: null,
};

const CONTRACT: Record<string, Role> = {
  api: {
    args: BACKEND_START, probe: { path: '/api/checkHealth', port: 3000 }, ports: [3000], serviceTypeStartsWith: 'MAIN_BACKEND',
    env: { ...BACKEND, DBCONNECTOR_POSTGRES_POOL_MAX_SIZE: '10' },
  },
  'jobs-runner': {
    args: BACKEND_START, probe: { path: '/api/checkJobsRunnerHealth', port: 3003 }, ports: [3003], serviceTypeStartsWith: 'JOBS_RUNNER',
    env: { ...BACKEND },
  },
  'workflows-worker': {
    args: BACKEND_START, probe: { path: '/api/checkHealth', port: 3005 }, ports: [3005, 9090], serviceTypeStartsWith: 'WORKFLOW_TEMPORAL_WORKER',
    env: { ...WORKER, WORKFLOW_WORKER_HEALTHCHECK_PORT: '3005' },
  },
  'workflows-backend': {
    args: BACKEND_START, probe: { path: '/api/checkHealth', port: 3000 }, ports: [3000], serviceTypeStartsWith: 'WORKFLOW_BACKEND',
    env: {
      ...BACKEND, DBCONNECTOR_POSTGRES_POOL_MAX_SIZE: '100', DBCONNECTOR_QUERY_TIMEOUT_MS: '5400000', DISABLE_DATABASE_MIGRATIONS: 'true',
      WORKFLOW_BACKEND_HOST: null, CODE_EXECUTOR_INGRESS_DOMAIN: null,
    },
  },
  // _workers.tpl: every worker type gets the worker env; agent and agentEval differ in type, queue and health port.
  'agent-worker': {
    args: BACKEND_START, probe: { path: '/api/checkHealth', port: 3005 }, ports: [3005, 9090], serviceTypeStartsWith: 'WORKFLOW_TEMPORAL_WORKER',
    env: { ...WORKER, WORKER_TEMPORAL_TASKQUEUE: 'agent', WORKFLOW_WORKER_HEALTHCHECK_PORT: '3005' },
  },
  'agent-eval-worker': {
    args: BACKEND_START, probe: { path: '/api/checkHealth', port: 3012 }, ports: [3012, 9090], serviceTypeStartsWith: 'AGENT_EVAL_TEMPORAL_WORKER',
    env: { ...WORKER, WORKER_TEMPORAL_TASKQUEUE: 'agent-eval', WORKFLOW_WORKER_HEALTHCHECK_PORT: '3012' },
  },
  // _workers.tpl worker type rrAgent (the 4.x app builder): its own type, queue r2-agent, health port 3016.
  'r2-agent-worker': {
    args: BACKEND_START, probe: { path: '/api/checkHealth', port: 3016 }, ports: [3016, 9090], serviceTypeStartsWith: 'R2_AGENT_TEMPORAL_WORKER',
    env: { ...WORKER, WORKER_TEMPORAL_TASKQUEUE: 'r2-agent', WORKFLOW_WORKER_HEALTHCHECK_PORT: '3016' },
  },
  // deployment_multiplayer_ws.yaml: the backend image as MULTIPLAYER_SERVICE on 3001.
  'multiplayer-ws': {
    args: BACKEND_START, probe: { path: '/api/checkHealth', port: 3001 }, ports: [3001], serviceTypeStartsWith: 'MULTIPLAYER_SERVICE',
    env: { ...BACKEND, MULTIPLAYER_SERVER_PORT: '3001' },
  },
  // deployment_dbconnector.yaml: start_api.sh without waiting for the storage database, 3002 (+ Java 3007).
  dbconnector: {
    args: ['bash', '-c', './docker_scripts/start_api.sh'], probe: { path: '/api/checkHealth', port: 3002 }, ports: [3002, 3007], serviceTypeHas: ['DB_CONNECTOR', 'DB_SSH_CONNECTOR'],
    env: {
      ...SECRETS, NODE_ENV: 'production', NODE_OPTIONS: '--max_old_space_size=1024', DBCONNECTOR_HTTP_AGENT_MAX_SOCKETS: '1000',
      DBCONNECTOR_POSTGRES_POOL_MAX_SIZE: '100', DISABLE_DATABASE_MIGRATIONS: 'true', WORKFLOW_BACKEND_HOST: null,
    },
  },
  // deployment_git_server.yaml: the backend image's start, RR_GIT_SERVER on 3010 (RR_GIT_SERVER_PORT), TCP probes
  // (readiness every 10 s; liveness after 30 s, every 20 s, 10 s timeout, 10 failures), no migrations of its own.
  'git-server': {
    args: BACKEND_START, probe: { tcp: true, port: 3010 }, ports: [3010], serviceTypeStartsWith: 'RR_GIT_SERVER',
    timings: { readinessProbe: { periodSeconds: 10 }, livenessProbe: { initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 10 } },
    env: { ...BACKEND, RR_GIT_SERVER_PORT: '3010', DISABLE_DATABASE_MIGRATIONS: 'true' },
  },
  'code-executor': {
    probe: { path: '/api/checkHealth', port: 3004 }, ports: [3004],
    env: { NODE_ENV: 'production', NODE_OPTIONS: '--max_old_space_size=1024' },
  },
  // deployment_js_executor.yaml: the image's own start on 3000, liveness /api/health, readiness /api/readiness,
  // NODE_ENV only (no Retool secrets, no database, no top-level env).
  'js-executor': {
    probe: { path: '/api/health', readinessPath: '/api/readiness', port: 3000 }, ports: [3000],
    env: { NODE_ENV: 'production' },
  },
  // deployment_mcp.yaml: the backend image started without waiting for the storage database, SERVICE_TYPE
  // MCP_SERVER on 4010, /healthcheck (readiness every 10 s; liveness 30/20/10/10), OAuth env, api's URL; none of
  // Retool's secrets and no database env (h:1249-1260 does not apply to it).
  mcp: {
    args: ['bash', '-c', './docker_scripts/start_api.sh'], probe: { path: '/healthcheck', port: 4010 }, ports: [4010], serviceTypeStartsWith: 'MCP_SERVER',
    timings: { readinessProbe: { periodSeconds: 10 }, livenessProbe: { initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 10 } },
    env: { NODE_ENV: 'production', MCP_PORT: '4010', RETOOL_BACKEND_URL: null, OAUTH_MAIN_DOMAIN: null, OAUTH_INTROSPECTION_AUTH_TOKEN: null },
  },
  // deployment_agent_sandbox.yaml: controller and proxy, the image's own start (AGENT_SANDBOX_ROLE picks the role),
  // liveness /livez 10/10/5/5, readiness /health 1/2/3, state in PostgreSQL as one URL plus PGPASSWORD.
  'agent-sandbox-controller': {
    probe: { path: '/livez', readinessPath: '/health', port: 3018 }, ports: [3018],
    timings: { readinessProbe: { initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3 }, livenessProbe: { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 } },
    env: {
      NODE_ENV: 'production', AGENT_SANDBOX_ROLE: 'controller', CONTROLLER_PORT: '3018', STATE_BACKEND: 'postgres', AGENT_SANDBOX_POSTGRES_URL: null, PGPASSWORD: null,
      AGENT_SANDBOX_POSTGRES_SCHEMA: 'agent_executor', AGENT_SANDBOX_POSTGRES_POOL_MAX: '10', STATE_SWEEPER_INTERVAL_MS: '60000', K8S_NAMESPACE: null, POD_NAME: null,
      JOB_NAME_PREFIX: null, JOB_APP_LABEL: null, EXECUTOR_DEPLOYMENT_NAME: null, EXECUTOR_SERVICE_NAME: null, JOB_TEMPLATE_CONFIGMAP: null, DAEMONSET_NAME: null,
      DEPLOYED_IMAGE_TAG: null, AGENT_SANDBOX_JWT_PUBLIC_KEY: null, PREWARM_POOL_SIZE: '5', MAX_TOTAL_JOBS: '50', MAX_CONCURRENT_CREATES: '3', JOB_RETENTION_SECONDS: '300',
      ASSIGNED_SANDBOX_TTL_SECONDS: '3600', RECONCILE_INTERVAL_MS: '5000', LEADER_TTL_MS: '10000', LEADER_RENEW_MS: '3000', PER_USER_CONCURRENCY_PAID: '5',
    },
    rbac: [
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
    ],
  },
  'agent-sandbox-proxy': {
    probe: { path: '/livez', readinessPath: '/health', port: 3019 }, ports: [3019],
    timings: { readinessProbe: { initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3 }, livenessProbe: { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 } },
    env: {
      NODE_ENV: 'production', AGENT_SANDBOX_ROLE: 'proxy', PROXY_PORT: '3019', STATE_BACKEND: 'postgres', AGENT_SANDBOX_POSTGRES_URL: null, PGPASSWORD: null,
      AGENT_SANDBOX_POSTGRES_SCHEMA: 'agent_executor', AGENT_SANDBOX_POSTGRES_POOL_MAX: '10', STATE_SWEEPER_INTERVAL_MS: '60000', BACKEND_URL: null,
      AGENT_SANDBOX_ENCRYPTION_KEY: null, AGENT_SANDBOX_JWT_PUBLIC_KEY: null, EXECUTOR_PORT: '3017', EXECUTOR_SERVICE_NAME: null, K8S_NAMESPACE: null,
      SANDBOX_PROXY_TIMEOUT_MS: '180000',
    },
  },
  // The job template's sandbox: no probes, 3017, the pod's own identity from the downward API, egress through the proxy.
  'agent-sandbox': {
    probe: null, ports: [3017],
    env: {
      NODE_ENV: 'production', EXECUTOR_PORT: '3017', POD_NAME: null, POD_UID: null, POD_IP: null, SANDBOX_NETWORK_ENABLED: 'true',
      SANDBOX_IDLE_TIMEOUT_MS: '600000', SANDBOX_GLOBAL_LIFETIME_MS: '9000000', SANDBOX_READY_TIMEOUT_MS: '20000', AGENT_SANDBOX_JWT_PUBLIC_KEY: null,
      SANDBOX_HTTP_PROXY: null,
    },
  },
  // deployment_telemetry.yaml: command retool-telemetry, statsd on UDP 9125, no probes at all, the RTEL_* and
  // VECTOR_SELF_* env and LICENSE_KEY; telemetry_rbac.yaml: its own ServiceAccount (token mounted) and a ClusterRole.
  telemetry: {
    command: ['retool-telemetry'], probe: null, ports: [9125], udp: [9125],
    env: {
      DEPLOYMENT_TEMPLATE_TYPE: 'k8s-helm', LICENSE_KEY: null, RTEL_ENABLED: 'true', RTEL_DEPLOYMENT_MODE: 'k8s-helm',
      RTEL_HELM_RELEASE_NAME: null, RTEL_KUBE_POD_PREFIX: null, RTEL_KUBE_NAMESPACE: null, RTEL_KUBE_LABEL_SELECTOR: null,
      RTEL_SEND_TO_RETOOL: 'true', RTEL_SEND_TO_RETOOL_INPUT_ALLOWLIST: 'metrics',
      VECTOR_SELF_NODE_NAME: null, VECTOR_SELF_POD_NAME: null, VECTOR_SELF_POD_NAMESPACE: null,
    },
    rbac: [{ apiGroups: [''], resources: ['namespaces', 'nodes', 'nodes/metrics', 'pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
  },
};

/**
 * The pods Retool's chart includes retool.telemetry.includeEnvVars into (_telemetry_helpers.tpl; deployment_backend.yaml,
 * deployment_jobs.yaml, deployment_workflows.yaml, deployment_code_executor.yaml, deployment_git_server.yaml,
 * _workers.tpl), with the service-name label each carries (_helpers.tpl); multiplayer-ws and dbconnector get none.
 */
const TELEMETRY_CALLERS: Record<string, string> = {
  api: 'main-backend', 'jobs-runner': 'jobs-runner', 'workflows-worker': 'workflow-worker', 'workflows-backend': 'workflow-backend',
  'code-executor': 'code-executor', 'agent-worker': 'agent-worker', 'agent-eval-worker': 'agent-eval-worker',
  'r2-agent-worker': 'r2-agent-worker', 'git-server': 'rr-git-server', 'js-executor': 'js-executor',
};
const TELEMETRY_ENV = ['RTEL_ENABLED', 'RTEL_SERVICE_NAME', 'K8S_POD_NAME', 'K8S_NODE_NAME', 'STATSD_HOST', 'STATSD_PORT'];

/** Container security Retool's manifests always give a workload (deployment_agent_sandbox.yaml: controller and proxy). */
const FIXED_SECURITY: Record<string, Record<string, unknown>> = Object.fromEntries(['agent-sandbox-controller', 'agent-sandbox-proxy'].map((name) => [name, {
  runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
}]));

/** Paths Retool's backend image writes (Retool's compose volumes and Kubernetes manifests). */
const BACKEND_WRITES = ['/tmp', '/retool_backend/autogen_ssh_keys', '/retool_backend/pv-data', '/usr/local/retool-git-repo', '/usr/local/retool-repo'];
const TEMPORAL_ENV = ['WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_HOST', 'WORKFLOW_TEMPORAL_CLUSTER_FRONTEND_PORT', 'WORKFLOW_TEMPORAL_CLUSTER_NAMESPACE'];
const URL_ENV = ['WORKFLOW_BACKEND_HOST', 'CODE_EXECUTOR_INGRESS_DOMAIN'];

interface Fixture {
  name: string;
  values: any;
  /** The fixture's own text: a default it overrides is not checked. */
  text: string;
  objects: K8sObject[];
}

// Fresh renders (never the committed golden files, which a stale run would leave behind).
const fixtures: Fixture[] = fixtureNames(FIXTURES).map((name) => {
  const text = readFileSync(join(FIXTURES, `${name}.values.yaml`), 'utf8');
  return { name, text, values: yaml.load(text) ?? {}, objects: withJobTemplates(parseManifests(renderFixture(name, 4))) };
});

/** The objects, and the Job of every job template ConfigMap (the pods a controller creates from it), checked like a workload. */
function withJobTemplates(objects: K8sObject[]): K8sObject[] {
  return [...objects, ...jobTemplates(objects)];
}

const model = projectModel();

test('every component of the schema has a row in the contract, and every row is a component', () => {
  const names = model.components.map((c) => c.name);
  for (const name of names) assert.ok(CONTRACT[name], `${name} has no row in CONTRACT: write its runtime facts there from Retool's own manifests`);
  for (const name of Object.keys(CONTRACT)) assert.ok(names.includes(name), `CONTRACT row ${name} is no component of the schema`);
});

test('every component is rendered, with its contract checked, by at least one fixture', () => {
  for (const c of model.components) assert.ok(fixtures.some((f) => component(f.objects, c.name)), `no fixture renders ${c.name}`);
});

const component = (objects: K8sObject[], name: string) => objects.find((o) => (o.kind === 'Deployment' || o.kind === 'Job') && o.metadata.labels?.['app.kubernetes.io/component'] === name);
const mainContainer = (deployment: K8sObject, name: string) => deployment.spec.template.spec.containers.find((c: any) => c.name === name);

/** The numeric port a probe's named or numeric port stands for. */
function probePort(container: any, port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p: any) => p.name === port)?.containerPort;
}

for (const fixture of fixtures) {
  test(`${fixture.name}: every Retool container starts, listens and is probed as Retool's manifests say`, () => {
    let seen = 0;
    for (const [name, role] of Object.entries(CONTRACT)) {
      const deployment = component(fixture.objects, name);
      if (!deployment) continue;
      seen += 1;
      const c = mainContainer(deployment, name);
      assert.ok(c, `${name} container`);
      assert.equal(c.args, role.args, `${name} args`);
      assert.equal(c.command, role.command, `${name} command`);
      for (const port of role.ports) assert.ok(c.ports.some((p: any) => p.containerPort === port), `${name} declares port ${port}`);
      for (const p of c.ports) assert.is(p.protocol, role.udp?.includes(p.containerPort) ? 'UDP' : 'TCP', `${name} port ${p.containerPort} protocol`);
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        if (role.probe === null) {
          assert.is(c[probe], undefined, `${name} has no ${probe}, as Retool's manifest`);
          continue;
        }
        const handler = role.probe.tcp ? c[probe]?.tcpSocket : c[probe]?.httpGet;
        assert.ok(handler, `${name} ${probe} ${role.probe.tcp ? 'tcpSocket' : 'httpGet'}`);
        if (!role.probe.tcp) assert.is(handler.path, probe === 'readinessProbe' ? role.probe.readinessPath ?? role.probe.path : role.probe.path, `${name} ${probe} path`);
        assert.is(probePort(c, handler.port), role.probe.port, `${name} ${probe} port`);
        const tuned = fixture.values.components?.[model.components.find((x) => x.name === name)!.key]?.probes;
        for (const [field, seconds] of Object.entries(role.timings?.[probe as 'readinessProbe'] ?? {})) {
          if (!tuned) assert.is(c[probe][field], seconds, `${name} ${probe} ${field}`);
        }
      }
      const env = envOf(c);
      for (const [envName, value] of Object.entries(role.env)) {
        assert.ok(env.has(envName), `${name} lacks ${envName}`);
        if (value !== null && !fixture.text.includes(envName)) assert.is(env.get(envName).value, value, `${name} ${envName}`);
      }
      if (role.serviceTypeStartsWith) assert.ok(String(env.get('SERVICE_TYPE')?.value).startsWith(role.serviceTypeStartsWith), `${name} SERVICE_TYPE`);
      else if (role.serviceTypeHas) for (const r of role.serviceTypeHas) assert.ok(String(env.get('SERVICE_TYPE')?.value).split(',').includes(r), `${name} SERVICE_TYPE has ${r}`);
      else assert.not.ok(env.has('SERVICE_TYPE'), `${name} has no SERVICE_TYPE`);
    }
    assert.ok(seen >= 2, 'api and jobs-runner are always rendered');
  });

  test(`${fixture.name}: Temporal env reaches every Temporal client, jobs-runner included, or none`, () => {
    const mode = fixture.values.temporal?.mode ?? 'retoolManaged';
    for (const name of model.components.filter((c) => c.talksTo.temporal).map((c) => c.name)) {
      const deployment = component(fixture.objects, name);
      if (!deployment) continue;
      const env = envOf(mainContainer(deployment, name));
      for (const envName of TEMPORAL_ENV) assert.is(env.has(envName), mode !== 'retoolManaged', `${name} ${envName} under ${mode}`);
    }
  });

  test(`${fixture.name}: every in-release URL a container is told is a Service port it may reach`, () => {
    const services = byKind(fixture.objects, 'Service');
    const policies = byKind(fixture.objects, 'NetworkPolicy');
    const policyOf = (component: string) => policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/component'] === component);
    for (const deployment of byKind(fixture.objects, 'Deployment')) {
      const caller = deployment.metadata.labels!['app.kubernetes.io/component'];
      for (const container of deployment.spec.template.spec.containers) {
        for (const envName of URL_ENV) {
          const url = envOf(container).get(envName)?.value;
          if (!url) continue;
          const { hostname, port } = new URL(url);
          const service = services.find((s) => s.metadata.name === hostname);
          assert.ok(service, `${caller} ${envName}=${url}: no Service ${hostname}`);
          const servicePort = service!.spec.ports.find((p: any) => p.port === Number(port));
          assert.ok(servicePort, `${caller} ${envName}=${url}: Service ${hostname} has no port ${port}`);
          const target = service!.spec.selector['app.kubernetes.io/component'];
          const targetPod = component(fixture.objects, target)!;
          const targetPort = targetPod.spec.template.spec.containers[0].ports.find((p: any) => p.name === servicePort.targetPort)?.containerPort;
          assert.ok(targetPort, `${hostname} targetPort ${servicePort.targetPort} is a container port`);
          if (policies.length === 0) continue;
          const out = policyOf(caller)!.spec.egress.some((rule: any) =>
            rule.to?.some((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === target) &&
            rule.ports?.some((p: any) => p.port === targetPort));
          assert.ok(out, `${caller}'s NetworkPolicy lets it reach ${target}:${targetPort} (${envName})`);
          const inbound = policyOf(target)!.spec.ingress.some((rule: any) =>
            rule.from?.some((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === caller) &&
            rule.ports?.some((p: any) => p.port === targetPort));
          assert.ok(inbound, `${target}'s NetworkPolicy admits ${caller} on ${targetPort} (${envName})`);
        }
      }
    }
  });

  test(`${fixture.name}: podSecurity preset: the images' own user and writable root, or restricted with emptyDirs where Retool writes`, () => {
    const preset = fixture.values.podSecurity ?? 'compatible';
    for (const name of Object.keys(CONTRACT)) {
      const deployment = component(fixture.objects, name);
      if (!deployment) continue;
      const pod = deployment.spec.template.spec;
      const c = mainContainer(deployment, name);
      assert.is(pod.automountServiceAccountToken, CONTRACT[name].rbac !== undefined, `${name} mounts a token exactly when it reads the Kubernetes API`);
      // nsjail (privileged) and its seccomp variant follow the sandbox's own rule (Retool's settings exactly).
      if (c.securityContext.privileged || c.securityContext.seccompProfile?.type === 'Localhost') continue;
      assert.is(c.securityContext.allowPrivilegeEscalation, false, `${name} allowPrivilegeEscalation`);
      // Retool's manifests run some images as a fixed non-root user on a read-only root, whatever the preset.
      const fixed = FIXED_SECURITY[name];
      if (fixed) {
        for (const [field, value] of Object.entries(fixed)) assert.equal(c.securityContext[field], value, `${name} ${field}, as Retool's manifest`);
        continue;
      }
      const mounts = new Map((c.volumeMounts ?? []).map((m: any) => [m.mountPath, m.name]));
      if (preset === 'compatible') {
        assert.is(pod.securityContext.runAsUser, undefined, `${name} runs as the image's user`);
        assert.not.ok(c.securityContext.readOnlyRootFilesystem, `${name} root filesystem writable`);
        assert.equal(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' }, `${name} seccomp`);
      } else {
        assert.is(pod.securityContext.runAsNonRoot, true, `${name} runAsNonRoot`);
        assert.is(c.securityContext.readOnlyRootFilesystem, true, `${name} read-only root`);
        assert.ok(c.securityContext.capabilities?.drop?.includes('ALL'), `${name} drops ALL`);
        const writes = c.image.includes('/backend:') ? BACKEND_WRITES : ['/tmp'];
        for (const path of writes) {
          const volume = pod.volumes.find((v: any) => v.name === mounts.get(path));
          assert.ok(volume?.emptyDir, `${name} has a writable emptyDir at ${path}`);
        }
      }
    }
  });

  test(`${fixture.name}: login cookies and links follow the ingress`, () => {
    const api = component(fixture.objects, 'api')!;
    const env = envOf(mainContainer(api, 'api'));
    const ingress = fixture.values.ingress ?? {};
    const retool = fixture.values.retool ?? {};
    // An HTTPRoute's TLS is the Gateway's: clients are taken to use HTTPS.
    const https = ingress.tls?.enabled === true || ingress.kind === 'HTTPRoute';
    const cookie = retool.cookieInsecure ?? (ingress.enabled === true && !https);
    assert.is(env.get('COOKIE_INSECURE').value, String(cookie));
    const base = retool.baseDomain ?? (ingress.enabled ? `${https ? 'https' : 'http'}://${ingress.host}` : undefined);
    assert.is(env.get('BASE_DOMAIN')?.value, base);
  });
}

for (const fixture of fixtures) {
  test(`${fixture.name}: the telemetry collector's RBAC and callers as Retool's chart has them`, () => {
    const on = component(fixture.objects, 'telemetry') !== undefined;
    const telemetry = fixture.objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'telemetry');
    for (const kind of ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Service']) {
      assert.is(telemetry.some((o) => o.kind === kind), on, `${kind} exactly when telemetry is on`);
    }
    for (const [name, serviceName] of Object.entries(TELEMETRY_CALLERS)) {
      const deployment = component(fixture.objects, name);
      if (!deployment) continue;
      assert.is(deployment.spec.template.metadata.labels['telemetry.retool.com/service-name'], serviceName, `${name} service-name label`);
      const env = envOf(mainContainer(deployment, name));
      for (const envName of TELEMETRY_ENV) assert.is(env.has(envName), on, `${name} ${envName} exactly when telemetry is on`);
    }
    for (const name of ['multiplayer-ws', 'dbconnector']) {
      const deployment = component(fixture.objects, name);
      if (deployment) assert.not.ok(envOf(mainContainer(deployment, name)).has('STATSD_HOST'), `${name} is not told (Retool's chart includes nothing there)`);
    }
    if (!on) return;
    const role = telemetry.find((o) => o.kind === 'ClusterRole')!;
    assert.equal(role.rules, CONTRACT.telemetry.rbac);
    const sa = telemetry.find((o) => o.kind === 'ServiceAccount')!;
    assert.is(sa.automountServiceAccountToken, true);
    const binding = telemetry.find((o) => o.kind === 'ClusterRoleBinding')!;
    assert.equal(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    assert.equal(binding.subjects, [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: binding.subjects[0].namespace }]);
    assert.is(component(fixture.objects, 'telemetry')!.spec.template.spec.serviceAccountName, sa.metadata.name);
    assert.is(component(fixture.objects, 'telemetry')!.spec.replicas, 1, 'one collector');
    const service = telemetry.find((o) => o.kind === 'Service')!;
    assert.equal(service.spec.ports.map((p: any) => [p.port, p.protocol]), [[9125, 'UDP']]);
    const policies = byKind(fixture.objects, 'NetworkPolicy');
    for (const [name] of Object.entries(TELEMETRY_CALLERS)) {
      const deployment = component(fixture.objects, name);
      if (!deployment) continue;
      const env = envOf(mainContainer(deployment, name));
      assert.match(env.get('STATSD_HOST').value, new RegExp(`^${service.metadata.name}\\.`), `${name} STATSD_HOST is <Service>.<namespace>`);
      assert.is(env.get('STATSD_PORT').value, '9125');
      if (!policies.length) continue;
      const policyOf = (c: string) => policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/component'] === c)!;
      const udp = (rule: any) => rule.ports?.some((p: any) => p.port === 9125 && p.protocol === 'UDP');
      assert.ok(policyOf(name).spec.egress.some((r: any) => udp(r) && r.to.some((x: any) => x.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'telemetry')), `${name} may send to telemetry on UDP 9125`);
      assert.ok(policyOf('telemetry').spec.ingress.some((r: any) => udp(r) && r.from.some((x: any) => x.podSelector?.matchLabels?.['app.kubernetes.io/component'] === name)), `telemetry admits ${name} on UDP 9125`);
    }
    if (policies.length) {
      const egress = policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/component'] === 'telemetry')!.spec.egress;
      assert.ok(egress.some((r: any) => r.ports?.some((p: any) => p.port === 443 && p.protocol === 'TCP') && r.to?.some((x: any) => x.ipBlock)), 'telemetry reaches telemetry.retool.com:443');
    }
  });
}

test('a separate git server takes RR_GIT_SERVER over: api drops it and is told the bare Service name and port', () => {
  const f = fixtures.find((x) => x.name === 'git-server')!;
  const env = (name: string) => envOf(mainContainer(component(f.objects, name)!, name));
  const roles = String(env('api').get('SERVICE_TYPE').value).split(',');
  assert.not.ok(roles.includes('RR_GIT_SERVER'), `api SERVICE_TYPE ${roles}`);
  assert.ok(roles.includes('MAIN_BACKEND') && roles.includes('DB_CONNECTOR'), `api keeps its own roles: ${roles}`);
  assert.ok(String(env('api').get('DISABLE_JAVA_DBCONNECTOR')?.value ?? 'unset') !== 'true', 'api keeps the Java connector');
  assert.is(env('api').get('RR_GIT_SERVER_HOST').value, 'prod-retool-git-server');
  assert.is(env('api').get('RR_GIT_SERVER_PORT').value, '3010');
  // Blob storage: the git server keeps its repositories there; api keeps the env (snapshots), as Retool's chart does.
  for (const name of ['git-server', 'api']) assert.ok(env(name).has('RR_DEFAULT_S3_BUCKET'), `${name} blob env`);
  for (const name of ['r2-agent-worker', 'jobs-runner']) assert.not.ok(env(name).has('RR_GIT_SERVER_HOST'), `${name} is no git client`);
  // The in-process server stays in api while separate is off.
  const inProcess = fixtures.find((x) => x.name === 'app-builder')!;
  const apiEnv = envOf(mainContainer(component(inProcess.objects, 'api')!, 'api'));
  assert.ok(String(apiEnv.get('SERVICE_TYPE').value).split(',').includes('RR_GIT_SERVER'));
  assert.not.ok(apiEnv.has('RR_GIT_SERVER_HOST'));
  assert.not.ok(component(inProcess.objects, 'git-server'), 'no git-server Deployment without separate');
});

test('a standalone dbconnector takes the connector roles over: api and workflows-backend drop them, every caller is told where it listens', () => {
  const f = fixtures.find((x) => x.name === 'dbconnector')!;
  const env = (name: string) => envOf(mainContainer(component(f.objects, name)!, name));
  for (const name of ['api', 'workflows-backend']) {
    const roles = String(env(name).get('SERVICE_TYPE').value).split(',');
    assert.not.ok(roles.includes('DB_CONNECTOR') || roles.includes('DB_SSH_CONNECTOR') || roles.includes('JAVA_DBCONNECTOR'), `${name} SERVICE_TYPE ${roles}`);
    assert.is(env(name).get('DB_SSH_CONNECTOR_HOST').value, 'http://prod-retool-dbconnector');
    assert.is(env(name).get('DB_SSH_CONNECTOR_PORT').value, '3002');
  }
  for (const name of ['api', 'workflows-backend', 'workflows-worker']) {
    assert.is(env(name).get('DB_CONNECTOR_HOST').value, 'http://prod-retool-dbconnector', name);
    assert.is(env(name).get('DB_CONNECTOR_PORT').value, '3002', name);
    assert.is(env(name).get('JAVA_DB_CONNECTOR_HOST').value, 'http://prod-retool-dbconnector', name);
    assert.is(env(name).get('JAVA_DB_CONNECTOR_PORT').value, '3007', name);
  }
  assert.not.ok(env('workflows-worker').has('DB_SSH_CONNECTOR_HOST'), 'workers never had the SSH role');
  // Retool >= 3.93 (the default 4.0.7) runs the Java connector by default: no role of its own, no opt-out.
  assert.equal(String(env('dbconnector').get('SERVICE_TYPE').value).split(',').sort(), ['DB_CONNECTOR', 'DB_SSH_CONNECTOR']);
  assert.not.ok(env('dbconnector').has('DISABLE_JAVA_DBCONNECTOR'));
  const service = byKind(f.objects, 'Service').find((x) => x.metadata.name === 'prod-retool-dbconnector')!;
  assert.equal(service.spec.ports.map((p: any) => p.port), [3002, 3007]);
  const policy = byKind(f.objects, 'NetworkPolicy').find((x) => x.metadata.name === 'prod-retool-dbconnector')!;
  const admitted = policy.spec.ingress.map((r: any) => [r.from[0].podSelector.matchLabels['app.kubernetes.io/component'], r.ports.map((p: any) => p.port)]);
  for (const caller of ['api', 'workflows-backend', 'workflows-worker']) assert.ok(admitted.some(([c, ports]: any) => c === caller && ports.includes(3002) && ports.includes(3007)), `${caller} admitted on 3002 and 3007`);
  // Off (every other fixture): the connector roles stay in api.
  const plain = fixtures.find((x) => x.name === 'evaluation')!;
  assert.ok(String(envOf(mainContainer(component(plain.objects, 'api')!, 'api')).get('SERVICE_TYPE').value).includes('DB_CONNECTOR'));
});

test('the app builder runs the RR git server in api (last role, as Retool\'s chart appends it) and r2-agent-worker; off, neither', () => {
  const on = fixtures.find((f) => f.name === 'app-builder')!;
  assert.is(envOf(mainContainer(component(on.objects, 'api')!, 'api')).get('SERVICE_TYPE').value, 'MAIN_BACKEND,DB_CONNECTOR,DB_SSH_CONNECTOR,RR_GIT_SERVER');
  assert.ok(component(on.objects, 'r2-agent-worker'), 'r2-agent-worker rendered');
  const off = fixtures.find((f) => f.name === 'evaluation')!;
  assert.not.match(String(envOf(mainContainer(component(off.objects, 'api')!, 'api')).get('SERVICE_TYPE').value), 'RR_GIT_SERVER');
  assert.not.ok(component(off.objects, 'r2-agent-worker'));
});

test('the Java database connector follows the Retool version: a role before 3.93, an opt-out from 3.93', () => {
  const old = fixtures.find((f) => f.name === 'pod-options')!; // Retool 3.80.1
  assert.is(envOf(mainContainer(component(old.objects, 'api')!, 'api')).get('SERVICE_TYPE').value, 'MAIN_BACKEND,JAVA_DBCONNECTOR,DB_CONNECTOR,DB_SSH_CONNECTOR');
  const current = fixtures.find((f) => f.name === 'evaluation')!; // the default, 4.0.7
  assert.is(envOf(mainContainer(component(current.objects, 'api')!, 'api')).get('SERVICE_TYPE').value, 'MAIN_BACKEND,DB_CONNECTOR,DB_SSH_CONNECTOR');
  const next = fixtures.find((f) => f.name === 'code-executor-seccomp')!;
  const api = envOf(mainContainer(component(next.objects, 'api')!, 'api'));
  assert.is(api.get('SERVICE_TYPE').value, 'MAIN_BACKEND,DB_CONNECTOR,DB_SSH_CONNECTOR');
  assert.is(api.get('DISABLE_JAVA_DBCONNECTOR').value, 'true', 'api opted out');
  const backend = envOf(mainContainer(component(next.objects, 'workflows-backend')!, 'workflows-backend'));
  assert.not.ok(backend.has('DISABLE_JAVA_DBCONNECTOR'), 'workflows-backend keeps it (on by default from 3.93)');
});

test('code-executor sandboxes: nsjail privileged, seccomp without privileges, none with Retool\'s unprivileged switches', () => {
  const executor = (name: string) => component(fixtures.find((f) => f.name === name)!.objects, 'code-executor')!;
  const nsjail = executor('evaluation');
  assert.equal(mainContainer(nsjail, 'code-executor').securityContext, { privileged: true });
  const seccomp = executor('code-executor-seccomp');
  assert.is(seccomp.spec.template.spec.hostUsers, false, 'user namespace');
  assert.equal(mainContainer(seccomp, 'code-executor').securityContext, {
    capabilities: { add: ['NET_ADMIN'] }, procMount: 'Unmasked', seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/retool-nsjail.json' },
    appArmorProfile: { type: 'Unconfined' },
  });
  const none = envOf(mainContainer(executor('code-executor-unsandboxed'), 'code-executor'));
  assert.is(none.get('CONTAINER_UNPRIVILEGED_MODE').value, 'true');
  assert.is(none.get('DISABLE_IPTABLES_SECURITY_CONFIGURATION').value, 'true');
});

test('js-executor: NET_ADMIN, the Localhost nsjail profile and AppArmor unconfined, not privileged; every caller told its URL', () => {
  const objects = fixtures.find((f) => f.name === 'app-builder')!.objects;
  const js = component(objects, 'js-executor')!;
  assert.equal(mainContainer(js, 'js-executor').securityContext, {
    capabilities: { add: ['NET_ADMIN'] }, seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/nsjail-seccomp.json' }, appArmorProfile: { type: 'Unconfined' },
  });
  assert.is(js.spec.template.spec.terminationGracePeriodSeconds, 391);
  const resources = mainContainer(js, 'js-executor').resources;
  assert.equal(resources.requests, resources.limits, 'requests = limits: js-executor rejects work at 80 % of its memory limit');
  for (const caller of ['api', 'workflows-backend', 'workflows-worker', 'r2-agent-worker']) {
    const env = envOf(mainContainer(component(objects, caller)!, caller));
    assert.match(env.get('JS_EXECUTOR_INGRESS_DOMAIN')?.value ?? '', /^http:\/\/[a-z0-9-]+-js-executor:3000$/, `${caller} JS_EXECUTOR_INGRESS_DOMAIN`);
  }
  assert.is(component(fixtures.find((f) => f.name === 'evaluation')!.objects, 'js-executor'), undefined, 'off without appBuilder.enabled');
});

test('mcp: no Retool secrets or database env; api and MCP read one introspection token; each is told the other\'s URL', () => {
  const objects = fixtures.find((f) => f.name === 'mcp')!.objects;
  const mcp = envOf(mainContainer(component(objects, 'mcp')!, 'mcp'));
  for (const absent of [...Object.keys(SECRETS), ...Object.keys(STORAGE), 'BASE_DOMAIN', 'COOKIE_INSECURE']) assert.not.ok(mcp.has(absent), `mcp gets no ${absent}`);
  assert.is(mcp.get('OAUTH_MAIN_DOMAIN').value, 'retool.example.com', 'the ingress host, without a scheme');
  assert.match(mcp.get('RETOOL_BACKEND_URL').value, /^http:\/\/[a-z0-9-]+-api:3000$/);
  const api = envOf(mainContainer(component(objects, 'api')!, 'api'));
  assert.match(api.get('MCP_SERVICE_INGRESS_DOMAIN')?.value ?? '', /^http:\/\/[a-z0-9-]+-mcp:4010$/);
  assert.equal(api.get('OAUTH_INTROSPECTION_AUTH_TOKEN').valueFrom, mcp.get('OAUTH_INTROSPECTION_AUTH_TOKEN').valueFrom, 'the same Secret key');
  const secret = objects.find((o) => o.kind === 'Secret' && o.data?.[mcp.get('OAUTH_INTROSPECTION_AUTH_TOKEN').valueFrom.secretKeyRef.key]);
  assert.ok(secret, 'the token is stored in the chart\'s Secret');
  assert.is(component(objects, 'mcp')!.spec.replicas, 1, 'one pod: it does not scale horizontally yet');
  const evaluation = fixtures.find((f) => f.name === 'evaluation')!.objects;
  assert.is(component(evaluation, 'mcp'), undefined, 'off by default');
  const plain = envOf(mainContainer(component(evaluation, 'api')!, 'api'));
  assert.not.ok(plain.has('OAUTH_INTROSPECTION_AUTH_TOKEN') || plain.has('MCP_SERVICE_INGRESS_DOMAIN'), 'api is told nothing of an MCP that is off');
  assert.not.ok(evaluation.some((o) => o.kind === 'Secret' && Object.keys(o.data ?? {}).some((k) => k.startsWith('mcp-'))), 'no token stored while MCP is off');
});

test('agent sandbox: the job template is Retool\'s sandbox pod; the controller\'s Role; every caller told both URLs and the keys', () => {
  const objects = fixtures.find((f) => f.name === 'app-builder')!.objects;
  const job = component(objects, 'agent-sandbox')!;
  assert.is(job.apiVersion, 'batch/v1');
  assert.is(job.spec.backoffLimit, 0);
  assert.is(job.spec.ttlSecondsAfterFinished, 300);
  const pod = job.spec.template;
  const name = pod.metadata.labels.retoolService;
  assert.match(name, /-agent-sandbox$/);
  assert.is(pod.spec.restartPolicy, 'Never');
  assert.is(pod.spec.subdomain, `${name}-pods`);
  assert.is(pod.spec.automountServiceAccountToken, false);
  assert.is(pod.metadata.annotations['karpenter.sh/do-not-disrupt'], 'true');
  assert.is(pod.metadata.annotations['cluster-autoscaler.kubernetes.io/safe-to-evict'], 'false');
  const sandbox = mainContainer(job, 'agent-sandbox');
  assert.equal(sandbox.securityContext, {
    allowPrivilegeEscalation: false, appArmorProfile: { type: 'Unconfined' }, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true,
    runAsGroup: 1001, runAsUser: 1001, seccompProfile: { type: 'Localhost', localhostProfile: 'retool/gvisor-seccomp.json' },
  });
  assert.is(sandbox.resources.limits['smarter-devices/net_tun'], 1, 'the /dev/net/tun device of the sandbox network');
  const copy = pod.spec.initContainers.find((c: any) => c.name === 'rootfs-etc-copy');
  assert.equal(copy.securityContext.capabilities, { drop: ['ALL'], add: ['DAC_READ_SEARCH'] });
  assert.is(copy.securityContext.runAsUser, 0);
  const volumeAt = (c: any, path: string) => pod.spec.volumes.find((v: any) => v.name === c.volumeMounts.find((m: any) => m.mountPath === path)?.name);
  assert.equal(volumeAt(copy, '/mnt/etc'), volumeAt(sandbox, '/opt/sandbox-env/rootfs/etc'), 'the init container fills the sandbox\'s /etc');
  assert.equal(volumeAt(sandbox, '/run').emptyDir, { medium: 'Memory', sizeLimit: '64Mi' });
  assert.equal(volumeAt(sandbox, '/tmp').emptyDir, { sizeLimit: '20Gi' });
  assert.equal(volumeAt(sandbox, '/opt/sandbox-env/rootfs/app/job').emptyDir, { sizeLimit: '2Gi' });
  const headless = byKind(objects, 'Service').find((s) => s.metadata.name === `${name}-pods`)!;
  assert.is(headless.spec.clusterIP, 'None');
  assert.equal(headless.spec.ports.map((p: any) => p.port), [3017]);
  for (const [key, value] of Object.entries(headless.spec.selector)) assert.is(pod.metadata.labels[key], value, `the headless Service selects the sandbox pods (${key})`);
  const proxy = component(objects, 'agent-sandbox-proxy')!;
  assert.is(envOf(sandbox).get('SANDBOX_HTTP_PROXY').value, `http://${proxy.metadata.name}:3019`);

  const controller = component(objects, 'agent-sandbox-controller')!;
  const role = byKind(objects, 'Role').find((r) => r.metadata.name === controller.metadata.name)!;
  assert.equal(role.rules.map(({ resourceNames: _n, ...rule }: any) => rule), CONTRACT['agent-sandbox-controller'].rbac);
  assert.ok(role.rules.find((r: any) => r.resources[0] === 'configmaps').resourceNames.includes(`${name}-job-template`), 'configmaps: the job template only');
  const binding = byKind(objects, 'RoleBinding').find((r) => r.metadata.name === controller.metadata.name)!;
  assert.equal(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
  assert.is(controller.spec.template.spec.serviceAccountName, binding.subjects[0].name);
  const controllerEnv = envOf(mainContainer(controller, 'agent-sandbox-controller'));
  assert.is(controllerEnv.get('JOB_TEMPLATE_CONFIGMAP').value, `${name}-job-template`);
  assert.is(controllerEnv.get('EXECUTOR_SERVICE_NAME').value, headless.metadata.name);
  assert.ok(byKind(objects, 'ConfigMap').some((c) => c.metadata.name === `${name}-job-template`));
  const storage = envOf(mainContainer(component(objects, 'api')!, 'api'));
  assert.is(controllerEnv.get('AGENT_SANDBOX_POSTGRES_URL').value,
    `postgres://${storage.get('POSTGRES_USER').value}@${storage.get('POSTGRES_HOST').value}:${storage.get('POSTGRES_PORT').value}/${storage.get('POSTGRES_DB').value}`, 'the storage database, as api reads it');
  assert.equal(controllerEnv.get('PGPASSWORD').valueFrom, storage.get('POSTGRES_PASSWORD').valueFrom);

  const proxyEnv = envOf(mainContainer(proxy, 'agent-sandbox-proxy'));
  for (const caller of ['api', 'workflows-backend', 'workflows-worker', 'r2-agent-worker']) {
    const env = envOf(mainContainer(component(objects, caller)!, caller));
    assert.is(env.get('AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN').value, `http://${controller.metadata.name}:3018`, `${caller} controller URL`);
    assert.is(env.get('AGENT_SANDBOX_PROXY_INGRESS_DOMAIN').value, `http://${proxy.metadata.name}:3019`, `${caller} proxy URL`);
    assert.is(env.get('RR_AGENT_PUBSUB_BACKEND').value, 'postgres', `${caller} RR_AGENT_PUBSUB_BACKEND`);
    assert.ok(env.get('AGENT_SANDBOX_JWT_PRIVATE_KEY').valueFrom.secretKeyRef, `${caller} signs sandbox tokens`);
    assert.equal(env.get('AGENT_SANDBOX_ENCRYPTION_KEY').valueFrom, proxyEnv.get('AGENT_SANDBOX_ENCRYPTION_KEY').valueFrom, `${caller} and the proxy share the encryption key`);
    assert.equal(env.get('AGENT_SANDBOX_JWT_PUBLIC_KEY').valueFrom, envOf(sandbox).get('AGENT_SANDBOX_JWT_PUBLIC_KEY').valueFrom, `${caller} and the sandboxes share the public key`);
  }
  assert.is(proxyEnv.get('BACKEND_URL').value, `http://${component(objects, 'api')!.metadata.name}:3000`);
  const restricted = fixtures.find((f) => f.name === 'app-builder-restricted')!.objects;
  for (const off of ['agent-sandbox', 'agent-sandbox-controller', 'agent-sandbox-proxy']) assert.is(component(restricted, off), undefined, `${off} off with appBuilder.agentSandbox.enabled: false`);
  assert.not.ok(envOf(mainContainer(component(restricted, 'api')!, 'api')).has('AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN'), 'api is told nothing then');
});

test('agent sandbox on: MCP signs sandbox tokens with the callers\' key and jobs-runner uses the Postgres pub/sub, as Retool\'s templates set them; neither with it off', () => {
  const objects = fixtures.find((f) => f.name === 'git-server')!.objects;
  const env = (name: string) => envOf(mainContainer(component(objects, name)!, name));
  assert.equal(env('mcp').get('AGENT_SANDBOX_JWT_PRIVATE_KEY').valueFrom, env('api').get('AGENT_SANDBOX_JWT_PRIVATE_KEY').valueFrom, 'the same key as api (deployment_mcp.yaml)');
  assert.equal(env('mcp').get('AGENT_SANDBOX_JWT_PRIVATE_KEY').valueFrom.secretKeyRef, { name: 'retool-agent-sandbox', key: 'jwt-private-key' });
  assert.not.ok(env('mcp').has('AGENT_SANDBOX_ENCRYPTION_KEY') || env('mcp').has('RR_AGENT_PUBSUB_BACKEND'), 'MCP gets the signing key only');
  assert.is(env('jobs-runner').get('RR_AGENT_PUBSUB_BACKEND').value, 'postgres', 'deployment_jobs.yaml');
  assert.equal([...env('jobs-runner').keys()].filter((name) => name.startsWith('AGENT_SANDBOX_')), [], 'jobs-runner gets no sandbox URL or key');
  const off = fixtures.find((f) => f.name === 'mcp')!.objects;
  assert.not.ok(envOf(mainContainer(component(off, 'mcp')!, 'mcp')).has('AGENT_SANDBOX_JWT_PRIVATE_KEY'), 'no sandbox, no key');
  assert.not.ok(envOf(mainContainer(component(off, 'jobs-runner')!, 'jobs-runner')).has('RR_AGENT_PUBSUB_BACKEND'));
});

/**
 * Retool's node DaemonSets as tryretool/retool-helm 6.11.21 renders them (agent_sandbox_device_plugin.yaml,
 * agent_sandbox_prepuller.yaml, agent_sandbox_seccomp.yaml), written here from those templates, not from the schema:
 * containers in order (init first), image, command, the security context and resources, host paths. Deliberate
 * differences: RuntimeDefault seccomp on the pod (Retool's sets it on the prepuller's pause only), resources on
 * install-seccomp (Retool's has none), the seccomp profile by env instead of templated into the script, and
 * hostNetwork off unless asked.
 */
const DROP_ALL = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
const UID_1001 = { ...DROP_ALL, runAsNonRoot: true, runAsUser: 1001 };
const TINY = { requests: { cpu: '1m', memory: '4Mi' }, limits: { cpu: '10m', memory: '16Mi' } };
const OFFICIAL_NODE_SETUP: Record<string, { containers: Array<{ name: string; init?: true; image: string; command?: string[]; securityContext: object; resources: object }>; hostPaths: Record<string, { path: string; type?: string }>; updateStrategy?: object; grace?: number }> = {
  'agent-sandbox-device-plugin': {
    containers: [{ name: 'smarter-device-manager', image: 'ghcr.io/smarter-project/smarter-device-manager:v1.20.12', securityContext: DROP_ALL, resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } } }],
    hostPaths: { 'device-plugin': { path: '/var/lib/kubelet/device-plugins' }, dev: { path: '/dev' }, sys: { path: '/sys' } },
  },
  'agent-sandbox-image-prepuller': {
    containers: [
      { name: 'pull-image', init: true, image: 'tryretool/agent-sandbox-service:4.0.7-stable', command: ['true'], securityContext: UID_1001, resources: TINY },
      { name: 'pause', image: 'busybox:1.37.0', command: ['sleep', 'infinity'], securityContext: UID_1001, resources: TINY },
    ],
    hostPaths: {},
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%' } },
    grace: 5,
  },
  'agent-sandbox-node-installer': {
    containers: [
      { name: 'install-seccomp', init: true, image: 'busybox:1.37.0', securityContext: DROP_ALL, resources: TINY },
      { name: 'pause', image: 'busybox:1.37.0', command: ['sleep', 'infinity'], securityContext: DROP_ALL, resources: TINY },
    ],
    hostPaths: { 'host-seccomp': { path: '/var/lib/kubelet/seccomp', type: 'DirectoryOrCreate' } },
  },
};

test('the agent sandbox\'s node DaemonSets: Retool\'s containers, host paths and limits; on the sandboxes\' nodes; no token; deny-all policies', () => {
  const objects = fixtures.find((f) => f.name === 'app-builder')!.objects;
  const daemonSets = byKind(objects, 'DaemonSet');
  const of = (name: string) => daemonSets.find((d) => d.metadata.labels?.['app.kubernetes.io/component'] === name)!;
  assert.equal(daemonSets.map((d) => d.metadata.labels?.['app.kubernetes.io/component']).sort(), Object.keys(OFFICIAL_NODE_SETUP).sort(), 'one DaemonSet per schema entry');
  assert.equal(model.nodeDaemonSets.map((d) => d.name).sort(), Object.keys(OFFICIAL_NODE_SETUP).sort(), 'a row here per x-retool-node-daemonset');
  const sandboxPod = jobTemplates(objects).find((j) => j.metadata.labels?.['app.kubernetes.io/component'] === 'agent-sandbox')!.spec.template.spec;
  for (const [name, official] of Object.entries(OFFICIAL_NODE_SETUP)) {
    const ds = of(name);
    assert.ok(ds, name);
    const pod = ds.spec.template.spec;
    const rendered = [...(pod.initContainers ?? []).map((c: any) => ({ ...c, init: true })), ...pod.containers];
    assert.equal(rendered.map((c: any) => c.name), official.containers.map((c) => c.name), `${name} containers`);
    for (const [i, c] of official.containers.entries()) {
      const r = rendered[i];
      assert.is(r.image, c.image, `${name}/${c.name} image`);
      if (c.command) assert.equal(r.command, c.command, `${name}/${c.name} command`);
      assert.equal(r.securityContext, c.securityContext, `${name}/${c.name} securityContext`);
      assert.equal(r.resources, c.resources, `${name}/${c.name} resources`);
    }
    assert.equal(Object.fromEntries((pod.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => [v.name, v.hostPath])), official.hostPaths, `${name} host paths`);
    assert.equal(ds.spec.updateStrategy, official.updateStrategy, `${name} updateStrategy`);
    assert.is(pod.terminationGracePeriodSeconds, official.grace, `${name} grace period`);
    assert.is(pod.automountServiceAccountToken, false, `${name} mounts no token`);
    assert.equal(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' }, `${name} RuntimeDefault seccomp`);
    assert.equal(pod.nodeSelector, sandboxPod.nodeSelector, `${name} lands where the sandboxes do`);
    assert.is(pod.hostNetwork, undefined, `${name} on the pod network unless nodeSetup.hostNetwork`);
    const policy = byKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === ds.metadata.name)!;
    assert.equal([policy.spec.ingress, policy.spec.egress], [[], []], `${name}: a deny-all NetworkPolicy`);
  }
  // The device plugin: smarter-device-manager reads /root/config/conf.yaml, one devicematch for /dev/net/tun.
  const plugin = of('agent-sandbox-device-plugin');
  assert.is(plugin.spec.template.spec.priorityClassName, 'system-node-critical');
  const config = byKind(objects, 'ConfigMap').find((c) => c.metadata.name === plugin.metadata.name)!;
  assert.equal(yaml.load(config.data['conf.yaml']), [{ devicematch: '^net/tun$', nummaxdevices: 130 }]);
  assert.is(plugin.spec.template.spec.containers[0].volumeMounts.find((m: any) => m.name === 'config').mountPath, '/root/config');
  // The installer copies the given profile to the Localhost path the sandboxes run under, named by env.
  const installer = of('agent-sandbox-node-installer');
  const install = installer.spec.template.spec.initContainers[0];
  assert.is(envOf(install).get('SECCOMP_PROFILE').value, sandboxPod.containers[0].securityContext.seccompProfile.localhostProfile);
  assert.match(install.command.join(' '), 'cp /seccomp-profile/profile.json "/host-seccomp/$SECCOMP_PROFILE"');
  assert.is(install.volumeMounts.find((m: any) => m.mountPath === '/host-seccomp').name, 'host-seccomp');
  const profile = byKind(objects, 'ConfigMap').find((c) => c.metadata.name === installer.metadata.name)!;
  assert.match(profile.data['profile.json'], '"defaultAction"');
  assert.match(installer.spec.template.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/, 'a new profile restarts the installers');

  // Values: another device count and priority class, the host network, a ConfigMap of the operator's for the profile.
  const changed = parseManifests(renderFixture('app-builder', 4, [
    '--set', 'appBuilder.agentSandbox.nodeSetup.devicePlugin.maxDevices=12', '--set', 'appBuilder.agentSandbox.nodeSetup.devicePlugin.priorityClassName=',
    '--set', 'appBuilder.agentSandbox.nodeSetup.hostNetwork=true', '--set', 'components.agentSandbox.nodeSelector.pool=sandboxes',
    '--set', 'appBuilder.agentSandbox.nodeSetup.seccompInstaller.profileConfigMap.name=gvisor', '--set', 'appBuilder.agentSandbox.nodeSetup.seccompInstaller.profileConfigMap.key=gvisor.json',
  ]));
  const changedOf = (name: string) => byKind(changed, 'DaemonSet').find((d) => d.metadata.labels?.['app.kubernetes.io/component'] === name)!;
  assert.equal(yaml.load(byKind(changed, 'ConfigMap').find((c) => c.metadata.name === plugin.metadata.name)!.data['conf.yaml']), [{ devicematch: '^net/tun$', nummaxdevices: 12 }]);
  assert.is(changedOf('agent-sandbox-device-plugin').spec.template.spec.priorityClassName, undefined);
  for (const name of Object.keys(OFFICIAL_NODE_SETUP)) {
    const pod = changedOf(name).spec.template.spec;
    assert.is(pod.hostNetwork, true, `${name} hostNetwork`);
    assert.is(pod.dnsPolicy, 'ClusterFirstWithHostNet', `${name} resolves cluster names on the host network`);
    assert.equal(pod.nodeSelector, { 'kubernetes.io/arch': 'amd64', pool: 'sandboxes' }, `${name} follows components.agentSandbox.nodeSelector`);
  }
  const ref = changedOf('agent-sandbox-node-installer').spec.template.spec.volumes.find((v: any) => v.name === 'seccomp-profile');
  assert.equal(ref.configMap, { name: 'gvisor', items: [{ key: 'gvisor.json', path: 'profile.json' }] });
  assert.not.ok(byKind(changed, 'ConfigMap').some((c) => c.metadata.name === installer.metadata.name), 'no ConfigMap of the chart\'s when the operator names one');

  // Off by default, and off with the sandbox.
  for (const fixture of ['evaluation', 'app-builder-restricted']) assert.equal(byKind(fixtures.find((f) => f.name === fixture)!.objects, 'DaemonSet'), [], `${fixture}: no DaemonSet`);
  assert.equal(byKind(parseManifests(renderFixture('app-builder', 4, ['--set', 'appBuilder.agentSandbox.enabled=false'])), 'DaemonSet'), [], 'none without the sandbox');
});

test('local Temporal: the worker service is not probed on a port it never opens; the Web UI can write its config', () => {
  const local = fixtures.find((f) => f.name === 'temporal-local-db-ca')!;
  const worker = component(local.objects, 'temporal-worker')!;
  const c = worker.spec.template.spec.containers[0];
  assert.is(c.readinessProbe, undefined);
  assert.is(c.livenessProbe, undefined);
  assert.not.ok(c.ports.some((p: any) => p.containerPort === 7239), 'no gRPC port 7239');
  const web = component(local.objects, 'temporal-web')!;
  const mount = web.spec.template.spec.containers[0].volumeMounts.find((m: any) => m.mountPath === '/home/ui-server/config');
  assert.ok(web.spec.template.spec.volumes.find((v: any) => v.name === mount?.name)?.emptyDir, 'writable /home/ui-server/config');
});

test('local Temporal over TLS verifies the database host only when a CA is given', () => {
  const config = (name: string) => {
    const cm = byKind(fixtures.find((f) => f.name === name)!.objects, 'ConfigMap').find((o) => o.metadata.name.endsWith('temporal-config'))!;
    return (yaml.load(cm.data['docker.yaml'].replace(/\{\{[^}]*\}\}/g, 'x')) as any).persistence.datastores.default.sql.tls;
  };
  const setupEnv = (name: string) => {
    const job = byKind(fixtures.find((f) => f.name === name)!.objects, 'Job')[0];
    return envOf(job.spec.template.spec.initContainers.find((c: any) => c.name === 'schema'));
  };
  assert.equal(config('temporal-local-db-ca'), { enabled: true, enableHostVerification: true, caFile: '/etc/temporal/db-ca/ca.crt' });
  assert.is(setupEnv('temporal-local-db-ca').get('SQL_TLS_DISABLE_HOST_VERIFICATION').value, 'false');
  assert.is(setupEnv('temporal-local-db-ca').get('SQL_TLS_CA_FILE').value, '/etc/temporal/db-ca/ca.crt');
  assert.equal(config('temporal-local-production-tls'), { enabled: true, enableHostVerification: false });
  assert.is(setupEnv('temporal-local-production-tls').get('SQL_TLS_DISABLE_HOST_VERIFICATION').value, 'true');
  assert.equal(config('temporal-local'), { enabled: false });
});

test.run();
