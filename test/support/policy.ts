import yaml from 'js-yaml';
import {
  DefaultPluginLoader,
  DisabledFixer,
  MonokleValidator,
  ResourceParser,
  SchemaLoader,
  processRefs,
  type PluginLoader,
  type Resource,
  type ValidationResult,
} from '@monokle/validation';

/**
 * Offline policy checks with @monokle/validation: only the `practices` (KBP*) and
 * `pod-security-standards` (PSS*) plugins, both pure in-process rule sets. No other plugin can be
 * loaded: kubernetes-schema (fetches JSON schemas from plugins.monokle.com), open-policy-agent
 * (fetches its WASM policy bundle), resource-links, yaml-syntax, metadata, admission-policy and
 * remote "community" plugins. The loader below refuses any name not in POLICY_PLUGINS and wraps a
 * DefaultPluginLoader, which has no remote fallback (the RemotePluginLoader that
 * createDefaultMonokleValidator() uses downloads unknown plugin names from plugins.monokle.com).
 * createDefaultMonokleValidator() is avoided for the same reason: it preloads kubernetes-schema,
 * yaml-syntax and resource-links as soon as it is constructed.
 */
export const POLICY_PLUGINS = ['practices', 'pod-security-standards'] as const;

export interface Finding {
  /** Rule id, e.g. PSS103 or KBP102. */
  rule: string;
  /** Rule name, e.g. privileged-containers. */
  ruleName?: string;
  /** `Kind/metadata.name` of the offending object. */
  object: string;
  /** Dotted path inside the object, e.g. spec.template.spec.containers.0.securityContext.privileged. */
  path?: string;
  /** Name of the container the path points into, when it points into one. */
  container?: string;
  message: string;
  /** SARIF level: warning or error. */
  level: string;
}

/** Refuses everything except the two offline plugins. */
class OfflinePluginLoader implements PluginLoader {
  private readonly core = new DefaultPluginLoader();

  load(plugin: string, ctx: Parameters<PluginLoader['load']>[1], settings?: Record<string, any>) {
    if (!(POLICY_PLUGINS as readonly string[]).includes(plugin)) {
      throw new Error(`plugin ${plugin} is not allowed offline (allowed: ${POLICY_PLUGINS.join(', ')})`);
    }
    return this.core.load(plugin, ctx, settings);
  }
}

/** Only the kubernetes-schema plugin uses a SchemaLoader, and it is never loaded; fail loudly if that changes. */
class NoSchemaLoader extends SchemaLoader {
  override getResourceSchema(): never {
    throw new Error('offline: Kubernetes JSON schemas are not available');
  }
  override getFullSchema(): never {
    throw new Error('offline: Kubernetes JSON schemas are not available');
  }
}

/**
 * Every rule of both plugins, on. Monokle's defaults leave the PSS "restricted" profile
 * (PSS201-PSS206: volume types, allowPrivilegeEscalation, runAsNonRoot, runAsUser != 0, seccomp,
 * capabilities drop ALL) and several practices (KBP002-005 requests/limits, KBP106, KBP110-116)
 * off; this suite holds the chart to all of them, and accepted findings live in
 * test/policy-exceptions.ts only.
 */
async function createValidator(parser: ResourceParser): Promise<MonokleValidator> {
  const validator = new MonokleValidator({
    loader: new OfflinePluginLoader(),
    parser,
    // No annotation or fingerprint suppressors: accepted findings live in test/policy-exceptions.ts only.
    suppressors: [],
    fixer: new DisabledFixer(),
    schemaLoader: new NoSchemaLoader(),
  });
  const plugins = Object.fromEntries(POLICY_PLUGINS.map((p) => [p, true]));
  // debug makes monokle report rule crashes and failed plugins (otherwise swallowed); see guarded().
  const settings = { debug: true, noInSourceSuppressions: true, noExternalSuppressions: true };
  await validator.preload({ plugins, settings });
  const rules = Object.fromEntries(
    Object.entries(validator.rules).flatMap(([plugin, list]) => list.map((r) => [`${plugin}/${r.name}`, true] as const)),
  );
  await validator.preload({ plugins, rules, settings });

  const loaded = validator.getPlugins().map((p) => p.metadata.name).sort();
  if (validator.getFailedPlugins().length > 0 || loaded.join() !== [...POLICY_PLUGINS].sort().join()) {
    throw new Error(`monokle loaded [${loaded.join(', ')}], failed [${validator.getFailedPlugins().join(', ')}]`);
  }
  const disabled = Object.values(validator.rules).flat().filter((r) => !r.configuration.enabled);
  if (disabled.length > 0) throw new Error(`rules not enabled: ${disabled.map((r) => r.id).join(', ')}`);
  return validator;
}

/**
 * Runs fn while collecting monokle's debug diagnostics ("rule_failed", "[validator] ..." and
 * "[validation] skipped failed tool extension"), and throws if there were any: a crashing rule must
 * fail the suite instead of silently reporting nothing.
 */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  const problems: string[] = [];
  const { error, debug } = console;
  const capture = (original: (...args: any[]) => void) => (...args: any[]) => {
    const head = String(args[0] ?? '');
    if (head === 'rule_failed' || head.startsWith('[validator]') || head.startsWith('[validation]')) {
      problems.push(args.map((a) => (a instanceof Error ? a.stack : typeof a === 'string' ? a : JSON.stringify(a, errorReplacer))).join(' '));
    } else {
      original(...args);
    }
  };
  console.error = capture(error);
  console.debug = capture(debug);
  try {
    const result = await fn();
    if (problems.length > 0) throw new Error(`monokle validation did not run cleanly:\n${problems.join('\n')}`);
    return result;
  } finally {
    console.error = error;
    console.debug = debug;
  }
}

function errorReplacer(_key: string, value: unknown) {
  return value instanceof Error ? { message: value.message, stack: value.stack } : value;
}

/**
 * Splits a multi-document YAML text (e.g. `helm template` output) into monokle Resources.
 * Each resource keeps its own text (monokle re-parses it for locations) and its line offset in the file.
 */
export function toResources(manifestsYaml: string, fileName: string): Resource[] {
  const resources: Resource[] = [];
  const lines = manifestsYaml.split('\n');
  let start = 0;
  const flush = (end: number) => {
    const text = lines.slice(start, end).join('\n');
    const content = yaml.load(text) as any;
    if (content !== null && content !== undefined) {
      if (typeof content !== 'object' || typeof content.kind !== 'string' || typeof content.apiVersion !== 'string' || typeof content.metadata?.name !== 'string') {
        throw new Error(`${fileName}:${start + 1}: document is not a Kubernetes object`);
      }
      resources.push({
        id: `${fileName}#${resources.length}`,
        fileId: fileName,
        filePath: fileName,
        fileOffset: start,
        name: content.metadata.name,
        apiVersion: content.apiVersion,
        kind: content.kind,
        namespace: content.metadata.namespace,
        content,
        text,
      });
    }
  };
  lines.forEach((line, i) => {
    if (/^---(\s|$)/.test(line)) {
      flush(i);
      start = i + 1;
    }
  });
  flush(lines.length);
  return resources;
}

function toFinding(result: ValidationResult, byId: Map<string, Resource>): Finding {
  const resourceLocation = result.locations.find((l) => l.physicalLocation?.artifactLocation.uriBaseId === 'RESOURCE');
  const resource = byId.get(resourceLocation?.physicalLocation?.artifactLocation.uri ?? '');
  if (!resource) throw new Error(`monokle result ${result.ruleId} has no resource location`);
  const path = resourceLocation?.logicalLocations?.find((l) => l.kind === 'element')?.fullyQualifiedName;
  return {
    rule: result.ruleId,
    ruleName: ruleNames.get(result.ruleId),
    object: `${resource.kind}/${resource.name}`,
    path,
    container: path ? containerAt(resource.content, path) : undefined,
    message: result.message.text,
    level: result.level ?? 'warning',
  };
}

function containerAt(content: any, path: string): string | undefined {
  const m = /^(.*\.(?:initContainers|containers|ephemeralContainers)\.\d+)(\.|$)/.exec(path);
  if (!m) return undefined;
  const container = m[1].split('.').reduce((node, key) => node?.[key], content);
  return typeof container?.name === 'string' ? container.name : undefined;
}

const ruleNames = new Map<string, string>();

export interface PolicyRun {
  findings: Finding[];
  /** Number of Kubernetes objects validated. */
  objects: number;
  /** Ids of all rules that were enabled. */
  rules: string[];
}

/** Validates the manifests offline and returns findings plus what was checked. */
export async function policyRun(manifestsYaml: string, fileName: string): Promise<PolicyRun> {
  const resources = toResources(manifestsYaml, fileName);
  // A fresh validator per run: monokle caches parsed documents by resource id.
  const parser = new ResourceParser();
  // Monokle also caches reference nodes per resource id in a module-wide map; start clean.
  parser.clear();
  const validator = await guarded(() => createValidator(parser));
  for (const rule of Object.values(validator.rules).flat()) ruleNames.set(rule.id, rule.name);
  // Local reference graph (no plugin, no I/O) so rules using related objects (KBP106 reads
  // the pod's ServiceAccount) see them.
  processRefs(resources, parser);
  const response = await guarded(() => validator.validate({ resources }));
  const byId = new Map(resources.map((r) => [r.id, r]));
  const results = response.runs.flatMap((run) => run.results);
  const findings = results.map((r) => toFinding(r, byId));
  const order = (f: Finding) => `${f.object}\u0000${f.rule}\u0000${f.path ?? ''}`;
  findings.sort((a, b) => order(a).localeCompare(order(b)));
  return { findings, objects: resources.length, rules: Object.values(validator.rules).flat().map((r) => r.id).sort() };
}

/** Findings of the offline practices + pod-security-standards rules for the manifests. */
export async function policyFindings(manifestsYaml: string, fileName: string): Promise<Finding[]> {
  return (await policyRun(manifestsYaml, fileName)).findings;
}

export function formatFinding(f: Finding): string {
  const where = f.container ? ` container ${f.container}` : '';
  return `${f.rule}${f.ruleName ? ` (${f.ruleName})` : ''} ${f.object}${where}: ${f.message}${f.path ? ` [${f.path}]` : ''}`;
}
