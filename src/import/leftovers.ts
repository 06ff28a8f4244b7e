import { isObject } from '../schema/json-schema.js';
import { joinPath, type ImportContext } from './import-context.js';
import { deepEqual, truthy } from './map-values.js';
import { OFFICIAL_CHART_VERSION, OFFICIAL_DEFAULTS, OFFICIAL_OPTIONAL_KEYS } from './official-chart.js';
import { valueAt } from '../validate/values-paths.js';

/**
 * Why an official key the mapping does not read is left behind. `gate`: an official switch; while it is off the
 * key is inert in the official chart too (nothing is lost). Without a gate, `changesBehaviour` decides.
 */
interface LeftoverRule {
  reason: string;
  /** OFFICIAL_DEFAULTS keeps only the switch of this section, so its other keys cannot be told from typos. */
  abbreviated?: boolean;
  gate?: string[];
  changesBehaviour?: boolean;
}

const MCP_ROUTES = 'from Retool 4.0.7 api relays /mcp and the OAuth metadata to MCP, so this chart renders no MCP routes (and refuses MCP before 4.0.7)';

/** Sentence-named rules, longest prefix wins. */
const RULES: Record<string, LeftoverRule> = {
  agents: { reason: 'not carried (components.agentWorker and components.agentEvalWorker take replicas, resources, pod annotations and labels)', gate: ['agents.enabled'] },
  multiplayer: { reason: 'not carried (components.multiplayerWs takes replicas, resources, pod annotations, labels and env; it is served at /api/multiplayer)', gate: ['multiplayer.enabled'] },
  'multiplayer.ingress': { reason: 'this chart routes /api/multiplayer to multiplayer-ws itself (the component\'s routes)', changesBehaviour: false },
  'multiplayer.httpRoute': { reason: 'this chart routes /api/multiplayer to multiplayer-ws itself (the component\'s routes)', changesBehaviour: false },
  'multiplayer.service': { reason: 'multiplayer-ws\'s Service listens on its container port 3001', changesBehaviour: false },
  mcp: { reason: 'not carried (components.mcp takes enabled, resources, annotations, labels, environmentVariables, the introspection token and the config keys that become env)', gate: ['mcp.enabled'] },
  'mcp.replicaCount': { reason: 'components.mcp runs one pod (Retool: the MCP server does not scale horizontally yet)', gate: ['mcp.enabled'] },
  'mcp.ingress': { reason: MCP_ROUTES, changesBehaviour: false },
  'mcp.httpRoute': { reason: MCP_ROUTES, changesBehaviour: false },
  'mcp.backendMetadata': { reason: 'the backend-internal Service serves the OAuth metadata route of Retool before 4.0.7 only', changesBehaviour: false },
  'mcp.service': { reason: "MCP's Service listens on its container port 4010", changesBehaviour: false },
  'mcp.config.retoolBackendUrl': { reason: 'this chart points MCP at api (RETOOL_BACKEND_URL); set components.mcp.env.RETOOL_BACKEND_URL to change it', gate: ['mcp.enabled'] },
  'mcp.config.retoolUrl': { reason: 'the deprecated alias of mcpServiceExternalUrl: set components.mcp.env.MCP_SERVICE_EXTERNAL_URL', gate: ['mcp.enabled'] },
  'mcp.config.retoolGitServerUrl': { reason: 'not carried: MCP is told RETOOL_GIT_SERVER_URL (http://<fullname>-git-server:3010) while the git server runs on its own; set components.mcp.env.RETOOL_GIT_SERVER_URL for another', gate: ['mcp.enabled'] },
  'mcp.config.agentSandboxJwtPrivateKey': { reason: 'not carried: MCP signs sandbox tokens with appBuilder.agentSandbox.jwtPrivateKey, the key of api and the workers (Retool\'s default for MCP too); another key would go in components.mcp.env', gate: ['mcp.enabled'] },
  'mcp.config.agentSandboxJwtPrivateKeySecretName': { reason: 'not carried: MCP signs sandbox tokens with appBuilder.agentSandbox.jwtPrivateKey, the key of api and the workers (Retool\'s default for MCP too); another key would go in components.mcp.env', gate: ['mcp.enabled'] },
  'mcp.config.agentSandboxJwtPrivateKeySecretKey': { reason: 'not carried, with mcp.config.agentSandboxJwtPrivateKeySecretName', changesBehaviour: false },
  telemetry: { abbreviated: true, reason: 'not carried (components.telemetry takes enabled, resources, extraAnnotations, image and sendToRetool; custom Vector and Grafana Agent configs, serviceAccount, rbac and the extra* keys are not)', gate: ['telemetry.enabled'] },
  rr: {
    reason: 'not carried: this chart runs the app builder\'s git server (in api, or alone under appBuilder.gitServer.separate), r2-agent-worker, js-executor and the agent sandbox (its keys under appBuilder.agentSandbox) under appBuilder.enabled, and its blob storage under blobStorage',
    gate: ['rr.enabled', 'rr.jsExecutor.enabled', 'rr.agent.enabled', 'rr.agentSandbox.enabled', 'rr.gitServer.enabled'],
  },
  'rr.agentSandbox': { reason: 'not carried: the agent sandbox here keeps its state in the storage database (no postgres.* of its own), and renders neither Retool\'s proxy Ingress nor its sandbox NetworkPolicy (its NetworkPolicies come from the edges; its node DaemonSets are appBuilder.agentSandbox.nodeSetup; snapshot storage and the npm registry become the env Retool\'s chart sets); components.agentSandbox*.env takes any other env', gate: ['rr.enabled', 'rr.agentSandbox.enabled'] },
  'rr.agent': { reason: 'not carried (components.r2AgentWorker takes replicas, resources, pod annotations and labels; appBuilder.enabled switches it with the rest)', gate: ['rr.enabled', 'rr.agent.enabled'] },
  'rr.gitServer.separate': { reason: 'not carried (components.gitServer takes replicas, resources, pod annotations and labels; appBuilder.gitServer.separate switches it)', gate: ['rr.gitServer.separate.enabled'] },
  'rr.gitServer.separate.port': { reason: 'this chart\'s git server listens on Retool\'s 3010', changesBehaviour: true },
  'rr.gitServer.separate.service': { reason: 'labels and annotations on the git-server Service are not carried', changesBehaviour: false },
  dbconnector: { reason: 'not carried (components.dbConnector takes enabled, replicas, resources and pod annotations)', gate: ['dbconnector.enabled'] },
  'dbconnector.port': { reason: 'this chart\'s dbconnector listens on Retool\'s 3002 (Java 3007)', changesBehaviour: true },
  'dbconnector.config': { reason: 'carried only as the tuning env this chart sets itself (NODE_OPTIONS, pool 100, 1000 sockets); set components.dbConnector.env to change it', changesBehaviour: false },
  'dbconnector.terminationGracePeriodSeconds': { reason: 'set components.dbConnector.terminationGracePeriodSeconds', changesBehaviour: false },
  httpRoute: { abbreviated: true, reason: 'Gateway API HTTPRoute is not rendered by this chart; use ingress', gate: ['httpRoute.enabled'] },
  securityGroupPolicy: { reason: 'AWS SecurityGroupPolicy is not rendered by this chart', gate: ['securityGroupPolicy.enabled'] },
  ingress: { reason: 'not an ingress setting this chart has', gate: ['ingress.enabled'] },
  'ingress.labels': { reason: 'labels on the Ingress object are not carried', changesBehaviour: false },
  'ingress.pathType': { reason: 'this chart picks the path type itself', changesBehaviour: false },
  externalSecrets: { reason: 'not carried', gate: ['externalSecrets.enabled', 'externalSecrets.externalSecretsOperator.enabled'] },
  persistentVolumeClaim: { reason: 'not carried', gate: ['persistentVolumeClaim.enabled'] },
  securityContext: { reason: 'not carried', gate: ['securityContext.enabled'] },
  temporal: { reason: 'not carried', gate: ['temporal.enabled'] },
  'retool-temporal-services-helm': { reason: 'a setting of the official Temporal subchart this chart does not carry', gate: ['retool-temporal-services-helm.enabled'] },
  postgresql: { reason: 'a setting of the official PostgreSQL subchart; this chart runs its own', gate: ['postgresql.enabled'], changesBehaviour: false },
  preStopHook: { reason: 'graceful shutdown comes from terminationGracePeriodSeconds in this chart', changesBehaviour: false },
  revisionHistoryLimit: { reason: 'Kubernetes keeps its default revision history', changesBehaviour: false },
  deployment: { reason: 'labels and annotations on the Deployment objects are not carried (pod labels and annotations are)', changesBehaviour: false },
  podDisruptionBudget: { reason: 'this chart renders a PodDisruptionBudget (maxUnavailable: 1) for every component that keeps more than one pod', changesBehaviour: false },
  'serviceAccount.labels': { reason: 'labels on the ServiceAccount object are not carried', changesBehaviour: false },
  'service.labels': { reason: 'labels on the Service object are not carried', changesBehaviour: false },
  'service.selector': { reason: 'extra Service selectors are not supported', changesBehaviour: true },
  'service.portName': { reason: 'this chart names the port itself', changesBehaviour: false },
  networkPolicy: { reason: "this chart's networkPolicy (default-deny plus the topology's edges) replaces the official metadata-egress policy; tighten networkPolicy.resources instead", changesBehaviour: true },
  commandline: { reason: 'this chart starts containers with their own start command; extra arguments are not supported' },
  hostAliases: { reason: 'host aliases are not supported; use DNS' },
  extraManifests: { reason: 'apply extra manifests yourself (kubectl apply) or from another release' },
  files: { reason: 'config files mounted from the chart are not supported; mount a ConfigMap through extraVolumes' },
  'codeExecutor.seccompLocalhostProfile': { reason: 'read only with codeExecutor.useSeccompProfile', gate: ['codeExecutor.useSeccompProfile'], changesBehaviour: false },
  'codeExecutor.appArmorProfileInstaller': { reason: 'the AppArmor profile DaemonSet is not part of this chart' },
  'dbconnector.java': { reason: 'carried through SERVICE_TYPE / DISABLE_JAVA_DBCONNECTOR', changesBehaviour: false },
  'workflows.config': { reason: 'a workflows.config setting this chart does not carry' },
};

/**
 * Reports every official key the user set that the mapping did not read: inert ones (behind an off switch, or
 * equal to the official default) are skipped, keys the official chart never reads are listed as harmless,
 * everything else is dropped with the reason of its rule.
 */
export function reportLeftovers(ctx: ImportContext, userValues: Record<string, unknown>): void {
  for (const leaf of leaves(userValues)) {
    const path = joinPath(leaf);
    if (isUsed(ctx, leaf)) continue;
    const value = ctx.peek(path);
    if (deepEqual(value, valueAt(OFFICIAL_DEFAULTS, leaf))) continue;
    const rule = ruleFor(leaf);
    if (rule?.gate && !rule.gate.some((g) => truthy(ctx.peek(g)))) continue;
    if (!rule?.abbreviated && !isOfficialKey(leaf)) {
      ctx.drop(path, `unknown to the official chart ${OFFICIAL_CHART_VERSION} (ignored there too)`, false);
      continue;
    }
    ctx.drop(path, rule?.reason ?? 'not carried by the import', rule?.changesBehaviour ?? true);
  }
}

function isUsed(ctx: ImportContext, leaf: string[]): boolean {
  for (let i = leaf.length; i >= 1; i--) if (ctx.used.has(joinPath(leaf.slice(0, i)))) return true;
  // A whole subtree set at once (e.g. `workflows.temporal: {...}`) whose children were read one by one.
  const path = joinPath(leaf);
  for (const used of ctx.used) if (used.startsWith(`${path}.`)) return true;
  return false;
}

function ruleFor(leaf: string[]): LeftoverRule | undefined {
  for (let i = leaf.length; i >= 1; i--) {
    const rule = RULES[joinPath(leaf.slice(0, i))];
    if (rule) return rule;
  }
  return undefined;
}

/** A key the official chart reads: in its defaults, in its commented keys, or inside a free-form map it reads. */
function isOfficialKey(leaf: string[]): boolean {
  for (let i = leaf.length; i >= 1; i--) if (OFFICIAL_OPTIONAL_KEYS.includes(joinPath(leaf.slice(0, i)))) return true;
  let cursor: unknown = OFFICIAL_DEFAULTS;
  for (const segment of leaf) {
    if (!isObject(cursor)) return true; // below a list, scalar or null default: user content of a key it reads
    if (!(segment in cursor)) return Object.keys(cursor).length === 0 && cursor !== OFFICIAL_DEFAULTS; // free-form map
    cursor = cursor[segment];
  }
  return true;
}

/** Leaf paths of a values tree: scalars, lists and empty maps. */
function leaves(tree: unknown, prefix: string[] = []): string[][] {
  if (!isObject(tree) || (Object.keys(tree).length === 0 && prefix.length)) return prefix.length ? [prefix] : [];
  return Object.entries(tree).flatMap(([key, value]) => leaves(value, [...prefix, key]));
}

