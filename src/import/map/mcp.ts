import { type ImportContext } from '../import-context.js';
import { ref, str, truthy } from './helpers.js';
import { secretsFromEnvFrom, type CarriedSecrets } from './secrets.js';

/**
 * The MCP server's introspection token (mcp.config, tryretool/retool-helm 6.11.21 deployment_mcp.yaml): a
 * secret name and key become a secretKeyRef, a literal stays a string; with neither, the official chart
 * generated one into its own Secret (key oauthIntrospectionAuthToken), which must be copied before switching.
 * The rest of mcp.* is carried through components.mcp's official keys (x-retool-component official).
 */
export function mapMcp(ctx: ImportContext, carried: CarriedSecrets) {
  if (!truthy(ctx.peek('mcp.enabled'))) return;
  const target = 'components.mcp.oauthIntrospectionAuthToken';
  const name = str(ctx.read('mcp.config.oauthIntrospectionAuthTokenSecretName'));
  const key = str(ctx.read('mcp.config.oauthIntrospectionAuthTokenSecretKey')) ?? 'oauthIntrospectionAuthToken';
  const inline = str(ctx.read('mcp.config.oauthIntrospectionAuthToken'));
  if (name) ctx.set(target, ref(name, key), 'mcp.config.oauthIntrospectionAuthTokenSecretName, mcp.config.oauthIntrospectionAuthTokenSecretKey');
  else if (inline) ctx.set(target, inline, 'mcp.config.oauthIntrospectionAuthToken');
  else if (!secretsFromEnvFrom(ctx)) ctx.set(target, carried.ref('oauthIntrospectionAuthToken'), 'the token the official chart generated into its Secret');
}
