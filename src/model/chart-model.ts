import { annotationSchemaSource } from '../schema/annotations.js';
import { expandPodOptions, publishedSchema } from '../schema/normalize.js';
import type { JsonSchema } from '../schema/json-schema.js';
import { schemaDefaults } from './defaults.js';
import { buildBlobStore, buildDatabases, buildEdgeKinds, buildPodSecurityPresets, buildTemporalServices, buildTemporalTopology, buildTopology, buildNodeDaemonSets, type BlobStore, type Component, type NodeDaemonSet, type Database, type NamedEdgeKind, type TemporalService, type TemporalTopology } from './topology.js';

/** Everything every emitter reads; built once from the source schema. */
export interface ChartModel {
  /** Source schema with pod options expanded: what values are validated against. */
  schema: JsonSchema;
  /** schema/annotations.schema.json: what the x-retool-* annotations may hold (src/generated/annotations.ts). */
  annotationSchema: JsonSchema;
  /** `schema` without the generator's annotations: written as values.schema.json. */
  published: JsonSchema;
  components: Component[];
  /** Network edges to what is neither a component nor a database (x-retool-edge-kinds). */
  edgeKinds: NamedEdgeKind[];
  /** PostgreSQL databases Retool may use (storage, Retool Database). */
  databases: Database[];
  /** The in-release S3-compatible store of blobStorage.mode: embedded. */
  blobStore: BlobStore;
  /** DaemonSets that prepare nodes for a component (the agent sandbox's device plugin, image prepuller, seccomp installer). */
  nodeDaemonSets: NodeDaemonSet[];
  /** Temporal server services of temporal.mode: local. */
  temporalServices: TemporalService[];
  /** The frontend, the setup Job, the Web UI and the config of temporal.mode: local; the external default port. */
  temporal: TemporalTopology;
  /** podSecurity preset name -> pod and container security baselines of Retool's containers. */
  podSecurityPresets: ReturnType<typeof buildPodSecurityPresets>;
  defaults: Record<string, unknown>;
  /** Default Retool version: the chart's appVersion. */
  appVersion: string;
  chartVersion: string;
}

export interface ModelOptions {
  chartVersion: string;
  /** The file the schema was read from (read by project-model.ts; the builder itself reads no file). */
  schemaFile: string;
}

/** Builds only: the schema is already linted (schema/checked.ts), so a model from an unchecked schema is the caller's choice. */
export function buildChartModel(source: JsonSchema, options: ModelOptions): ChartModel {
  const schema = expandPodOptions(source);
  const defaults = schemaDefaults(schema) as Record<string, unknown>;
  const temporalServices = buildTemporalServices(schema);
  const components = buildTopology(schema);
  return {
    schema,
    annotationSchema: annotationSchemaSource(),
    published: publishedSchema(schema),
    components,
    edgeKinds: buildEdgeKinds(schema),
    temporalServices,
    temporal: buildTemporalTopology(schema, temporalServices),
    podSecurityPresets: buildPodSecurityPresets(schema),
    databases: buildDatabases(schema),
    blobStore: buildBlobStore(schema),
    nodeDaemonSets: buildNodeDaemonSets(schema, components),
    defaults,
    appVersion: String((defaults.retool as Record<string, unknown>).version),
    chartVersion: options.chartVersion,
  };
}
