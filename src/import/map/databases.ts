import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { OFFICIAL_SECRET_KEYS, officialFullname, officialPostgresName } from '../official-chart.js';
import { type EnvValue, RETOOLDB_ENV, bool, int, kubectl, ref, str, truthy } from './helpers.js';
import { CarriedSecrets, envFromSecretNames, secretsFromEnvFrom } from './secrets.js';

export function mapDatabase(ctx: ImportContext, carried: CarriedSecrets) {
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
export function mapRetoolDatabase(ctx: ImportContext, env: Map<string, { value: EnvValue; from: string }>) {
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
