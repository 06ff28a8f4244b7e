import { boundScalars, defaultsKeptRule, placeholderSecretsRule } from './helm-safety.js';
import { visit } from './visit.js';
import { POD_OPTIONS_DEFINITION, podOptionRef, type JsonSchema } from './json-schema.js';

/**
 * Draft-07 has no `unevaluatedProperties`, so closed objects cannot share properties through `allOf`.
 * Nodes marked `x-retool-pod-options` therefore get every PodOptions property as a one-line `$ref` to its
 * definition (`#/definitions/PodOptions/properties/<key>`), not a copy: the object stays closed, every
 * validator (Helm 3's gojsonschema, Helm 4's santhosh-tekuri/jsonschema, ajv, yaml-language-server) resolves
 * the pointer to the same node, and the schema carries each option once. A property the node declares itself
 * (e.g. a component's own resource defaults) wins. Returns a new schema.
 */
export function expandPodOptions(source: JsonSchema): JsonSchema {
  const schema = structuredClone(source);
  const podOptions = schema.definitions?.[POD_OPTIONS_DEFINITION]?.properties;
  if (!podOptions) throw new Error(`schema lacks definitions.${POD_OPTIONS_DEFINITION}.properties`);
  const shared = Object.fromEntries(Object.keys(podOptions).map((key) => [key, { $ref: podOptionRef(key) }]));
  visit(schema, (node) => {
    if (node['x-retool-pod-options'] !== true) return;
    node.properties = { ...structuredClone(shared), ...(node.properties ?? {}) };
  });
  expandComponentRules(schema);
  boundScalars(schema);
  const derived: JsonSchema[] = [];
  try {
    for (const rule of [defaultsKeptRule(schema), placeholderSecretsRule(schema)]) if (rule) derived.push(rule);
  } catch (error) {
    // A $ref that does not resolve locally: the schema lint reports it with its location. Anything else
    // (e.g. values nesting without end) is a real failure.
    if (!/^(unresolvable \$ref |only local refs are supported)/.test((error as Error).message)) throw error;
  }
  schema.allOf = [...(schema.allOf ?? []), ...derived];
  return schema;
}

/**
 * Rules that follow from the topology, added to the schema rather than written per component:
 * every component with a probe takes probe tuning (probes); a replicable component may autoscale (and
 * then has no fixed replica count); under profile: production
 * every component must keep CPU and memory requests and a memory limit.
 */
function expandComponentRules(schema: JsonSchema): void {
  const components = schema.properties?.components?.properties ?? {};
  const productionResources: Record<string, JsonSchema> = {};
  for (const [key, node] of Object.entries(components)) {
    const annotation = node['x-retool-component'];
    // Every component's HTTP probes take the same tuning (README "Probes").
    if (annotation?.probe && node.properties && !node.properties.probes) {
      node.properties.probes = { $ref: '#/definitions/ProbeOverrides', description: `Tuning of the ${annotation.name} container's readiness, liveness and startup probes (timings, host, scheme).` };
    }
    if (annotation?.replicable && node.properties && !node.properties.autoscaling) {
      node.properties.autoscaling = { $ref: '#/definitions/Autoscaling' };
      // The count may only be removed (null) or left at its default: `helm lint` cannot delete a default
      // with null, so "absent" alone would make lint reject every autoscaled values file.
      const fixed = node.properties.replicas?.default;
      node.allOf = [...(node.allOf ?? []), {
        description: `components.${key}: autoscaling.enabled replaces a fixed replica count (remove replicas or set it to null).`,
        if: { required: ['autoscaling'], properties: { autoscaling: { required: ['enabled'], properties: { enabled: { const: true } } } } },
        then: { properties: { replicas: { enum: [null, fixed] } } },
      }];
    }
    productionResources[key] = {
      properties: {
        resources: {
          required: ['requests', 'limits'],
          properties: { requests: { required: ['cpu', 'memory'] }, limits: { required: ['memory'] } },
        },
      },
    };
  }
  schema.allOf = [...(schema.allOf ?? []), {
    description: 'profile: production requires CPU and memory requests and a memory limit on every component.',
    if: { required: ['profile'], properties: { profile: { const: 'production' } } },
    then: { properties: { components: { properties: productionResources } } },
  }];
}

/** The schema Helm and editors see: no project annotations. */
export function publishedSchema(expanded: JsonSchema): JsonSchema {
  const schema = structuredClone(expanded);
  visit(schema, (node) => {
    for (const key of Object.keys(node)) if (key.startsWith('x-retool-')) delete node[key];
  });
  return schema;
}
