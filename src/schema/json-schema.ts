// The subset of JSON Schema draft-07 this project reads, plus its own `x-retool-*` annotations.
export interface JsonSchema {
  $schema?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  'x-retool-component'?: ComponentAnnotation;
  'x-retool-pod-options'?: boolean;
  'x-retool-temporal-service'?: TemporalServiceAnnotation;
  'x-retool-database'?: DatabaseAnnotation;
  'x-retool-image'?: ImageAnnotation;
  'x-retool-sandbox'?: Record<string, SandboxMode>;
  'x-retool-pod-security'?: PodSecurityAnnotation;
  /** An override object merged over a chart baseline, or a Kubernetes object passed through: its keys need no defaults. */
  'x-retool-sparse'?: boolean;
  [keyword: string]: unknown;
}

/** The topology annotation a component's schema node carries (see REFERENCE §1). */
export interface ComponentAnnotation {
  /** Kebab-case name: container name and resource-name suffix. */
  name: string;
  /** Key under `images` of the container's image. */
  image: string;
  /** SERVICE_TYPE roles; absent for containers that are not the backend image. */
  serviceType?: string[];
  /** Container ports; the first is the one the component's Service exposes and callers dial. */
  ports: ComponentPort[];
  /** false: exactly one pod, Recreate strategy, no replicas key. */
  replicable: boolean;
  /** Dotted values path of a boolean that turns the component on; always on when absent. */
  enabledBy?: string;
  /** Takes client traffic through the chart's Service and Ingress. */
  ingress?: boolean;
  /** HTTP health check used by the startup, readiness and liveness probes. */
  probe: { path: string; port: string };
  /** Tuning env the component gets by default (any user env map wins). */
  env?: Record<string, string>;
  /** Name of the env var through which other components learn this component's URL. */
  urlEnv?: string;
  /** Has a `sandbox` value: nsjail (privileged), seccomp or none (CONTAINER_UNPRIVILEGED_MODE). */
  sandboxed?: boolean;
  /**
   * Outbound network edges: other components (by key), databases, temporal, resources, sourceControl.
   * A component is told the URL (urlEnv) of every component it has an edge to, so every URL it knows is allowed.
   */
  edges: string[];
  /** Where the facts come from (Retool's own manifests). */
  source: string;
}

export interface ComponentPort {
  /** Port name (IANA_SVC_NAME). */
  name: string;
  port: number;
  /** Env var that tells the process to listen on this port. */
  env?: string;
}

/** Runtime facts of an image (`x-retool-image` on images.<key>), from Retool's own manifests. */
export interface ImageAnnotation {
  /** Container args replacing the image's CMD (the ENTRYPOINT stays); absent: the image default. */
  args?: string[];
  /** Env every container of the image gets. */
  env?: Record<string, string>;
  /** Paths the processes write; writable emptyDirs there under podSecurity: restricted. */
  writablePaths: string[];
  /** The Java database connector: a SERVICE_TYPE role before `optOutFrom`, an opt-out env from then on. */
  javaDbConnector?: { role: string; before: string; optOutFrom: string; optOutEnv: string };
  source: string;
}

/** One code-executor sandbox mode (`x-retool-sandbox` on its sandbox value). */
export interface SandboxMode {
  pod?: { hostUsers?: boolean };
  /** Replaces the preset's container security baseline. */
  container?: Record<string, unknown>;
  env: Record<string, string>;
  minKubeVersion?: string;
  source: string;
}

/** Security baselines of the podSecurity presets (`x-retool-pod-security`). */
export type PodSecurityAnnotation = Record<string, PodSecurityPreset>;

export interface PodSecurityPreset {
  pod: Record<string, unknown>;
  container: Record<string, unknown>;
  source: string;
  /** What the preset costs the operator (features, policy level), for the docs. */
  costs: string;
}

/** A PostgreSQL database Retool may use (a top-level values key with mode embedded/external). */
export interface DatabaseAnnotation {
  /** Edge name components list to use it. */
  edge: string;
  /** Resource-name suffix of the embedded server. */
  name: string;
  /** Database and user names on the embedded server. */
  database: string;
  user: string;
  /** Key of the password in the chart's Secret. */
  passwordKey: string;
  /** Prefix of the connection env (HOST, PORT, DB, USER, PASSWORD, SSL_ENABLED). */
  envPrefix: string;
  /** Run once when the embedded server initialises its volume. */
  initSql: string;
}

/** A Temporal server service run in the release (temporal.mode: local). */
export interface TemporalServiceAnnotation {
  /** Kebab-case resource-name suffix and container name. */
  name: string;
  /** The Temporal service role passed to `temporal-server start --service`. */
  service: string;
  grpcPort: number;
  membershipPort: number;
  /** false for a service that opens no gRPC listener of its own (Temporal's worker): no gRPC port, no probe. */
  servesGrpc: boolean;
  source: string;
}

export const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

/** The definition holding the pod options every workload takes (`x-retool-pod-options`). */
export const POD_OPTIONS_DEFINITION = 'PodOptions';

/** Where a workload's pod option `key` points (no JSON pointer escaping: keys are identifiers). */
export function podOptionRef(key: string): string {
  return `#/definitions/${POD_OPTIONS_DEFINITION}/properties/${key}`;
}

/** Keywords that may stand beside `$ref`: draft-07 validators ignore siblings of `$ref`, so only annotations may. */
export const ANNOTATION_KEYWORDS = new Set([
  'title', 'description', 'default', 'examples', 'markdownDescription', 'deprecationMessage', 'defaultSnippets', 'patternErrorMessage',
]);

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows local `#/definitions/...` refs; annotations beside a `$ref` win over the target's. */
export function deref(root: JsonSchema, node: JsonSchema): JsonSchema {
  if (!node.$ref) return node;
  const { $ref, ...siblings } = node;
  const target = resolvePointer(root, $ref);
  return { ...deref(root, target), ...siblings };
}

export function resolvePointer(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith('#/')) throw new Error(`only local refs are supported, got ${ref}`);
  let cursor: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const segment = raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
    if (!isObject(cursor) || !(segment in cursor)) throw new Error(`unresolvable $ref ${ref}`);
    cursor = cursor[segment];
  }
  return cursor as JsonSchema;
}
