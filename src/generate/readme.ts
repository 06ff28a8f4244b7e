import { deref, isObject, type JsonSchema } from '../schema/json-schema.js';
import { visit } from '../schema/visit.js';
import { keyOf, valuesTree, type ValueNode } from '../schema/values-tree.js';
import type { ChartModel } from '../model/chart-model.js';
import { ruleReason } from '../schema/rules.js';
import { GENERATED_BANNER } from './banner.js';
import { EDITOR_SCHEMA_FILE } from './editor-schema.js';
import { runtimeSection } from './runtime-doc.js';
import { describeDeployment, formatDeploymentMermaid } from '../model/deployment.js';

/** charts/retool/README.md: what the chart deploys and a table of every value, all from the schema. */
export function emitChartReadme(model: ChartModel): string {
  const rows = leafRows(model.schema, valuesTree(model.schema), model.defaults);
  const components = model.components.map((c) =>
    `| \`${c.key}\` | ${c.name} | \`${c.image}\` | ${c.serviceType.length ? `\`${c.serviceType.join(',')}\`` : '—'} | ${c.ports.map((p) => p.port).join(', ')} | ${c.replicable ? 'yes' : 'no, always 1 (Recreate)'} | ${c.enabledBy ? `\`${c.enabledBy}\`` : 'always'} |`);
  const rules: string[] = [];
  visit(model.schema, (node) => {
    for (const rule of node.allOf ?? []) {
      const reason = ruleReason(rule);
      if (reason) rules.push(`- ${reason}`);
    }
  });
  return [
    `<!-- ${GENERATED_BANNER} -->`,
    '# retool',
    '',
    `Self-hosted Retool ${model.appVersion} on Kubernetes. Chart version ${model.chartVersion}.`,
    '',
    'Every value is checked by `values.schema.json`: Helm refuses unknown keys, wrong types and the',
    'cross-field rules below before anything reaches the cluster. Secrets are given either as a string',
    '(stored in the chart\'s Secret) or as `{secretKeyRef: {name, key}}` (an existing Secret).',
    '',
    '```sh',
    'helm install retool ./charts/retool -f my-values.yaml',
    '```',
    '',
    `Editors: start your values file with \`# yaml-language-server: $schema=<path to this chart>/${EDITOR_SCHEMA_FILE}\`.`,
    'That schema checks the file as you write it (keys you leave out count as their defaults) with the same',
    'rules and the reasons below, and documents every value on hover.',
    '',
    '## Workloads',
    '',
    '| values key | name | image | SERVICE_TYPE | ports | replicable | enabled by |',
    '|---|---|---|---|---|---|---|',
    ...components,
    '',
    ...runtimeSection(model),
    '## Default topology',
    '',
    'What the chart defaults deploy (`retool-chart explain -f values.yaml --format mermaid` draws yours):',
    '',
    '```mermaid',
    formatDeploymentMermaid(describeDeployment(model, model.defaults)).trimEnd(),
    '```',
    '',
    '## Cross-field rules',
    '',
    ...rules,
    '',
    '## Values',
    '',
    '| Key | Type | Default | Description |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.key}\` | ${r.type} | ${r.default} | ${r.description} |`),
    '',
  ].join('\n');
}

interface Row { key: string; type: string; default: string; description: string }

/** One row per leaf of the values tree (an object with its own default is one leaf). */
function leafRows(root: JsonSchema, node: ValueNode, defaults: unknown): Row[] {
  const rows: Row[] = [];
  for (const child of node.children) {
    const resolved = child.schema;
    const value = isObject(defaults) ? defaults[keyOf(child)] : undefined;
    if (resolved.properties && resolved.default === undefined) {
      rows.push(...leafRows(root, child, value));
      continue;
    }
    const enumText = resolved.enum ? ` One of: ${resolved.enum.map((e) => `\`${String(e)}\``).join(', ')}.` : '';
    rows.push({
      key: child.path.join('.'),
      type: typeName(root, resolved),
      default: child.required && value === undefined ? '**required**' : `\`${JSON.stringify(value)}\``,
      description: `${resolved.description ?? ''}${enumText}`.replace(/\|/g, '\\|'),
    });
  }
  return rows;
}

function typeName(root: JsonSchema, node: JsonSchema): string {
  if (node.title) return node.title;
  if (node.oneOf) return node.oneOf.map((b) => typeName(root, deref(root, b))).join(' \\| ');
  const type = Array.isArray(node.type) ? node.type.join(' \\| ') : node.type ?? 'any';
  return type === 'array' && node.items ? `${typeName(root, deref(root, node.items))}[]` : type;
}
