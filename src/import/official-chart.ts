// Facts about Retool's official Helm chart (tryretool/retool-helm, charts/retool) that `retool-chart import`
// relies on: its default values (the subset the mapping and the drop report read), the Secret keys it
// falls back to, and how it names objects. Learned from chart version 6.11.21; data only, no templates.

/** The official chart version these facts describe. */
export const OFFICIAL_CHART_VERSION = '6.11.21';

/**
 * The official chart's defaults, as Helm would lay them under a user's values. Sections of features this
 * chart does not carry keep only their on/off switch: their other keys are inert while the switch is off.
 */
export const OFFICIAL_DEFAULTS: Record<string, unknown> = {
  config: {
    licenseKey: 'EXPIRED-LICENSE-KEY-TRIAL',
    useInsecureCookies: false,
    postgresPoolMaxSize: 10,
    auth: { google: { enabled: true, clientId: null, clientSecret: null } },
    encryptionKey: null,
    jwtSecret: null,
    postgresql: {},
  },
  image: { repository: 'tryretool/backend', tag: '', pullPolicy: 'IfNotPresent' },
  commandline: { args: [] },
  env: {},
  environmentSecrets: [],
  environmentVariables: [],
  externalSecrets: {
    enabled: false,
    includeConfigSecrets: false,
    name: 'retool-config',
    secrets: [],
    externalSecretsOperator: {
      enabled: false,
      refreshInterval: '1m',
      secretStoreRef: { name: 'aws-secretsmanager', kind: 'SecretStore' },
      secretRef: [],
      useLegacyCR: true,
      backendType: 'secretsManager',
    },
  },
  files: {},
  deployment: { labels: {}, annotations: {} },
  service: { type: 'ClusterIP', externalPort: 3000, internalPort: 3000, annotations: {}, labels: {}, selector: {} },
  ingress: { enabled: true, labels: {}, annotations: {}, hosts: null, tls: null, pathType: 'ImplementationSpecific' },
  httpRoute: { enabled: false },
  postgresql: {
    enabled: true,
    ssl_enabled: false,
    auth: { database: 'hammerhead_production', username: 'postgres', password: 'retool' },
    service: { port: 5432 },
    image: { repository: 'postgres', tag: '13' },
    postgresqlDataDir: '/data/pgdata',
    primary: { persistence: { enabled: true, mountPath: '/data/' } },
  },
  serviceAccount: { create: true, name: null, annotations: {}, labels: {}, automountToken: false },
  networkPolicy: { blockCloudMetadataEgress: null, blockedRanges: [], blockedRanges6: [] },
  livenessProbe: { enabled: true, path: '/api/checkHealth', initialDelaySeconds: 30, timeoutSeconds: 10, periodSeconds: 10, failureThreshold: 3 },
  readinessProbe: { enabled: true, path: '/api/checkHealth', initialDelaySeconds: 30, timeoutSeconds: 10, periodSeconds: 10, successThreshold: 5 },
  preStopHook: { enabled: true },
  startupProbe: { enabled: false, path: '/api/checkHealth', initialDelaySeconds: 60, timeoutSeconds: 10, periodSeconds: 10, successThreshold: 1 },
  extraContainers: [],
  extraVolumeMounts: [],
  extraVolumes: [],
  resources: { limits: { cpu: '4096m', memory: '8192Mi' }, requests: { cpu: '2048m', memory: '4096Mi' } },
  priorityClassName: '',
  affinity: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: {
          labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['retool'] }] },
          topologyKey: 'kubernetes.io/hostname',
        },
      }],
    },
  },
  tolerations: [],
  nodeSelector: { 'kubernetes.io/arch': 'amd64' },
  podAnnotations: {},
  revisionHistoryLimit: 3,
  podLabels: {},
  replicaCount: 2,
  jobRunner: {
    resources: { limits: { cpu: '2000m', memory: '4096Mi' }, requests: { cpu: '1000m', memory: '2048Mi' } },
    annotations: {},
    labels: {},
  },
  backend: { annotations: {}, labels: {}, terminationGracePeriodSeconds: 391 },
  ui: { annotations: {}, labels: {} },
  workflows: {
    worker: { replicaCount: 1, postgresPoolMaxSize: 100 },
    backend: { replicaCount: 1, postgresPoolMaxSize: 100 },
    annotations: {},
    labels: {},
    config: {},
    resources: { limits: { cpu: '2000m', memory: '8192Mi' }, requests: { cpu: '1000m', memory: '2048Mi' } },
  },
  dbconnector: {
    enabled: false,
    java: { enabled: true, port: 3007 },
    replicas: 1,
    terminationGracePeriodSeconds: 391,
    config: { nodeOptions: '--max_old_space_size=1024', postgresPoolMaxSize: 100, httpAgentMaxSockets: 1000 },
    port: 3002,
    annotations: {},
  },
  multiplayer: {
    enabled: false,
    replicaCount: 1,
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '2048Mi' } },
    annotations: {},
    labels: {},
    ingress: { enabled: true, paths: [{ path: '/api/multiplayer', port: 80 }] },
    httpRoute: { enabled: true, rules: [{ path: '/api/multiplayer', port: 80 }] },
    service: { externalPort: 80, internalPort: 3001, annotations: {}, labels: {} },
  },
  mcp: {
    enabled: false,
    replicaCount: 1,
    annotations: {},
    labels: {},
    environmentVariables: [],
    config: {},
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '4096Mi' } },
    backendMetadata: { service: { enabled: true, portName: 'http-api', externalPort: 3001, internalPort: 3001, annotations: {}, labels: {} } },
    ingress: {
      enabled: true,
      paths: [
        { path: '/.well-known/oauth-authorization-server', pathType: 'Exact', target: 'backendInternal' },
        { path: '/.well-known/oauth-protected-resource', pathType: 'Exact' },
        { path: '/mcp', pathType: 'Prefix' },
      ],
    },
    httpRoute: {
      enabled: true,
      rules: [
        { path: '/.well-known/oauth-authorization-server', pathType: 'Exact', target: 'backendInternal' },
        { path: '/.well-known/oauth-protected-resource', pathType: 'Exact' },
        { path: '/mcp' },
      ],
    },
    service: { externalPort: 4010, internalPort: 4010, annotations: {}, labels: {} },
  },
  codeExecutor: {
    image: { repository: 'tryretool/code-executor-service', tag: null },
    replicaCount: 1,
    terminationGracePeriodSeconds: 391,
    annotations: {},
    labels: {},
    config: {},
    volumes: {},
    volumeMounts: {},
    affinity: {},
    resources: { limits: { cpu: '2000m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '1024Mi' } },
    useSeccompProfile: false,
    seccompLocalhostProfile: 'profiles/nsjail-seccomp.json',
    appArmorProfileInstaller: false,
  },
  rr: { enabled: false },
  agents: {
    enabled: false,
    labels: {},
    config: {},
    worker: { replicaCount: 1, resources: { limits: { cpu: '2000m', memory: '4096Mi' }, requests: { cpu: '1000m', memory: '2048Mi' } } },
    evalWorker: { replicaCount: 1, resources: { limits: { cpu: '2000m', memory: '4096Mi' }, requests: { cpu: '1000m', memory: '2048Mi' } } },
    annotations: {},
  },
  temporal: { enabled: false },
  'retool-temporal-services-helm': {
    enabled: false,
    server: {
      config: { persistence: { default: { sql: null }, visibility: { sql: null } }, numHistoryShards: 128 },
      resources: { limits: { cpu: '500m', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
      history: { resources: { limits: { cpu: '500m', memory: '2Gi' }, requests: { cpu: '100m', memory: '128Mi' } } },
    },
    prometheus: { enabled: false },
    grafana: { enabled: false },
    web: { enabled: false },
    admintools: { enabled: false },
  },
  persistentVolumeClaim: {
    enabled: false,
    existingClaim: '',
    annotations: {},
    accessModes: ['ReadWriteOnce'],
    size: '15Gi',
    storageClass: '',
    mountPath: '/retool_backend/pv-data',
  },
  securityContext: { enabled: false, runAsUser: 1000, fsGroup: 2000, extraSecurityContext: {}, extraContainerSecurityContext: {} },
  extraConfigMapMounts: [],
  initContainers: {},
  extraManifests: [],
  securityGroupPolicy: { enabled: false, groupIds: [] },
  hostAliases: {},
  telemetry: { enabled: false },
};

/**
 * Keys the official chart reads that its values.yaml only mentions in comments (so they are absent from
 * OFFICIAL_DEFAULTS). A user key that is neither here nor in the defaults is unknown to the official chart.
 */
export const OFFICIAL_OPTIONAL_KEYS: readonly string[] = [
  'nameOverride', 'fullnameOverride',
  'config.licenseKeySecretName', 'config.licenseKeySecretKey',
  'config.encryptionKeySecretName', 'config.encryptionKeySecretKey',
  'config.jwtSecretSecretName', 'config.jwtSecretSecretKey',
  'config.dbConnectorTimeout',
  'config.auth.google.clientSecretSecretName', 'config.auth.google.clientSecretSecretKey',
  'config.postgresql.host', 'config.postgresql.port', 'config.postgresql.db', 'config.postgresql.database',
  'config.postgresql.user', 'config.postgresql.password', 'config.postgresql.ssl_enabled',
  'config.postgresql.passwordSecretName', 'config.postgresql.passwordSecretKey',
  'image.pullSecrets',
  'ingress.ingressClassName', 'ingress.hostName',
  'service.externalIPs', 'service.loadBalancerIP', 'service.loadBalancerSourceRanges', 'service.portName',
  'postgresql.auth.postgresPassword', 'postgresql.nameOverride',
  'livenessProbe.host', 'livenessProbe.scheme', 'readinessProbe.host', 'readinessProbe.scheme',
  'startupProbe.host', 'startupProbe.scheme',
  'podDisruptionBudget',
  'jobRunner.enabled',
  'rr.gitServer',
  'workflows.enabled', 'workflows.temporal', 'workflows.dbConnectorTimeout', 'workflows.backend.resources',
  'workflows.worker.resources', 'workflows.backend.annotations', 'workflows.backend.labels',
  'codeExecutor.securityContext',
  'agents.replicaCount', 'agents.resources', 'multiplayer.environmentVariables', 'dbconnector.resources',
  'temporal.host', 'temporal.port', 'temporal.namespace', 'temporal.sslEnabled', 'temporal.sslCert',
  'temporal.sslKey', 'temporal.sslKeySecretName', 'temporal.sslKeySecretKey',
  'retool-temporal-services-helm.environmentVariables',
  'retool-temporal-services-helm.server.image',
  'retool-temporal-services-helm.server.useLegacyHealthProbe',
  'retool-temporal-services-helm.server.frontend', 'retool-temporal-services-helm.server.matching',
  'retool-temporal-services-helm.server.worker',
];

/** Keys of the official chart's own Secret (named like its fullname) when no *SecretKey is given. */
export const OFFICIAL_SECRET_KEYS = {
  licenseKey: 'license-key',
  encryptionKey: 'encryption-key',
  jwtSecret: 'jwt-secret',
  postgresPassword: 'postgresql-password',
  temporalTlsKey: 'temporal-tls-key',
  googleClientSecret: 'google-client-secret',
} as const;

/** The Retool version from which workflows are on when `workflows.enabled` is unset (official rule). */
export const OFFICIAL_WORKFLOWS_SINCE = [3, 6, 11] as const;

/** Env the official chart sets on containers beyond the wiring this chart also sets (runtime tuning). */
export const OFFICIAL_TUNING = {
  workflowsQueryTimeoutMs: '5400000',
  nodeOptions: '--max_old_space_size=1024',
} as const;

/** Helm's fullname rule, shared by both charts: release name alone when it already contains the chart name. */
export function officialFullname(release: string, values: Record<string, unknown>): string {
  const override = values.fullnameOverride;
  if (typeof override === 'string' && override) return override.slice(0, 63).replace(/-+$/, '');
  const name = typeof values.nameOverride === 'string' && values.nameOverride ? values.nameOverride : 'retool';
  const full = release.includes(name) ? release : `${release}-${name}`;
  return full.slice(0, 63).replace(/-+$/, '');
}

/** Name of the official chart's Bitnami PostgreSQL (StatefulSet, Service and Secret). */
export function officialPostgresName(release: string, values: Record<string, unknown>): string {
  const postgresql = values.postgresql as Record<string, unknown> | undefined;
  const name = typeof postgresql?.nameOverride === 'string' && postgresql.nameOverride ? postgresql.nameOverride : 'postgresql';
  return `${release}-${name}`.slice(0, 63).replace(/-+$/, '');
}
