import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { OFFICIAL_SECRET_KEYS, OFFICIAL_WORKFLOWS_SINCE } from '../official-chart.js';
import { type Version, compareVersion, int, ref, str, truthy } from './helpers.js';

export function mapWorkflows(ctx: ImportContext, version: Version | undefined): boolean {
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

export function mapTemporal(ctx: ImportContext, workflows: boolean) {
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

export function mapTemporalTls(ctx: ImportContext, base: string) {
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

export function mapLocalTemporal(ctx: ImportContext) {
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
