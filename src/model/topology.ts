import type { BlobStoreAnnotation, CallerEnv, NodeDaemonSetAnnotation } from '../generated/annotations.js';
import type { ComponentAnnotation, ComponentPort, DatabaseAnnotation, EdgeKind, OfficialKeys, ImageAnnotation, JsonSchema, PodSecurityAnnotation, SandboxMode, TemporalServiceAnnotation } from '../schema/json-schema.js';

/** One Retool workload, as the generator sees it: everything comes from the component's schema annotation. */
export interface Component {
  /** Key under `components` in values (camelCase). */
  key: string;
  /** Kebab-case container and resource-name suffix. */
  name: string;
  image: string;
  serviceType: string[];
  /** Its image has retoolEnv (Retool's backend): gets SERVICE_TYPE, Retool's secrets, retool.env and the implied edges. */
  retoolEnv: boolean;
  /** The port its Service exposes and callers dial (the first of `ports`). */
  port: number;
  ports: ComponentPort[];
  /** Ports its Service exposes: the first, and those marked service. */
  servicePorts: ComponentPort[];
  /** Every port with its protocol (TCP unless the annotation says UDP): the container, its Service and the NetworkPolicies. */
  protocols: Record<string, 'TCP' | 'UDP'>;
  /** Ports Prometheus scrapes (marked scrape): networkPolicy.metricsFrom may reach them. */
  scrapePorts: number[];
  /** Container args from the image's annotation; empty: the image's own start. */
  args: string[];
  /** Container command replacing the image's ENTRYPOINT (x-retool-component command); empty: the image's. */
  command: string[];
  replicable: boolean;
  enabledBy?: string;
  /** Its own switch under enabledBy's (x-retool-component enabledOverride): null follows enabledBy, false keeps it off. */
  enabledOverride?: string;
  /** The Go condition that renders it (`.Values.<enabledBy>`, and its override not false); absent: always rendered. */
  condition?: string;
  /** Serves client paths through the Ingress/HTTPRoute (its routes), on its first port. */
  ingress: boolean;
  routes: Array<{ path: string; pathType: 'Prefix' | 'Exact' }>;
  /** Routed at /: its Service is the one service.* configures (type, port, annotations). */
  entry: boolean;
  /** Its health check: an HTTP GET of path, or a TCP connect (handler tcpSocket), on a named port; timings Retool's manifests give its probes. Absent: probeNote says why. */
  probe?: ComponentProbe;
  /** Why it has no probe (x-retool-component probeNote), exactly when probe is absent. */
  probeNote?: string;
  /** Env the chart sets by default: the image's, the component's tuning, the ports' listen env; sorted. */
  env: Array<{ name: string; value: string }>;
  /** Paths the image writes, each with a volume name: emptyDirs there under podSecurity: restricted. */
  writable: Array<{ name: string; path: string }>;
  /** Directories it writes whatever podSecurity is (x-retool-component scratch): an emptyDir each, size-limited (a tmpfs with medium Memory). */
  scratch: Array<{ name: string; path: string; sizeLimit: string; medium?: 'Memory' }>;
  /** The container security context Retool's manifests always give it, over the preset's baseline (x-retool-component securityContext). */
  securityContext?: Record<string, unknown>;
  /** Init containers of its image Retool's manifest runs first (x-retool-component init), mounts resolved to volume names. */
  init: Array<{ name: string; command: string[]; securityContext: Record<string, unknown>; resources: Record<string, unknown>; mounts: Array<{ name: string; mountPath: string }> }>;
  /** It reads its databases as one URL and a password env (x-retool-component databaseUrl). */
  databaseUrl?: { url: string; password: string };
  /** Its pods are Jobs a controller creates from a template in a ConfigMap (x-retool-component jobTemplate). */
  jobTemplate?: { key: string; ttlSecondsAfterFinished: number; podAnnotations: Record<string, string> };
  /** Env from the pod itself (downward API): its own fieldEnv, sorted. */
  fieldEnv: Array<{ name: string; fieldPath: string }>;
  /** Env naming the release (x-retool-component releaseEnv), sorted. */
  releaseEnv: Array<{ name: string; fact: 'releaseName' | 'namespace' | 'fullname' | 'instanceSelector' | 'publicHost' | 'imageTag' | 'resource'; resource?: string }>;
  /** Secrets of the values API it reads (x-retool-component secretEnv), sorted: value path and key in the chart's Secret. */
  secretEnv: Array<{ name: string; value: string; key: string }>;
  /** Labels Retool's manifests put on its pods (x-retool-component labels), sorted by key. */
  labels: Array<{ key: string; value: string }>;
  /** It uses the Kubernetes API: its own ServiceAccount (token mounted), a ClusterRole (namespaced: a Role) with these rules and its binding. */
  kubernetesApi?: NonNullable<ComponentAnnotation['kubernetesApi']> & { namespaced: boolean };
  /**
   * Components it has an edge to that hand their callers env (x-retool-component callerEnv), and those whose being on
   * gives it env of its own (envWhileOn), each while that component is on.
   */
  told: Array<{
    key: string; name: string; condition: string;
    /** host: <Service>.<namespace>; port: the number of the named port (absent when it names no port). */
    host?: string; port?: string; number?: number;
    env: Array<{ name: string; value: string }>;
    fieldEnv: Array<{ name: string; fieldPath: string }>;
    secretEnv: Array<{ name: string; value: string; key: string }>;
  }>;
  urlEnv?: string;
  /** Components it has an edge to that publish a URL: it is told each URL (their urlEnv). */
  discovers: Array<{ key: string; name: string; urlEnv: string; port: number; condition?: string }>;
  /** Its SERVICE_TYPE includes DB_CONNECTOR, so the Java database connector applies (javaDbConnector value). */
  javaDbConnector?: NonNullable<ImageAnnotation['javaDbConnector']>;
  /** Sandbox modes of a sandboxed component (its `sandbox` value). */
  sandboxModes?: Record<string, SandboxMode>;
  /** Has a Service: something calls it or it takes ingress. */
  exposed: boolean;
  sandboxed: boolean;
  /** Its edges as listed, then the edge kinds its image implies (retoolEnv). */
  edges: string[];
  /** The edge kinds (x-retool-edge-kinds) among its edges, in table order: one NetworkPolicy egress rule each. */
  external: NamedEdgeKind[];
  /** Components this one calls (its component edges), with the ports their Services expose; condition: the callee's switch when it differs. */
  calls: Array<{ key: string; name: string; port: number; ports: PortRule[]; condition?: string }>;
  /** SERVICE_TYPE roles added while a value is on (x-retool-component addsRoles), as Go conditions. */
  addsRoles: Array<{ roles: string[]; condition: string }>;
  /** Components it calls that take roles over from it while they are on (x-retool-component takesOver). */
  delegates: Array<{
    key: string; name: string; condition: string; roles: string[];
    /** The roles taken over include the one the Java database connector goes with: it moves too. */
    dropsJava: boolean;
    /** host: the env naming the Service (with http:// unless scheme is false). */
    env: Array<{ host: string; port: string; number: number; scheme: boolean; javaCondition?: string }>;
  }>;
  /** Components that call this one (reverse edges): who may connect in; condition: the caller's own switch, when it differs. */
  calledBy: Array<{ key: string; name: string; condition?: string; ports: PortRule[] }>;
  /** Databases this component connects to (its database edges), in schema order. */
  databases: Database[];
  /** Edge kind name -> whether it has that edge (every kind of the table is a key). */
  talksTo: Record<string, boolean>;
  /** The official chart's values keys `import` carries onto it (x-retool-component official). */
  official?: OfficialKeys;
  /** Which top-level probe settings of the official chart this service reads (x-retool-component officialProbes). */
  officialProbes?: ComponentAnnotation['officialProbes'];
  /** Where the component's runtime facts come from, and its image's (start, env, writable paths). */
  source: string;
  imageSource: string;
}

/** A port of a NetworkPolicy rule. */
export interface PortRule { port: number; protocol: 'TCP' | 'UDP' }

/** A component's health check (x-retool-component probe), its handler resolved. */
export interface ComponentProbe {
  handler: 'httpGet' | 'tcpSocket';
  /** HTTP path (httpGet only). */
  path?: string;
  /** The readiness probe's own HTTP path, when Retool's manifest gives it one. */
  readinessPath?: string;
  port: string;
  timings: NonNullable<NonNullable<ComponentAnnotation['probe']>['timings']>;
}

/** The health check in the words of the docs: `/api/checkHealth` on 3000, or TCP on 3010. */
export function probeLabel(c: Pick<Component, 'probe' | 'ports'>): string {
  if (!c.probe) return 'none';
  const port = c.ports.find((p) => p.name === c.probe!.port)?.port;
  if (c.probe.handler === 'tcpSocket') return `TCP connect on ${port}`;
  return c.probe.readinessPath ? `\`${c.probe.path}\` (readiness \`${c.probe.readinessPath}\`) on ${port}` : `\`${c.probe.path}\` on ${port}`;
}

/** A PostgreSQL database of the values API, from its `x-retool-database` annotation. */
export interface Database extends DatabaseAnnotation {
  /** Top-level values key (database, retoolDatabase). */
  key: string;
  /** The port the embedded server listens on and its Service exposes. */
  port: number;
}

/** The port of the postgres image's server (the embedded databases and the Temporal database default). */
export const POSTGRES_PORT = 5432;

export function buildDatabases(schema: JsonSchema): Database[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, node]) => node['x-retool-database'])
    .map(([key, node]) => ({ key, ...node['x-retool-database']!, port: POSTGRES_PORT }));
}

/** The in-release S3-compatible store of blobStorage.mode: embedded (x-retool-blob-store). */
export type BlobStore = BlobStoreAnnotation;

export function buildBlobStore(schema: JsonSchema): BlobStore {
  const store = schema.properties?.blobStorage?.properties?.embedded?.['x-retool-blob-store'] as BlobStore | undefined;
  if (!store) throw new Error('blobStorage.embedded has no x-retool-blob-store annotation');
  return store;
}

/**
 * A DaemonSet that prepares every node for a component (x-retool-node-daemonset on the values object that switches
 * it): rendered while its enabled value and the component it serves are on.
 */
export interface NodeDaemonSet extends NodeDaemonSetAnnotation {
  /** Dotted values path of its object (appBuilder.agentSandbox.nodeSetup.devicePlugin). */
  values: string;
  /** The Go condition that renders it: the served component's and its own enabled. */
  condition: string;
  /** Its values object has a priorityClassName of its own (else it takes none). */
  ownPriorityClass: boolean;
  /** Dotted values path of the boolean beside its object that puts its pods on the node's network, if there is one. */
  hostNetwork?: string;
}

/** The node DaemonSets, in schema order, from their x-retool-node-daemonset annotations. */
export function buildNodeDaemonSets(schema: JsonSchema, components: Component[]): NodeDaemonSet[] {
  const found: NodeDaemonSet[] = [];
  const walk = (node: JsonSchema, path: string[], parent?: JsonSchema) => {
    const a = node['x-retool-node-daemonset'] as NodeDaemonSetAnnotation | undefined;
    if (a) {
      const served = components.find((c) => c.key === a.serves);
      if (!served) throw new Error(`x-retool-node-daemonset ${a.name} serves ${a.serves}, which is no component`);
      const values = path.join('.');
      const own = `.Values.${values}.enabled`;
      found.push({
        ...a, values, condition: served.condition ? `(and ${served.condition} ${own})` : own,
        ownPriorityClass: node.properties?.priorityClassName !== undefined,
        hostNetwork: parent?.properties?.hostNetwork ? [...path.slice(0, -1), 'hostNetwork'].join('.') : undefined,
      });
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [...path, key], node);
  };
  walk(schema, []);
  return found;
}

/**
 * The Go condition under which something switched on by the boolean value at `enabledBy` is rendered; with
 * `override` (a value taking null or false), only while that is not false.
 */
export function goCondition(enabledBy: string | undefined, override?: string): string | undefined {
  if (enabledBy === undefined) return undefined;
  return override === undefined ? `.Values.${enabledBy}` : `(and .Values.${enabledBy} (not (kindIs "bool" .Values.${override})))`;
}

/** Whether values switch a component on, as its Go condition decides (`get` reads a dotted path). */
export function componentOn(c: Pick<Component, 'enabledBy' | 'enabledOverride'>, get: (path: string) => unknown): boolean {
  if (!c.enabledBy) return true;
  return get(c.enabledBy) === true && (c.enabledOverride === undefined || typeof get(c.enabledOverride) !== 'boolean');
}

/** The components `values` switch on (values read by dotted path, as the chart's conditions read them). */
export function componentsOn<C extends Pick<Component, 'enabledBy' | 'enabledOverride'>>(components: readonly C[], values: Record<string, unknown>): C[] {
  const get = (path: string) => path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), values);
  return components.filter((c) => componentOn(c, get));
}

/** Two annotations switched on and off by the same values (no condition of one is needed inside the other). */
function sameSwitch(a: ComponentAnnotation, b: ComponentAnnotation): boolean {
  return a.enabledBy === b.enabledBy && a.enabledOverride === b.enabledOverride;
}

/** The Go condition of an annotated component. */
const conditionOf = (a: ComponentAnnotation) => goCondition(a.enabledBy, a.enabledOverride);

/** An edge kind of the schema's x-retool-edge-kinds table, with its name. */
export interface NamedEdgeKind extends EdgeKind {
  name: string;
}

export function buildEdgeKinds(schema: JsonSchema): NamedEdgeKind[] {
  return Object.entries(schema['x-retool-edge-kinds'] ?? {}).map(([name, kind]) => ({ name, ...kind }));
}

/** Reads the component list, in schema order, from the `x-retool-component` annotations. */
export function buildTopology(schema: JsonSchema): Component[] {
  const databases = buildDatabases(schema);
  const nodes = schema.properties?.components?.properties ?? {};
  const annotations = Object.entries(nodes).map(([key, node]) => ({ key, a: node['x-retool-component'] as ComponentAnnotation }));
  const byKey = new Map(annotations.map(({ key, a }) => [key, a]));
  const images = schema.properties?.images?.properties ?? {};
  const kinds = buildEdgeKinds(schema);
  return annotations.map(({ key, a }) => {
    const image: Partial<ImageAnnotation> = images[a.image]?.['x-retool-image'] ?? {};
    // A backend-image container reads the URLs of what it calls; retoolEnv (Retool's secrets and env) it may decline.
    const backendImage = image.retoolEnv === true;
    const retoolEnv = backendImage && a.retoolEnv !== false;
    const edges = [...a.edges, ...kinds.filter((k) => k.impliedByRetoolEnv && retoolEnv && !a.edges.includes(k.name)).map((k) => k.name)];
    const env = {
      ...image.env,
      // Without retoolEnv, SERVICE_TYPE is a plain env entry (retool.env.backend composes it otherwise).
      ...(!retoolEnv && a.serviceType?.length ? { SERVICE_TYPE: a.serviceType.join(',') } : {}),
      ...a.env,
      ...Object.fromEntries(a.ports.filter((p) => p.env).map((p) => [p.env!, String(p.port)])),
    };
    // A caller switched on by another value than this component is admitted only while it is on.
    const calledBy = annotations.filter((other) => other.a.edges.includes(key)).map((other) => ({
      key: other.key, name: other.a.name, condition: other.a.enabledBy && !sameSwitch(other.a, a) ? conditionOf(other.a) : undefined,
      ports: portRules(a),
    }));
    return {
      key,
      name: a.name,
      image: a.image,
      serviceType: a.serviceType ?? [],
      retoolEnv,
      port: a.ports[0].port,
      ports: a.ports,
      servicePorts: servicePorts(a),
      protocols: Object.fromEntries(a.ports.map((p) => [p.name, p.protocol ?? 'TCP'])),
      scrapePorts: a.ports.filter((p) => p.scrape === true).map((p) => p.port),
      args: a.args ?? image.args ?? [],
      command: a.command ?? [],
      replicable: a.replicable,
      enabledBy: a.enabledBy,
      enabledOverride: a.enabledOverride,
      condition: conditionOf(a),
      ingress: (a.routes ?? []).length > 0,
      routes: (a.routes ?? []).map((r) => ({ path: r.path, pathType: r.pathType ?? 'Prefix' })),
      entry: (a.routes ?? []).some((r) => r.path === '/'),
      probe: a.probe && { handler: a.probe.handler ?? 'httpGet', path: a.probe.path, readinessPath: a.probe.readinessPath, port: a.probe.port, timings: a.probe.timings ?? {} },
      probeNote: a.probeNote,
      env: Object.entries(env).sort(([x], [y]) => x.localeCompare(y)).map(([name, value]) => ({ name, value })),
      writable: (image.writablePaths ?? []).map((path) => ({ name: volumeName(path), path })),
      scratch: (a.scratch ?? []).map((d) => ({ name: volumeName(d.path), path: d.path, sizeLimit: d.sizeLimit, medium: d.medium })),
      securityContext: a.securityContext?.container,
      init: (a.init ?? []).map((i) => ({
        name: i.name, command: i.command, securityContext: i.securityContext, resources: i.resources,
        mounts: i.mounts.map((m) => ({ name: volumeName(m.scratch), mountPath: m.mountPath })),
      })),
      databaseUrl: a.databaseUrl && { url: a.databaseUrl.url, password: a.databaseUrl.password },
      jobTemplate: a.jobTemplate && { key: a.jobTemplate.key, ttlSecondsAfterFinished: a.jobTemplate.ttlSecondsAfterFinished, podAnnotations: a.jobTemplate.podAnnotations },
      fieldEnv: sortedEntries(a.fieldEnv).map(([name, fieldPath]) => ({ name, fieldPath })),
      releaseEnv: sortedEntries(a.releaseEnv).map(([name, fact]) => (typeof fact === 'string' ? { name, fact } : { name, fact: 'resource' as const, resource: fact.resource })),
      secretEnv: sortedEntries(a.secretEnv).map(([name, s]) => ({ name, value: s.value, key: s.key })),
      labels: sortedEntries(a.labels).map(([key, value]) => ({ key, value })),
      kubernetesApi: a.kubernetesApi && { ...a.kubernetesApi, namespaced: a.kubernetesApi.scope === 'namespace' },
      // Every caller is told, whatever its image: Retool's chart includes the env helper into code-executor too.
      told: [
        ...a.edges.filter((edge) => byKey.get(edge)?.callerEnv).map((edge) => {
          const t = byKey.get(edge)!;
          const e = t.callerEnv!;
          return {
            key: edge, name: t.name, condition: conditionOf(t)!, host: e.host, port: e.port,
            number: e.via === undefined ? undefined : t.ports.find((p) => p.name === e.via)!.port,
            ...toldEnv(e),
          };
        }),
        // envWhileOn: no edge, so no URL. A key that names no component is lint's to report, not the model's to crash on.
        ...sortedEntries(a.envWhileOn).filter(([key]) => byKey.has(key)).map(([key, e]) => {
          const t = byKey.get(key)!;
          return { key, name: t.name, condition: conditionOf(t)!, ...toldEnv(e) };
        }),
      ],
      urlEnv: a.urlEnv,
      // Retool's backend containers read these URLs (Retool's manifests give code-executor none); other images
      // only those their annotation names (discover), under its env names.
      discovers: a.edges.filter((edge) => a.discover?.[edge] || (backendImage && byKey.get(edge)?.urlEnv)).map((target) => {
        const t = byKey.get(target)!;
        // A target switched on by the same values as this component needs no condition of its own.
        const condition = sameSwitch(t, a) ? undefined : conditionOf(t);
        return { key: target, name: t.name, urlEnv: a.discover?.[target] ?? t.urlEnv!, port: t.ports[0].port, condition };
      }),
      javaDbConnector: image.javaDbConnector && (a.serviceType ?? []).includes(image.javaDbConnector.before) ? image.javaDbConnector : undefined,
      sandboxModes: a.sandboxed ? schema.properties?.components?.properties?.[key]?.properties?.sandbox?.['x-retool-sandbox'] ?? {} : undefined,
      exposed: (a.routes ?? []).length > 0 || annotations.some((other) => other.a.edges.includes(key)),
      sandboxed: a.sandboxed === true,
      edges,
      external: kinds.filter((k) => edges.includes(k.name)),
      calls: a.edges.filter((edge) => byKey.has(edge)).map((edge) => {
        const t = byKey.get(edge)!;
        return { key: edge, name: t.name, port: t.ports[0].port, ports: portRules(t), condition: t.enabledBy && !sameSwitch(t, a) ? conditionOf(t) : undefined };
      }),
      addsRoles: (a.addsRoles ?? []).map((r) => ({ roles: r.roles, condition: goCondition(r.enabledBy, r.enabledOverride)! })),
      delegates: a.edges.filter((edge) => byKey.get(edge)?.takesOver).map((edge) => {
        const t = byKey.get(edge)!;
        // The roles it may hold: its own and those an addsRoles entry gives it while a value is on.
        const held = [...(a.serviceType ?? []), ...(a.addsRoles ?? []).flatMap((r) => r.roles)];
        const roles = t.takesOver!.roles.filter((role) => held.includes(role));
        return {
          key: edge,
          name: t.name,
          condition: conditionOf(t) ?? 'true',
          roles,
          dropsJava: image.javaDbConnector !== undefined && roles.includes(image.javaDbConnector.before),
          env: t.takesOver!.env.filter((e) => !e.role || held.includes(e.role)).map((e) => ({
            host: e.host, port: e.port, number: t.ports.find((p) => p.name === e.via)!.port, scheme: e.scheme !== false,
            javaCondition: e.javaOnly ? `.Values.components.${edge}.javaDbConnector` : undefined,
          })),
        };
      }),
      calledBy,
      databases: databases.filter((db) => a.edges.includes(db.edge)),
      talksTo: Object.fromEntries(kinds.map((k) => [k.name, edges.includes(k.name)])),
      official: a.official,
      officialProbes: a.officialProbes,
      source: a.source,
      imageSource: image.source ?? '',
    };
  });
}

/** The Service ports of a component as NetworkPolicy port rules. */
function portRules(a: ComponentAnnotation): PortRule[] {
  return servicePorts(a).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }));
}

/** A name -> value map's entries sorted by name (stable output); absent: none. */
/** The env a component is told (callerEnv, envWhileOn), in the model's sorted form. */
function toldEnv(e: Pick<CallerEnv, 'env' | 'fieldEnv' | 'secretEnv'>): Pick<Component['told'][number], 'env' | 'fieldEnv' | 'secretEnv'> {
  return {
    env: sortedEntries(e.env).map(([name, value]) => ({ name, value })),
    fieldEnv: sortedEntries(e.fieldEnv).map(([name, fieldPath]) => ({ name, fieldPath })),
    secretEnv: sortedEntries(e.secretEnv).map(([name, v]) => ({ name, value: v.value, key: v.key })),
  };
}

function sortedEntries<T>(map: Record<string, T> | undefined): Array<[string, T]> {
  return Object.entries(map ?? {}).sort(([x], [y]) => x.localeCompare(y));
}

/** The ports a component's Service exposes: the first, and those marked service. */
function servicePorts(a: ComponentAnnotation): ComponentPort[] {
  return a.ports.filter((p, i) => i === 0 || p.service === true);
}

/** A volume name for a writable path: its segments joined by dashes (`/usr/local/retool-git-repo` -> `usr-local-retool-git-repo`). */
export function volumeName(path: string): string {
  return path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'root';
}

/** The podSecurity presets (`x-retool-pod-security`): security baselines of Retool's containers, with sources and costs. */
export function buildPodSecurityPresets(schema: JsonSchema): PodSecurityAnnotation {
  return schema.properties?.podSecurity?.['x-retool-pod-security'] ?? {};
}

/** Names of the components with an edge to a dependency (e.g. who may connect to the storage database). */
export function clientsOf(components: Component[], dependency: string): string[] {
  return components.filter((c) => c.edges.includes(dependency)).map((c) => c.name);
}

/** A Temporal server service of temporal.mode: local, from its `x-retool-temporal-service` annotation. */
export interface TemporalService extends TemporalServiceAnnotation {
  /** Key under temporal.local in values. */
  key: string;
  /** The service Retool's containers and the other services dial (the frontend). */
  frontend: boolean;
}

export function buildTemporalServices(schema: JsonSchema): TemporalService[] {
  const nodes = schema.properties?.temporal?.properties?.local?.properties ?? {};
  return Object.entries(nodes)
    .filter(([, node]) => node['x-retool-temporal-service'])
    .map(([key, node]) => {
      const a = node['x-retool-temporal-service']!;
      return { key, ...a, frontend: a.service === 'frontend' };
    });
}

/**
 * The names and ports of Temporal's pieces the chart runs besides the services (temporal.mode: local), and the
 * port a Temporal cluster outside the release is reached on by default: every template reads them from here.
 */
export interface TemporalTopology {
  /** The service Retool's containers, the setup Job, the Web UI and the other services dial. */
  frontend: TemporalService;
  /** Resource-name suffix and component label of the Job that creates and migrates the databases. */
  setup: string;
  /** The ConfigMap holding the server configuration (suffix). */
  config: string;
  /** Temporal Web UI (temporal.local.web.enabled): name and HTTP port. */
  web: { name: string; port: number };
  /** temporal.external.port's default: the frontend port of Retool-managed Temporal and of external clusters. */
  externalPort: number;
}

export function buildTemporalTopology(schema: JsonSchema, services: TemporalService[]): TemporalTopology {
  const frontend = services.find((s) => s.frontend);
  if (!frontend) throw new Error('the schema declares no Temporal frontend service (x-retool-temporal-service with service: frontend)');
  const externalPort = schema.properties?.temporal?.properties?.external?.properties?.port?.default;
  if (typeof externalPort !== 'number') throw new Error('temporal.external.port has no numeric default in the schema');
  return { frontend, setup: 'temporal-setup', config: 'temporal-config', web: { name: 'temporal-web', port: 8080 }, externalPort };
}

/** The helm test Pod's name suffix and component label. */
export const PREFLIGHT_NAME = 'preflight';

/** One path of the Ingress/HTTPRoute: a component's route with the Service port it reaches. */
export interface IngressRoute {
  path: string;
  pathType: 'Prefix' | 'Exact';
  /** Component name (its Service). */
  name: string;
  /** Its first port: name and number (the entry component's Service port is service.port instead). */
  portName: string;
  port: number;
  entry: boolean;
  condition?: string;
}

/** Every component route, most specific first (longer paths before shorter; Exact before Prefix on the same path). */
export function ingressRoutes(components: Component[]): IngressRoute[] {
  return components
    .flatMap((c) => c.routes.map((r) => ({ ...r, name: c.name, portName: c.ports[0].name, port: c.port, entry: c.entry, condition: c.condition })))
    .sort((a, b) => b.path.length - a.path.length || (a.pathType === b.pathType ? 0 : a.pathType === 'Exact' ? -1 : 1) || a.path.localeCompare(b.path));
}
