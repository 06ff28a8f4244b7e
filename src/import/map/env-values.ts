// Writing one env entry onto our values, string or reference, as far as the target chart version accepts it.
// Its own module: env, secrets and services all write env, and env also reads secrets and databases.
import { type ImportContext } from '../import-context.js';
import { type EnvValue, type SecretValue } from './helpers.js';

export function setEnv(ctx: ImportContext, path: string, value: EnvValue, from: string) {
  if (typeof value === 'string') ctx.set(path, value, from);
  else if ('secretKeyRef' in value) setEnvRef(ctx, path, value, from, from);
  else if (ctx.can('envConfigMapRefs')) ctx.set(path, value, from);
  else ctx.drop(from, 'env from a ConfigMap key needs a chart version whose env accepts { configMapKeyRef }');
}

export function setEnvRef(ctx: ImportContext, path: string, value: SecretValue, from: string, officialPath: string) {
  if (ctx.can('envSecretRefs')) ctx.set(path, value, from);
  else ctx.drop(officialPath, 'env from a Secret key needs a chart version whose env accepts { secretKeyRef } (this schema takes strings only)');
}
