import type { ChartModel } from '../model/chart-model.js';
import { probeLabel } from '../model/topology.js';

export const CLI_REFERENCE_START = '<!-- cli-reference:start (generated from src/cli/specs.ts by npm run generate; do not edit) -->';
export const CLI_REFERENCE_END = '<!-- cli-reference:end -->';

/** The project README with its CLI reference section regenerated from the same option specs as `--help`. */
export function withCliReference(readme: string, reference: string): string {
  const start = readme.indexOf(CLI_REFERENCE_START);
  const end = readme.indexOf(CLI_REFERENCE_END);
  if (start === -1 || end < start) throw new Error(`README.md lacks the CLI reference markers ${CLI_REFERENCE_START} ... ${CLI_REFERENCE_END}`);
  return `${readme.slice(0, start + CLI_REFERENCE_START.length)}\n${reference}\n${readme.slice(end)}`;
}

export const COMPONENTS_START = '<!-- components:start (generated from schema/retool.schema.json by npm run generate; do not edit) -->';
export const COMPONENTS_END = '<!-- components:end -->';

/** The project README with its component table regenerated from the chart model (one row per x-retool-component). */
export function withComponentTable(readme: string, model: ChartModel): string {
  const start = readme.indexOf(COMPONENTS_START);
  const end = readme.indexOf(COMPONENTS_END);
  if (start === -1 || end < start) throw new Error(`README.md lacks the component table markers ${COMPONENTS_START} ... ${COMPONENTS_END}`);
  const code = (text: string) => `\`${text}\``;
  const rows = model.components.map((c) => [
    code(c.name),
    code(`components.${c.key}`),
    c.enabledBy ? code(c.enabledBy) : 'always',
    code(c.image),
    c.serviceType.length ? code(c.serviceType.join(',')) : '—',
    c.ports.map((p) => `${p.port} (${p.name})`).join(', '),
    probeLabel(c),
    c.replicable ? 'yes (PDB, HPA)' : 'no: one pod, Recreate',
  ].join(' | '));
  const table = [
    '| container | values | switched on by | image | SERVICE_TYPE | ports | health | replicas |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
  return `${readme.slice(0, start + COMPONENTS_START.length)}\n${table}\n${readme.slice(end)}`;
}
