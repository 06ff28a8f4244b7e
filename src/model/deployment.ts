import type { ChartModel } from './chart-model.js';
import { componentOn, type Component } from './topology.js';

/**
 * The deployment a set of (merged, valid) values describes, built from the same chart model the chart is
 * generated from: `retool-chart explain` prints it, the chart README draws the default one.
 */
export interface Deployment {
  retool: { version: string; channel: string; profile: string };
  components: DeployedComponent[];
  databases: Array<{ key: string; mode: string; endpoint?: string; inRelease: boolean }>;
  temporal: { mode: string; endpoint?: string; namespace?: string; tls?: boolean; services: string[] };
  /** Every network connection: who opens it, to what, on which port. */
  edges: Array<{ from: string; to: string; port?: number; note?: string }>;
  exposure: { service: string; port: number; ingress?: string };
  /** Names (as used in edges) of what runs inside the release. */
  inRelease: string[];
}

export interface DeployedComponent {
  key: string;
  name: string;
  enabled: boolean;
  image: string;
  /** Pods: the fixed count, or the autoscaler's minimum. */
  replicas: number;
  /** Set when a HorizontalPodAutoscaler decides the count. */
  autoscaling?: { minReplicas: number; maxReplicas: number };
  /** Never more than one pod (not replicable). */
  single: boolean;
  port: number;
}

/** Who reaches the ingress component; where Retool-managed Temporal is (the other targets: x-retool-edge-kinds). */
export const CLIENTS = 'browsers';
export const TEMPORAL_CLOUD = 'Retool-managed Temporal (cloud)';

type Values = Record<string, any>;

export function describeDeployment(model: ChartModel, values: Values): Deployment {
  const isOn = (c: Component) => componentOn(c, (path) => get(values, path));
  const on = model.components.filter(isOn);
  const components = model.components.map((c) => ({
    key: c.key, name: c.name, enabled: isOn(c), image: imageRef(values, c.image), ...replicasOf(values, c), port: c.port,
  }));
  const databases = model.databases.map((db) => {
    const v = values[db.key] ?? {};
    if (v.mode === 'embedded') return { key: db.key, mode: 'embedded', endpoint: `${db.name}:${db.port}/${db.database}`, inRelease: true };
    if (v.mode === 'external') return { key: db.key, mode: 'external', endpoint: `${v.external.host}:${v.external.port}/${v.external.name}${v.external.ssl ? ' (SSL)' : ''}`, inRelease: false };
    return { key: db.key, mode: String(v.mode ?? 'disabled'), inRelease: false };
  });
  const t = values.temporal ?? {};
  const frontend = model.temporal.frontend;
  const temporal: Deployment['temporal'] = t.mode === 'external'
    ? { mode: 'external', endpoint: `${t.external.host}:${t.external.port}`, namespace: t.external.namespace, tls: t.external.tls?.enabled === true, services: [] }
    : t.mode === 'local'
      ? { mode: 'local', endpoint: `${frontend.name}:${frontend.grpcPort}`, namespace: t.local.namespace, tls: false, services: model.temporalServices.map((s) => s.name) }
      : { mode: 'retoolManaged', services: [] };
  const temporalTarget = temporal.mode === 'retoolManaged' ? TEMPORAL_CLOUD : temporal.mode === 'local' ? frontend.name : `Temporal ${t.external.host}`;
  const temporalPort = temporal.mode === 'local' ? frontend.grpcPort : temporal.mode === 'external' ? Number(t.external.port) : undefined;

  const edges: Deployment['edges'] = [];
  const ingressComponent = model.components.find((c) => c.entry)!;
  edges.push({ from: CLIENTS, to: ingressComponent.name, port: Number(values.service?.port ?? ingressComponent.port), note: values.ingress?.enabled ? `${values.ingress.kind ?? 'Ingress'} ${values.ingress.host}` : `Service ${values.service?.type ?? 'ClusterIP'}` });
  // The other routed components are reached only through the Ingress/HTTPRoute, on their own paths.
  if (values.ingress?.enabled) {
    for (const c of on.filter((x) => x.ingress && !x.entry)) edges.push({ from: CLIENTS, to: c.name, port: c.port, note: `${values.ingress.kind ?? 'Ingress'} ${values.ingress.host}${c.routes.map((r) => r.path).join(', ')}` });
  }
  for (const c of on) {
    for (const target of c.calls) {
      const callee = model.components.find((x) => x.key === target.key)!;
      if (isOn(callee)) edges.push({ from: c.name, to: target.name, port: target.port });
    }
    for (const db of c.databases) {
      const d = databases.find((x) => x.key === db.key)!;
      if (d.mode === 'disabled') continue;
      edges.push({ from: c.name, to: d.inRelease ? db.name : externalDatabase(db.key, values[db.key].external), port: d.inRelease ? db.port : Number(values[db.key].external.port) });
    }
    for (const kind of c.external) {
      // Temporal's target depends on temporal.mode; every other kind names its target in the table.
      if (kind.name === 'temporal') edges.push({ from: c.name, to: temporalTarget, port: temporalPort, note: temporal.tls ? 'mTLS' : undefined });
      else edges.push({ from: c.name, to: kind.target, ...('ports' in kind.egress && kind.egress.ports?.length ? { port: kind.egress.ports[0] } : {}) });
    }
  }
  if (temporal.mode === 'local') {
    const persistence = t.local.persistence ?? {};
    const store = persistence.database === 'external'
      ? `Temporal database ${persistence.external.host}`
      : (databases[0].inRelease ? model.databases[0].name : externalDatabase(model.databases[0].key, values[model.databases[0].key].external));
    // The services form one cluster: gRPC and ringpop membership between every pair (as the NetworkPolicies allow).
    for (const service of model.temporalServices) {
      for (const other of model.temporalServices.filter((o) => o !== service)) {
        edges.push({ from: service.name, to: other.name, port: other.grpcPort, note: `membership :${other.membershipPort}` });
      }
    }
    for (const service of model.temporalServices) {
      edges.push({ from: service.name, to: store, port: persistence.database === 'external' ? Number(persistence.external.port) : databases[0].inRelease ? model.databases[0].port : Number(values.database.external.port) });
    }
  }
  return {
    retool: { version: String(values.retool?.version), channel: String(values.retool?.channel), profile: String(values.profile) },
    components,
    databases,
    temporal,
    edges,
    inRelease: [
      ...on.map((c) => c.name),
      ...model.databases.filter((db) => databases.find((x) => x.key === db.key)!.inRelease).map((db) => db.name),
      ...temporal.services,
    ],
    exposure: {
      service: String(values.service?.type ?? 'ClusterIP'),
      port: Number(values.service?.port ?? ingressComponent.port),
      ingress: values.ingress?.enabled ? `http${values.ingress.tls?.enabled || values.ingress.kind === 'HTTPRoute' ? 's' : ''}://${values.ingress.host}/` : undefined,
    },
  };
}

export function formatDeploymentText(d: Deployment): string {
  const lines = [`Retool ${d.retool.version}-${d.retool.channel}, profile ${d.retool.profile}`, '', 'Components:'];
  const width = Math.max(...d.components.map((c) => c.name.length));
  for (const c of d.components) {
    lines.push(c.enabled ? `  ${c.name.padEnd(width)}  ${replicaText(c).padEnd(24)}  ${c.image}  :${c.port}` : `  ${c.name.padEnd(width)}  disabled`);
  }
  lines.push('', 'Databases:');
  for (const db of d.databases) {
    lines.push(`  ${db.key.padEnd(15)} ${db.mode}${db.endpoint ? `  ${db.endpoint}` : ''}${db.inRelease ? '  (in the release: evaluation only)' : ''}`);
  }
  lines.push('', `Temporal: ${d.temporal.mode}${d.temporal.endpoint ? `  frontend ${d.temporal.endpoint}` : ''}${d.temporal.namespace ? `, namespace ${d.temporal.namespace}` : ''}${d.temporal.tls ? ', mTLS' : ''}`);
  if (d.temporal.services.length) lines.push(`  in the release: ${d.temporal.services.join(', ')}`);
  lines.push('', 'Network edges:');
  for (const e of d.edges) lines.push(`  ${e.from} -> ${e.to}${e.port ? ` :${e.port}` : ''}${e.note ? `  (${e.note})` : ''}`);
  lines.push('', 'Exposed:', d.exposure.ingress ? `  ${d.exposure.ingress} (Ingress -> api Service ${d.exposure.service} :${d.exposure.port})` : `  api Service ${d.exposure.service} :${d.exposure.port}${d.exposure.service === 'ClusterIP' ? ' (inside the cluster only; kubectl port-forward)' : ''}`);
  return `${lines.join('\n')}\n`;
}

/** A Mermaid flowchart of the deployment; node ids are derived from names, so output is stable. */
export function formatDeploymentMermaid(d: Deployment): string {
  const ids = new Map<string, string>();
  const id = (name: string) => {
    if (!ids.has(name)) ids.set(name, `n${ids.size}`);
    return ids.get(name)!;
  };
  const label = (text: string) => text.replace(/"/g, "'");
  const lines = ['flowchart LR'];
  const inRelease = new Set(d.inRelease);
  const nodes = new Set(d.edges.flatMap((e) => [e.from, e.to]));
  lines.push('  subgraph release["Helm release"]');
  for (const name of nodes) if (inRelease.has(name)) lines.push(`    ${id(name)}["${label(name)}${replicaSuffix(d, name)}"]`);
  lines.push('  end');
  for (const name of nodes) if (!inRelease.has(name)) lines.push(`  ${id(name)}(["${label(name)}"])`);
  for (const e of d.edges) {
    const text = [e.port ? `:${e.port}` : '', e.note ?? ''].filter(Boolean).join(' ');
    lines.push(`  ${id(e.from)} -->${text ? `|"${label(text)}"|` : ''} ${id(e.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** An external database as an edge target: values key, host and database name (the port is on the edge). */
function externalDatabase(key: string, external: Values): string {
  return `${key} ${external.host}/${external.name}${external.ssl ? ' (SSL)' : ''}`;
}

function replicaSuffix(d: Deployment, name: string): string {
  const c = d.components.find((x) => x.name === name);
  return c ? `<br/>${replicaText(c)}` : '';
}

function replicasOf(values: Values, c: Component): Pick<DeployedComponent, 'replicas' | 'autoscaling' | 'single'> {
  if (!c.replicable) return { replicas: 1, single: true };
  const v = values.components?.[c.key] ?? {};
  if (v.autoscaling?.enabled) return { replicas: Number(v.autoscaling.minReplicas), autoscaling: { minReplicas: Number(v.autoscaling.minReplicas), maxReplicas: Number(v.autoscaling.maxReplicas) }, single: false };
  return { replicas: Number(v.replicas), single: false };
}

function replicaText(c: DeployedComponent): string {
  if (c.single) return '1 replica (never more)';
  if (c.autoscaling) return `${c.autoscaling.minReplicas}–${c.autoscaling.maxReplicas} replicas (autoscaled)`;
  return `${c.replicas} replica${c.replicas === 1 ? '' : 's'}`;
}

/** images.<key> as the chart's retool.image helper writes it. */
export function imageRef(values: Values, key: string): string {
  const image = values.images?.[key] ?? {};
  const repository = values.images?.registry ? `${values.images.registry}/${image.repository}` : image.repository;
  if (image.digest) return `${repository}@${image.digest}`;
  return `${repository}:${image.tag || `${values.retool?.version}-${values.retool?.channel}`}`;
}

function get(values: Values, dotted: string): unknown {
  return dotted.split('.').reduce<any>((v, k) => v?.[k], values);
}
