import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { type TargetFacts } from '../target-facts.js';
import { OFFICIAL_TUNING } from '../official-chart.js';
import { mapRetoolDatabase } from './databases.js';
import { backendComponents, type EnvValue, arr, bool, int, numStr, ref, str, truthy } from './helpers.js';
import { envFromSecretNames } from './secrets.js';
import { setEnv } from './env-values.js';

/**
 * Runtime tuning env the official chart sets on its own (pool sizes, timeouts, Node options): this chart sets the
 * same defaults itself, so only a value that differs from this chart's is written.
 */
export function mapTuningEnv(ctx: ImportContext, workflows: boolean, target: TargetFacts) {
  const tune = (component: string, name: string, value: string, from: string) => {
    if (target.builtInEnv[component]?.[name] === value) return;
    ctx.set(`components.${component}.env.${name}`, value, from);
  };
  const pool = int(ctx.read('config.postgresPoolMaxSize'));
  if (pool) tune('api', 'DBCONNECTOR_POSTGRES_POOL_MAX_SIZE', String(pool), 'config.postgresPoolMaxSize');
  const timeout = str(ctx.read('config.dbConnectorTimeout')) ?? numStr(ctx.peek('config.dbConnectorTimeout'));
  if (timeout) tune('api', 'DBCONNECTOR_QUERY_TIMEOUT_MS', timeout, 'config.dbConnectorTimeout');

  // Java DB connector: on by default in both charts; this chart turns it into SERVICE_TYPE or the opt-out by version.
  const java = truthy(ctx.read('dbconnector.java.enabled'));
  ctx.use('dbconnector.java.port');
  if (!java) {
    for (const component of target.javaDbConnectorComponents) {
      if (component === 'workflowsBackend' && !workflows) continue;
      ctx.set(`components.${component}.javaDbConnector`, false, 'dbconnector.java.enabled');
    }
  }
  if (!workflows) return;
  const workflowTimeout = str(ctx.read('workflows.dbConnectorTimeout')) ?? numStr(ctx.peek('workflows.dbConnectorTimeout'));
  const wfTimeout = workflowTimeout ?? timeout ?? OFFICIAL_TUNING.workflowsQueryTimeoutMs;
  const wfTimeoutFrom = workflowTimeout ? 'workflows.dbConnectorTimeout' : 'config.dbConnectorTimeout (the official chart uses it for workflow containers too)';
  for (const [component, key] of [['workflowsBackend', 'backend'], ['workflowsWorker', 'worker']] as const) {
    const size = int(ctx.read(`workflows.${key}.postgresPoolMaxSize`)) ?? 100;
    tune(component, 'DBCONNECTOR_POSTGRES_POOL_MAX_SIZE', String(size), `workflows.${key}.postgresPoolMaxSize`);
    tune(component, 'DBCONNECTOR_QUERY_TIMEOUT_MS', wfTimeout, wfTimeoutFrom);
  }
  const workerNode = str(ctx.read('workflows.config.nodeOptions'));
  tune('workflowsWorker', 'NODE_OPTIONS', workerNode ?? OFFICIAL_TUNING.nodeOptions, workerNode ? 'workflows.config.nodeOptions' : 'the official chart\'s default NODE_OPTIONS for workflow workers');
  tune('codeExecutor', 'NODE_ENV', 'production', 'the official chart sets NODE_ENV on the code executor too');
  const ceNode = str(ctx.read('codeExecutor.config.nodeOptions'));
  tune('codeExecutor', 'NODE_OPTIONS', ceNode ?? OFFICIAL_TUNING.nodeOptions, ceNode ? 'codeExecutor.config.nodeOptions' : 'the official chart\'s default NODE_OPTIONS for the code executor');
  const otel = ctx.read('workflows.config.otelCollector');
  if (isObject(otel) && truthy(otel.enabled)) {
    const endpoint = str(otel.endpoint);
    if (endpoint && !endpoint.includes('$(')) ctx.set('components.workflowsWorker.env.OTEL_EXPORTER_OTLP_ENDPOINT', endpoint, 'workflows.config.otelCollector.endpoint');
    else ctx.drop('workflows.config.otelCollector', 'an OpenTelemetry endpoint on the node IP needs a fieldRef env, which this chart does not render');
  }
  const workerEnv = collectEnvList(ctx, 'workflows.config.environmentVariables');
  for (const [name, entry] of workerEnv) setEnv(ctx, `components.workflowsWorker.env.${name}`, entry.value, entry.from);
}

/** Official env (map), environmentSecrets and environmentVariables, in the order the official chart lists them. */
export function mapEnv(ctx: ImportContext) {
  const env = new Map<string, { value: EnvValue; from: string }>();
  const map = ctx.read('env');
  if (isObject(map)) {
    for (const [name, value] of Object.entries(map)) {
      const from = `env.${name}`;
      const converted = envFromOfficial(ctx, value, from);
      if (converted !== undefined) env.set(name, { value: converted, from });
    }
  }
  arr(ctx.read('environmentSecrets')).forEach((item, i) => {
    const from = `environmentSecrets[${i}]`;
    if (!isObject(item) || !str(item.name) || !isObject(item.secretKeyRef)) return ctx.drop(from, 'not a { name, secretKeyRef: { name, key } } entry', false);
    const r = item.secretKeyRef;
    env.set(String(item.name), { value: ref(String(r.name), String(r.key)), from });
  });
  for (const [name, entry] of collectEnvList(ctx, 'environmentVariables')) env.set(name, entry);

  mapRetoolDatabase(ctx, env);
  const baseDomain = env.get('BASE_DOMAIN');
  if (baseDomain && typeof baseDomain.value === 'string' && ctx.can('baseDomain')) {
    ctx.set('retool.baseDomain', baseDomain.value, baseDomain.from);
    env.delete('BASE_DOMAIN');
  }
  const unprivileged = env.get('CONTAINER_UNPRIVILEGED_MODE');
  if (unprivileged && typeof unprivileged.value === 'string' && bool(unprivileged.value)) {
    ctx.set('components.codeExecutor.sandbox', 'none', `${unprivileged.from} (this chart sets CONTAINER_UNPRIVILEGED_MODE itself for sandbox: none)`);
    env.delete('CONTAINER_UNPRIVILEGED_MODE');
  }
  // The official env reaches every Retool container (backend image and code executor): podDefaults.env.
  for (const [name, { value, from }] of env) setEnv(ctx, `podDefaults.env.${name}`, value, from);
}

export function collectEnvList(ctx: ImportContext, path: string): Map<string, { value: EnvValue; from: string }> {
  const out = new Map<string, { value: EnvValue; from: string }>();
  arr(ctx.read(path)).forEach((item, i) => {
    const from = `${path}[${i}]`;
    if (!isObject(item) || !str(item.name)) return ctx.drop(from, 'not a Kubernetes env entry { name, value | valueFrom }', false);
    // The official environmentSecrets shape, { name, secretKeyRef: { name, key } }, is a secretKeyRef entry too.
    const valueFrom = 'valueFrom' in item ? item.valueFrom : isObject(item.secretKeyRef) ? { secretKeyRef: item.secretKeyRef } : undefined;
    const converted = envFromOfficial(ctx, valueFrom !== undefined ? { valueFrom } : (item.value ?? ''), from);
    if (converted !== undefined) out.set(String(item.name), { value: converted, from });
  });
  return out;
}

/** One official env value as this chart's env value; undefined (and dropped) when it cannot be carried. */
export function envFromOfficial(ctx: ImportContext, value: unknown, from: string): EnvValue | undefined {
  if (value === null || value === undefined) return '';
  if (!isObject(value)) return String(value);
  if ('value' in value && !('valueFrom' in value)) return String(value.value ?? '');
  const valueFrom = value.valueFrom;
  if (isObject(valueFrom) && isObject(valueFrom.secretKeyRef)) {
    const r = valueFrom.secretKeyRef;
    if (r.optional !== undefined) ctx.note(`${from}: secretKeyRef.optional is not carried (the key must exist).`);
    return ref(String(r.name), String(r.key));
  }
  if (isObject(valueFrom) && isObject(valueFrom.configMapKeyRef)) {
    const r = valueFrom.configMapKeyRef;
    return { configMapKeyRef: { name: String(r.name), key: String(r.key) } };
  }
  ctx.drop(from, `env from ${isObject(valueFrom) ? Object.keys(valueFrom).join(', ') : 'this source'} (fieldRef, resourceFieldRef) is not supported by this chart's env`);
  return undefined;
}

/** externalSecrets (legacy and External Secrets Operator) were envFrom Secrets on the backend containers. */
export function mapEnvFrom(ctx: ImportContext, target: TargetFacts) {
  const legacy = truthy(ctx.read('externalSecrets.enabled'));
  const eso = truthy(ctx.read('externalSecrets.externalSecretsOperator.enabled'));
  if (!legacy && !eso) {
    ctx.use('externalSecrets');
    return;
  }
  const names = envFromSecretNames(ctx);
  ctx.use('externalSecrets.name');
  ctx.use('externalSecrets.secrets');
  const from = legacy ? 'externalSecrets.name, externalSecrets.secrets' : 'externalSecrets.externalSecretsOperator.secretRef';
  if (!ctx.can('extraEnvFrom')) {
    ctx.drop(legacy ? 'externalSecrets.enabled' : 'externalSecrets.externalSecretsOperator.enabled', `env from whole Secrets (${names.join(', ')}) needs a chart version with extraEnvFrom`);
    return;
  }
  const list = names.map((name) => ({ secretRef: { name } }));
  // Backend-image containers only: the official code executor had no envFrom.
  for (const c of backendComponents(ctx, target)) ctx.set(`components.${c}.extraEnvFrom`, list, from);
  if (eso) {
    ctx.use('externalSecrets.externalSecretsOperator');
    ctx.note('The official chart created the ExternalSecret objects as Helm hooks; Helm never deletes hook objects on upgrade, so they stay and keep syncing: manage them outside this chart from now on.');
    if (arr(ctx.peek('externalSecrets.externalSecretsOperator.secretRef')).some((s) => isObject(s) && truthy(s.optional))) {
      ctx.note('secretRef.optional is not carried: every envFrom Secret must exist.');
    }
  }
}
