import { deref, type JsonSchema } from '../schema/json-schema.js';
import { buildTopology, type Component } from './topology.js';

/**
 * Where the checks JSON Schema cannot state look (the pod rules of src/validate/pod-rules.ts, and the same
 * rules as Helm `fail`s in chart-templates/templates/_checks.tpl.hbs): the workloads that take pod options,
 * and for each component the volumes and mount paths the chart gives its pod itself. Built from the schema, so
 * validate (at run time) and the generator (into the templates) read the same lists.
 */
export interface PodCheckSites {
  /** Values paths of the workloads that take pod options (components.<key>, temporal.local.<service>), schema order. */
  owners: string[][];
  /** The components (their pods get extraVolumes and extraVolumeMounts), with the chart's own volumes. */
  pods: PodSite[];
  /** Values paths of the other `resources` (in-release servers without pod options, e.g. database.embedded.resources). */
  resources: string[][];
}

export interface PodSite {
  /** Values path, e.g. ["components", "api"]. */
  path: string[];
  /** Volume names and mount paths of the chart's own in this component's pod: the Temporal CA's, reserved always. */
  volumes: string[];
  mountPaths: string[];
  /** Those of the writable emptyDirs the pod gets under podSecurity: restricted only (read-only root filesystem). */
  restrictedVolumes: string[];
  restrictedMountPaths: string[];
}

/** The mount path of the Temporal CA in every component that talks to Temporal (component.yaml.hbs). */
export const TEMPORAL_CA_MOUNT = { name: 'temporal-ca', mountPath: '/etc/retool/temporal-ca' };

const cache = new WeakMap<JsonSchema, PodCheckSites>();

export function podCheckSites(schema: JsonSchema, topology?: Component[]): PodCheckSites {
  const cached = cache.get(schema);
  if (cached) return cached;
  // Built only on a miss: validateValues asks for the sites on every values it accepts.
  const components = topology ?? buildTopology(schema);
  const owners: string[][] = [];
  const walk = (node: JsonSchema | undefined, path: string[]) => {
    if (!node?.properties) return;
    if (node['x-retool-pod-options'] === true) owners.push(path);
    for (const [key, child] of Object.entries(node.properties)) if (path.length < 3) walk(child, [...path, key]);
  };
  walk(schema, []);
  // Every Resources value outside the pod-option owners, wherever a $ref puts it.
  const resources: string[][] = [];
  const find = (node: JsonSchema | undefined, path: string[]) => {
    if (!node || path.length > 4) return;
    const schemaNode = deref(schema, node);
    if (schemaNode['x-retool-pod-options'] === true || !schemaNode.properties) return;
    for (const [key, child] of Object.entries(schemaNode.properties)) {
      if (key === 'resources' && child.$ref === '#/definitions/Resources') resources.push([...path, key]);
      else find(child, [...path, key]);
    }
  };
  find(schema, []);
  const pods = components.map((c) => {
    const own = c.talksTo.temporal ? [TEMPORAL_CA_MOUNT] : [];
    return {
      path: ['components', c.key],
      volumes: own.map((v) => v.name),
      mountPaths: own.map((v) => v.mountPath),
      restrictedVolumes: c.writable.map((w) => w.name),
      restrictedMountPaths: c.writable.map((w) => w.path),
    };
  });
  const sites = { owners, pods, resources };
  cache.set(schema, sites);
  return sites;
}
