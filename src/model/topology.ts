import type { ComponentAnnotation, DatabaseAnnotation, JsonSchema, TemporalServiceAnnotation } from '../schema/json-schema.js';

/** One Retool workload, as the generator sees it: everything comes from the component's schema annotation. */
export interface Component {
  /** Key under `components` in values (camelCase). */
  key: string;
  /** Kebab-case container and resource-name suffix. */
  name: string;
  image: string;
  serviceType: string[];
  /** Runs the backend image: gets Retool's secrets, NODE_ENV and retool.env. */
  backend: boolean;
  port: number;
  replicable: boolean;
  enabledBy?: string;
  ingress: boolean;
  probePath: string;
  env: Array<{ name: string; value: string }>;
  urlEnv?: string;
  /** Components (resolved) whose URL this one is told. */
  discovers: Array<{ key: string; name: string; urlEnv: string; port: number; enabledBy?: string }>;
  sandboxed: boolean;
  edges: string[];
  /** Components this one calls (its component edges), with the port they listen on. */
  calls: Array<{ key: string; name: string; port: number }>;
  /** Components that call this one (reverse edges): who may connect in. */
  calledBy: Array<{ key: string; name: string }>;
  /** Databases this component connects to (its database edges), in schema order. */
  databases: Database[];
  talksTo: { temporal: boolean; resources: boolean };
}

/** A PostgreSQL database of the values API, from its `x-retool-database` annotation. */
export interface Database extends DatabaseAnnotation {
  /** Top-level values key (database, retoolDatabase). */
  key: string;
}

export function buildDatabases(schema: JsonSchema): Database[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, node]) => node['x-retool-database'])
    .map(([key, node]) => ({ key, ...node['x-retool-database']! }));
}

const BACKEND_IMAGE = 'backend';

/** Reads the component list, in schema order, from the `x-retool-component` annotations. */
export function buildTopology(schema: JsonSchema): Component[] {
  const databases = buildDatabases(schema);
  const nodes = schema.properties?.components?.properties ?? {};
  const annotations = Object.entries(nodes).map(([key, node]) => ({ key, a: node['x-retool-component'] as ComponentAnnotation }));
  const byKey = new Map(annotations.map(({ key, a }) => [key, a]));
  return annotations.map(({ key, a }) => ({
    key,
    name: a.name,
    image: a.image,
    serviceType: a.serviceType ?? [],
    backend: a.image === BACKEND_IMAGE,
    port: a.port,
    replicable: a.replicable,
    enabledBy: a.enabledBy,
    ingress: a.ingress === true,
    probePath: a.probePath,
    env: Object.entries(a.env ?? {}).sort(([x], [y]) => x.localeCompare(y)).map(([name, value]) => ({ name, value })),
    urlEnv: a.urlEnv,
    discovers: (a.discovers ?? []).map((target) => {
      const t = annotations.find((c) => c.key === target)!.a;
      return { key: target, name: t.name, urlEnv: t.urlEnv!, port: t.port, enabledBy: t.enabledBy };
    }),
    sandboxed: a.sandboxed === true,
    edges: [...a.edges],
    calls: a.edges.filter((edge) => byKey.has(edge)).map((edge) => ({ key: edge, name: byKey.get(edge)!.name, port: byKey.get(edge)!.port })),
    calledBy: annotations.filter((other) => other.a.edges.includes(key)).map((other) => ({ key: other.key, name: other.a.name })),
    databases: databases.filter((db) => a.edges.includes(db.edge)),
    talksTo: {
      temporal: a.edges.includes('temporal'),
      resources: a.edges.includes('resources'),
    },
  }));
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
