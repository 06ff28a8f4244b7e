import { isObject } from '../schema/json-schema.js';
import { ImportContext, type ImportOptions } from './import-context.js';
import {
  OFFICIAL_DEFAULTS,
  OFFICIAL_SECRET_KEYS,
  OFFICIAL_TUNING,
  OFFICIAL_WORKFLOWS_SINCE,
  officialFullname,
  officialPostgresName,
} from './official-chart.js';

/** What the mapping needs to know about this chart's schema beyond the capabilities. */
export interface TargetFacts {
  /** Keys our podSecurityContext / containerSecurityContext accept. */
  podSecurityContextKeys: readonly string[];
  containerSecurityContextKeys: readonly string[];
  /** This chart's default Retool version (used when the official tag names none). */
  defaultVersion: string;
  /** Env this chart already sets per component (components.<key> -> NAME -> value): carried only when it differs. */
  builtInEnv: Record<string, Record<string, string>>;
  /** Components that have a javaDbConnector switch. */
  javaDbConnectorComponents: readonly string[];
}

type Obj = Record<string, unknown>;
type SecretValue = string | { secretKeyRef: { name: string; key: string } };
type EnvValue = SecretValue | { configMapKeyRef: { name: string; key: string } };

/** Backend-image components of this chart (the official chart's main, jobs and workflow pods). */
const BACKEND_COMPONENTS = ['api', 'jobsRunner', 'workflowsBackend', 'workflowsWorker'] as const;
const RETOOLDB_ENV: Record<string, string> = {
  RETOOLDB_POSTGRES_HOST: 'host',
  RETOOLDB_POSTGRES_PORT: 'port',
  RETOOLDB_POSTGRES_DB: 'name',
  RETOOLDB_POSTGRES_USER: 'user',
  RETOOLDB_POSTGRES_PASSWORD: 'password',
  RETOOLDB_POSTGRES_SSL_ENABLED: 'ssl',
};

/**
 * Maps official-chart values (already merged over OFFICIAL_DEFAULTS, like Helm does) onto this chart's values.
 * Pure: everything it learns goes into the returned context (values, origins, dropped keys, actions).
 */
export function mapOfficialValues(official: Obj, options: ImportOptions, target: TargetFacts): ImportContext {
  const ctx = new ImportContext(official, options);
  const carried = new CarriedSecrets(officialFullname(options.release, official), kubectl(options));
  const version = mapImages(ctx, target);
  mapSecrets(ctx, carried);
  mapDatabase(ctx, carried);
  const workflows = mapWorkflows(ctx, version);
  mapTemporal(ctx, workflows);
  mapComponents(ctx, workflows);
  mapTuningEnv(ctx, workflows, target);
  mapEnv(ctx);
  mapEnvFrom(ctx);
  mapPodOptions(ctx);
  mapVolumes(ctx);
  mapSecurity(ctx, target);
  mapIngress(ctx);
  mapServiceAndAccount(ctx);
  carried.finish(ctx);
  return ctx;
}

// ---------------------------------------------------------------------------------------------------------
// images and version

interface Version { major: number; minor: number; patch: number }

function mapImages(ctx: ImportContext, target: TargetFacts): Version | undefined {
  const repository = str(ctx.read('image.repository')) ?? 'tryretool/backend';
  const tag = str(ctx.read('image.tag')) ?? '';
  setRepository(ctx, 'backend', repository, 'tryretool/backend', 'image.repository');

  let version: Version | undefined;
  const channelTag = /^(\d+)\.(\d+)\.(\d+)-(stable|edge)$/.exec(tag);
  const semverTag = /^(\d+)\.(\d+)\.(\d+)/.exec(tag);
  if (channelTag) {
    ctx.set('retool.version', `${channelTag[1]}.${channelTag[2]}.${channelTag[3]}`, 'image.tag');
    ctx.set('retool.channel', channelTag[4], 'image.tag');
  } else if (semverTag) {
    ctx.set('retool.version', semverTag[0], 'image.tag (version part)');
    ctx.set('images.backend.tag', tag, 'image.tag (not <version>-<channel>: pinned as written)');
    ctx.note(`image.tag "${tag}" is not <version>-<channel>; it is pinned as images.backend.tag.`);
  } else if (tag === 'latest') {
    ctx.drop('image.tag', `"latest" is refused by this chart (a moving tag); pinned to ${target.defaultVersion} instead — set retool.version to the version you run`);
  } else if (tag === '') {
    ctx.note(`image.tag is empty: the official chart refuses to render without it; this chart's default version ${target.defaultVersion} is used.`);
  } else if (/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    ctx.set('images.backend.tag', tag, 'image.tag');
  } else {
    ctx.drop('image.tag', `"${tag}" is not a valid image tag`);
  }
  version = semverTag ? parseVersion(semverTag[0]) : parseVersion(target.defaultVersion);

  const pullPolicy = str(ctx.read('image.pullPolicy'));
  if (pullPolicy && pullPolicy !== 'IfNotPresent') ctx.set('images.pullPolicy', pullPolicy, 'image.pullPolicy');
  const pullSecrets = ctx.read('image.pullSecrets');
  if (Array.isArray(pullSecrets) && pullSecrets.length) {
    const names = pullSecrets.map((s) => (isObject(s) ? str(s.name) : str(s))).filter((s): s is string => !!s);
    ctx.set('images.pullSecrets', names, 'image.pullSecrets');
  }

  // The code executor follows image.tag from Retool 3.20.15 on; before that the official chart pins 1.1.0.
  const ceRepository = str(ctx.read('codeExecutor.image.repository')) ?? 'tryretool/code-executor-service';
  setRepository(ctx, 'codeExecutor', ceRepository, 'tryretool/code-executor-service', 'codeExecutor.image.repository');
  const ceTag = str(ctx.read('codeExecutor.image.tag'));
  if (ceTag) ctx.set('images.codeExecutor.tag', ceTag, 'codeExecutor.image.tag');
  else if (semverTag && !channelTag && version && compareVersion(version, [3, 20, 15]) >= 0) ctx.set('images.codeExecutor.tag', tag, 'image.tag (the code executor follows it)');
  else if (version && semverTag && compareVersion(version, [3, 20, 15]) < 0) ctx.set('images.codeExecutor.tag', '1.1.0', 'official rule: code executor 1.1.0 before Retool 3.20.15');
  return version;
}

function setRepository(ctx: ImportContext, image: 'backend' | 'codeExecutor', repository: string, fallback: string, from: string) {
  if (repository === fallback) return;
  if (/^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(repository)) {
    ctx.set(`images.${image}.repository`, repository, from);
    return;
  }
  const [registry, ...rest] = repository.split('/');
  if (rest.length && /[.:]/.test(registry) && /^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(rest.join('/'))) {
    const current = ctx.get('images.registry');
    if (current !== undefined && current !== registry) {
      ctx.drop(from, `registry "${registry}" differs from "${current}"; this chart has one registry prefix for every image`);
      return;
    }
    ctx.set('images.registry', registry, `${from} (registry part; this chart prefixes it to every image)`);
    ctx.set(`images.${image}.repository`, rest.join('/'), from);
    return;
  }
  ctx.drop(from, `"${repository}" is not an image repository this chart accepts`);
}

// ---------------------------------------------------------------------------------------------------------
// secrets

/** Secrets the official chart generated or looked up in its own Secret: they must be copied before switching. */
class CarriedSecrets {
  readonly keys: string[] = [];
  constructor(readonly officialSecret: string, readonly kubectl: string) {}
  get name(): string {
    return `${this.officialSecret}-imported`.slice(0, 63);
  }
  ref(key: string): SecretValue {
    if (!this.keys.includes(key)) this.keys.push(key);
    return { secretKeyRef: { name: this.name, key } };
  }
  finish(ctx: ImportContext) {
    if (!this.keys.length) return;
    const literals = this.keys.map((key) => `--from-literal=${key}="$(${this.kubectl} get secret ${this.officialSecret} -o jsonpath='{.data.${key.replace(/\./g, '\\.')}}' | base64 -d)"`);
    ctx.action({
      title: `Copy ${this.keys.join(', ')} out of the official chart's Secret ${this.officialSecret} before switching`,
      steps: [
        `The official chart generated (or looked up) these values in its Secret ${this.officialSecret}; this chart reads them from ${this.name}.`,
        `${this.kubectl} create secret generic ${this.name} ${literals.join(' ')}`,
      ],
    });
  }
}

/** The Secrets the official chart fed to backend containers through envFrom (external secrets modes). */
function envFromSecretNames(ctx: ImportContext): string[] {
  const names: string[] = [];
  if (truthy(ctx.peek('externalSecrets.enabled'))) {
    names.push(str(ctx.peek('externalSecrets.name')) ?? 'retool-config');
    for (const s of arr(ctx.peek('externalSecrets.secrets'))) if (isObject(s) && str(s.name)) names.push(String(s.name));
  }
  if (truthy(ctx.peek('externalSecrets.externalSecretsOperator.enabled'))) {
    for (const s of arr(ctx.peek('externalSecrets.externalSecretsOperator.secretRef'))) if (isObject(s) && str(s.name)) names.push(String(s.name));
  }
  return names;
}

/** True when the official chart left Retool's own secrets to envFrom Secrets (no LICENSE_KEY etc. env). */
function secretsFromEnvFrom(ctx: ImportContext): boolean {
  const external = truthy(ctx.peek('externalSecrets.enabled')) || truthy(ctx.peek('externalSecrets.externalSecretsOperator.enabled'));
  return external && !truthy(ctx.read('externalSecrets.includeConfigSecrets'));
}

function mapSecrets(ctx: ImportContext, carried: CarriedSecrets) {
  const fromEnvFrom = secretsFromEnvFrom(ctx);
  const envFromNames = envFromSecretNames(ctx);
  const one = (field: 'licenseKey' | 'encryptionKey' | 'jwtSecret', envName: string) => {
    const secretName = str(ctx.read(`config.${field}SecretName`));
    const secretKey = str(ctx.read(`config.${field}SecretKey`));
    const inline = ctx.read(`config.${field}`);
    const target = `retool.${field}`;
    if (fromEnvFrom && envFromNames.length) {
      ctx.set(target, ref(envFromNames[0], envName), `externalSecrets (the official chart read ${envName} through envFrom)`);
      ctx.note(`${target} assumes Secret ${envFromNames[0]} holds ${envName}, as the official chart's envFrom did; change the reference if another of ${envFromNames.join(', ')} holds it.`);
    } else if (secretName) {
      ctx.set(target, ref(secretName, secretKey ?? OFFICIAL_SECRET_KEYS[field]), `config.${field}SecretName, config.${field}SecretKey`);
    } else if (str(inline)) {
      ctx.set(target, String(inline), `config.${field}`);
    } else {
      ctx.set(target, carried.ref(OFFICIAL_SECRET_KEYS[field]), `config.${field} is empty: the official chart kept a generated value in its Secret`);
    }
  };
  const insecure = bool(ctx.read('config.useInsecureCookies'));
  if (ctx.can('cookieInsecure')) ctx.set('retool.cookieInsecure', insecure, 'config.useInsecureCookies (the official chart always sets COOKIE_INSECURE)');
  else ctx.set('retool.env.COOKIE_INSECURE', String(insecure), 'config.useInsecureCookies (the official chart always sets COOKIE_INSECURE)');
  one('licenseKey', 'LICENSE_KEY');
  one('encryptionKey', 'ENCRYPTION_KEY');
  one('jwtSecret', 'JWT_SECRET');

  // Google SSO: the official chart sets CLIENT_ID / CLIENT_SECRET on backend containers when enabled.
  if (truthy(ctx.read('config.auth.google.enabled'))) {
    const clientId = str(ctx.read('config.auth.google.clientId'));
    const secretName = str(ctx.read('config.auth.google.clientSecretSecretName'));
    const secretKey = str(ctx.read('config.auth.google.clientSecretSecretKey'));
    const inline = str(ctx.read('config.auth.google.clientSecret'));
    if (clientId) ctx.set('retool.env.CLIENT_ID', clientId, 'config.auth.google.clientId');
    if (secretName) setEnvRef(ctx, 'retool.env.CLIENT_SECRET', ref(secretName, secretKey ?? OFFICIAL_SECRET_KEYS.googleClientSecret), 'config.auth.google.clientSecretSecretName', 'config.auth.google.clientSecretSecretName');
    else if (inline) ctx.drop('config.auth.google.clientSecret', 'this chart never puts a secret in a literal env value: create a Secret with it and give config.auth.google.clientSecretSecretName (then import again)');
  }
}

// ---------------------------------------------------------------------------------------------------------
// storage database and Retool Database

function mapDatabase(ctx: ImportContext, carried: CarriedSecrets) {
  const release = ctx.options.release;
  if (truthy(ctx.read('postgresql.enabled'))) {
    ctx.set('database.mode', 'embedded', 'postgresql.enabled (the in-release PostgreSQL, for evaluation)');
    for (const key of ['auth', 'service', 'image', 'postgresqlDataDir', 'primary', 'ssl_enabled', 'nameOverride']) ctx.use(`postgresql.${key}`);
    if (typeof ctx.get('retool.encryptionKey') !== 'string') {
      const password = str(ctx.peek('postgresql.auth.password')) ?? 'retool';
      ctx.set('database.embedded.password', password, 'postgresql.auth.password (needed: retool.encryptionKey is a reference)');
    }
    const pg = officialPostgresName(release, ctx.official);
    ctx.drop('postgresql.enabled', `the official chart's Bitnami PostgreSQL (StatefulSet ${pg}) and its data are not adopted: this chart's embedded database starts empty — move the data first (README "Migrating from the official chart") or point database.mode: external at a server that has it`);
    const ours = `${officialFullname(release, ctx.official)}-storage-postgresql`;
    const database = str(ctx.peek('postgresql.auth.database')) ?? 'hammerhead_production';
    ctx.action({
      title: 'Move the data of the official in-release PostgreSQL',
      steps: [
        `${kubectl(ctx.options)} exec ${pg}-0 -- pg_dump -U postgres -Fc ${database} > retool.dump`,
        `after installing this chart, with its api, jobs-runner and workflow Deployments scaled to 0: ${kubectl(ctx.options)} exec -i ${ours}-0 -- pg_restore -U retool -d hammerhead_production --clean --if-exists --no-owner < retool.dump`,
        `the old volume (PVC data-${pg}-0) is not touched by this chart (its database is ${ours}); delete it once the restore is verified`,
      ],
    });
    return;
  }
  ctx.set('database.mode', 'external', 'postgresql.enabled: false');
  const host = str(ctx.read('config.postgresql.host'));
  if (host) ctx.set('database.external.host', host, 'config.postgresql.host');
  const port = int(ctx.read('config.postgresql.port'));
  if (port !== undefined) ctx.set('database.external.port', port, 'config.postgresql.port');
  const name = str(ctx.read('config.postgresql.db')) ?? str(ctx.read('config.postgresql.database'));
  if (name) ctx.set('database.external.name', name, 'config.postgresql.db');
  const user = str(ctx.read('config.postgresql.user'));
  if (user) ctx.set('database.external.user', user, 'config.postgresql.user');
  const ssl = ctx.read('config.postgresql.ssl_enabled');
  if (ssl !== undefined && ssl !== null) ctx.set('database.external.ssl', bool(ssl), 'config.postgresql.ssl_enabled');

  const secretName = str(ctx.read('config.postgresql.passwordSecretName'));
  const secretKey = str(ctx.read('config.postgresql.passwordSecretKey'));
  const inline = str(ctx.read('config.postgresql.password'));
  const envFrom = envFromSecretNames(ctx);
  if (secretsFromEnvFrom(ctx) && envFrom.length) {
    ctx.set('database.external.password', ref(envFrom[0], 'POSTGRES_PASSWORD'), 'externalSecrets (the official chart read POSTGRES_PASSWORD through envFrom)');
  } else if (secretName) {
    ctx.set('database.external.password', ref(secretName, secretKey ?? OFFICIAL_SECRET_KEYS.postgresPassword), 'config.postgresql.passwordSecretName, config.postgresql.passwordSecretKey');
  } else if (inline) {
    ctx.set('database.external.password', inline, 'config.postgresql.password');
  } else {
    ctx.set('database.external.password', carried.ref(OFFICIAL_SECRET_KEYS.postgresPassword), 'config.postgresql.password is empty in the official values');
  }
}

/** RETOOLDB_POSTGRES_* env given to the official chart become this chart's retoolDatabase.external. */
function mapRetoolDatabase(ctx: ImportContext, env: Map<string, { value: EnvValue; from: string }>) {
  const found = [...env.keys()].filter((name) => name in RETOOLDB_ENV);
  if (!found.length) return;
  ctx.set('retoolDatabase.mode', 'external', `${found.map((n) => env.get(n)!.from).join(', ')}`);
  for (const name of found) {
    const { value, from } = env.get(name)!;
    env.delete(name);
    const field = RETOOLDB_ENV[name];
    if (field === 'password') {
      if (isObject(value) && 'configMapKeyRef' in value) ctx.drop(from, 'a database password from a ConfigMap is not supported; put it in a Secret');
      else ctx.set('retoolDatabase.external.password', value, from);
    } else if (typeof value !== 'string') {
      ctx.drop(from, `retoolDatabase.external.${field} must be a literal value`);
    } else if (field === 'port') {
      ctx.set('retoolDatabase.external.port', Number(value), from);
    } else if (field === 'ssl') {
      ctx.set('retoolDatabase.external.ssl', bool(value), from);
    } else {
      ctx.set(`retoolDatabase.external.${field}`, value, from);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// workflows and Temporal

function mapWorkflows(ctx: ImportContext, version: Version | undefined): boolean {
  const explicit = ctx.read('workflows.enabled');
  const tag = str(ctx.peek('image.tag')) ?? '';
  let enabled: boolean;
  let from: string;
  if (String(explicit) === 'true' || String(explicit) === 'false') {
    enabled = String(explicit) === 'true';
    from = 'workflows.enabled';
  } else if (tag === '') {
    enabled = false;
    from = 'workflows.enabled unset and image.tag empty: the official chart renders no workflows';
  } else {
    enabled = tag === 'latest' || (version !== undefined && compareVersion(version, OFFICIAL_WORKFLOWS_SINCE) >= 0);
    from = `workflows.enabled unset: the official chart turns workflows ${enabled ? 'on' : 'off'} for image.tag ${tag}`;
  }
  if (truthy(ctx.read('agents.enabled')) && !enabled) {
    enabled = true;
    from = 'agents.enabled (the official chart needs workflows for agents)';
  }
  ctx.set('workflows.enabled', enabled, from);
  return enabled;
}

function mapTemporal(ctx: ImportContext, workflows: boolean) {
  // The official chart reads workflows.temporal when set, else temporal.
  const base = truthy(ctx.peek('workflows.temporal')) ? 'workflows.temporal' : 'temporal';
  ctx.use(base === 'temporal' ? 'workflows.temporal' : 'temporal');
  const t = (key: string) => ctx.read(`${base}.${key}`);
  const subchart = truthy(ctx.read('retool-temporal-services-helm.enabled'));
  if (truthy(t('enabled'))) {
    ctx.set('temporal.mode', 'external', `${base}.enabled`);
    const host = str(t('host'));
    if (host) ctx.set('temporal.external.host', host, `${base}.host`);
    const port = int(t('port'));
    if (port !== undefined) ctx.set('temporal.external.port', port, `${base}.port`);
    const namespace = str(t('namespace'));
    if (namespace) ctx.set('temporal.external.namespace', namespace, `${base}.namespace`);
    if (truthy(t('sslEnabled'))) mapTemporalTls(ctx, base);
    else for (const key of ['sslCert', 'sslKey', 'sslKeySecretName', 'sslKeySecretKey']) ctx.use(`${base}.${key}`);
    if (subchart) ctx.drop('retool-temporal-services-helm.enabled', `the official chart pointed Retool at ${base}.host, not at its Temporal subchart; the subchart is not carried`, false);
    return;
  }
  for (const key of ['host', 'port', 'namespace', 'sslEnabled', 'sslCert', 'sslKey', 'sslKeySecretName', 'sslKeySecretKey']) ctx.use(`${base}.${key}`);
  if (subchart) {
    mapLocalTemporal(ctx);
    return;
  }
  ctx.set('temporal.mode', 'retoolManaged', `neither ${base}.enabled nor retool-temporal-services-helm.enabled: the official chart set no Temporal env${workflows ? ' (Retool-managed Temporal)' : ''}`);
}

function mapTemporalTls(ctx: ImportContext, base: string) {
  const cert = str(ctx.read(`${base}.sslCert`));
  const key = str(ctx.read(`${base}.sslKey`));
  const keySecret = str(ctx.read(`${base}.sslKeySecretName`));
  const keySecretKey = str(ctx.read(`${base}.sslKeySecretKey`));
  if (!cert || (!key && !keySecret)) {
    ctx.drop(`${base}.sslEnabled`, 'TLS without a client certificate and key: this chart speaks mTLS to an external Temporal (clientCert and clientKey); add them, or set temporal.external.tls yourself');
    return;
  }
  ctx.set('temporal.external.tls.enabled', true, `${base}.sslEnabled`);
  ctx.set('temporal.external.tls.clientCert', cert, `${base}.sslCert`);
  if (keySecret) ctx.set('temporal.external.tls.clientKey', ref(keySecret, keySecretKey ?? OFFICIAL_SECRET_KEYS.temporalTlsKey), `${base}.sslKeySecretName, ${base}.sslKeySecretKey`);
  else ctx.set('temporal.external.tls.clientKey', key!, `${base}.sslKey`);
  if (!key) ctx.note(`${base}: the official chart renders no client certificate when only sslKeySecretName is given (it needs sslKey too); this chart sends the certificate and the key from ${keySecret}, as mTLS needs.`);
}

function mapLocalTemporal(ctx: ImportContext) {
  const sub = 'retool-temporal-services-helm';
  ctx.set('temporal.mode', 'local', `${sub}.enabled (a Temporal cluster inside the release)`);
  ctx.set('temporal.local.namespace', 'workflows', `the official chart's fixed Temporal namespace for ${sub}`);
  const shards = int(ctx.read(`${sub}.server.config.numHistoryShards`));
  if (shards !== undefined) ctx.set('temporal.local.numHistoryShards', shards, `${sub}.server.config.numHistoryShards (fixed once Temporal has data)`);
  const sql = (store: 'default' | 'visibility', key: string) => ctx.read(`${sub}.server.config.persistence.${store}.sql.${key}`);
  const host = str(sql('default', 'host'));
  if (host) {
    const from = `${sub}.server.config.persistence.default.sql`;
    ctx.set('temporal.local.persistence.database', 'external', `${from}.host`);
    ctx.set('temporal.local.persistence.external.host', host, `${from}.host`);
    const port = int(sql('default', 'port'));
    if (port !== undefined) ctx.set('temporal.local.persistence.external.port', port, `${from}.port`);
    const user = str(sql('default', 'user'));
    if (user) ctx.set('temporal.local.persistence.external.user', user, `${from}.user`);
    const existing = str(sql('default', 'existingSecret'));
    const password = str(sql('default', 'password'));
    if (existing) ctx.set('temporal.local.persistence.external.password', ref(existing, str(sql('default', 'secretKey')) ?? 'password'), `${from}.existingSecret, ${from}.secretKey`);
    else if (password) ctx.set('temporal.local.persistence.external.password', password, `${from}.password`);
    const tls = sql('default', 'tls');
    if (isObject(tls) && truthy(tls.enabled)) ctx.set('temporal.local.persistence.external.ssl', true, `${from}.tls.enabled`);
    const database = str(sql('default', 'database'));
    if (database) ctx.set('temporal.local.persistence.defaultDatabase', database, `${from}.database`);
    const visibility = str(sql('visibility', 'database'));
    if (visibility) ctx.set('temporal.local.persistence.visibilityDatabase', visibility, `${sub}.server.config.persistence.visibility.sql.database`);
    const visibilityHost = str(sql('visibility', 'host'));
    if (visibilityHost && visibilityHost !== host) ctx.drop(`${sub}.server.config.persistence.visibility.sql.host`, `the visibility database on another server (${visibilityHost}) is not supported: this chart keeps both Temporal databases on ${host}`);
    for (const key of ['port', 'user', 'password', 'existingSecret', 'secretKey', 'tls']) sql('visibility', key);
    ctx.note(`Temporal keeps its data: this chart's temporal-setup Job brings the schema of ${database ?? 'temporal'} / ${visibility ?? 'temporal_visibility'} on ${host} up to temporalio/server 1.27.2; numHistoryShards is carried unchanged.`);
  } else {
    ctx.set('temporal.local.persistence.database', 'storage', `${sub}.server.config.persistence has no host: Temporal uses the storage database's server`);
  }
  const resources = ctx.read(`${sub}.server.resources`);
  if (isObject(resources)) for (const svc of ['frontend', 'matching', 'worker']) ctx.set(`temporal.local.${svc}.resources`, resources, `${sub}.server.resources`);
  for (const svc of ['frontend', 'history', 'matching', 'worker']) {
    const own = ctx.read(`${sub}.server.${svc}.resources`);
    if (isObject(own)) ctx.set(`temporal.local.${svc}.resources`, own, `${sub}.server.${svc}.resources`);
    else if (svc === 'history' && isObject(resources)) ctx.set('temporal.local.history.resources', resources, `${sub}.server.resources`);
  }
  if (truthy(ctx.read(`${sub}.web.enabled`))) ctx.set('temporal.local.web.enabled', true, `${sub}.web.enabled`);
  for (const tool of ['prometheus', 'grafana', 'admintools']) {
    if (truthy(ctx.read(`${sub}.${tool}.enabled`))) ctx.drop(`${sub}.${tool}.enabled`, `the subchart's ${tool} debugging pod is not part of this chart`, false);
  }
  ctx.use(`${sub}.server.image`);
  ctx.use(`${sub}.server.useLegacyHealthProbe`);
}

// ---------------------------------------------------------------------------------------------------------
// components: replicas, resources, grace periods, pod labels and annotations

function mapComponents(ctx: ImportContext, workflows: boolean) {
  const replicaCount = int(ctx.read('replicaCount'));
  if (replicaCount !== undefined && replicaCount >= 1) ctx.set('components.api.replicas', replicaCount, 'replicaCount');
  else ctx.drop('replicaCount', `${String(ctx.peek('replicaCount'))} api pods is not supported (at least 1)`);
  const jobRunner = truthy(ctx.read('jobRunner.enabled'));
  if ((replicaCount ?? 2) <= 1 && !jobRunner) {
    ctx.note('replicaCount 1 without jobRunner.enabled: the official chart ran jobs inside the single api pod; this chart always runs them in one separate jobs-runner pod.');
  }
  const resources = ctx.read('resources');
  setResources(ctx, 'components.api.resources', resources, 'resources');
  const jobResources = ctx.read('jobRunner.resources');
  if (isObject(jobResources) && Object.keys(jobResources).length) setResources(ctx, 'components.jobsRunner.resources', jobResources, 'jobRunner.resources');
  else setResources(ctx, 'components.jobsRunner.resources', resources, 'resources (jobRunner.resources unset)');

  const apiGrace = int(ctx.read('backend.terminationGracePeriodSeconds')) ?? 391;
  ctx.set('components.api.terminationGracePeriodSeconds', apiGrace, 'backend.terminationGracePeriodSeconds');

  mergeMaps(ctx, 'components.api.podAnnotations', ['backend.annotations', 'ui.annotations']);
  mergeMaps(ctx, 'components.api.podLabels', ['backend.labels', 'ui.labels']);
  mergeMaps(ctx, 'components.jobsRunner.podAnnotations', ['jobRunner.annotations']);
  mergeMaps(ctx, 'components.jobsRunner.podLabels', ['jobRunner.labels']);

  if (workflows) {
    const backendReplicas = int(ctx.read('workflows.backend.replicaCount')) ?? 1;
    ctx.set('components.workflowsBackend.replicas', Math.max(1, backendReplicas), 'workflows.backend.replicaCount');
    const workerReplicas = int(ctx.read('workflows.worker.replicaCount')) ?? 1;
    ctx.set('components.workflowsWorker.replicas', Math.max(1, workerReplicas), 'workflows.worker.replicaCount');
    const backendResources = ctx.read('workflows.backend.resources');
    if (truthy(backendResources)) setResources(ctx, 'components.workflowsBackend.resources', backendResources, 'workflows.backend.resources');
    else setResources(ctx, 'components.workflowsBackend.resources', resources, 'resources (workflows.backend.resources unset)');
    const workerOwn = ctx.read('workflows.worker.resources');
    const workflowsResources = ctx.read('workflows.resources');
    if (truthy(workerOwn)) setResources(ctx, 'components.workflowsWorker.resources', workerOwn, 'workflows.worker.resources');
    else if (truthy(workflowsResources)) setResources(ctx, 'components.workflowsWorker.resources', workflowsResources, 'workflows.resources');
    else setResources(ctx, 'components.workflowsWorker.resources', resources, 'resources');
    for (const c of ['workflowsBackend', 'workflowsWorker']) {
      mergeMaps(ctx, `components.${c}.podAnnotations`, ['backend.annotations', 'workflows.annotations']);
      mergeMaps(ctx, `components.${c}.podLabels`, ['workflows.labels']);
    }
    const ceReplicas = int(ctx.read('codeExecutor.replicaCount')) ?? 1;
    ctx.set('components.codeExecutor.replicas', Math.max(1, ceReplicas), 'codeExecutor.replicaCount');
    setResources(ctx, 'components.codeExecutor.resources', ctx.read('codeExecutor.resources'), 'codeExecutor.resources');
    const ceGrace = int(ctx.read('codeExecutor.terminationGracePeriodSeconds')) ?? 391;
    ctx.set('components.codeExecutor.terminationGracePeriodSeconds', ceGrace, 'codeExecutor.terminationGracePeriodSeconds');
    mergeMaps(ctx, 'components.codeExecutor.podAnnotations', ['codeExecutor.annotations']);
    mergeMaps(ctx, 'components.codeExecutor.podLabels', ['codeExecutor.labels']);
    const ceAffinity = ctx.read('codeExecutor.affinity');
    if (isObject(ceAffinity) && Object.keys(ceAffinity).length) ctx.set('components.codeExecutor.affinity', ceAffinity, 'codeExecutor.affinity');
  } else {
    // Inert in the official chart too while workflows are off.
    for (const key of ['workflows', 'codeExecutor']) ctx.use(key);
  }
}

function setResources(ctx: ImportContext, path: string, value: unknown, from: string) {
  if (!isObject(value)) return;
  const out: Obj = {};
  for (const part of ['requests', 'limits']) {
    const quantities = value[part];
    if (isObject(quantities) && Object.keys(quantities).length) out[part] = { ...quantities };
  }
  for (const key of Object.keys(value)) if (key !== 'requests' && key !== 'limits') ctx.drop(`${from.split(' ')[0]}.${key}`, 'only requests and limits are resources', false);
  ctx.set(path, out, from);
}

function mergeMaps(ctx: ImportContext, path: string, sources: string[]) {
  const merged: Obj = {};
  const used: string[] = [];
  for (const source of sources) {
    const value = ctx.read(source);
    if (isObject(value) && Object.keys(value).length) {
      for (const [k, v] of Object.entries(value)) merged[k] = String(v);
      used.push(source);
    }
  }
  if (used.length) ctx.set(path, merged, used.join(' + '));
}

// ---------------------------------------------------------------------------------------------------------
// env

/**
 * Runtime tuning env the official chart sets on its own (pool sizes, timeouts, Node options): this chart sets the
 * same defaults itself, so only a value that differs from this chart's is written.
 */
function mapTuningEnv(ctx: ImportContext, workflows: boolean, target: TargetFacts) {
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
function mapEnv(ctx: ImportContext) {
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

function collectEnvList(ctx: ImportContext, path: string): Map<string, { value: EnvValue; from: string }> {
  const out = new Map<string, { value: EnvValue; from: string }>();
  arr(ctx.read(path)).forEach((item, i) => {
    const from = `${path}[${i}]`;
    if (!isObject(item) || !str(item.name)) return ctx.drop(from, 'not a Kubernetes env entry { name, value | valueFrom }', false);
    const converted = envFromOfficial(ctx, 'valueFrom' in item ? { valueFrom: item.valueFrom } : (item.value ?? ''), from);
    if (converted !== undefined) out.set(String(item.name), { value: converted, from });
  });
  return out;
}

/** One official env value as this chart's env value; undefined (and dropped) when it cannot be carried. */
function envFromOfficial(ctx: ImportContext, value: unknown, from: string): EnvValue | undefined {
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

function setEnv(ctx: ImportContext, path: string, value: EnvValue, from: string) {
  if (typeof value === 'string') ctx.set(path, value, from);
  else if ('secretKeyRef' in value) setEnvRef(ctx, path, value, from, from);
  else if (ctx.can('envConfigMapRefs')) ctx.set(path, value, from);
  else ctx.drop(from, 'env from a ConfigMap key needs a chart version whose env accepts { configMapKeyRef }');
}

function setEnvRef(ctx: ImportContext, path: string, value: SecretValue, from: string, officialPath: string) {
  if (ctx.can('envSecretRefs')) ctx.set(path, value, from);
  else ctx.drop(officialPath, 'env from a Secret key needs a chart version whose env accepts { secretKeyRef } (this schema takes strings only)');
}

/** externalSecrets (legacy and External Secrets Operator) were envFrom Secrets on the backend containers. */
function mapEnvFrom(ctx: ImportContext) {
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
  for (const c of BACKEND_COMPONENTS) ctx.set(`components.${c}.extraEnvFrom`, list, from);
  if (eso) {
    ctx.use('externalSecrets.externalSecretsOperator');
    ctx.note('The official chart created the ExternalSecret objects as Helm hooks; Helm never deletes hook objects on upgrade, so they stay and keep syncing: manage them outside this chart from now on.');
    if (arr(ctx.peek('externalSecrets.externalSecretsOperator.secretRef')).some((s) => isObject(s) && truthy(s.optional))) {
      ctx.note('secretRef.optional is not carried: every envFrom Secret must exist.');
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// scheduling, volumes, security

function mapPodOptions(ctx: ImportContext) {
  const nodeSelector = ctx.read('nodeSelector');
  if (isObject(nodeSelector)) ctx.set('podDefaults.nodeSelector', Object.fromEntries(Object.entries(nodeSelector).map(([k, v]) => [k, String(v)])), 'nodeSelector');
  const tolerations = ctx.read('tolerations');
  if (Array.isArray(tolerations) && tolerations.length) ctx.set('podDefaults.tolerations', tolerations, 'tolerations');
  mergeMaps(ctx, 'podDefaults.podAnnotations', ['podAnnotations']);
  mergeMaps(ctx, 'podDefaults.podLabels', ['podLabels']);
  const priority = str(ctx.read('priorityClassName'));
  if (priority) ctx.set('podDefaults.priorityClassName', priority, 'priorityClassName');
  const affinity = ctx.read('affinity');
  if (isObject(affinity) && Object.keys(affinity).length) {
    // The official default spreads Retool pods over nodes; this chart spreads replicated components by default.
    if (!deepEqual(affinity, OFFICIAL_DEFAULTS.affinity)) {
      // The official code executor ignores the top-level affinity: only the backend-image components get it.
      for (const c of BACKEND_COMPONENTS) ctx.set(`components.${c}.affinity`, affinity, 'affinity');
    }
  }
}

function mapVolumes(ctx: ImportContext) {
  const volumes: unknown[] = [];
  const mounts: unknown[] = [];
  const from: string[] = [];
  const extraVolumes = ctx.read('extraVolumes');
  if (Array.isArray(extraVolumes) && extraVolumes.length) {
    volumes.push(...extraVolumes);
    from.push('extraVolumes');
  }
  const extraMounts = ctx.read('extraVolumeMounts');
  if (Array.isArray(extraMounts) && extraMounts.length) {
    mounts.push(...extraMounts);
    from.push('extraVolumeMounts');
  }
  arr(ctx.read('extraConfigMapMounts')).forEach((m, i) => {
    if (!isObject(m)) return;
    volumes.push({ name: m.name, configMap: { name: m.configMap } });
    mounts.push({ name: m.name, mountPath: m.mountPath, ...(m.subPath ? { subPath: m.subPath } : {}) });
    from.push(`extraConfigMapMounts[${i}]`);
  });
  if (volumes.length || mounts.length) {
    if (ctx.can('extraVolumes')) {
      if (volumes.length) ctx.set('podDefaults.extraVolumes', volumes, from.filter((f) => !f.startsWith('extraVolumeMounts')).join(', '));
      if (mounts.length) ctx.set('podDefaults.extraVolumeMounts', mounts, from.filter((f) => f !== 'extraVolumes').join(', '));
    } else {
      for (const f of from) ctx.drop(f.replace(/\[\d+\]$/, ''), 'extra volumes need a chart version with podDefaults.extraVolumes');
    }
  }
  const ceVolumes = ctx.read('codeExecutor.volumes');
  const ceMounts = ctx.read('codeExecutor.volumeMounts');
  if ((Array.isArray(ceVolumes) && ceVolumes.length) || (Array.isArray(ceMounts) && ceMounts.length)) {
    if (ctx.can('extraVolumes')) {
      if (Array.isArray(ceVolumes) && ceVolumes.length) ctx.set('components.codeExecutor.extraVolumes', ceVolumes, 'codeExecutor.volumes');
      if (Array.isArray(ceMounts) && ceMounts.length) ctx.set('components.codeExecutor.extraVolumeMounts', ceMounts, 'codeExecutor.volumeMounts');
    } else ctx.drop('codeExecutor.volumes', 'extra volumes need a chart version with extraVolumes');
  }

  if (truthy(ctx.read('persistentVolumeClaim.enabled'))) {
    const existing = str(ctx.read('persistentVolumeClaim.existingClaim'));
    const claim = existing ?? officialFullname(ctx.options.release, ctx.official);
    const mountPath = str(ctx.read('persistentVolumeClaim.mountPath')) ?? '/retool_backend/pv-data';
    for (const key of ['annotations', 'accessModes', 'size', 'storageClass']) ctx.use(`persistentVolumeClaim.${key}`);
    if (!ctx.can('extraVolumes')) {
      ctx.drop('persistentVolumeClaim.enabled', `the volume ${claim} at ${mountPath} needs a chart version with extraVolumes`);
    } else {
      for (const c of BACKEND_COMPONENTS) {
        ctx.set(`components.${c}.extraVolumes`, [{ name: 'retool-pv', persistentVolumeClaim: { claimName: claim } }], existing ? 'persistentVolumeClaim.existingClaim' : 'persistentVolumeClaim.enabled (the claim the official chart created)');
        ctx.set(`components.${c}.extraVolumeMounts`, [{ name: 'retool-pv', mountPath }], 'persistentVolumeClaim.mountPath');
      }
      if (!existing) {
        ctx.action({
          title: `Keep the PersistentVolumeClaim ${claim} the official chart created`,
          steps: [`${kubectl(ctx.options)} annotate pvc ${claim} helm.sh/resource-policy=keep   # otherwise helm upgrade deletes it with its data`],
        });
      }
    }
  }

  const init = ctx.read('initContainers');
  if (isObject(init) && Object.keys(init).length) {
    const list = Object.entries(init).map(([name, spec]) => ({ name, ...(isObject(spec) ? spec : {}) }));
    if (ctx.can('initContainers')) ctx.set('podDefaults.initContainers', list, 'initContainers');
    else ctx.drop('initContainers', 'init containers need a chart version with podDefaults.initContainers');
  }
  const sidecars = ctx.read('extraContainers');
  if (truthy(sidecars)) {
    const list = Array.isArray(sidecars) ? sidecars : undefined;
    if (!list) ctx.drop('extraContainers', 'a templated string of containers cannot be carried; give them as a list in podDefaults.extraContainers');
    else if (ctx.can('extraContainers')) ctx.set('podDefaults.extraContainers', list, 'extraContainers');
    else ctx.drop('extraContainers', 'sidecar containers need a chart version with podDefaults.extraContainers');
  }
}

function mapSecurity(ctx: ImportContext, target: TargetFacts) {
  const enabled = truthy(ctx.read('securityContext.enabled'));
  if (ctx.can('podSecurity')) {
    ctx.set('podSecurity', 'compatible', enabled ? 'securityContext.enabled (runAsUser/fsGroup below)' : 'securityContext.enabled: false — the official chart ran the images as built');
  } else if (!enabled) {
    ctx.note('The official chart ran the images as built (as root); this chart version runs every pod restricted (UID 10001, read-only root filesystem).');
  }
  if (enabled) {
    const pod: Obj = {};
    const runAsUser = int(ctx.read('securityContext.runAsUser'));
    if (runAsUser !== undefined) pod.runAsUser = runAsUser;
    const fsGroup = int(ctx.read('securityContext.fsGroup'));
    if (fsGroup !== undefined) pod.fsGroup = fsGroup;
    const extra = ctx.read('securityContext.extraSecurityContext');
    if (isObject(extra)) copyKnown(ctx, extra, pod, target.podSecurityContextKeys, 'securityContext.extraSecurityContext');
    ctx.set('podDefaults.podSecurityContext', pod, 'securityContext.runAsUser, securityContext.fsGroup, securityContext.extraSecurityContext');
  } else {
    for (const key of ['runAsUser', 'fsGroup', 'extraSecurityContext']) ctx.use(`securityContext.${key}`);
  }
  const container = ctx.read('securityContext.extraContainerSecurityContext');
  if (isObject(container) && Object.keys(container).length) {
    const out: Obj = {};
    copyKnown(ctx, container, out, target.containerSecurityContextKeys, 'securityContext.extraContainerSecurityContext');
    ctx.set('podDefaults.containerSecurityContext', out, 'securityContext.extraContainerSecurityContext');
  }

  // Code executor sandbox: privileged nsjail by default; a pinned securityContext wins; seccomp is the opt-in.
  if (ctx.get('workflows.enabled') !== true) {
    ctx.use('codeExecutor');
    return;
  }
  const pinned = ctx.read('codeExecutor.securityContext');
  const seccomp = truthy(ctx.read('codeExecutor.useSeccompProfile'));
  if (isObject(pinned) && Object.keys(pinned).length) {
    if (pinned.privileged === true) {
      ctx.set('components.codeExecutor.sandbox', 'nsjail', 'codeExecutor.securityContext.privileged');
    } else {
      ctx.set('components.codeExecutor.sandbox', 'none', 'codeExecutor.securityContext without privileged: nsjail cannot sandbox, so user code runs unsandboxed');
      const out: Obj = {};
      const { privileged: _privileged, ...rest } = pinned;
      copyKnown(ctx, rest, out, target.containerSecurityContextKeys, 'codeExecutor.securityContext');
      if (Object.keys(out).length) ctx.set('components.codeExecutor.containerSecurityContext', out, 'codeExecutor.securityContext');
    }
  } else if (seccomp) {
    if (ctx.can('seccompSandbox')) {
      ctx.set('components.codeExecutor.sandbox', 'seccomp', 'codeExecutor.useSeccompProfile');
      const profile = str(ctx.read('codeExecutor.seccompLocalhostProfile'));
      if (profile && profile !== 'profiles/nsjail-seccomp.json') ctx.set('components.codeExecutor.seccompProfile', profile, 'codeExecutor.seccompLocalhostProfile');
      ctx.note('sandbox: seccomp needs the nsjail seccomp profile on every node; the official chart installed it with an init container, this chart expects it installed (components.codeExecutor.seccompProfile).');
    }
    else ctx.drop('codeExecutor.useSeccompProfile', 'the seccomp sandbox needs a chart version with components.codeExecutor.sandbox: seccomp; this one runs nsjail privileged');
  } else if (ctx.get('components.codeExecutor.sandbox') === undefined) {
    ctx.set('components.codeExecutor.sandbox', 'nsjail', 'codeExecutor.securityContext unset: the official chart runs the code executor privileged for nsjail');
  }
  if (truthy(ctx.read('codeExecutor.appArmorProfileInstaller'))) ctx.drop('codeExecutor.appArmorProfileInstaller', 'the AppArmor profile DaemonSet is not part of this chart');
}

function copyKnown(ctx: ImportContext, from: Obj, to: Obj, keys: readonly string[], path: string) {
  for (const [key, value] of Object.entries(from)) {
    if (keys.includes(key)) to[key] = value;
    else ctx.drop(`${path}.${key}`, `not a ${path.includes('extraSecurityContext') ? 'pod' : 'container'} security setting this chart accepts`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// ingress, service, service account

function mapIngress(ctx: ImportContext) {
  if (!truthy(ctx.read('ingress.enabled'))) {
    ctx.use('ingress');
    return;
  }
  const hostName = str(ctx.read('ingress.hostName'));
  const hosts = arr(ctx.read('ingress.hosts')).filter(isObject);
  const host = hostName ?? str(hosts[0]?.host);
  if (!host) {
    ctx.set('ingress.enabled', false, 'ingress.enabled with no hosts: the official chart renders an Ingress the API server refuses');
    ctx.use('ingress');
    return;
  }
  ctx.set('ingress.enabled', true, 'ingress.enabled');
  ctx.set('ingress.host', host, hostName ? 'ingress.hostName' : 'ingress.hosts[0].host');
  hosts.slice(hostName ? 0 : 1).forEach((h, i) => ctx.drop(`ingress.hosts[${hostName ? i : i + 1}]`, `host ${String(h.host)}: this chart routes one host`));
  const paths = arr(hosts[0]?.paths).filter(isObject).map((p) => String(p.path));
  if (paths.some((p) => p !== '/' && p !== '/*')) ctx.drop('ingress.hosts[0].paths', `paths ${paths.join(', ')}: this chart routes / to the api`);
  if (hosts[0]?.extraPaths) ctx.drop('ingress.hosts[0].extraPaths', 'extra ingress paths (e.g. an ALB ssl-redirect) are not supported; set them through your ingress controller');
  const className = str(ctx.read('ingress.ingressClassName'));
  if (className) ctx.set('ingress.className', className, 'ingress.ingressClassName');
  mergeMaps(ctx, 'ingress.annotations', ['ingress.annotations']);
  const tls = arr(ctx.read('ingress.tls')).filter(isObject);
  const match = tls.find((t) => arr(t.hosts).includes(host)) ?? tls[0];
  if (match) {
    if (str(match.secretName)) {
      ctx.set('ingress.tls.enabled', true, 'ingress.tls');
      ctx.set('ingress.tls.secretName', String(match.secretName), 'ingress.tls[].secretName');
    } else ctx.drop('ingress.tls', 'TLS without a secretName (a controller default certificate) is not supported; give the Secret');
    tls.filter((t) => t !== match).forEach((t) => ctx.drop('ingress.tls', `TLS entry ${String(t.secretName)} for another host: this chart routes one host`));
  }
  if (ctx.get('retool.baseDomain') === undefined && ctx.get('podDefaults.env.BASE_DOMAIN') === undefined) {
    const scheme = ctx.get('ingress.tls.enabled') === true ? 'https' : 'http';
    ctx.note(ctx.can('baseDomain')
      ? `BASE_DOMAIN was not set for the official chart; this chart derives it from the ingress: ${scheme}://${host}.`
      : `BASE_DOMAIN is not set; Retool needs it as the URL users open, e.g. ${scheme}://${host}.`);
  }
}

function mapServiceAndAccount(ctx: ImportContext) {
  const type = str(ctx.read('service.type'));
  if (type && type !== 'ClusterIP') {
    if (['NodePort', 'LoadBalancer'].includes(type)) ctx.set('service.type', type, 'service.type');
    else ctx.drop('service.type', `Service type ${type} is not supported`);
  }
  const port = int(ctx.read('service.externalPort'));
  if (port !== undefined && port !== 3000) ctx.set('service.port', port, 'service.externalPort');
  mergeMaps(ctx, 'service.annotations', ['service.annotations']);
  const internal = int(ctx.read('service.internalPort'));
  if (internal !== undefined && internal !== 3000) ctx.drop('service.internalPort', `containers listen on 3000 in this chart, not ${internal}`);

  const create = ctx.read('serviceAccount.create');
  if (create === false) ctx.set('serviceAccount.create', false, 'serviceAccount.create');
  const name = str(ctx.read('serviceAccount.name'));
  if (name) ctx.set('serviceAccount.name', name, 'serviceAccount.name');
  mergeMaps(ctx, 'serviceAccount.annotations', ['serviceAccount.annotations']);
  if (truthy(ctx.read('serviceAccount.automountToken'))) ctx.drop('serviceAccount.automountToken', 'this chart never mounts a service account token into Retool pods');
  // Both charts derive object names the same way: keeping the overrides keeps the names (and Secret names) aligned.
  for (const key of ['nameOverride', 'fullnameOverride']) {
    const value = str(ctx.read(key));
    if (value) ctx.set(key, value, key);
  }
}

// ---------------------------------------------------------------------------------------------------------
// small helpers

/** kubectl, in the release's namespace when the import was told it. */
function kubectl(options: ImportOptions): string {
  return options.namespace ? `kubectl -n ${options.namespace}` : 'kubectl';
}

function ref(name: string, key: string): SecretValue {
  return { secretKeyRef: { name, key } };
}

/** Helm's truthiness: empty strings, zero, empty maps and lists are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numStr(value: unknown): string | undefined {
  return typeof value === 'number' ? String(value) : undefined;
}

function int(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function bool(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function parseVersion(text: string): Version | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

function compareVersion(v: Version, [major, minor, patch]: readonly [number, number, number]): number {
  return v.major - major || v.minor - minor || v.patch - patch;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value;
}
