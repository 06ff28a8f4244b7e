import type { UpgradeReport } from './manifest-diff.js';

/** The report as lines for a terminal: one line per object, then refusals and risks indented under it. */
export function formatUpgradeReport(report: UpgradeReport): string {
  const lines: string[] = [];
  for (const c of report.changes) {
    const detail = c.change === 'changed' ? `  ${c.restartsPods ? 'pods restart; ' : ''}${c.fields.slice(0, 6).join(', ')}${c.fields.length > 6 ? ', …' : ''}` : '';
    lines.push(`${c.change.padEnd(8)} ${c.id}${detail}`);
    for (const r of c.refused) lines.push(`  REFUSED  ${r}`);
    for (const r of c.risks) lines.push(`  DATA     ${r}`);
  }
  for (const r of report.risks) lines.push(`DATA     ${r}`);
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
