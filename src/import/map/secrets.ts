import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { OFFICIAL_SECRET_KEYS } from '../official-chart.js';
import { setEnvRef } from './env-values.js';
import { type SecretValue, arr, bool, ref, str, truthy } from './helpers.js';

/** Secrets the official chart generated or looked up in its own Secret: they must be copied before switching. */
export class CarriedSecrets {
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
export function envFromSecretNames(ctx: ImportContext): string[] {
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
export function secretsFromEnvFrom(ctx: ImportContext): boolean {
  const external = truthy(ctx.peek('externalSecrets.enabled')) || truthy(ctx.peek('externalSecrets.externalSecretsOperator.enabled'));
  return external && !truthy(ctx.read('externalSecrets.includeConfigSecrets'));
}

export function mapSecrets(ctx: ImportContext, carried: CarriedSecrets) {
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
