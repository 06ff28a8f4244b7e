import type { BlobStore, Component, ComponentProbe, Database, NodeDaemonSet, TemporalService, TemporalTopology } from './topology.js';

/**
 * What the one workload skeleton (chart-templates/partials/workload.hbs and pod-spec.hbs) writes for each
 * Deployment, StatefulSet, DaemonSet, Job and Pod the chart renders: object kind and name, replica policy, containers with
 * their ports, probes and mounts. Facts known here are written into the templates literally; what values
 * decide stays Go and is named here by the Go variable the calling template sets (`$env`, `$pod.resources`).
 */
export interface WorkloadData {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'Pod';
  /** Resource-name suffix and app.kubernetes.io/component label. */
  component: string;
  /** Deployment replicas: `values` (components.<key>.replicas unless autoscaled), a fixed count, or a Go expression. */
  replicas?: { autoscaled: true } | { fixed: number; recreate?: boolean; note?: string } | { expression: string };
  /** Pod template annotations besides checksum/secret (a Go variable holding a map), e.g. a config checksum. */
  podAnnotations?: string;
  /** The pod template gets the chart's labels and checksum/secret only (no podLabels, podAnnotations). */
  fixedPodMetadata?: boolean;
  /** The pod template gets the chart's labels only (a Job's pod, a node DaemonSet's). */
  labelsOnlyPodMetadata?: boolean;
  /** With labelsOnlyPodMetadata: a Go variable holding the checksum of the workload's own ConfigMap (empty: none), as checksum/config. */
  configChecksum?: string;
  /** DaemonSet: its updateStrategy; absent: Kubernetes' default. */
  updateStrategy?: Record<string, unknown>;
  /** A Go expression: the pod runs in the node's network namespace while it holds. */
  hostNetwork?: string;
  /** Job: retries before it fails. */
  backoffLimit?: number;
  /** Job: seconds a finished Job is kept before Kubernetes deletes it. */
  ttlSecondsAfterFinished?: number;
  /** Pod: annotations of the object (helm hooks), each with an optional comment line. */
  annotations?: Array<{ key: string; value: string; comment?: string }>;
  restartPolicy?: string;
  /** The pod may run in a user namespace (a Go boolean `$hostUsers`, false for some sandbox modes). */
  hostUsers?: boolean;
  /** A comment above the pod's securityContext. */
  podSecurityNote?: string;
  /** Operator initContainers ($pod.initContainers), under this container baseline (a Go expression). */
  extraInitContainers?: string;
  /** Operator extraContainers ($pod.extraContainers) likewise. */
  extraContainers?: string;
  initContainers: ContainerData[];
  containers: ContainerData[];
  volumes: VolumeData[];
  /** A Go variable holding more volumes (a list). */
  volumesVar?: string;
  /** A Go variable holding still more volumes as YAML list text (possibly empty), written after volumesVar's; needs volumesVar. */
  volumesText?: string;
  /** A Go expression of the ServiceAccount the pod runs as with its token mounted (it reads the Kubernetes API); absent: the chart's, no token. */
  serviceAccount?: string;
  /** A Go expression writing more volumes as a YAML list (an include). */
  volumesInclude?: string;
  /** StatefulSet: its persistent volume claim template (name, Go expression of its values). */
  claim?: { name: string; values: string };
}

export interface ContainerData {
  name: string;
  /** images.<key>. */
  image: string;
  /** Container args (JSON flow list) from the image annotation. */
  args?: string[];
  /** One-line command (YAML flow list). */
  command?: string[];
  /** Name of an inline partial of the calling template that writes the `command:` block (shell scripts with values). */
  script?: string;
  ports: Array<{ name: string; port: number; protocol?: 'TCP' | 'UDP' }>;
  /** Go variable holding the env map (NAME -> {value | valueFrom}). */
  env: string;
  /** Go variables holding the operator's env of the workload, which wins over `env`: the shared part
   * (retool.env.user) and the workload's own (retool.env.override), which wins over that. */
  userEnv?: string;
  envOverride?: string;
  /** $pod.extraEnvFrom as envFrom. */
  envFrom?: boolean;
  probes: ProbeData[];
  /** Written instead of probes: why there is none. */
  probeNote?: string;
  /** Go expression of the resources map. */
  resources: string;
  /** Go expression of the seconds a preStop hook sleeps before the container gets SIGTERM (0 or absent: no hook). */
  preStop?: string;
  /** Go expressions: the baseline security context and the workload's override (may be absent). */
  security: { baseline: string; override?: string };
  mounts: MountData[];
  /** A Go variable holding more mounts (a list). */
  mountsVar?: string;
  /** A Go variable holding still more mounts as YAML list text (possibly empty), written after mountsVar's; needs mountsVar. */
  mountsText?: string;
}

export interface ProbeData {
  kind: 'readinessProbe' | 'livenessProbe' | 'startupProbe';
  /** The handler: one of httpGet, tcpSocket, exec (written as one YAML flow line). */
  handler: { httpGet: { path: string; port: string } } | { tcpSocket: { port: string } } | { exec: { command: string[] } };
  initialDelaySeconds?: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold?: number;
  /** A Go expression of the user's tuning of this probe (a map, possibly empty; components.<key>.probes.<probe>). */
  tuning?: string;
}

/** A volume mount; with `condition` (a Go expression) only when it holds. */
export interface MountData { name: string; mountPath: string; readOnly?: boolean; comment?: string[]; condition?: string }
export interface VolumeData {
  name: string; emptyDir?: true; sizeLimit?: string; medium?: 'Memory';
  /** name: a Go expression; an item's key too when goKey. */
  configMap?: { name: string; items?: Array<{ key: string; path: string; goKey?: boolean }> };
  hostPath?: { path: string; type?: string };
}

/** The workload's baseline (the podSecurity preset for Retool's pods, the chart's for the others) under the operator's override. */
const SECURITY = { baseline: '$security.container', override: '$pod.containerSecurityContext' };
/** Every container writes /tmp (read-only root filesystem). */
const TMP_MOUNT: MountData = { name: 'tmp', mountPath: '/tmp' };
const TMP_VOLUME: VolumeData = { name: 'tmp', emptyDir: true };
/** Temporal's database CA, when temporal.local.persistence.external.caCert is set. */
const DB_CA_MOUNT: MountData = { name: 'db-ca', mountPath: '/etc/temporal/db-ca', readOnly: true, condition: '$p.caCert' };

/** Container data with nothing but the required fields filled in. */
function container(c: Pick<ContainerData, 'name' | 'image' | 'env' | 'resources'> & Partial<ContainerData>): ContainerData {
  return { ports: [], probes: [], mounts: [], security: SECURITY, ...c };
}

/**
 * Retool's probes: readiness fails fast (traffic stops), liveness is lenient (restarts are costly),
 * startup allows ten minutes for first boot (migrations) before liveness starts counting. The handler is the
 * component's (an HTTP GET of its health path, or a TCP connect); the timings Retool's manifests give a
 * component (probe.timings) replace these defaults field by field.
 */
function retoolProbes(probe: ComponentProbe): ProbeData[] {
  const handler: ProbeData['handler'] = probe.handler === 'tcpSocket' ? { tcpSocket: { port: probe.port } } : { httpGet: { path: probe.path!, port: probe.port } };
  // The operator's components.<key>.probes (ProbeOverrides) win field by field.
  const tuning = (name: string) => `(dig "probes" "${name}" dict $values)`;
  const defaults = {
    readiness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    liveness: { periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 },
    startup: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
  };
  // Readiness may ask a path of its own (js-executor's /api/readiness); liveness and startup ask the health path.
  const readiness: ProbeData['handler'] = probe.readinessPath ? { httpGet: { path: probe.readinessPath, port: probe.port } } : handler;
  return (['readiness', 'liveness', 'startup'] as const).map((name) => ({
    kind: `${name}Probe` as ProbeData['kind'], handler: name === 'readiness' ? readiness : handler, ...defaults[name], ...probe.timings[name], tuning: tuning(name),
  }));
}


export function componentWorkload(c: Component): WorkloadData {
  return {
    ...(c.jobTemplate
      // A controller creates these pods one Job at a time from the template; each runs once.
      ? { kind: 'Job' as const, backoffLimit: 0, ttlSecondsAfterFinished: c.jobTemplate.ttlSecondsAfterFinished, restartPolicy: 'Never' }
      : { kind: 'Deployment' as const, replicas: c.replicable ? { autoscaled: true as const } : { fixed: 1, recreate: true, note: `${c.name} must never run twice: one pod, and the old one stops before the new one starts.` } }),
    component: c.name,
    hostUsers: c.sandboxed,
    // Operator containers get the preset's baseline even when a sandbox mode replaces the main container's.
    extraInitContainers: '$preset.container',
    extraContainers: '$preset.container',
    // Retool's own init containers (x-retool-component init): the Go list $init holds their security and resources.
    initContainers: c.init.map((i, n) => container({
      name: i.name,
      image: c.image,
      command: i.command.map((word) => JSON.stringify(word)),
      env: 'dict',
      resources: `(index $init ${n}).resources`,
      security: { baseline: `(index $init ${n}).securityContext` },
      mounts: i.mounts,
    })),
    containers: [container({
      name: c.name,
      image: c.image,
      args: c.args.length ? c.args : undefined,
      command: c.command.length ? c.command : undefined,
      ports: c.ports.map((p) => ({ name: p.name, port: p.port, protocol: c.protocols[p.name] })),
      env: '$env',
      userEnv: '$userEnv',
      envOverride: '$envOverride',
      envFrom: true,
      probes: c.probe ? retoolProbes(c.probe) : [],
      probeNote: c.probeNote,
      resources: '$pod.resources',
      preStop: '$pod.preStopSleepSeconds',
      mounts: c.scratch.map((d) => ({ name: d.name, mountPath: d.path })),
      mountsVar: '$mounts',
      mountsText: '$extraMounts',
    })],
    volumes: c.scratch.map((d) => ({ name: d.name, emptyDir: true, sizeLimit: d.sizeLimit, medium: d.medium })),
    volumesVar: '$volumes',
    volumesText: '$extraVolumes',
    serviceAccount: c.kubernetesApi ? `(include "retool.componentName" (dict "root" $ "name" "${c.name}"))` : undefined,
  };
}

export function temporalServiceWorkload(s: TemporalService): WorkloadData {
  const tcp: ProbeData[] = [
    { kind: 'readinessProbe', handler: { tcpSocket: { port: 'grpc' } }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    { kind: 'livenessProbe', handler: { tcpSocket: { port: 'grpc' } }, initialDelaySeconds: 60, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 },
  ];
  return {
    kind: 'Deployment',
    component: s.name,
    replicas: { expression: 'int $values.replicas' },
    podAnnotations: '$checksum',
    initContainers: [waitForSchema()],
    containers: [container({
      name: s.name,
      image: 'temporalServer',
      command: ['temporal-server', '--root', '/', '--config', '/etc/temporal/config', '--env', 'docker', 'start', '--service', s.service],
      ports: [...(s.servesGrpc ? [{ name: 'grpc', port: s.grpcPort }] : []), { name: 'membership', port: s.membershipPort }],
      env: '$env',
      userEnv: '$userEnv',
      envOverride: '$envOverride',
      probes: s.servesGrpc ? tcp : [],
      probeNote: s.servesGrpc ? undefined : `The ${s.service} service opens no gRPC listener of its own, so there is nothing to probe (${s.source}).`,
      resources: '$pod.resources',
      preStop: '$pod.preStopSleepSeconds',
      mounts: [{ name: 'config', mountPath: '/etc/temporal/config', readOnly: true }, TMP_MOUNT, DB_CA_MOUNT],
    })],
    volumes: [{ name: 'config', configMap: { name: '$configName', items: [{ key: 'docker.yaml', path: 'docker.yaml' }] } }, TMP_VOLUME],
    volumesInclude: '(include "retool.temporal.dbCaVolume" $)',
  };
}

export function temporalWebWorkload(t: TemporalTopology): WorkloadData {
  return {
    kind: 'Deployment',
    component: t.web.name,
    replicas: { fixed: 1 },
    initContainers: [],
    containers: [container({
      name: t.web.name,
      image: 'temporalWeb',
      ports: [{ name: 'http', port: t.web.port }],
      env: '$env',
      probes: [
        { kind: 'readinessProbe', handler: { tcpSocket: { port: 'http' } }, periodSeconds: 10, timeoutSeconds: 5 },
        { kind: 'livenessProbe', handler: { tcpSocket: { port: 'http' } }, initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 10 },
      ],
      resources: '$pod.resources',
      preStop: '$pod.preStopSleepSeconds',
      mounts: [
        TMP_MOUNT,
        { name: 'config', mountPath: '/home/ui-server/config', comment: ["temporalio/ui 2.34's start script renders ./config/docker.yaml (under /home/ui-server) from", './config-template.yaml at every start, so that directory must be writable.'] },
      ],
    })],
    volumes: [TMP_VOLUME, { name: 'config', emptyDir: true }],
  };
}

/** Probes of the in-release (evaluation) servers: readiness fails fast, liveness waits for a slow first start. */
function evaluationServerProbes(handler: ProbeData['handler']): ProbeData[] {
  return [
    { kind: 'readinessProbe', handler, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    { kind: 'livenessProbe', handler, initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 },
  ];
}

export function postgresWorkload(db: Database): WorkloadData {
  const ready = { exec: { command: ['sh', '-c', 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB" -h 127.0.0.1'] } };
  return {
    kind: 'StatefulSet',
    component: db.name,
    replicas: { fixed: 1 },
    fixedPodMetadata: true,
    podSecurityNote: 'The postgres image runs under any UID whose data directory is writable (fsGroup makes it so).',
    initContainers: [],
    containers: [container({
      name: 'postgresql',
      image: 'postgres',
      ports: [{ name: 'postgresql', port: db.port }],
      env: '$env',
      probes: evaluationServerProbes(ready),
      resources: '$embedded.resources',
      security: { baseline: '$security.container' },
      mounts: [
        { name: 'data', mountPath: '/var/lib/postgresql/data' },
        { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
        { name: 'run', mountPath: '/var/run/postgresql' },
        TMP_MOUNT,
      ],
    })],
    volumes: [{ name: 'init', configMap: { name: '$initName' } }, { name: 'run', emptyDir: true }, TMP_VOLUME],
    claim: { name: 'data', values: '$embedded.storage' },
  };
}

/**
 * The in-release Garage server (blobStorage.mode: embedded): one node that lays itself out and creates the
 * bucket and key from its env at start (x-retool-blob-store); metadata and data on one claim.
 */
export function blobStoreWorkload(store: BlobStore): WorkloadData {
  const s3 = { tcpSocket: { port: 's3' } };
  return {
    kind: 'StatefulSet',
    component: store.name,
    replicas: { fixed: 1 },
    fixedPodMetadata: true,
    podSecurityNote: 'The garage image is a static binary: any UID works whose data directory is writable (fsGroup makes it so).',
    initContainers: [],
    containers: [container({
      name: 'garage',
      image: 'blobStorage',
      command: ['/garage', '-c', '/etc/garage/garage.toml', 'server', '--single-node', '--default-bucket'],
      ports: [{ name: 's3', port: store.port }, { name: 'rpc', port: store.rpcPort }],
      env: '$env',
      probes: evaluationServerProbes(s3),
      resources: '$embedded.resources',
      security: { baseline: '$security.container' },
      mounts: [
        { name: 'data', mountPath: '/var/lib/garage' },
        { name: 'config', mountPath: '/etc/garage', readOnly: true },
        TMP_MOUNT,
      ],
    })],
    volumes: [{ name: 'config', configMap: { name: '$configName' } }, TMP_VOLUME],
    claim: { name: 'data', values: '$embedded.storage' },
  };
}

/**
 * A node DaemonSet (x-retool-node-daemonset): Retool's fixed containers, the host paths it states, the ConfigMap the
 * chart renders for it (a device list or the operator's file). The calling template sets $fixed (container name ->
 * its securityContext and resources), $envs (container name -> env map), $configName and, for a profile, $profileName
 * and $profileKey.
 */
export function nodeDaemonSetWorkload(d: NodeDaemonSet): WorkloadData {
  const containers = d.containers.map((c) => container({
    name: c.name,
    image: c.image,
    command: c.command?.map((word) => JSON.stringify(word)),
    env: `(index $envs "${c.name}")`,
    resources: `(index $fixed "${c.name}").resources`,
    security: { baseline: `(index $fixed "${c.name}").securityContext` },
    mounts: c.mounts,
  }));
  const volumes: VolumeData[] = [
    ...d.hostPaths.map((h) => ({ name: h.name, hostPath: { path: h.path, type: h.type } })),
    ...(d.devices ? [{ name: d.devices.volume, configMap: { name: '$configName' } }] : []),
    ...(d.profile ? [{ name: d.profile.volume, configMap: { name: '$profileName', items: [{ key: '$profileKey', path: d.profile.path, goKey: true }] } }] : []),
  ];
  return {
    kind: 'DaemonSet',
    component: d.name,
    labelsOnlyPodMetadata: true,
    configChecksum: d.devices || d.profile ? '$checksum' : undefined,
    updateStrategy: d.updateStrategy,
    hostNetwork: d.hostNetwork && `.Values.${d.hostNetwork}`,
    initContainers: containers.filter((_, i) => d.containers[i].init),
    containers: containers.filter((_, i) => !d.containers[i].init),
    volumes,
  };
}

/** The init container of every Temporal server pod: waits until the setup Job has put the schema in place. */
function waitForSchema(): ContainerData {
  return container({ name: 'wait-for-schema', image: 'postgres', script: 'wait-for-schema', env: '$pgEnv', resources: '$waitResources', security: { baseline: '$security.container' } });
}

/** The Job of temporal.mode: local that creates Temporal's databases, migrates their schema and registers the namespace. */
export function temporalSetupWorkload(t: TemporalTopology): WorkloadData {
  return {
    kind: 'Job',
    component: t.setup,
    backoffLimit: 20,
    labelsOnlyPodMetadata: true,
    restartPolicy: 'OnFailure',
    initContainers: [
      container({ name: 'wait-for-database', image: 'postgres', command: ['sh', '-c', `'until pg_isready -d postgres; do echo "waiting for $PGHOST:$PGPORT"; sleep 3; done'`], env: '$pgEnv', resources: '$resources' }),
      container({ name: 'schema', image: 'temporalAdminTools', script: 'schema', env: '$schemaEnv', resources: '$resources', mounts: [TMP_MOUNT, DB_CA_MOUNT] }),
    ],
    containers: [
      container({ name: 'namespace', image: 'temporalAdminTools', script: 'namespace', env: '$namespaceEnv', resources: '$resources', mounts: [TMP_MOUNT] }),
    ],
    volumes: [TMP_VOLUME],
    volumesInclude: '(include "retool.temporal.dbCaVolume" $)',
  };
}

/** The helm test Pod: runs the preflight checks with the connection env Retool's containers get. */
export function preflightWorkload(name: string): WorkloadData {
  return {
    kind: 'Pod',
    component: name,
    annotations: [
      { key: 'helm.sh/hook', value: 'test' },
      { key: 'helm.sh/hook-delete-policy', value: 'before-hook-creation', comment: 'Kept after a run so that `kubectl logs` shows the verdict; replaced by the next `helm test`.' },
    ],
    restartPolicy: 'Never',
    initContainers: [],
    containers: [container({ name, image: 'postgres', script: 'preflight', env: '$env', resources: '$resources', mounts: [TMP_MOUNT] })],
    volumes: [TMP_VOLUME],
  };
}
