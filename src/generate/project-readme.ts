import { ISSUE_CODES } from '../issue-codes.js';
import type { ChartModel } from '../model/chart-model.js';
import { probeLabel } from '../model/topology.js';

/** `readme` with the text between the markers `start` and `end` replaced by `body`. */
function withSection(readme: string, start: string, end: string, body: string, what: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md lacks the ${what} markers ${start} ... ${end}`);
  return `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`;
}

export const CLI_REFERENCE_START = '<!-- cli-reference:start (generated from src/cli/specs.ts by npm run generate; do not edit) -->';
export const CLI_REFERENCE_END = '<!-- cli-reference:end -->';

/** The project README with its CLI reference section regenerated from the same option specs as `--help`. */
export function withCliReference(readme: string, reference: string): string {
  return withSection(readme, CLI_REFERENCE_START, CLI_REFERENCE_END, reference, 'CLI reference');
}

export const COMPONENTS_START = '<!-- components:start (generated from schema/retool.schema.json by npm run generate; do not edit) -->';
export const COMPONENTS_END = '<!-- components:end -->';

/** The project README with its component table regenerated from the chart model (one row per x-retool-component). */
export function withComponentTable(readme: string, model: ChartModel): string {
  const code = (text: string) => `\`${text}\``;
  const rows = model.components.map((c) => [
    code(c.name),
    code(`components.${c.key}`),
    c.enabledBy ? `${code(c.enabledBy)}${c.enabledOverride ? ` (off with ${code(`${c.enabledOverride}: false`)})` : ''}` : 'always',
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
  return withSection(readme, COMPONENTS_START, COMPONENTS_END, table, 'component table');
}

export const ISSUE_CODES_START = '<!-- issue-codes:start (generated from src/issue-codes.ts by npm run generate; do not edit) -->';
export const ISSUE_CODES_END = '<!-- issue-codes:end -->';

/** The project README with its table of issue codes regenerated from src/issue-codes.ts. */
export function withIssueCodeTable(readme: string): string {
  const rows = Object.entries(ISSUE_CODES).map(([code, { severity, summary }]) => `| \`${code}\` | ${severity} | ${summary.replace(/\|/g, '\\|')} |`);
  const table = ['| code | severity (at most) | meaning |', '|---|---|---|', ...rows].join('\n');
  return withSection(readme, ISSUE_CODES_START, ISSUE_CODES_END, table, 'issue code table');
}
