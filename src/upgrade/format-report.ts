import type { Issue } from '../issue.js';
import type { UpgradeReport, ValueChange } from './manifest-diff.js';

/** Changed values shown per object; the rest are counted. */
const SHOWN_VALUES = 12;

/** The report as lines for a terminal: one line per object, then refusals and risks indented under it. */
export function formatUpgradeReport(report: UpgradeReport): string {
  const lines: string[] = [];
  for (const c of report.changes) {
    const detail = c.change === 'changed' ? `  ${c.restartsPods ? 'pods restart; ' : ''}${c.fields.slice(0, 6).join(', ')}${c.fields.length > 6 ? ', …' : ''}` : '';
    lines.push(`${c.change.padEnd(8)} ${c.id}${detail}`);
    for (const v of c.values.slice(0, SHOWN_VALUES)) lines.push(`    ${formatValueChange(v)}`);
    if (c.values.length > SHOWN_VALUES) lines.push(`    … ${c.values.length - SHOWN_VALUES} more changed value(s)`);
    for (const r of c.refused) lines.push(`  REFUSED  ${tagged(r)}`);
    for (const r of c.risks) lines.push(`  DATA     ${tagged(r)}`);
  }
  for (const r of report.risks) lines.push(`DATA     ${tagged(r)}`);
  const count = (kind: string) => report.changes.filter((c) => c.change === kind).length;
  const restarts = report.changes.filter((c) => c.restartsPods).map((c) => c.id);
  const refused = report.changes.reduce((n, c) => n + c.refused.length, 0);
  const risks = report.risks.length + report.changes.reduce((n, c) => n + c.risks.length, 0);
  lines.push('');
  lines.push(`${count('created')} created, ${count('deleted')} deleted, ${count('changed')} changed; pods restart in: ${restarts.join(', ') || 'none'}`);
  lines.push(report.safe ? 'safe to upgrade' : `NOT safe to upgrade: ${refused} change(s) Kubernetes refuses, ${risks} data risk(s)`);
  const blocked = report.changes.filter((c) => c.refused.length);
  if (blocked.length) {
    lines.push('', 'to proceed, before helm upgrade (the upgrade creates them again):');
    for (const c of blocked) {
      const [kind, name] = c.id.split('/');
      const stateful = kind === 'StatefulSet' || kind === 'PersistentVolumeClaim';
      lines.push(`  ${stateful ? '# move its data first (README "Migrating from the official chart"), then: ' : ''}kubectl delete ${kind.toLowerCase()} ${name}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A refusal or risk as its message and code, as every issue line ends. */
const tagged = (issue: Issue) => `${issue.message}  [${issue.code}]`;

/** `spec.replicas: 2 → 3`; an added or removed value shows as `(unset)`; a Secret's as `(changed)`. */
export function formatValueChange(v: ValueChange): string {
  if (v.hidden) return `${v.path}: (changed; Secret values are not shown)`;
  return `${v.path}: ${shown(v.before)} → ${shown(v.after)}`;
}

function shown(value: unknown): string {
  if (value === undefined) return '(unset)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
