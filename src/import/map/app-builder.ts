import { type ImportContext } from '../import-context.js';
import { ref, str, truthy } from './helpers.js';

/** appBuilder.agentSandbox's keys, the official rr.agentSandbox values and their keys in its externalSecret. */
const KEYS = [
  ['jwtPublicKey', 'jwt-public-key'],
  ['jwtPrivateKey', 'jwt-private-key'],
  ['encryptionKey', 'encryption-key'],
] as const;

/**
 * The agent sandbox's key pair and encryption key (tryretool/retool-helm 6.11.21 deployment_agent_sandbox.yaml,
 * _helpers.tpl retool.agentSandbox.validateSecrets): a value given inline stays a string and wins, as there; else
 * rr.agentSandbox.externalSecret.name becomes a secretKeyRef to the key of the same name in that Secret. The
 * sandbox runs with rr.enabled unless rr.agentSandbox.enabled is false (components' official keys carry that).
 */
export function mapAgentSandbox(ctx: ImportContext) {
  if (!truthy(ctx.peek('rr.enabled')) || ctx.peek('rr.agentSandbox.enabled') === false) return;
  const external = str(ctx.read('rr.agentSandbox.externalSecret.name'));
  for (const [key, secretKey] of KEYS) {
    const inline = str(ctx.read(`rr.agentSandbox.${key}`));
    if (inline) ctx.set(`appBuilder.agentSandbox.${key}`, inline, `rr.agentSandbox.${key}`);
    else if (external) ctx.set(`appBuilder.agentSandbox.${key}`, ref(external, secretKey), `rr.agentSandbox.externalSecret.name (key ${secretKey})`);
  }
}

/**
 * The official rr.gitServer.enabled: false (null inherits rr.enabled) runs the app builder without its git server,
 * in api or on its own; appBuilder.gitServer.enabled: false does the same here.
 */
export function mapGitServerSwitch(ctx: ImportContext) {
  if (!truthy(ctx.peek('rr.enabled'))) return;
  if (ctx.read('rr.gitServer.enabled') === false) ctx.set('appBuilder.gitServer.enabled', false, 'rr.gitServer.enabled');
}
