import { issueAt, IssuesError, type Issue, type IssueCode } from '../issue.js';
import { annotationProblems } from './annotations.js';
import { newestStable, recommendedPatch, type ReleaseFacts } from './releases.js';
import { ANNOTATION_KEYWORDS, SCHEMA_DRAFT, deref, isObject, type ComponentAnnotation, type JsonSchema } from './json-schema.js';
import { visit } from './visit.js';
import { valueAtPath, valuesTree, type ValueNode } from './values-tree.js';

type Rule = (schema: JsonSchema) => Array<{ path: string; detail?: string }>;

/**
 * The house rules of the source schema, each with its issue code and the sentence that states it (the
 * sentence is the error text). Run on the expanded schema (pod options already copied in).
 */
export const SCHEMA_RULES: ReadonlyArray<readonly [IssueCode, string, Rule]> = [
  ['lint.draft', 'the schema is draft-07', (schema) => (schema.$schema === SCHEMA_DRAFT ? [] : [{ path: '#/$schema' }])],

  ['lint.global', 'global is declared at the root (Helm injects it)', (schema) =>
    (schema.properties?.global ? [] : [{ path: '#/properties' }])],

  ['lint.ref-target', 'every $ref points into #/definitions', (schema) => {
    const bad: Array<{ path: string; detail: string }> = [];
    visit(schema, (node, path) => {
      if (node.$ref !== undefined && !/^#\/definitions\/[^/]+(\/properties\/[^/]+)*$/.test(node.$ref)) bad.push({ path, detail: node.$ref });
    });
    return bad;
  }],

  ['lint.ref-siblings', 'only annotations stand beside $ref (draft-07 ignores the rest)', (schema) => {
    const bad: Array<{ path: string; detail: string }> = [];
    visit(schema, (node, path) => {
      if (node.$ref === undefined) return;
      const extra = Object.keys(node).filter((k) => k !== '$ref' && !ANNOTATION_KEYWORDS.has(k) && !k.startsWith('x-retool-'));
      if (extra.length) bad.push({ path, detail: extra.join(', ') });
    });
    return bad;
  }],

  ['lint.description', 'every property has a description', (schema) =>
    valueProperties(schema).filter((node) => !node.schema.description).map(({ pointer }) => ({ path: pointer }))],

  ['lint.closed-objects', 'every object with properties is closed (additionalProperties: false)', (schema) =>
    valueObjects(schema).filter((node) => node.schema.additionalProperties !== false).map(({ pointer }) => ({ path: pointer }))],

  ['lint.defaults', 'every leaf has a default or is required', (schema) => valueObjects(schema)
    .filter((parent) => !parent.sparse)
    .flatMap((parent) => parent.children)
    .filter((child) => !(child.schema.properties && child.schema.default === undefined) && child.schema.default === undefined && !child.required)
    .map(({ pointer }) => ({ path: pointer }))],

  // validate, Helm's users and the editor read the words; a raw regular expression explains nothing.
  ['lint.pattern-words', 'every pattern says in words what it accepts (patternErrorMessage)', (schema) => {
    const bad: Array<{ path: string }> = [];
    visit(schema, (node, path) => {
      if (typeof node.pattern === 'string' && typeof node.patternErrorMessage !== 'string') bad.push({ path });
    });
    return bad;
  }],

  ['lint.annotations', 'annotations match schema/annotations.schema.json', (schema) => annotationProblems(schema)],

  ['lint.components', 'component annotations are consistent', (schema) => componentProblems(schema)],

  ['lint.routes', 'exactly one component is routed at / and no path is routed twice', (schema) => {
    const routes = Object.entries(schema.properties?.components?.properties ?? {})
      .flatMap(([key, node]) => ((node['x-retool-component'] as ComponentAnnotation | undefined)?.routes ?? []).map((r) => ({ key, path: `${r.pathType ?? 'Prefix'} ${r.path}` })));
    const bad: Array<{ path: string; detail?: string }> = [];
    if (routes.filter((r) => r.path === 'Prefix /').length !== 1) bad.push({ path: '#/properties/components', detail: `routed at /: ${routes.filter((r) => r.path === 'Prefix /').map((r) => r.key).join(', ') || 'none'}` });
    const seen = new Set<string>();
    for (const r of routes) {
      if (seen.has(r.path)) bad.push({ path: `#/properties/components/properties/${r.key}/x-retool-component/routes`, detail: `${r.path} is routed twice` });
      seen.add(r.path);
    }
    return bad;
  }],

  ['lint.edge-kinds', 'edge kinds name values that exist and no component or database', (schema) => edgeKindProblems(schema)],

  // The default follows the release table, so bumping Retool is one edit there (and this rule says which).
  ['lint.retool-version', 'the default retool.version is the newest stable line\'s newest known patch (x-retool-releases)', (schema) => {
    const facts = schema['x-retool-releases'] as ReleaseFacts | undefined;
    if (!facts) return [{ path: '#', detail: 'x-retool-releases is missing' }];
    const want = recommendedPatch(newestStable(facts));
    const got = schema.properties?.retool?.properties?.version?.default;
    return got === want ? [] : [{ path: '#/properties/retool/properties/version/default', detail: `is ${JSON.stringify(got)}, the newest stable line's newest patch is ${want}` }];
  }],

  ['lint.databases', 'database annotations are complete and unique', (schema) => {
    const bad: Array<{ path: string; detail?: string }> = [];
    const seen = new Set<string>();
    for (const [key, node] of Object.entries(schema.properties ?? {})) {
      const a = node['x-retool-database'];
      if (!a) continue;
      const path = `#/properties/${key}/x-retool-database`;
      const modes = deref(schema, node.properties?.mode ?? {}).enum ?? [];
      if (!modes.includes('embedded') || !node.properties?.embedded || !node.properties?.external) bad.push({ path, detail: 'a database has mode (with embedded), embedded and external' });
      for (const unique of [`name:${a.name}`, `edge:${a.edge}`, `key:${a.passwordKey}`, `env:${a.envPrefix}`]) {
        if (seen.has(unique)) bad.push({ path, detail: `${unique} is used twice` });
        seen.add(unique);
      }
    }
    return bad;
  }],

  ['lint.temporal-services', 'Temporal services have free ports, pod options and replicas, and exactly one is the frontend', (schema) => {
    const local = schema.properties?.temporal?.properties?.local?.properties ?? {};
    const annotated = Object.entries(local).filter(([, node]) => node['x-retool-temporal-service']);
    const bad: Array<{ path: string; detail?: string }> = [];
    const ports = new Set<number>();
    for (const [key, node] of annotated) {
      const a = node['x-retool-temporal-service']!;
      const path = `#/properties/temporal/properties/local/properties/${key}/x-retool-temporal-service`;
      for (const port of [a.grpcPort, a.membershipPort]) {
        if (ports.has(port)) bad.push({ path, detail: `port ${port} is used twice` });
        ports.add(port);
      }
      if (node['x-retool-pod-options'] !== true) bad.push({ path, detail: 'a Temporal service takes pod options' });
      if (!node.properties?.replicas) bad.push({ path, detail: 'a Temporal service has replicas' });
    }
    if (annotated.length && annotated.filter(([, n]) => n['x-retool-temporal-service']!.service === 'frontend').length !== 1) bad.push({ path: '#/properties/temporal/properties/local', detail: 'exactly one frontend' });
    return bad;
  }],
];

/** Fails with every broken rule; the generator calls it before emitting anything. */
export function lintSchema(schema: JsonSchema, file: string): void {
  const issues: Issue[] = [];
  for (const [code, sentence, rule] of SCHEMA_RULES) {
    let broken: ReturnType<Rule>;
    try {
      broken = rule(schema);
    } catch (error) {
      // A rule that cannot even walk the schema (e.g. an unresolvable $ref) is broken too.
      broken = [{ path: '#', detail: (error as Error).message }];
    }
    for (const { path, detail } of broken) issues.push(issueAt(code, { path, pointer: path.replace(/^#/, '') }, detail ? `${sentence}: ${detail}` : sentence, { file }));
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

/**
 * What the annotation schema cannot say of a component: its cross-references (image, probe port, edge targets,
 * enabledBy) and the values its annotation implies (replicas, sandbox, pod options). Shapes are the annotation
 * schema's (annotationProblems); a component without a well-formed annotation is reported there, not here.
 */
function componentProblems(schema: JsonSchema): Array<{ path: string; detail: string }> {
  const components = schema.properties?.components?.properties ?? {};
  const images = schema.properties?.images?.properties ?? {};
  const targets = edgeTargets(schema);
  const bad: Array<{ path: string; detail: string }> = [];
  const names = new Set<string>();
  for (const [key, node] of Object.entries(components)) {
    const path = `#/properties/components/properties/${key}`;
    const a = node['x-retool-component'] as ComponentAnnotation | undefined;
    if (!isObject(a)) { bad.push({ path, detail: 'missing x-retool-component' }); continue; }
    const problem = (detail: string) => bad.push({ path: `${path}/x-retool-component`, detail });
    if (names.has(a.name)) problem(`name ${a.name} is used twice`);
    names.add(a.name);
    if (!images[a.image]) problem(`image ${a.image} is not a key of images`);
    else if (!isObject(images[a.image]['x-retool-image'])) problem(`image ${a.image} has no x-retool-image (start, env, writable paths and their source)`);
    const portNames = (a.ports ?? []).map((p) => p.name);
    if (new Set(portNames).size !== portNames.length) problem(`port names must be unique, got ${portNames.join(', ')}`);
    if (a.probe && !portNames.includes(a.probe.port)) problem(`probe.port ${a.probe.port} must name one of the ports`);
    if (a.callerEnv?.via !== undefined && !portNames.includes(a.callerEnv.via)) problem(`callerEnv via ${a.callerEnv.via} must name one of the ports`);
    const whileOn = Object.entries(a.envWhileOn ?? {});
    for (const [key] of whileOn) {
      if (!components[key]) problem(`envWhileOn ${key} is not a component`);
      else if (!components[key]['x-retool-component']?.enabledBy) problem(`envWhileOn ${key}: that component is always on (no enabledBy); put the env in env`);
    }
    for (const [name, secret] of [...Object.entries(a.secretEnv ?? {}), ...Object.entries(a.callerEnv?.secretEnv ?? {}), ...whileOn.flatMap(([, e]) => Object.entries(e.secretEnv ?? {}))]) {
      if (!valueAtPath(valuesTree(schema), secret.value.split('.'))) problem(`secretEnv ${name}: ${secret.value} is not a values path`);
    }
    if (a.retoolEnv === false && images[a.image]?.['x-retool-image']?.retoolEnv !== true) problem('retoolEnv: false declines what a retoolEnv image gives; this image gives nothing to decline');
    if (a.callerEnv && !a.enabledBy) problem('a component that hands env to its callers is switched on by a value (enabledBy)');
    if (a.kubernetesApi && !(a.edges ?? []).includes('kubernetesApi')) problem('a component with kubernetesApi rules has the kubernetesApi edge');
    if (a.replicable !== ('replicas' in (node.properties ?? {}))) problem('a replicas property exists exactly when replicable is true');
    if (Boolean(a.sandboxed) !== ('sandbox' in (node.properties ?? {}))) problem('a sandbox property exists exactly when sandboxed is true');
    if (node['x-retool-pod-options'] !== true) problem('a component takes pod options (x-retool-pod-options: true)');
    if (a.enabledBy !== undefined && valueAtPath(valuesTree(schema), a.enabledBy.split('.'))?.schema.type !== 'boolean') problem(`enabledBy ${a.enabledBy} is not a boolean value`);
    for (const e of a.takesOver?.env ?? []) if (!portNames.includes(e.via)) problem(`takesOver env ${e.host} via ${e.via} must name one of the ports`);
    if (a.takesOver?.env.some((e) => e.javaOnly) && !node.properties?.javaDbConnector) problem('takesOver env javaOnly needs a javaDbConnector value');
    if (a.takesOver && !a.enabledBy) problem('a component that takes roles over is switched on by a value (enabledBy)');
    if (a.enabledOverride !== undefined) {
      const override = valueAtPath(valuesTree(schema), a.enabledOverride.split('.'))?.schema;
      if (!a.enabledBy) problem('enabledOverride overrides enabledBy, which is missing');
      else if (JSON.stringify(override?.enum) !== '[null,false]') problem(`enabledOverride ${a.enabledOverride} must be a value that takes null or false only (enum [null, false])`);
    }
    for (const edge of a.edges ?? []) if (!targets.has(edge)) problem(`unknown edge target ${edge} (not a component, a database edge or an x-retool-edge-kinds key)`);
    for (const key of Object.keys(a.discover ?? {})) if (!components[key] || !(a.edges ?? []).includes(key)) problem(`discover ${key} is not a component it has an edge to`);
    const scratch = new Set((a.scratch ?? []).map((d) => d.path));
    for (const m of (a.init ?? []).flatMap((i) => i.mounts)) if (!scratch.has(m.scratch)) problem(`init mount ${m.scratch} is none of its scratch directories`);
    if (a.jobTemplate && (a.replicable || (a.routes ?? []).length || a.callerEnv)) problem('a job template\'s pods are created by a controller: not replicable, no routes, no callerEnv');
    for (const r of a.addsRoles ?? []) {
      if (r.enabledOverride !== undefined && JSON.stringify(valueAtPath(valuesTree(schema), r.enabledOverride.split('.'))?.schema.enum) !== '[null,false]') problem(`addsRoles enabledOverride ${r.enabledOverride} must be a value that takes null or false only`);
    }
  }
  return bad;
}

/** Every name a component may list in `edges`: component keys, database edges, edge kinds. */
export function edgeTargets(schema: JsonSchema): Set<string> {
  return new Set([
    ...Object.keys(schema.properties?.components?.properties ?? {}),
    ...Object.values(schema.properties ?? {}).map((node) => node['x-retool-database']?.edge).filter((e): e is string => Boolean(e)),
    ...Object.keys(schema['x-retool-edge-kinds'] ?? {}),
  ]);
}

function edgeKindProblems(schema: JsonSchema): Array<{ path: string; detail: string }> {
  const bad: Array<{ path: string; detail: string }> = [];
  const components = new Set(Object.keys(schema.properties?.components?.properties ?? {}));
  const databases = new Set(Object.values(schema.properties ?? {}).map((node) => node['x-retool-database']?.edge));
  for (const [name, kind] of Object.entries(schema['x-retool-edge-kinds'] ?? {})) {
    const path = `#/x-retool-edge-kinds/${name}`;
    if (components.has(name) || databases.has(name)) bad.push({ path, detail: `${name} is also a component or a database edge` });
    const peers = 'peers' in kind.egress ? kind.egress.peers : undefined;
    if (peers !== undefined && valueAtPath(valuesTree(schema), peers.split('.'))?.schema.type !== 'array') bad.push({ path: `${path}/egress/peers`, detail: `${peers} is not a list value` });
  }
  return bad;
}
