import { IssuesError, type Issue } from '../issue.js';
import { ANNOTATION_KEYWORDS, SCHEMA_DRAFT, deref, isObject, type ComponentAnnotation, type ImageAnnotation, type JsonSchema } from './json-schema.js';
import { visit } from './visit.js';
import { valueAtPath, valuesTree, type ValueNode } from './values-tree.js';

/** Outbound edge targets that are neither components nor databases (those are annotated in the schema). */
export const DEPENDENCY_EDGES = ['temporal', 'resources', 'sourceControl'] as const;

type Rule = (schema: JsonSchema) => Array<{ path: string; detail?: string }>;

/**
 * The house rules of the source schema, each named by the sentence that states it; the sentence is the
 * error text. Run on the expanded schema (pod options already copied in).
 */
export const SCHEMA_RULES = new Map<string, Rule>([
  ['the schema is draft-07', (schema) => (schema.$schema === SCHEMA_DRAFT ? [] : [{ path: '#/$schema' }])],

  ['global is declared at the root (Helm injects it)', (schema) =>
    (schema.properties?.global ? [] : [{ path: '#/properties' }])],

  ['every $ref points into #/definitions', (schema) => {
    const bad: Array<{ path: string; detail: string }> = [];
    visit(schema, (node, path) => {
      if (node.$ref !== undefined && !/^#\/definitions\/[^/]+(\/properties\/[^/]+)*$/.test(node.$ref)) bad.push({ path, detail: node.$ref });
    });
    return bad;
  }],

  ['only annotations stand beside $ref (draft-07 ignores the rest)', (schema) => {
    const bad: Array<{ path: string; detail: string }> = [];
    visit(schema, (node, path) => {
      if (node.$ref === undefined) return;
      const extra = Object.keys(node).filter((k) => k !== '$ref' && !ANNOTATION_KEYWORDS.has(k) && !k.startsWith('x-retool-'));
      if (extra.length) bad.push({ path, detail: extra.join(', ') });
    });
    return bad;
  }],

  ['every property has a description', (schema) =>
    valueProperties(schema).filter((node) => !node.schema.description).map(({ pointer }) => ({ path: pointer }))],

  ['every object with properties is closed (additionalProperties: false)', (schema) =>
    valueObjects(schema).filter((node) => node.schema.additionalProperties !== false).map(({ pointer }) => ({ path: pointer }))],

  ['every leaf has a default or is required', (schema) => valueObjects(schema)
    .filter((parent) => !parent.sparse)
    .flatMap((parent) => parent.children)
    .filter((child) => !(child.schema.properties && child.schema.default === undefined) && child.schema.default === undefined && !child.required)
    .map(({ pointer }) => ({ path: pointer }))],

  // validate, Helm's users and the editor read the words; a raw regular expression explains nothing.
  ['every pattern says in words what it accepts (patternErrorMessage)', (schema) => {
    const bad: Array<{ path: string }> = [];
    visit(schema, (node, path) => {
      if (typeof node.pattern === 'string' && typeof node.patternErrorMessage !== 'string') bad.push({ path });
    });
    return bad;
  }],

  ['component annotations are complete and consistent', (schema) => componentProblems(schema)],

  ['database annotations are complete and unique', (schema) => {
    const bad: Array<{ path: string; detail?: string }> = [];
    const seen = new Set<string>();
    for (const [key, node] of Object.entries(schema.properties ?? {})) {
      const a = node['x-retool-database'];
      if (!a) continue;
      const path = `#/properties/${key}/x-retool-database`;
      const modes = deref(schema, node.properties?.mode ?? {}).enum ?? [];
      if (!modes.includes('embedded') || !node.properties?.embedded || !node.properties?.external) bad.push({ path, detail: 'a database has mode (with embedded), embedded and external' });
      if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(a.name ?? '')) bad.push({ path, detail: `name must be a DNS label, got ${a.name}` });
      if (!/^[A-Z][A-Z0-9_]*_$/.test(a.envPrefix ?? '')) bad.push({ path, detail: `envPrefix must be UPPER_CASE ending in _, got ${a.envPrefix}` });
      if (!/^[-._a-zA-Z0-9]+$/.test(a.passwordKey ?? '')) bad.push({ path, detail: `passwordKey must be a Secret key, got ${a.passwordKey}` });
      for (const field of ['edge', 'database', 'user', 'initSql'] as const) if (typeof a[field] !== 'string' || !a[field]) bad.push({ path, detail: `${field} is missing` });
      for (const unique of [`name:${a.name}`, `edge:${a.edge}`, `key:${a.passwordKey}`, `env:${a.envPrefix}`]) {
        if (seen.has(unique)) bad.push({ path, detail: `${unique} is used twice` });
        seen.add(unique);
      }
    }
    return bad;
  }],

  ['Temporal service annotations are complete and exactly one is the frontend', (schema) => {
    const local = schema.properties?.temporal?.properties?.local?.properties ?? {};
    const annotated = Object.entries(local).filter(([, node]) => node['x-retool-temporal-service']);
    const bad: Array<{ path: string; detail?: string }> = [];
    const ports = new Set<number>();
    for (const [key, node] of annotated) {
      const a = node['x-retool-temporal-service']!;
      const path = `#/properties/temporal/properties/local/properties/${key}/x-retool-temporal-service`;
      if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(a.name ?? '')) bad.push({ path, detail: `name must be a DNS label, got ${a.name}` });
      if (!['frontend', 'history', 'matching', 'worker', 'internal-frontend'].includes(a.service)) bad.push({ path, detail: `unknown Temporal service ${a.service}` });
      for (const port of [a.grpcPort, a.membershipPort]) {
        if (!Number.isInteger(port) || port < 1 || port > 65535 || ports.has(port)) bad.push({ path, detail: `port ${port} is not a free TCP port` });
        ports.add(port);
      }
      if (node['x-retool-pod-options'] !== true) bad.push({ path, detail: 'a Temporal service takes pod options' });
      if (!node.properties?.replicas) bad.push({ path, detail: 'a Temporal service has replicas' });
    }
    if (annotated.length && annotated.filter(([, n]) => n['x-retool-temporal-service']!.service === 'frontend').length !== 1) bad.push({ path: '#/properties/temporal/properties/local', detail: 'exactly one frontend' });
    return bad;
  }],
]);

/** Fails with every broken rule; the generator calls it before emitting anything. */
export function lintSchema(schema: JsonSchema, file: string): void {
  const issues: Issue[] = [];
  for (const [sentence, rule] of SCHEMA_RULES) {
    let broken: ReturnType<Rule>;
    try {
      broken = rule(schema);
    } catch (error) {
      // A rule that cannot even walk the schema (e.g. an unresolvable $ref) is broken too.
      broken = [{ path: '#', detail: (error as Error).message }];
    }
    for (const { path, detail } of broken) issues.push({ file, path, message: detail ? `${sentence}: ${detail}` : sentence });
  }
  if (issues.length) throw new IssuesError(issues, `${file}: the schema breaks ${issues.length} rule(s)`);
}

/** Values properties (the values API, not the rule branches); keys under a sparse override object are left to its baseline. */
function valueProperties(schema: JsonSchema): ValueNode[] {
  const out: ValueNode[] = [];
  const walk = (node: ValueNode) => {
    for (const child of node.children) {
      out.push(child);
      if (!child.sparse) walk(child);
    }
  };
  walk(valuesTree(schema));
  return out;
}

function valueObjects(schema: JsonSchema): ValueNode[] {
  return [valuesTree(schema), ...valueProperties(schema)].filter((node) => node.schema.properties !== undefined);
}

function componentProblems(schema: JsonSchema): Array<{ path: string; detail: string }> {
  const components = schema.properties?.components?.properties ?? {};
  const images = schema.properties?.images?.properties ?? {};
  const keys = Object.keys(components);
  const bad: Array<{ path: string; detail: string }> = [];
  const names = new Set<string>();
  const databaseEdges = Object.values(schema.properties ?? {}).map((node) => node['x-retool-database']?.edge).filter(Boolean);
  for (const [key, node] of Object.entries(components)) {
    const path = `#/properties/components/properties/${key}`;
    const a = node['x-retool-component'] as ComponentAnnotation | undefined;
    if (!isObject(a)) { bad.push({ path, detail: 'missing x-retool-component' }); continue; }
    const problem = (detail: string) => bad.push({ path: `${path}/x-retool-component`, detail });
    if (typeof a.name !== 'string' || !/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/.test(a.name)) problem(`name must be a short DNS label, got ${a.name}`);
    if (names.has(a.name)) problem(`name ${a.name} is used twice`);
    names.add(a.name);
    if (!images[a.image]) problem(`image ${a.image} is not a key of images`);
    const image = images[a.image]?.['x-retool-image'] as ImageAnnotation | undefined;
    if (!isObject(image) || !Array.isArray(image.writablePaths) || typeof image.source !== 'string') problem(`image ${a.image} needs x-retool-image with writablePaths and source`);
    else if (image.writablePaths.some((w) => !w.startsWith('/'))) problem(`image ${a.image} writablePaths must be absolute`);
    if (!Array.isArray(a.ports) || a.ports.length === 0) problem('ports must list at least one port');
    const portNames = new Set<string>();
    for (const port of Array.isArray(a.ports) ? a.ports : []) {
      if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) problem(`port must be a TCP port, got ${port.port}`);
      if (!/^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$/.test(port.name ?? '') || portNames.has(port.name)) problem(`port name ${port.name} must be a unique IANA service name`);
      portNames.add(port.name);
      if (port.env !== undefined && !/^[A-Z][A-Z0-9_]*$/.test(port.env)) problem(`port env ${port.env} must be an UPPER_CASE env name`);
    }
    if (typeof a.probe?.path !== 'string' || !a.probe.path.startsWith('/')) problem('probe.path must be an absolute HTTP path');
    if (!portNames.has(a.probe?.port)) problem(`probe.port ${a.probe?.port} must name one of the ports`);
    if (typeof a.source !== 'string' || a.source.length < 10) problem('source must say where the runtime facts come from');
    if (typeof a.replicable !== 'boolean') problem('replicable must be true or false');
    if (a.replicable !== ('replicas' in (node.properties ?? {}))) problem('a replicas property exists exactly when replicable is true');
    if (Boolean(a.sandboxed) !== ('sandbox' in (node.properties ?? {}))) problem('a sandbox property exists exactly when sandboxed is true');
    if (node['x-retool-pod-options'] !== true) problem('a component takes pod options (x-retool-pod-options: true)');
    if (a.serviceType !== undefined && (!Array.isArray(a.serviceType) || a.serviceType.some((s) => !/^[A-Z_]+$/.test(s)))) problem('serviceType is a list of UPPER_CASE roles');
    if (a.enabledBy !== undefined && valueAtPath(valuesTree(schema), a.enabledBy.split('.'))?.schema.type !== 'boolean') problem(`enabledBy ${a.enabledBy} is not a boolean value`);
    for (const edge of a.edges ?? []) {
      if (!keys.includes(edge) && !databaseEdges.includes(edge) && !(DEPENDENCY_EDGES as readonly string[]).includes(edge)) problem(`unknown edge target ${edge}`);
    }
    if (!Array.isArray(a.edges)) problem('edges must be a list');
  }
  return bad;
}
